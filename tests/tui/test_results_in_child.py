"""The workbench fits the results screen's models in a child process started at launch
(issue 15): F7 shows the very tables fitted here, and quitting ends the child."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.coding import CodingScreen
from hrd_coder.tui.screens.results import ResultsScreen
from tests.analysis.test_child_process import running
from tests.tui.helpers import settle, wait_until

SIZE = (100, 40)
DESIGNS = [
    ("featured_vs_considered", None),
    ("featured_vs_all_held", None),
    ("featured_with_coverage", None),
    ("featured_with_deadlock", "lena"),  # a code variable: a coder's layer
]


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_f7_shows_the_models_fitted_in_the_child_and_quitting_ends_it(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
        here = project.analyze("featured_vs_considered")
    app = CoderApp(demo_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        child = app.statistics
        assert child is not None and running(child.pid)
        await pilot.press("f7")

        def filled() -> bool:
            screen = app.screen
            return isinstance(screen, ResultsScreen) and all(
                table.row_count for table in screen.query("#median-table, #cox-table")
            )

        await wait_until(pilot, filled, seconds=120)
        screen = app.screen
        medians = rows(screen.query_one("#median-table", DataTable))
        assert [row[:3] for row in medians] == [
            [curve.group, str(curve.n), str(curve.events)] for curve in here.km.curves
        ]
        cox = {row[0]: row for row in rows(screen.query_one("#cox-table", DataTable))}
        assert cox["featured"][1] == f"{here.cox.summary.loc['featured', 'hr']:.2f}"
        assert running(child.pid)  # it served F7 and waits for the next design
    assert not running(child.pid)


def test_the_models_fitted_in_the_child_are_those_fitted_here(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
        project.load_codings(demo_root / "demo" / "codings.csv")
        here = [project.analyze(d, layer, released_by=365.0) for d, layer in DESIGNS]
        with Project.start_statistics() as child:
            project.use_statistics(child)
            there = [project.analyze(d, layer, released_by=365.0) for d, layer in DESIGNS]
            assert running(child.pid)  # it answered every call: none fell back to here
    for mine, theirs in zip(here, there, strict=True):
        assert theirs.as_dict() == mine.as_dict()
        assert theirs.cox.summary.equals(mine.cox.summary)
        for a, b in zip(mine.km.curves, theirs.km.curves, strict=True):
            assert b.table.equals(a.table)


async def test_a_process_given_to_the_app_is_used_and_ended_with_it(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
    given = Project.start_statistics()  # as `hrd-coder code` does, before textual loads
    app = CoderApp(demo_root, None, "lena", given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.statistics is given and running(given.pid)
    assert not running(given.pid)
