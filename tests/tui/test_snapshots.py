"""A few reviewed snapshots of the key screens (update with --snapshot-update, then look)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from tests.conftest import make_mini_project
from tests.tui.helpers import settle


@pytest.fixture
def coded_root(tmp_path: Path) -> Path:
    """The mini project, imported, with two of lena's codings (one on a sentence)."""
    root = make_mini_project(tmp_path / "mini")
    with Project.open(root) as project:
        project.import_files()
        text = project.document("int01").text
        start = text.index("Naming her")
        project.add_coding(
            document="int01",
            code="reputational_costs",
            start=start,
            end=text.index(" The NGOs"),
            coder="lena",
        )
        ngos = text.index("The NGOs")
        project.add_coding(
            document="int01",
            code="mobilizing.ngos",
            start=start,
            end=ngos + len("The NGOs kept pushing too."),
            coder="lena",
        )
    return root


async def _select_second_sentence(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
    await settle(pilot)


def test_coding_screen_at_80x24(snap_compare, coded_root: Path):
    app = CoderApp(coded_root, None, "lena")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_select_second_sentence)


def test_coding_screen_in_a_light_theme(snap_compare, coded_root: Path):
    async def light(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.theme = "textual-light"
        await _select_second_sentence(pilot)

    app = CoderApp(coded_root, None, "lena")
    assert snap_compare(app, terminal_size=(120, 30), run_before=light)


def test_code_picker_over_the_coding_screen(snap_compare, coded_root: Path):
    async def picker(pilot) -> None:  # type: ignore[no-untyped-def]
        await _select_second_sentence(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n", "g", "o")
        await settle(pilot)

    app = CoderApp(coded_root, None, "lena")
    assert snap_compare(app, terminal_size=(100, 30), run_before=picker)


@pytest.fixture
def demo_imported(demo_root: Path) -> Path:
    with Project.open(demo_root) as project:
        project.import_files()
    return demo_root


def test_results_at_80x24(snap_compare, demo_imported: Path):
    """F7 at 80x24: the chart shrinks so the medians' table starts on screen (issue 15)."""

    async def results(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)

    app = CoderApp(demo_imported, None, "lena")
    assert snap_compare(app, terminal_size=(80, 24), run_before=results)


def test_help_at_80x24(snap_compare, demo_imported: Path):
    """`?` at 80x24: the coding screen's own words, then every key (issue 15)."""

    async def keys(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    app = CoderApp(demo_imported, None, "lena")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys)
