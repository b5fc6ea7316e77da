"""Keys typed while a document or dialog loads are never lost nor applied to what is being
replaced (issue 15): `ctrl+o`, an id and Enter typed at once open that document, and a key
typed while it opens acts on it, in the order typed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.dialogs.document_browser import DocumentBrowser
from tests.tui.helpers import settle, wait_until

SIZE = (100, 30)
SLOW = 0.4  # seconds each load takes here: every key below arrives while one runs


@pytest.fixture
def imported(mini_root: Path) -> Path:
    with Project.open(mini_root) as project:
        project.import_files()
    return mini_root


def slow_loads(app: CoderApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the project's document loads slow, as on a busy shared server."""
    project = app.project
    for name in ("documents", "document"):
        original = getattr(project, name)

        def slow(*args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            time.sleep(SLOW)
            return _original(*args, **kwargs)

        monkeypatch.setattr(project, name, slow)


async def test_ctrl_o_an_id_and_enter_typed_at_once_open_that_document(imported, monkeypatch):
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.document.info.id == "int01"
        slow_loads(pilot.app, monkeypatch)

        await pilot.press("ctrl+o", "c", "0", "2", "enter")
        assert not isinstance(pilot.app.screen, DocumentBrowser)  # the browser is loading
        # `]` typed while the browser loads too: it must wait for Enter to close the browser
        # (sent at once, it reached the search before Enter's binding ran: "c02]").
        await pilot.press("right_square_bracket")
        await wait_until(
            pilot, lambda: screen.document.info.id == "c02" and screen.view.selection is not None
        )

        assert pilot.app.screen is screen
        view = screen.view
        first_sentence = view.finder.next("sentence", -1)
        assert view.selection == first_sentence  # `]` acted on c02, not on int01


async def test_a_code_key_typed_while_a_document_opens_is_not_applied_to_the_old_one(
    imported, monkeypatch
):
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await pilot.press("right_square_bracket")  # a selection in int01
        slow_loads(pilot.app, monkeypatch)
        screen.open_document("c02")
        await pilot.press("r")  # int01's selection must not be coded: c02 is opening
        await settle(pilot)
        await pilot.pause(SLOW)
        await settle(pilot)
        assert screen.document.info.id == "c02"
        assert "Select some text first" in str(screen.query_one("#status-line").render()) or (
            not screen.project.codings(coder="lena")
        )
    with Project.open(imported) as project:
        assert [c.document_id for c in project.codings()] == []
