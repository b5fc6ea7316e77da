"""One design's survival report on the results screen: the design summary, the Kaplan–Meier
curves and medians, the log-rank test, the Cox table, the E-value, the proportional-hazards
verdicts and the released-by-t sensitivity."""

from __future__ import annotations

import math

from textual.content import Content
from textual.widgets import DataTable, Static

from hrd_coder.analysis.design_report import ORIGIN_WORDS, DesignReport
from hrd_coder.analysis.designs import DURATION, EVENT
from hrd_coder.analysis.ph_test import format_p
from hrd_coder.tui.screens.service import ServiceScreen
from hrd_coder.tui.widgets.km_chart import KMChart, step_curve

DEFAULT_LAYER = "default"
"""How the layer `None` is shown: case attributes only, consensus where codes are needed."""


def days(value: float) -> str:
    """A median (or its bound) in whole days, or "not reached"."""
    return "not reached" if math.isinf(value) or math.isnan(value) else f"{value:.0f}"


def ratio(value: float) -> str:
    """A hazard ratio or bound with two decimals; ∞ when it has none."""
    return "∞" if math.isinf(value) else "—" if math.isnan(value) else f"{value:.2f}"


def layer_name(layer: str | None) -> str:
    """A layer as the screen names it."""
    return DEFAULT_LAYER if layer is None else layer


class ReportDisplay(ServiceScreen):
    """Fills the results screen from a report; the results screen chooses and computes it."""

    chosen_layer: str | None

    def show_report(self, report: DesignReport, released_by_pending: bool = False) -> None:
        """Fill every part of the screen from a report (`released_by_pending`: its
        released-by-day model is being computed, and says so)."""
        design = report.design
        self._show_summary(report)
        chart = self.query_one(KMChart)
        chart.empty_text = "No curves to draw."
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
        self._show_sensitivity(report, released_by_pending)
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

    def _show_sensitivity(self, report: DesignReport, pending: bool = False) -> None:
        heading = self.query_one("#released-by-heading", Static)
        text = self.query_one("#sensitivity", Static)
        table = self.query_one("#bounds-table", DataTable)
        table.clear(columns=True)
        by_t = report.released_by
        found = by_t.sensitivity if by_t else None
        table.display = found is not None and len(found.bounds) > 0
        if by_t is None and pending:
            heading.update("Released by day t")
            text.update(Content.styled("Computing the linear probability model…", "dim"))
            return
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
