"""Pilot tests of the palette's REFI-QDA imports: ask for a file, merge it, notify the report."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.dialogs.path_prompt import PathPrompt
from tests.interop.test_import import SAMPLES, bad, foreign
from tests.tui.helpers import settle, stored_codings

SIZE = (120, 40)


async def run_command(pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    """Open the command palette, find a command by its title and run it."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*title)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def type_path(pilot, path: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one("#path", Input).value = path
    await pilot.press("enter")
    await settle(pilot)


def messages(app: CoderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_palette_imports_a_qdpx_into_the_open_project(mini_root: Path, tmp_path: Path):
    qdpx = foreign(tmp_path, "Other Name.qde")
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "import: REFI-QDA project")
        assert isinstance(app.screen, PathPrompt)
        await type_path(pilot, str(tmp_path / "missing.qdpx"))
        assert isinstance(app.screen, PathPrompt)  # stays open and says why
        assert "no such file" in str(app.screen.query_one("#error").render())
        await type_path(pilot, str(qdpx))
        assert not isinstance(app.screen, PathPrompt)
        found = messages(app)
        assert any("now 4 documents" in m and "1 coding;" in m for m in found), found
        assert any("3 warnings, 0 items not imported" in m for m in found)
        assert any("not 'project.qde'" in m for m in found)
    assert [c.coder for c in stored_codings(mini_root)] == ["zoe_ortiz"]


async def test_palette_imports_a_codebook(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "import: codebook")
        await type_path(pilot, str(SAMPLES / "refi_spec_annexA1_example_codebook.qdc"))
        assert any("10 codes" in m for m in messages(app)), messages(app)
        assert app.project.codebook.code("economy") is not None


async def test_a_refused_archive_is_an_error_notification(mini_root: Path, tmp_path: Path):
    evil = bad(tmp_path, {"project.qde": b"<Project/>", "../evil.txt": b"x"})
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "import: REFI-QDA project")
        await type_path(pilot, str(evil))
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "outside the archive" in errors[0].message
        assert "Traceback" not in errors[0].message
    assert not (tmp_path.parent / "evil.txt").exists()
