"""The workbench reopens the document and position the coder last had open (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.settings import LOCAL_DIR, PLACES_FILE, last_place
from hrd_coder.tui.app import CoderApp
from tests.tui.helpers import settle

SIZE = (100, 30)


@pytest.fixture
def imported(mini_root: Path) -> Path:
    with Project.open(mini_root) as project:
        project.import_files()
    return mini_root


async def leave_lena_in_c02(root: Path) -> int:
    app = CoderApp(root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.document.info.id == "int01"  # no place yet: the first transcript
        screen.open_document("c02")
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        cursor = screen.view.cursor
        assert cursor > 0
    return cursor


async def test_the_next_start_reopens_the_document_and_position(imported: Path):
    cursor = await leave_lena_in_c02(imported)
    assert last_place(imported, "lena") == ("c02", cursor)

    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.document.info.id == "c02"
        assert screen.view.cursor == cursor

    other = CoderApp(imported, None, "tomas")  # each coder has a place of their own
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.screen.document.info.id == "int01"


async def test_a_damaged_places_file_or_a_gone_document_starts_at_the_top(imported: Path):
    await leave_lena_in_c02(imported)
    places = imported / LOCAL_DIR / PLACES_FILE
    places.write_text("lena: [unclosed\n", encoding="utf-8")
    assert last_place(imported, "lena") is None
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.screen.document.info.id == "int01"
    assert last_place(imported, "lena") == ("int01", 0)  # written whole again

    places.write_text("lena: {document: gone99, offset: 5}\n", encoding="utf-8")
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.screen.document.info.id == "int01"
