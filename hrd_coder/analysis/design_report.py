"""A report on one design: Kaplan–Meier by group, log-rank, Cox, PH checks and a figure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.cox import CoxResult, fit_cox
from hrd_coder.analysis.designs import DURATION, ENTRY, EVENT, Design
from hrd_coder.analysis.kaplan_meier import KMResult, LogRank, kaplan_meier, logrank
from hrd_coder.analysis.km_plot import km_plot
from hrd_coder.analysis.ph_test import PHCheck, format_p, ph_test

if TYPE_CHECKING:
    import pandas as pd

ARM = "arm"
ORIGIN_WORDS = {
    "campaign": "days since the campaign launch",
    "featured_on": "days since featured (others: since the campaign launch)",
    "detained_on": "days since detention",
}


@dataclass(frozen=True, eq=False)
class DesignReport:
    """Everything `hrd-coder report` shows for one design; `table` is its survival table."""

    design: Design
    layer: str | None
    table: pd.DataFrame
    km: KMResult
    logrank: LogRank | None
    cox: CoxResult | None
    ph: tuple[PHCheck, ...]
    plots: tuple[Path, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready report (a median never reached is None)."""
        return {
            "design": self.design.model_dump(mode="json"),
            "layer": self.layer,
            "n": len(self.table),
            "events": int(self.table[EVENT].sum()),
            "groups": self.km.as_dict()["groups"],
            "logrank": self.logrank.as_dict() if self.logrank else None,
            "cox": self.cox.as_dict() if self.cox else None,
            "ph_test": {(c.covariate or "overall"): c.as_dict() for c in self.ph},
            "plots": [str(path) for path in self.plots],
            "notes": list(self.notes),
        }

    def markdown(self) -> str:
        """The report as a Markdown section (tables, verdicts, the figure)."""
        design = self.design
        lines = [f"## {design.name}", ""]
        if design.description:
            lines += [design.description.strip(), ""]
        lines += [
            f"Cases: {', '.join(design.cases)}; compared group: {design.group}; "
            f"time: {ORIGIN_WORDS[design.origin]}; follow-up ends {design.censor_date}; "
            f"events: {', '.join(design.events)}"
            + (f"; codings from layer {self.layer}" if self.layer else "")
            + ".",
            "",
            "| group | n | released | median days | 95% CI |",
            "|---|---|---|---|---|",
        ]
        for curve in self.km.curves:
            lines.append(
                f"| {curve.group} | {curve.n} | {curve.events} | {_days(curve.median)} | "
                f"{_days(curve.median_low)} – {_days(curve.median_high)} |"
            )
        if self.logrank:
            lines += [
                "",
                f"Log-rank chi-square {self.logrank.statistic:.2f} on "
                f"{self.logrank.degrees_of_freedom} df, {format_p(self.logrank.p)}.",
            ]
        if self.cox:
            lines += ["", "| covariate | HR | 95% CI | p |", "|---|---|---|---|"]
            for name, row in self.cox.summary.iterrows():
                lines.append(
                    f"| {name} | {row['hr']:.2f} | {row['hr_low']:.2f} – {row['hr_high']:.2f} | "
                    f"{row['p']:.3g} |"
                )
            lines += [
                "",
                f"Cox model ({self.cox.engine}, {self.cox.ties} ties): n {self.cox.n}, "
                f"events {self.cox.events}, concordance {self.cox.concordance:.3f}.",
            ]
        if self.ph:
            lines += [""] + [f"- PH {c.covariate or 'overall'}: {c.verdict}" for c in self.ph]
        if self.notes:
            lines += [""] + [f"- note: {note}" for note in self.notes]
        pngs = [path for path in self.plots if path.suffix == ".png"]
        if pngs:
            lines += ["", f"![Kaplan–Meier curves, {design.name}]({pngs[0].as_posix()})"]
        return "\n".join(lines) + "\n"


def report_design(
    design: Design, table: pd.DataFrame, out: str | Path | None = None, layer: str | None = None
) -> DesignReport:
    """Fit the design's models on its survival table; draw the KM figure into `out`."""
    others = "+".join(group for group in design.cases if group != design.group)
    frame = table.assign(**{ARM: table[design.group].map({1: design.group, 0: others})})
    entry = ENTRY if ENTRY in frame.columns else None
    notes: list[str] = []
    km = kaplan_meier(frame, DURATION, EVENT, group=ARM, entry=entry)
    rank = None
    if entry:
        notes.append("no log-rank test: it does not allow delayed entry; read the Cox model")
    else:
        rank = _attempt(lambda: logrank(frame, DURATION, EVENT, ARM), "log-rank test", notes)
    covariates = [design.group, *design.covariates]
    strata = list(design.strata) or None
    cox = _attempt(
        lambda: fit_cox(frame, DURATION, EVENT, covariates, strata=strata, entry=entry),
        "Cox model",
        notes,
    )
    checks: tuple[PHCheck, ...] = ()
    if entry:
        notes.append("no proportional-hazards check: it does not allow delayed entry")
    elif cox is not None:
        found = _attempt(
            lambda: ph_test(frame, DURATION, EVENT, covariates, strata=strata),
            "proportional-hazards check",
            notes,
        )
        checks = tuple(found or ())
    if cox is not None:
        notes.extend(cox.notes)
    plots: tuple[Path, ...] = ()
    if out is not None:
        Path(out).mkdir(parents=True, exist_ok=True)
        plots = km_plot(
            km,
            Path(out) / design.name,
            title=design.description.strip().split("\n")[0] or design.name,
            xlabel=ORIGIN_WORDS[design.origin],
        )
    return DesignReport(design, layer, table, km, rank, cox, checks, plots, tuple(notes))


def _attempt(fit, what: str, notes: list[str]):
    """Small designs often cannot support a model: say so in the notes instead of failing."""
    from lifelines.exceptions import ConvergenceError

    try:
        return fit()
    except (ValueError, ArithmeticError, ConvergenceError) as error:
        notes.append(f"no {what}: {error}")
        return None


def _days(value: float) -> str:
    return "not reached" if math.isinf(value) or math.isnan(value) else f"{value:.0f}"
