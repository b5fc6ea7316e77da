"""The workbench never codes stale text (issue 21, item 1).

Another process re-imports the open document (the normal team workflow): a hotkey pressed
on the old text saves nothing and reloads, the selection following the text; and without a
keypress the workbench notices the new version by itself and reloads. On both backends.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens import coding as coding_screen
from tests.test_stale_text import NEW_OPENING, PASSAGE, insert_paragraph
from tests.tui.helpers import settle

SIZE = (100, 30)


def import_in_another_process(root: Path, db_url: str | None) -> None:
    command = [sys.executable, "-m", "hrd_coder", "--project", str(root)]
    command += ["--db", db_url] if db_url else []
    done = subprocess.run([*command, "import"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def stored(root: Path, db_url: str | None) -> list:
    with Project.open(root, db_url) as project:
        return project.codings()


@pytest.fixture
def imported(mini_root: Path, db_url: str | None) -> tuple[Path, str | None]:
    with Project.open(mini_root, db_url) as project:
        project.import_files()
    return mini_root, db_url


async def select_passage(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    view = pilot.app.screen.view
    await pilot.press("right_square_bracket", "right_square_bracket")
    assert view.text[slice(*view.selection)] == PASSAGE


async def test_a_code_pressed_on_old_text_saves_nothing_and_reloads(imported, monkeypatch):
    root, db_url = imported
    monkeypatch.setattr(coding_screen, "VERSION_POLL_SECONDS", 3600)  # the keypress comes first
    app = CoderApp(root, db_url, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await select_passage(pilot)
        insert_paragraph(root)
        import_in_another_process(root, db_url)

        await pilot.press("r")
        await settle(pilot)
        screen = pilot.app.screen
        status = str(screen.query_one("#status-line").render())
        assert status.startswith("not saved: int01 was re-imported")
        assert stored(root, db_url) == []
        view = screen.view
        assert view.text.startswith(NEW_OPENING)
        assert view.text[slice(*view.selection)] == PASSAGE  # the selection followed

        await pilot.press("r")  # pressed again, on the text now shown
        await settle(pilot)
        assert "saved: reputational_costs" in str(screen.query_one("#status-line").render())
    (coding,) = stored(root, db_url)
    assert coding.quote == PASSAGE
    assert coding.start == len(NEW_OPENING) + len(
        "INTERVIEWER: How did the campaign matter?\n\nOFFICIAL: "
    )


async def test_the_workbench_notices_a_reimport_by_itself(imported, monkeypatch):
    root, db_url = imported
    monkeypatch.setattr(coding_screen, "VERSION_POLL_SECONDS", 0.2)
    app = CoderApp(root, db_url, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await select_passage(pilot)
        insert_paragraph(root)
        import_in_another_process(root, db_url)

        view = pilot.app.screen.view
        for _ in range(100):
            await pilot.pause(0.1)
            if view.text.startswith(NEW_OPENING):
                break
        await settle(pilot)
        assert view.text.startswith(NEW_OPENING)
        assert view.text[slice(*view.selection)] == PASSAGE
        status = str(pilot.app.screen.query_one("#status-line").render())
        assert status.startswith("int01 was re-imported (someone changed its file): reloaded")
        assert pilot.app.screen.document.info.sha256 == Project.open(root, db_url).document_version(
            "int01"
        )
