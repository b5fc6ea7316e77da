"""A report on one design: Kaplan–Meier by group, log-rank, Cox, PH checks, sensitivity
analyses (E-value of the group's hazard ratio; omitted-variable bounds on the released-by-t
model) and figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.child_process import call_here
from hrd_coder.analysis.cox import CoxResult, fit_cox
from hrd_coder.analysis.designs import DURATION, ENTRY, EVENT, IMPRECISE, Design
from hrd_coder.analysis.evalue import EValue, evalue_hr
from hrd_coder.analysis.fit_failures import why_not_fitted
from hrd_coder.analysis.fit_warnings import warnings_as_notes
from hrd_coder.analysis.kaplan_meier import KMResult, LogRank, kaplan_meier, logrank
from hrd_coder.analysis.km_plot import curves_to_draw
from hrd_coder.analysis.linear_probability import ReleasedByResult, released_by_model
from hrd_coder.analysis.ph_test import PHCheck, ph_test
from hrd_coder.analysis.report_figures import ContourJob, FigureJob
from hrd_coder.analysis.report_tables import (
    CONTOUR,
    ORIGIN_WORDS,
    caption,
    report_markdown,
    report_tables,
)
from hrd_coder.analysis.tables import render_table
from hrd_coder.problems import ProjectError
from hrd_coder.whole_file import writing_all_whole
from hrd_coder.wording import agreeing, plural

if TYPE_CHECKING:
    import pandas as pd

ARM = "arm"


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
    released_by: ReleasedByResult | None = None
    evalue: EValue | None = None

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
            "released_by": self.released_by.as_dict() if self.released_by else None,
            "evalue": self.evalue.as_dict() if self.evalue else None,
            "plots": [str(path) for path in self.plots],
            "notes": list(self.notes),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables by name: groups, cox, evalue, ph, released_by,
        released_by_model, sensitivity, sensitivity_bounds (those the report has)."""
        return report_tables(self)

    def render(self, fmt: str) -> str:
        """Every table as LaTeX (one table environment each) or Markdown, with captions."""
        return "\n".join(
            render_table(table, fmt, caption(self, key)) for key, table in self.tables().items()
        )

    def write_csv(self, folder: str | Path) -> list[Path]:
        """Each table as FOLDER/DESIGN.TABLE.csv (all written whole, or none); returns the
        paths written."""
        tables = self.tables()
        paths = [Path(folder) / f"{self.design.name}.{key}.csv" for key in tables]
        with writing_all_whole(paths) as temporaries:
            for temporary, table in zip(temporaries, tables.values(), strict=True):
                temporary.write_text(render_table(table, "csv"))
        return paths

    def markdown(self) -> str:
        """The report as a Markdown section (tables, verdicts, the figure)."""
        return report_markdown(self)


def report_design(
    design: Design,
    table: pd.DataFrame,
    out: str | Path | None = None,
    layer: str | None = None,
    released_by: float | None = None,
) -> DesignReport:
    """Fit the design's models on its survival table; draw the KM figure into `out`.

    With `released_by` (days), add the share released by then per group, its linear
    probability model on the group and the design's covariates (strata as dummies), that
    model's sensitivity to an omitted confounder and (into `out`) its contour figure.
    The libraries' warnings become notes in plain words.
    """
    warned: list[str] = []
    with warnings_as_notes(warned):
        report = _report(design, table, out, layer, released_by)
    return replace(report, notes=(*report.notes, *warned))


