"""Pilot tests of the review list of orphaned codings: keys in, rows in the database out."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.dialogs.orphans import OrphansDialog
from hrd_coder.tui.screens.coding import CodingScreen
from tests.tui.helpers import settle, stored_codings

SIZE = (100, 30)
OLD = "Private talks did the rest."
NEW = "Quiet talks settled it."


def orphan_one(root: Path) -> str:
    """lena codes a passage that the transcript then loses; the import orphans it."""
    with Project.open(root) as project:
        project.import_files()
        text = project.document("int01").text
        start = text.index(OLD)
        coding = project.add_coding(
            document="int01", code="mobilizing", start=start, end=start + len(OLD), coder="lena"
        )
        path = root / "transcripts" / "int01.md"
        path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
        [anchoring] = project.import_files().anchoring
        assert anchoring.orphaned == 1
    return coding.id


def stored_orphans(root: Path) -> list:
    with Project.open(root) as project:
        return project.orphaned_codings()


async def test_go_to_an_orphan_select_its_new_place_and_re_place_it(mini_root: Path):
    coding_id = orphan_one(mini_root)
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OrphansDialog)
        assert [o.coding_id for o in dialog.orphans] == [coding_id]
        assert dialog.check_action("choose", ("place",)) is None  # nothing selected yet
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        old = screen.view.text.index("Anything else?")
        assert screen.view.selection[0] > old  # about where the lost passage used to be
        assert any("Select its new place" in n.message for n in app._notifications)
        start = screen.view.text.index(NEW)
        screen.view.select(start, start + len(NEW))
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "re-placed: mobilizing" in str(screen.query_one("#status-line").render())
    [coding] = stored_codings(mini_root)
    assert (coding.id, coding.coder, coding.quote) == (coding_id, "lena", NEW)
    assert stored_orphans(mini_root) == []


async def test_discard_an_orphan_from_the_palette(mini_root: Path):
    orphan_one(mini_root)
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"codings whose text changed away")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrphansDialog)
        await pilot.press("x")
        await settle(pilot)
    assert stored_orphans(mini_root) == []
    assert stored_codings(mini_root) == []


async def test_another_coders_orphans_are_not_listed(mini_root: Path):
    orphan_one(mini_root)
    app = CoderApp(mini_root, None, "tomas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, OrphansDialog)
        assert app.screen.orphans == []
        await pilot.press("r", "x")
        await settle(pilot)
    assert len(stored_orphans(mini_root)) == 1
