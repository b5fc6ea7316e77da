"""The coverage timeline in the workbench (F9), and the chart's bars and date marks."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rich.console import Console
from textual.widgets import DataTable, Select

from hrd_coder.analysis.coverage import Week
from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.dialogs.coverage import CoverageDialog
from hrd_coder.tui.screens.coding import CodingScreen
from hrd_coder.tui.widgets.case_panel import CasePanel
from hrd_coder.tui.widgets.coverage_chart import CoverageChart, bar_rows, bucket, mark_columns
from tests.tui.helpers import settle

SIZE = (110, 40)
D = dt.date


def panel_text(panel: CasePanel) -> str:
    """What the case panel shows, as plain text."""
    console = Console(width=60, record=True, file=io.StringIO())
    console.print(panel.content)
    return console.export_text()


def test_bars_are_scaled_to_the_busiest_column_in_eighths():
    assert bar_rows([0, 1, 4], 2) == [
        "  █",
        " ▄█",
    ]
    assert bar_rows([0, 1, 100], 2) == ["  █", " ▁█"]  # one item is never invisible


def test_many_weeks_share_a_column_and_marks_land_in_theirs():
    weeks = [Week(D(2015, 8, 31) + dt.timedelta(weeks=n), {"wire": n}) for n in range(10)]
    totals, per_column = bucket(weeks, 4)
    assert per_column == 3 and totals == [0 + 1 + 2, 3 + 4 + 5, 6 + 7 + 8, 9]
    marks = [("campaign", D(2015, 9, 1)), ("featured", D(2015, 9, 3)), ("released", D(2015, 9, 30))]
    # Week 0, week 0 again (moved one column right), week 4 (column 1, taken: moved to 2).
    assert mark_columns(marks, D(2015, 8, 31), per_column, 4) == [
        (0, "campaign"),
        (1, "featured"),
        (2, "released"),
    ]
    assert mark_columns(marks[:1], D(2015, 8, 31), 1, 10, cells=3) == [(0, "campaign")]
    assert mark_columns([("released", D(2015, 9, 14))], D(2015, 8, 31), 1, 10, cells=3) == [
        (6, "released")
    ]


async def test_f9_shows_the_case_timeline_and_opens_an_item(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
    app = CoderApp(demo_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        screen.open_document("c01")
        await settle(pilot)
        assert "media    6, first 2015-05-14" in panel_text(screen.query_one(CasePanel))
        await pilot.press("f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CoverageDialog)
        table = dialog.query_one("#choices", DataTable)
        assert table.row_count == 6
        assert [str(table.get_row_at(i)[0]) for i in (0, 5)] == ["2015-05-14", "2016-02-19"]
        chart = dialog.query_one(CoverageChart)
        assert sum(week.total for week in chart.weeks) == 6
        assert dict(chart.marks) == {
            "campaign": D(2015, 9, 1),
            "featured": D(2015, 9, 1),
            "released": D(2016, 2, 18),
        }
        drawn = str(chart.render())
        assert "C campaign 2015-09-01" in drawn and "R released 2016-02-18" in drawn
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.document.info.id == "m03"


async def test_an_item_about_two_cases_offers_both(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
    app = CoderApp(demo_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.open_document("m09")  # the envoy's visit: Vorrend (c06) and Davolen (c07)
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CoverageDialog)
        assert dialog.shown == "c06"
        assert dialog.query_one("#choices", DataTable).row_count == 4
        dialog.query_one("#case", Select).value = "c07"
        await settle(pilot)
        assert dialog.shown == "c07"
        assert dialog.query_one("#choices", DataTable).row_count == 2  # m09 and m11
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.document.info.id == "m09"


async def test_at_80x24_titles_and_the_legend_that_do_not_fit_end_with_an_ellipsis(
    demo_root: Path,
):
    """Issue 15: the title column takes the width the others leave and a long title is
    cut with …, as is a legend wider than the chart; on a wide terminal nothing is cut."""
    with Project.open(demo_root) as project:
        project.import_files()
    for size, cut in (((80, 24), True), ((200, 40), False)):
        app = CoderApp(demo_root, None, "lena")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            app.screen.open_document("c01")
            await settle(pilot)
            await pilot.press("f9")
            await settle(pilot)
            dialog = app.screen
            table = dialog.query_one("#choices", DataTable)
            lines = [table.render_line(y).text.rstrip() for y in range(1, 1 + table.row_count)]
            titles = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
            chart = dialog.query_one(CoverageChart)
            legend = str(chart.render()).splitlines()[-1]
            if cut:
                assert any(line.endswith("…") for line in lines), lines
                for line, title in zip(lines, titles, strict=True):
                    assert line.endswith(title) or line.endswith("…")
                assert legend.endswith("…") and len(legend) <= chart.size.width
            else:
                for line, title in zip(lines, titles, strict=True):
                    assert line.endswith(title)
                assert legend.endswith("one column = 1 week")
