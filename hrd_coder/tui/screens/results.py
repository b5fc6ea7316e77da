"""Survival results for the designs of analysis.yaml: Kaplan–Meier curves drawn in the
terminal, medians, the log-rank test, the Cox model and its proportional-hazards checks, and
the sensitivity analyses (E-value; omitted-variable bounds on the released-by-t model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.widgets import DataTable, Footer, Static, Tab, Tabs

from hrd_coder.analysis.design_report import DesignReport
from hrd_coder.services import Project
from hrd_coder.tui.keys import key
from hrd_coder.tui.screens.results_report import ReportDisplay, layer_name
from hrd_coder.tui.widgets.km_chart import KMChart

TAB_PREFIX = "design-"
"""Tab ids are the design names behind a prefix (a name may start with a digit)."""
CHART_ROWS = (8, 15)
"""Fewest and most rows the Kaplan–Meier chart gets."""
ROWS_BESIDE_CHART = 14
"""Screen rows kept for the bars, the design summary and the top of the medians table."""
RELEASED_BY_DAYS: tuple[float | None, ...] = (365.0, 730.0, None)
"""The "released by day t" choices `t` cycles through; the first is the default."""


@dataclass(frozen=True)
class ResultsSetup:
    """What the screen needs before computing: the design names and the layers with codings."""

    designs: tuple[str, ...]
    layers: tuple[str, ...]


class ResultsScreen(ReportDisplay):
    """One design's survival results at a time; `d` and `l` change the design and the layer."""

    HELP_TITLE = "Results keys"
    HELP_ABOUT = (
        "One design of analysis.yaml at a time: Kaplan–Meier curves and medians, the log-rank"
        " test, the Cox model and its checks; PageDown, Down, Up, Home and End scroll the "
        "report; c shows whether the design's finding survives a change of coder."
    )

    CSS_PATH = "results.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key(
            "d",
            "next_design",
            "Design",
            "results.next_design",
            show=True,
            tooltip="Show the next design of analysis.yaml",
        ),
        key(
            "l",
            "layer",
            "Layer",
            "results.layer",
            show=True,
            tooltip="Compute on the next layer: default, each coder, consensus",
        ),
        key(
            "t",
            "released_by",
            "Released by",
            "results.released_by",
            show=True,
            tooltip="Model release by day 365, by day 730, or not at all (with its sensitivity)",
        ),
        key(
            "c",
            "coders",
            "Coders",
            "results.coders",
            show=True,
            tooltip="Robustness to coders: the design on every layer with E-values, and the "
            "coder bootstrap",
        ),
        key(
            "r",
            "recompute",
            "Recompute",
            "results.recompute",
            show=True,
            tooltip="Read analysis.yaml again and recompute (after editing it)",
        ),
        key("escape", "back", "Back", "results.back", tooltip="Close the results"),
    ]

    def __init__(self, project: Project, layer: str | None = None) -> None:
        super().__init__(project)
        self.chosen_layer = layer
        self.layer_choices: tuple[str | None, ...] = (None,) if layer is None else (None, layer)
        self.designs: tuple[str, ...] = ()
        self.design: str | None = None
        self.report: DesignReport | None = None
        self.released_by: float | None = RELEASED_BY_DAYS[0]

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static("Time to release", id="results-title")
            yield Static("", id="layer-name")
            yield self.coder_name()
        yield Tabs(id="design-tabs")
        with VerticalScroll(id="report"):
            yield Static("", id="message")
            with Vertical(id="report-body"):
                yield Static("", id="design-summary")
                # Until the first report: a chart saying "No curves" misled while they came.
                chart = KMChart(id="km-chart")
                chart.empty_text = "Fitting the curves…"
                yield chart
                yield Static("Kaplan–Meier medians", classes="heading")
                yield DataTable(id="median-table", show_cursor=False, zebra_stripes=True)
                yield Static("", id="logrank")
                yield Static("Cox proportional hazards", classes="heading")
                yield DataTable(id="cox-table", show_cursor=False, zebra_stripes=True)
                yield Static("", id="cox-fit")
                yield Static("", id="evalue")
                yield Static("Do the hazards stay proportional?", classes="heading")
                yield Static("", id="ph-verdicts")
                yield Static("", id="released-by-heading", classes="heading")
                yield Static("", id="sensitivity")
                yield DataTable(id="bounds-table", show_cursor=False, zebra_stripes=True)
                yield Static("", id="notes")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        """Read the designs and the layers, then compute the first design."""
        for table in self.query(DataTable):
            table.can_focus = False  # the report scrolls as one; the tables need no cursor
        # `d` changes the design: with the tabs out of the focus chain, the report has the
        # keys at once (PageDown, Down, End), with no Tab press to find first.
        self.query_one("#design-tabs", Tabs).can_focus = False
        self.query_one("#report", VerticalScroll).focus()
        self._fit_chart(self.size.height)
        self._show_layer()
        self.load()

    def on_resize(self, event: Resize) -> None:
        """Give the curves the rows the tables can spare."""
        self._fit_chart(event.size.height)

    def _fit_chart(self, screen_rows: int) -> None:
        """The chart shrinks (to CHART_ROWS[0]) before the tables below it leave the screen:
        at 80x24 the medians' heading and first rows show under the curves."""
        fewest, most = CHART_ROWS
        rows = max(fewest, min(most, screen_rows - ROWS_BESIDE_CHART))
        self.query_one(KMChart).styles.height = rows

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Read analysis.yaml and the layers in a worker; the tabs and a report follow."""
        self.set_class(True, "-busy")
        self._status("reading analysis.yaml…")

        def read() -> ResultsSetup:
            plan = self.project.analysis_plan()
            return ResultsSetup(tuple(d.name for d in plan.designs), tuple(self.project.layers()))

        self._service(read, self._show_setup)

    async def _show_setup(self, setup: ResultsSetup) -> None:
        known = (None, *setup.layers)
        self.layer_choices = known if self.chosen_layer in known else (*known, self.chosen_layer)
        self.designs = setup.designs
        if self.design not in self.designs:
            self.design = self.designs[0] if self.designs else None
        tabs = self.query_one(Tabs)
        await tabs.clear()  # the same ids come back: the old tabs must be gone first
        for name in self.designs:
            await tabs.add_tab(Tab(name, id=TAB_PREFIX + name))
        if self.design is not None:
            tabs.active = TAB_PREFIX + self.design
        self._show_position()
        self.refresh_bindings()
        self.compute()

    def compute(self) -> None:
        """Report on the chosen design and layer in a worker; the report follows. The
        survival tables come first and the released-by-day model after them: that model
        needs statsmodels, whose import (0.2 s) would hold up a first F7's tables."""
        design, layer, by_day = self.design, self.chosen_layer, self.released_by
        if design is None:
            return
        self.set_class(True, "-busy")
        self._status(f"computing {design} on layer {layer_name(layer)}…")
        asked = (design, layer, by_day)

        def tables() -> tuple[DesignReport, list[str]]:
            # An incomplete consensus is shown, as the command line's --allow-incomplete
            # would, with a warning that names what is missing.
            warnings = self.project.check_consensus(layer, allow_incomplete=True, design=design)
            return self.project.analyze(design, layer), warnings

        def show_tables(result: tuple[DesignReport, list[str]]) -> None:
            if asked != (self.design, self.chosen_layer, self.released_by):
                return  # a newer request is on its way
            report, warnings = result
            self._show(report, released_by_pending=by_day is not None)
            for warning in warnings:
                self.notify(warning, title="Incomplete consensus", severity="warning", timeout=10)
            if by_day is not None:
                self._service(
                    lambda: self.project.analyze(design, layer, released_by=by_day), show_all
                )

        def show_all(report: DesignReport) -> None:
            if asked == (self.design, self.chosen_layer, self.released_by):
                self._show(report)

        self._service(tables, show_tables)

    def _show(self, report: DesignReport, released_by_pending: bool = False) -> None:
        self.set_class(False, "-busy")
        self.set_class(False, "-failed")
        self.report = report
        self.show_report(report, released_by_pending)

    def _failed(self, message: str) -> None:
        self.set_class(False, "-busy")
        self.set_class(True, "-failed")
        self.report = None
        self.query_one("#message", Static).update(
            Content.assemble(
                ("Nothing to show. ", "bold $text-error"),
                message,
                ("\n\nFix it and press r to try again, or l for another layer.", "dim"),
            )
        )
        self._not_done(message)  # the panel says it all: no notification on top of it

    def _show_position(self) -> None:
        """Which design of how many: at 80 columns the tabs of four designs overflow, and
        the last is cut off until `d` reaches it."""
        title = "Time to release"
        if self.design in self.designs and len(self.designs) > 1:
            where = self.designs.index(self.design) + 1
            title += f" · design {where} of {len(self.designs)}"
        self.query_one("#results-title", Static).update(title)

    def _show_layer(self) -> None:
        self.query_one("#layer-name", Static).update(f"layer {layer_name(self.chosen_layer)}")

    # -- actions -----------------------------------------------------------------------------

    @on(Tabs.TabActivated, "#design-tabs")
    def _design_chosen(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "").removeprefix(TAB_PREFIX)
        if name and name != self.design:
            self.design = name
            self._show_position()
            self.compute()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Cycling makes sense only with something to cycle to."""
        if action == "next_design":
            return len(self.designs) > 1 or None
        if action == "layer":
            return len(self.layer_choices) > 1 or None
        if action == "coders":
            return self.design is not None or None
        return True

    def action_next_design(self) -> None:
        """Show the next design of analysis.yaml."""
        if not self.designs:
            return
        tabs = self.query_one(Tabs)
        # From the tab the last press chose: `self.design` follows only when its
        # TabActivated message is handled, after keys typed at once (`d d d`).
        shown = (tabs.active or "").removeprefix(TAB_PREFIX) or self.design
        position = self.designs.index(shown) if shown in self.designs else -1
        tabs.active = TAB_PREFIX + self.designs[(position + 1) % len(self.designs)]

    def action_layer(self) -> None:
        """Compute on the next layer: default, each coder, consensus, each machine coder."""
        if len(self.layer_choices) < 2:
            self.notify("No layer has codings yet: code some, or load a codings file.")
            return
        position = (
            self.layer_choices.index(self.chosen_layer)
            if self.chosen_layer in self.layer_choices
            else -1
        )
        self.chosen_layer = self.layer_choices[(position + 1) % len(self.layer_choices)]
        self._show_layer()
        self.compute()

    def action_released_by(self) -> None:
        """Model release by the next day in RELEASED_BY_DAYS (or not at all), and recompute."""
        position = RELEASED_BY_DAYS.index(self.released_by)
        self.released_by = RELEASED_BY_DAYS[(position + 1) % len(RELEASED_BY_DAYS)]
        self.notify(
            "No released-by-t model"
            if self.released_by is None
            else f"Modelling release by day {self.released_by:g}"
        )
        self.compute()

    def action_coders(self) -> None:
        """Show whether the chosen design's finding survives a change of coder."""
        from hrd_coder.tui.screens.coder_robustness import CoderRobustnessScreen

        if self.design is not None:
            self.app.push_screen(CoderRobustnessScreen(self.project, self.design))

    def action_recompute(self) -> None:
        """Read analysis.yaml again and recompute the chosen design."""
        self.load()

    def action_back(self) -> None:
        """Close the results and go back."""
        self.dismiss(None)