def _report(design, table, out, layer, released_by) -> DesignReport:
    others = "+".join(group for group in design.cases if group != design.group)
    frame = table.assign(**{ARM: table[design.group].map({1: design.group, 0: others})})
    entry = ENTRY if ENTRY in frame.columns else None
    notes: list[str] = _precision_notes(table)
    km = kaplan_meier(frame, DURATION, EVENT, group=ARM, entry=entry)
    rank = None
    if entry:
        notes.append("no log-rank test: it does not allow delayed entry; read the Cox model")
    else:
        rank = _attempt(lambda: logrank(frame, DURATION, EVENT, ARM), "log-rank test", notes)
    covariates = [design.group, *design.covariates]
    strata = list(design.strata) or None
    cox = design_cox(design, frame, notes)
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
    found_evalue = None
    if cox is not None:
        notes.extend(cox.notes)
        found_evalue = _attempt(lambda: group_evalue(design, cox, table), "E-value", notes)
    by_t = None
    if released_by is not None:
        by_t = released_by_model(
            frame,
            DURATION,
            EVENT,
            released_by,
            design.group,
            [*design.covariates, *design.strata],
            frame[ARM],
        )
        if entry:
            notes.append(
                f"released by day {released_by:g} counts days since detention; women held "
                f"longer than that at the campaign launch count as not released"
            )
    report = DesignReport(
        design, layer, table, km, rank, cox, checks, (), tuple(notes), by_t, found_evalue
    )
    return report if out is None else draw_figures(report, out)


def draw_figures(
    report: DesignReport, out: str | Path, run: Callable[..., Any] = call_here
) -> DesignReport:
    """The report with its figures drawn into `out`: the Kaplan–Meier curves and, with a
    released-by model, its sensitivity contour. Kept apart from the fitting, so a caller
    can show the tables first (matplotlib is imported only here, and drawing takes longer
    than fitting on the demo); `run` may be a ChildProcess's `call`, to draw in it."""
    try:
        return replace(report, plots=run(FigureJob.draw, figure_job(report, Path(out))))
    except OSError as error:
        raise ProjectError(
            f"cannot write the figures into {out}: {error.strerror or error}; choose a "
            "folder you can write to with --out"
        ) from None


def figure_job(report: DesignReport, out: Path) -> FigureJob:
    """What the report's figures need, as plain data (no fitted models)."""
    design = report.design
    title = design.description.strip().split("\n")[0] or design.name
    by_t = report.released_by
    contour = None
    if by_t is not None and by_t.sensitivity is not None:
        contour = ContourJob(
            by_t.sensitivity,
            f"{design.name}{CONTOUR}",
            title=f"{title}: released by day {by_t.t:g}",
            treatment_words=f"being {design.group}",
        )
    curves = curves_to_draw(report.km)
    return FigureJob(curves, out, design.name, title, ORIGIN_WORDS[design.origin], contour)


def group_evalue(design: Design, cox: CoxResult, table: pd.DataFrame) -> EValue:
    """E-values of the group's hazard ratio; rare or common from the share released."""
    row = cox.summary.loc[design.group]
    share = float(table[EVENT].mean()) if len(table) else 0.0
    return evalue_hr(row["hr"], row["hr_low"], row["hr_high"], share, design.group)


def design_cox(design: Design, table: pd.DataFrame, notes: list[str]) -> CoxResult | None:
    """The design's Cox model (group first, then covariates; strata and entry as declared).

    A model the data cannot support gives None and a line in `notes`.
    """
    entry = ENTRY if ENTRY in table.columns else None
    columns = [design.group, *design.covariates]
    return _attempt(
        lambda: fit_cox(
            table, DURATION, EVENT, columns, strata=list(design.strata) or None, entry=entry
        ),
        "Cox model",
        notes,
        # lifelines' words ("matrix inversion problems") name no column and no remedy.
        explain=lambda error: why_not_fitted(error, table, EVENT, columns),
    )


def _attempt(fit, what: str, notes: list[str], explain: Callable[[Exception], str] = str):
    """Small designs often cannot support a model: say so in the notes instead of failing."""
    from lifelines.exceptions import ConvergenceError

    try:
        return fit()
    except (ValueError, ArithmeticError, ConvergenceError) as error:
        notes.append(f"no {what}: {explain(error)}")
        return None


def _precision_notes(table: pd.DataFrame) -> list[str]:
    """Say which cases' times rest on dates known only to the month or year."""
    if IMPRECISE not in table.columns:
        return []
    rough = table[table[IMPRECISE].astype(bool)]
    if rough.empty:
        return []
    listed = "; ".join(f"{r['id']}: {r[IMPRECISE]}" for r in rough.to_dict("records"))
    return [
        f"{plural(len(rough), 'case')} {agreeing(len(rough), 'has', 'have')} dates known "
        f"only to the month or year ({listed}); "
        "they count from the first day of that period"
    ]
