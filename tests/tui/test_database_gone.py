"""A database deleted under the open workbench is noticed (issue 21, item 4).

SQLite goes on writing into a deleted file through the connections already open, so the
workbench would keep saying "saved" for codings nobody will see again. It must stop with a
clear message instead, and never create a new database in the old one's place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.tui import database_watch
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.database_watch import DatabaseGoneScreen
from tests.tui.helpers import settle
from tests.tui.test_stale_text import select_passage

SIZE = (100, 30)


@pytest.fixture
def imported(mini_root: Path) -> Path:
    with Project.open(mini_root) as project:
        project.import_files()
    return mini_root


def database_files(root: Path) -> list[Path]:
    return sorted((root / ".hrd_coder").glob("project.sqlite*"))


def status_line(app: CoderApp) -> str:
    (screen,) = [s for s in app.screen_stack if s.query("#status-line")]
    return str(screen.query_one("#status-line").render())


async def code_the_passage(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("r")
    await settle(pilot)


async def test_deleting_the_database_stops_the_workbench_with_a_message(imported):
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await select_passage(pilot)
        await code_the_passage(pilot)
        assert status_line(app).startswith("saved: reputational_costs")
        database = imported / ".hrd_coder" / "project.sqlite"
        for path in database_files(imported):
            path.unlink()

        await pilot.pause(database_watch.CHECK_SECONDS * 2)
        await settle(pilot)
        assert isinstance(app.screen, DatabaseGoneScreen)
        message = str(app.screen.query_one("#gone-message").render())
        assert str(database) in message.replace("\n", "")
        assert "deleted" in message and "hrd-coder import" in message
        assert "saved" not in status_line(app)

        await code_the_passage(pilot)  # the key goes nowhere: nothing is saved anywhere
        assert "saved" not in status_line(app)
        assert database_files(imported) == []  # and no new, empty database took its place

        await pilot.press("q")
    assert app.return_code == 2


async def test_a_coding_after_the_deletion_is_refused_before_the_timer_fires(imported, monkeypatch):
    monkeypatch.setattr(database_watch, "CHECK_SECONDS", 3600)  # the keypress comes first
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await select_passage(pilot)
        for path in database_files(imported):
            path.unlink()
        await code_the_passage(pilot)
        status = status_line(app)
        assert status.startswith("not done: the project database"), status
        assert "saved:" not in status
    assert database_files(imported) == []


async def test_a_database_replaced_by_another_file_is_noticed_too(imported):
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        database = imported / ".hrd_coder" / "project.sqlite"
        copy = database.with_name("copy.sqlite")
        copy.write_bytes(database.read_bytes())
        copy.replace(database)  # same name, another file (as a restore with mv would do)
        await pilot.pause(database_watch.CHECK_SECONDS * 2)
        await settle(pilot)
        assert isinstance(app.screen, DatabaseGoneScreen)
        assert "replaced by another file" in str(app.screen.query_one("#gone-message").render())
