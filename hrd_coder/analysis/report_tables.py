"""A design report's tables (groups, Cox, E-value, PH, released by t and its sensitivity),
their captions, and the report as a Markdown section."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hrd_coder.analysis.evalue import EValue
from hrd_coder.analysis.ph_test import format_p
from hrd_coder.analysis.result_text import CANNOT_TEST
from hrd_coder.analysis.tables import render_table

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.analysis.design_report import DesignReport

CONTOUR = "_sensitivity"
"""End of the contour figure's file name: DESIGN_sensitivity.png."""
ORIGIN_WORDS = {
    "campaign": "days since the campaign launch",
    "featured_on": "days since featured (others: since the campaign launch)",
    "detained_on": "days since detention",
}


def report_tables(report: DesignReport) -> dict[str, pd.DataFrame]:
    """A report's tables by name: groups, cox, evalue, ph, released_by,
    released_by_model, sensitivity, sensitivity_bounds (those the report has)."""
    import pandas as pd

    found = {
        "groups": pd.DataFrame(
            [
                {
                    "group": c.group,
                    "n": c.n,
                    "released": c.events,
                    "median_days": c.median,
                    "median_low": c.median_low,
                    "median_high": c.median_high,
                }
                for c in report.km.curves
            ]
        )
    }
    if report.cox:
        columns = ["hr", "hr_low", "hr_high", "p"]
        found["cox"] = report.cox.summary[columns].rename_axis("covariate").reset_index()
    if report.evalue:
        found["evalue"] = pd.DataFrame([report.evalue.as_dict()])
    if report.ph:
        found["ph"] = pd.DataFrame(
            [
                {
                    "covariate": c.covariate or "overall",
                    "statistic": c.statistic,
                    "df": c.degrees_of_freedom,
                    "p": c.p,
                }
                for c in report.ph
            ]
        )
    if report.released_by:
        found["released_by"] = report.released_by.shares
        if report.released_by.model is not None:
            found["released_by_model"] = report.released_by.model.rename_axis("term").reset_index()
        if sensitivity := report.released_by.sensitivity:
            found["sensitivity"] = sensitivity.summary()
            if len(sensitivity.bounds):
                found["sensitivity_bounds"] = sensitivity.bounds
    return found


def caption(report: DesignReport, key: str) -> str:
    """The caption of one of a report's tables."""
    t = f"{report.released_by.t:g}" if report.released_by else ""
    return (
        report.design.name
        + ": "
        + {
            "groups": "Kaplan-Meier median days to release",
            "cox": "Cox hazard ratios, 95% CI",
            "ph": "proportional-hazards test (Schoenfeld residuals)",
            "released_by": f"share released by day {t}",
            "released_by_model": f"linear probability model of release by day {t} "
            "(OLS, HC2 standard errors)",
            "evalue": "E-value of the group's hazard ratio (VanderWeele & Ding 2017)",
            "sensitivity": f"sensitivity of the group's effect on release by day {t} to an "
            "omitted confounder (Cinelli & Hazlett 2020; classical OLS standard error)",
            "sensitivity_bounds": "a confounder 1, 2, 3 times as strong as each covariate: "
            "adjusted estimate, standard error, t and 95% CI",
        }[key]
    )


def report_markdown(report: DesignReport) -> str:
    """A report as a Markdown section (tables, verdicts, the figure)."""
    design = report.design
    lines = [f"## {design.name}", ""]
    if design.description:
        lines += [design.description.strip(), ""]
    lines += [
        f"Cases: {', '.join(design.cases)}; compared group: {design.group}; "
        f"time: {ORIGIN_WORDS[design.origin]}; follow-up ends {design.censor_date}; "
        f"events: {', '.join(design.events)}"
        + (f"; codings from layer {report.layer}" if report.layer else "")
        + ".",
        "",
        "| group | n | released | median days | 95% CI |",
        "|---|---|---|---|---|",
    ]
    for curve in report.km.curves:
        lines.append(
            f"| {curve.group} | {curve.n} | {curve.events} | {_days(curve.median)} | "
            f"{_days(curve.median_low)} – {_days(curve.median_high)} |"
        )
    if report.logrank:
        lines += [
            "",
            f"Log-rank chi-square {report.logrank.statistic:.2f} on "
            f"{report.logrank.degrees_of_freedom} df, {format_p(report.logrank.p)}.",
        ]
    if report.cox:
        lines += ["", "| covariate | HR | 95% CI | p |", "|---|---|---|---|"]
        for name, row in report.cox.summary.iterrows():
            lines.append(
                f"| {name} | {row['hr']:.2f} | {row['hr_low']:.2f} – {row['hr_high']:.2f} | "
                f"{_p(row['p'])} |"
            )
        lines += [
            "",
            f"Cox model ({report.cox.engine}, {report.cox.ties} ties): n {report.cox.n}, "
            f"events {report.cox.events}, concordance {report.cox.concordance:.3f}.",
        ]
    if report.evalue:
        lines += ["", evalue_sentence(report.evalue)]
    if report.ph:
        lines += [""] + [f"- PH {c.covariate or 'overall'}: {c.verdict}" for c in report.ph]
    if report.released_by:
        tables = report_tables(report)
        for key in ("released_by", "released_by_model", "sensitivity", "sensitivity_bounds"):
            if key in tables:
                lines += [
                    "",
                    render_table(tables[key], "markdown", caption(report, key)).rstrip(),
                ]
    if report.notes:
        lines += [""] + [f"- note: {note}" for note in report.notes]
    for path in report.plots:
        if path.suffix == ".png":
            what = "sensitivity contours" if path.stem.endswith(CONTOUR) else "Kaplan–Meier curves"
            lines += ["", f"![{what}, {design.name}]({path.as_posix()})"]
    return "\n".join(lines) + "\n"


def evalue_sentence(found: EValue) -> str:
    """The E-values in words, with the conversion used and why."""
    return (
        f"E-value of the {found.covariate} hazard ratio: {found.evalue:.2f} for the estimate, "
        f"{found.evalue_ci:.2f} for the confidence limit nearer 1. "
        f"{found.outcome_share:.0%} of cases were released by the end of follow-up, so "
        f"{found.conversion} (VanderWeele & Ding 2017)."
    )


def _p(p: float) -> str:
    return CANNOT_TEST if math.isnan(p) else f"{p:.3g}"


def _days(value: float) -> str:
    return "not reached" if math.isinf(value) or math.isnan(value) else f"{value:.0f}"
