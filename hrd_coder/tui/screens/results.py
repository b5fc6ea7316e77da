"""Survival results for the designs of analysis.yaml: Kaplan–Meier curves drawn in the
terminal, medians, the log-rank test, the Cox model and its proportional-hazards checks, and
the sensitivity analyses (E-value; omitted-variable bounds on the released-by-t model)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.widgets import DataTable, Footer, Static, Tab, Tabs

from hrd_coder.analysis.design_report import ORIGIN_WORDS, DesignReport
from hrd_coder.analysis.designs import DURATION, EVENT
from hrd_coder.analysis.ph_test import format_p
from hrd_coder.services import Project
from hrd_coder.tui.keys import key
from hrd_coder.tui.screens.service import ServiceScreen
from hrd_coder.tui.widgets.km_chart import KMChart, step_curve

TAB_PREFIX = "design-"
"""Tab ids are the design names behind a prefix (a name may start with a digit)."""
DEFAULT_LAYER = "default"
"""How the layer `None` is shown: case attributes only, consensus where codes are needed."""
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


def days(value: float) -> str:
    """A median (or its bound) in whole days, or "not reached"."""
    return "not reached" if math.isinf(value) or math.isnan(value) else f"{value:.0f}"


def ratio(value: float) -> str:
    """A hazard ratio or bound with two decimals; ∞ when it has none."""
    return "∞" if math.isinf(value) else "—" if math.isnan(value) else f"{value:.2f}"


def layer_name(layer: str | None) -> str:
    """A layer as the screen names it."""
    return DEFAULT_LAYER if layer is None else layer


class ResultsScreen(ServiceScreen):
    """One design's survival results at a time; `d` and `l` change the design and the layer."""

    HELP_TITLE = "Results keys"
    HELP_ABOUT = (
        "One design of analysis.yaml at a time: Kaplan–Meier curves and medians, the log-rank"
        " test, the Cox model and its checks; PageDown, Down, Up, Home and End scroll the "
        "report."
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
                yield KMChart(id="km-chart")
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
        self.refresh_bindings()
        self.compute()

    def compute(self) -> None:
        """Report on the chosen design and layer in a worker; the report follows."""
        design, layer, by_day = self.design, self.chosen_layer, self.released_by
        if design is None:
            return
        self.set_class(True, "-busy")
        self._status(f"computing {design} on layer {layer_name(layer)}…")

        def run() -> tuple[DesignReport, list[str]]:
            # An incomplete consensus is shown, as the command line's --allow-incomplete
            # would, with a warning that names what is missing.
            warnings = self.project.check_consensus(layer, allow_incomplete=True, design=design)
            return self.project.analyze(design, layer, released_by=by_day), warnings

        def show(result: tuple[DesignReport, list[str]]) -> None:
            if (design, layer, by_day) != (self.design, self.chosen_layer, self.released_by):
                return  # a newer request is on its way
            report, warnings = result
            self.set_class(False, "-busy")
            self.set_class(False, "-failed")
            self.report = report
            self.show_report(report)
            for warning in warnings:
                self.notify(warning, title="Incomplete consensus", severity="warning", timeout=10)

        self._service(run, show)

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
        super()._failed(message)

    # -- the report --------------------------------------------------------------------------

    def show_report(self, report: DesignReport) -> None:
        """Fill every part of the screen from a report."""
        design = report.design
        self._show_summary(report)
        chart = self.query_one(KMChart)
        chart.x_label = ORIGIN_WORDS[design.origin]
        chart.x_max = float(report.table[DURATION].max()) if len(report.table) else 0.0
        chart.curves = tuple(
            step_curve(f"{curve.group} (n {curve.n})", curve.table["time"], curve.table["survival"])
            for curve in report.km.curves
        )
        self._fill_medians(report)
        self._show_logrank(report)
        self._fill_cox(report)
        self._show_evalue(report)
        self._show_checks(report)
        self._show_sensitivity(report)
        notes = self.query_one("#notes", Static)
        notes.display = bool(report.notes)
        notes.update(
            Content("\n").join(
                [Content.styled("Notes", "bold"), *(Content(f"• {n}") for n in report.notes)]
            )
        )
        self._status(
            Content.assemble(
                (design.name, "bold"),
                f" on layer {layer_name(self.chosen_layer)}",
                f" · {len(report.table)} cases, {int(report.table[EVENT].sum())} released",
            )
        )

    def _show_summary(self, report: DesignReport) -> None:
        design = report.design
        used = (
            f"codings from layer {report.layer}"
            if report.layer
            else "case attributes only (no codings needed)"
        )
        self.query_one("#design-summary", Static).update(
            Content.assemble(
                (design.description.strip() or design.name, "bold"),
                "\n",
                (
                    f"{', '.join(design.cases)}; compared: {design.group}; "
                    f"{ORIGIN_WORDS[design.origin]}; follow-up to {design.censor_date}; "
                    f"{used}",
                    "$text-muted",
                ),
            )
        )

    def _fill_medians(self, report: DesignReport) -> None:
        table = self.query_one("#median-table", DataTable)
        table.clear(columns=True)
        for name in ("group", "n", "released", "median days", "95% CI"):
            table.add_column(name, key=name)
        for curve in report.km.curves:
            table.add_row(
                curve.group,
                str(curve.n),
                str(curve.events),
                days(curve.median),
                f"{days(curve.median_low)} – {days(curve.median_high)}",
                key=curve.group,
            )

    def _show_logrank(self, report: DesignReport) -> None:
        rank = report.logrank
        text = (
            Content.styled("No log-rank test (see the notes).", "dim")
            if rank is None
            else Content.assemble(
                ("Log-rank test: ", "bold"),
                f"chi-square {rank.statistic:.2f} on {rank.degrees_of_freedom} df, "
                f"{format_p(rank.p)}",
                (
                    " (the curves differ)" if rank.p < 0.05 else " (no clear difference)",
                    "$text-muted",
                ),
            )
        )
        self.query_one("#logrank", Static).update(text)

    def _fill_cox(self, report: DesignReport) -> None:
        table = self.query_one("#cox-table", DataTable)
        table.clear(columns=True)
        fit = self.query_one("#cox-fit", Static)
        cox = report.cox
        table.display = cox is not None
        if cox is None:
            fit.update(Content.styled("No Cox model (see the notes).", "dim"))
            return
        for name in ("covariate", "HR", "95% CI", "p"):
            table.add_column(name, key=name)
        for covariate, row in cox.summary.iterrows():
            table.add_row(
                str(covariate),
                ratio(row["hr"]),
                f"{ratio(row['hr_low'])} – {ratio(row['hr_high'])}",
                f"{row['p']:.3g}",
                key=str(covariate),
            )
        fit.update(
            Content.styled(
                f"HR above 1: released sooner. n {cox.n}, released {cox.events}, "
                f"concordance {cox.concordance:.3f} ({cox.engine}, {cox.ties} ties)",
                "$text-muted",
            )
        )

    def _show_evalue(self, report: DesignReport) -> None:
        found = report.evalue
        widget = self.query_one("#evalue", Static)
        widget.display = found is not None
        if found is None:
            return
        widget.update(
            Content.assemble(
                ("E-value ", "bold"),
                f"{found.evalue:.2f} (confidence limit nearer 1: {found.evalue_ci:.2f})",
                (
                    f": an unmeasured confounder would need a risk ratio this large with both "
                    f"{found.covariate} and release to explain the hazard ratio away. "
                    f"{found.outcome_share:.0%} released, so {found.conversion}.",
                    "$text-muted",
                ),
            )
        )

    def _show_sensitivity(self, report: DesignReport) -> None:
        heading = self.query_one("#released-by-heading", Static)
        text = self.query_one("#sensitivity", Static)
        table = self.query_one("#bounds-table", DataTable)
        table.clear(columns=True)
        by_t = report.released_by
        found = by_t.sensitivity if by_t else None
        table.display = found is not None and len(found.bounds) > 0
        if by_t is None:
            heading.update("Released by day t")
            text.update(Content.styled("Press t to model release by day 365 or 730.", "dim"))
            return
        heading.update(f"Released by day {by_t.t:g}: sensitivity to an omitted confounder")
        if found is None:
            text.update(Content.styled("No linear probability model (see the notes).", "dim"))
            return
        text.update(
            Content.assemble(
                f"{found.treatment} {found.estimate:+.3f} (se {found.se:.3f}, t {found.t:.2f}, "
                f"dof {found.dof}). ",
                ("Partial R² with the outcome ", "bold"),
                f"{found.r2yd_x:.1%}; ",
                ("robustness value ", "bold"),
                f"{found.rv_q:.1%} (at alpha {found.alpha:g}: {found.rv_qa:.1%})",
                (
                    "\nA confounder explaining that share of what is left of both the "
                    "group and release would bring the estimate to 0 (its interval to 0).",
                    "$text-muted",
                ),
            )
        )
        for name in ("confounder", "R² with group", "R² with release", "adjusted", "95% CI"):
            table.add_column(name, key=name)
        for row in found.bounds.to_dict("records"):
            table.add_row(
                row["bound"],
                f"{row['r2dz_x']:.1%}",
                f"{row['r2yz_dx']:.1%}",
                f"{row['adjusted_estimate']:+.3f}",
                f"{row['adjusted_ci_low']:+.3f} – {row['adjusted_ci_high']:+.3f}",
                key=row["bound"],
            )

    def _show_checks(self, report: DesignReport) -> None:
        if not report.ph:
            text = Content.styled("Not checked (see the notes).", "dim")
        else:
            text = Content("\n").join(
                Content.assemble(
                    ("✓ " if check.proportional else "! ", self._check_style(check.proportional)),
                    (f"{check.covariate or 'whole model'}: ", "bold"),
                    check.verdict,
                )
                for check in report.ph
            )
        self.query_one("#ph-verdicts", Static).update(text)

    @staticmethod
    def _check_style(proportional: bool) -> str:
        return "bold $text-success" if proportional else "bold $text-warning"

    def _show_layer(self) -> None:
        self.query_one("#layer-name", Static).update(f"layer {layer_name(self.chosen_layer)}")

    # -- actions -----------------------------------------------------------------------------

    @on(Tabs.TabActivated, "#design-tabs")
    def _design_chosen(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "").removeprefix(TAB_PREFIX)
        if name and name != self.design:
            self.design = name
            self.compute()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Cycling makes sense only with something to cycle to."""
        if action == "next_design":
            return len(self.designs) > 1 or None
        if action == "layer":
            return len(self.layer_choices) > 1 or None
        return True

    def action_next_design(self) -> None:
        """Show the next design of analysis.yaml."""
        if not self.designs:
            return
        position = self.designs.index(self.design) if self.design in self.designs else -1
        self.query_one(Tabs).active = TAB_PREFIX + self.designs[(position + 1) % len(self.designs)]

    def action_layer(self) -> None:
        """Compute on the next layer: default, each coder, consensus."""
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

    def action_recompute(self) -> None:
        """Read analysis.yaml again and recompute the chosen design."""
        self.load()

    def action_back(self) -> None:
        """Close the results and go back."""
        self.dismiss(None)
