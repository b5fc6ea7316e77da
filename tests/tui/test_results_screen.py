"""Pilot tests of the results screen on the demo, and of the terminal Kaplan–Meier plot."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Static, Tabs

from hrd_coder.services import Project
from hrd_coder.tui.screens.results import ResultsScreen
from hrd_coder.tui.widgets.km_chart import BLANK, KMChart, StepCurve, plot_curves, step_curve
from tests.tui.helpers import settle

SIZE = (100, 40)
ON_ATTRIBUTES = ["featured_vs_considered", "featured_vs_all_held", "featured_with_coverage"]
"""The demo's designs that need no codings: the default layer fits them as they are."""
ON_CODES = "featured_with_deadlock"
"""The demo's design with a code variable: it needs a coder's layer or a decided consensus."""
DESIGNS = [*ON_ATTRIBUTES, ON_CODES]


class Host(App):
    """A bare app that shows one screen."""

    def __init__(self, make: Callable[[], Screen]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        """Show the screen under test."""
        self.push_screen(self.make())


@pytest.fixture
def project(demo_root: Path) -> Iterator[Project]:
    """The demo, imported, with lena's and tomas's codings loaded."""
    with Project.open(demo_root) as opened:
        opened.import_files()
        opened.load_codings(demo_root / "demo" / "codings.csv")
        yield opened


def rows(screen: Screen, selector: str) -> dict[str, list[str]]:
    """A table's rows as plain text, keyed by the first cell."""
    table = screen.query_one(selector, DataTable)
    found = {}
    for index in range(table.row_count):
        cells = [str(cell) for cell in table.get_row_at(index)]
        found[cells[0]] = cells
    return found


def text_of(screen: Screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def median_text(value: float) -> str:
    return "not reached" if value == float("inf") else f"{value:.0f}"


async def test_every_design_shows_the_services_medians_and_hazard_ratio(project: Project) -> None:
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        for position, name in enumerate(ON_ATTRIBUTES, start=1):
            assert screen.query_one(Tabs).active == f"design-{name}"
            assert text_of(screen, "#results-title").endswith(f"design {position} of 4")
            expected = project.analyze(name)
            medians = rows(screen, "#median-table")
            assert set(medians) == {curve.group for curve in expected.km.curves}
            for curve in expected.km.curves:
                assert medians[curve.group][:4] == [
                    curve.group,
                    str(curve.n),
                    str(curve.events),
                    median_text(curve.median),
                ]
            featured = rows(screen, "#cox-table")["featured"]
            assert featured[1] == f"{expected.cox.summary.loc['featured', 'hr']:.2f}"
            assert f"p = {expected.logrank.p:.2f}" in text_of(screen, "#logrank")
            assert "featured: no evidence against proportional hazards" in text_of(
                screen, "#ph-verdicts"
            )
            assert [c.label.split(" (")[0] for c in screen.query_one(KMChart).curves] == list(
                medians
            )
            await pilot.press("d")
            await settle(pilot)
        # The fourth reads a code: no decided consensus on the demo, so the default layer
        # says what to do, and a coder's layer (l) fits it.
        assert screen.query_one(Tabs).active == f"design-{ON_CODES}"
        assert screen.has_class("-failed")
        assert "consensus layer has no codings yet" in text_of(screen, "#message")
        await pilot.press("l")
        await settle(pilot)
        lena = project.analyze(ON_CODES, "lena").cox.summary
        shown = rows(screen, "#cox-table")
        assert list(shown) == ["featured", "bureaucratic_deadlock"]
        for covariate, row in shown.items():
            assert row[1] == f"{lena.loc[covariate, 'hr']:.2f}"
        await pilot.press("d")  # round to the first design again
        await settle(pilot)
        ids = {binding_id for _keys, _what, binding_id in screen.help_rows()}
        assert {"results.next_design", "results.layer", "results.recompute"} <= ids
        # The documented demo figures, so a change in either side shows up here.
        assert rows(screen, "#median-table")["featured"][3] == "622"
        assert rows(screen, "#cox-table")["featured"][1] == "1.32"


async def test_the_layer_key_recomputes_on_each_coder_then_the_default(project: Project) -> None:
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        assert "layer default" in text_of(screen, "#layer-name")
        seen = []
        for _ in range(3):
            await pilot.press("l")
            await settle(pilot)
            assert screen.report is not None
            seen.append((screen.chosen_layer, screen.report.layer))
            assert f"layer {screen.chosen_layer or 'default'}" in text_of(screen, "#layer-name")
        assert seen == [("lena", "lena"), ("tomas", "tomas"), (None, None)]
        assert "codings from layer" not in text_of(screen, "#design-summary")


async def test_sensitivity_follows_the_released_by_key(project: Project) -> None:
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        expected = project.analyze(DESIGNS[0], released_by=365)
        found = expected.released_by.sensitivity
        assert f"{expected.evalue.evalue:.2f}" in text_of(screen, "#evalue")
        assert "common outcome" in text_of(screen, "#evalue")
        assert "Released by day 365" in text_of(screen, "#released-by-heading")
        assert f"robustness value {found.rv_q:.1%}" in text_of(screen, "#sensitivity")
        bounds = rows(screen, "#bounds-table")
        assert list(bounds) == list(found.bounds["bound"])
        first = found.bounds.iloc[0]
        assert bounds[first["bound"]][3] == f"{first['adjusted_estimate']:+.3f}"
        await pilot.press("t")
        await settle(pilot)
        assert screen.report.released_by.t == 730
        assert "Released by day 730" in text_of(screen, "#released-by-heading")
        await pilot.press("t")
        await settle(pilot)
        assert screen.report.released_by is None
        assert "Press t" in text_of(screen, "#sensitivity")
        assert not screen.query_one("#bounds-table").display
        ids = {binding_id for _keys, _what, binding_id in screen.help_rows()}
        assert "results.released_by" in ids


async def test_a_layer_without_codings_is_a_message_not_a_traceback(project: Project) -> None:
    app = Host(lambda: ResultsScreen(project, layer="consensus"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-failed")
        assert "layer 'consensus' has no codings" in text_of(screen, "#message")
        assert not app._notifications  # said in the panel, not again over it
        assert "not done: layer 'consensus'" in text_of(screen, "#status-line")
        await pilot.press("l")  # on to the default layer: the report comes back
        await settle(pilot)
        assert not screen.has_class("-failed")
        assert rows(screen, "#median-table")


async def test_without_analysis_yaml_the_screen_says_what_to_write(
    project: Project, demo_root: Path
) -> None:
    written = (demo_root / "analysis.yaml").read_text()
    (demo_root / "analysis.yaml").unlink()
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-failed")
        message = text_of(screen, "#message")
        assert "no analysis.yaml" in message and "designs:" in message
        assert "no analysis.yaml" in text_of(screen, "#status-line")
        await pilot.press("d", "l")  # nothing to cycle: no error either
        await settle(pilot)
        assert screen.has_class("-failed")
        (demo_root / "analysis.yaml").write_text(written)
        await pilot.press("r")
        await settle(pilot)
        assert not screen.has_class("-failed")
        assert [tab.id for tab in screen.query_one(Tabs).query("Tab")] == [
            f"design-{name}" for name in DESIGNS
        ]
        await pilot.press("r")  # again, with the tabs already there
        await settle(pilot)
        assert rows(screen, "#median-table")["featured"][3] == "622"


async def test_a_bad_analysis_yaml_names_the_line(project: Project, demo_root: Path) -> None:
    path = demo_root / "analysis.yaml"
    path.write_text(path.read_text().replace("group: featured", "group: famous", 1))
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-failed")
        assert "analysis.yaml:" in text_of(app.screen, "#message")


# -- the plot ----------------------------------------------------------------------------------

# Four cells wide (8 dot columns: x = t for x_max 7), one cell high (4 dot rows:
# survival 1, 2/3, 1/3, 0 on rows 0..3).
EARLY = StepCurve("early", (0.0, 2.0), (1.0, 0.0))  # everyone released at 2
LATE = StepCurve("late", (0.0, 4.0), (1.0, 1 / 3))  # two thirds released at 4


def braille(*dots: tuple[int, int]) -> str:
    """The braille character with these (column, row) dots raised, by Unicode's numbering."""
    numbers = {(0, 0): 1, (0, 1): 2, (0, 2): 3, (1, 0): 4, (1, 1): 5, (1, 2): 6}
    numbers |= {(0, 3): 7, (1, 3): 8}
    return chr(0x2800 + sum(1 << (numbers[dot] - 1) for dot in dots))


def test_one_step_curve_drops_where_and_as_far_as_it_should() -> None:
    [row] = plot_curves([LATE], width=4, height=1, x_max=7)
    assert [char for char, _ in row] == [
        braille((0, 0), (1, 0)),  # survival 1 from 0 ...
        braille((0, 0), (1, 0)),
        braille((0, 0), (0, 1), (0, 2), (1, 2)),  # ... down at 4 to one third
        braille((0, 2), (1, 2)),  # ... and level to the end
    ]
    assert {owner for _, owner in row} == {0}


def test_two_curves_share_cells_and_the_later_owns_the_colour() -> None:
    [row] = plot_curves([LATE, EARLY], width=4, height=1, x_max=7)
    chars = [char for char, _ in row]
    owners = [owner for _, owner in row]
    assert chars[1] == braille((0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 3))
    assert chars[2] == braille((0, 0), (0, 1), (0, 2), (0, 3), (1, 2), (1, 3))
    assert owners == [1, 1, 1, 1]


def test_rows_run_from_full_survival_at_the_top_to_none_at_the_bottom() -> None:
    grid = plot_curves([EARLY], width=2, height=2, x_max=3)
    # 4 dot columns (x = t), 8 dot rows: survival 1 on row 0, 0 on row 7 (the bottom cell).
    assert grid[0][0] == (braille((0, 0), (1, 0)), 0)
    assert grid[0][1][0] == braille((0, 0), (0, 1), (0, 2), (0, 3))
    assert grid[1][0] == (" ", BLANK)
    assert grid[1][1][0] == braille((0, 0), (0, 1), (0, 2), (0, 3), (1, 3))


def test_a_survival_table_becomes_steps_from_one_at_zero() -> None:
    curve = step_curve("g", [90.0, 305.0], [0.9, 0.8])
    assert curve.times == (0.0, 90.0, 305.0) and curve.survival == (1.0, 0.9, 0.8)


async def test_the_chart_draws_axes_legend_and_labels() -> None:
    class ChartApp(App):
        def compose(self):
            yield KMChart()

    app = ChartApp()
    async with app.run_test(size=(60, 15)) as pilot:
        chart = app.query_one(KMChart)
        chart.curves = (LATE, EARLY)
        chart.x_max = 700.0
        chart.x_label = "days since the campaign launch"
        await pilot.pause()
        lines = chart.render().plain.splitlines()
        assert lines[0].startswith("share still detained")
        assert "━━ late" in lines[0] and "━━ early" in lines[0]
        assert lines[1].startswith(" 1.0┤")
        assert any(line.startswith(" 0.5┤") for line in lines)
        assert lines[-1].rstrip().endswith("days since the campaign launch")
        assert lines[-2].split() == ["0", "175", "350", "525", "700"]


async def test_the_chart_says_the_curves_are_coming_until_the_first_report(
    project: Project,
) -> None:
    """It said "No curves to draw." while they were being fitted: a newcomer pressing F7
    read that the design had none."""
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        chart = screen.query_one(KMChart)
        assert chart.curves or chart.render().plain == "Fitting the curves…"
        await settle(pilot)
        assert chart.curves and chart.empty_text == "No curves to draw."


async def test_the_report_scrolls_by_keyboard_at_once_and_fits_80x24(project: Project) -> None:
    """Issue 15: PageDown, Down and End scroll the report with no Tab press first; at 80x24
    the chart shrinks so the medians show under it, and the Cox table is reachable."""
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        report = screen.query_one("#report")
        assert screen.focused is report
        chart = screen.query_one(KMChart)
        assert chart.outer_size.height < 15
        medians = screen.query_one("#median-table", DataTable)
        assert medians.region.y < report.region.bottom  # on screen without scrolling

        await pilot.press("down")
        assert report.scroll_y == 1
        await pilot.press("pagedown")
        assert report.scroll_y > 1
        await pilot.press("end")
        await pilot.pause()
        assert report.scroll_y == report.max_scroll_y > 0
        cox = screen.query_one("#cox-table", DataTable)
        await pilot.press("home")
        await pilot.pause()
        assert report.scroll_y == 0
        report.scroll_to_widget(cox, animate=False)
        await pilot.pause()
        assert report.region.contains_region(cox.region)  # reachable whole at 80x24

        await pilot.press("d")  # designs still change with their key
        await settle(pilot)
        assert screen.query_one(Tabs).active == f"design-{DESIGNS[1]}"
        assert screen.focused is report


async def test_the_chart_keeps_its_full_height_on_a_tall_terminal(project: Project) -> None:
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(KMChart).outer_size.height == 15


async def test_help_names_the_results_screen_and_its_own_keys(project: Project) -> None:
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert help_screen.query_one("#dialog").border_title == "Results keys"
        about = str(help_screen.query_one("#about", Static).render())
        assert about.startswith("One design of analysis.yaml") and "hotkey" not in about
        ids = [str(row[2]) for row in map(help_screen.query_one(DataTable).get_row_at, range(5))]
        assert ids[0] == "results.next_design"


async def test_the_survival_tables_come_before_the_released_by_model(project: Project) -> None:
    """The released-by-day model needs statsmodels (0.2 s to import on a first F7): the
    screen shows the Kaplan–Meier and Cox tables first, says the model is on its way, then
    fills it in (issue 15: F7's tables under 1 s)."""
    seen: list[tuple[float | None, str, int, int]] = []

    def watched() -> ResultsScreen:
        screen = ResultsScreen(project)
        show = screen.show_report

        def show_report(report, released_by_pending=False):
            show(report, released_by_pending)
            seen.append(
                (
                    report.released_by.t if report.released_by else None,
                    text_of(screen, "#sensitivity"),
                    screen.query_one("#median-table", DataTable).row_count,
                    screen.query_one("#cox-table", DataTable).row_count,
                )
            )

        screen.show_report = show_report  # watched, not replaced
        return screen

    app = Host(watched)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    (first_t, first_text, medians, cox), (final_t, final_text, *_rest) = seen
    assert first_t is None and "Computing the linear probability model" in first_text
    assert medians == 2 and cox >= 1  # the tables are filled at the first step
    found = project.analyze(DESIGNS[0], released_by=365).released_by
    assert final_t == 365 and f"robustness value {found.sensitivity.rv_q:.1%}" in final_text


async def test_d_pressed_quickly_moves_one_design_per_press(project: Project) -> None:
    """Found in tmux: `d d d` typed while a report was computing stopped at design 2 (each
    press counted from the design shown, not the one the previous press chose)."""
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        for _ in range(3):
            screen.action_next_design()  # no pause between: as keys typed at once
        await settle(pilot)
        assert screen.query_one(Tabs).active == f"design-{DESIGNS[3]}"
        assert screen.design == DESIGNS[3]
        assert text_of(screen, "#results-title").endswith("design 4 of 4")
