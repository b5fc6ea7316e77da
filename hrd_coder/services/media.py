"""Media items of a project: coverage variables for the case table and coverage timelines.

Reads nothing itself but the codings a `coded_with` measure counts: analysis.yaml, the cases
and the media items come in an `AnalysisInputs` (services/analysis_inputs.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import raise_if_any
from hrd_coder.services.analysis_inputs import AnalysisInputs, Article, read_articles
from hrd_coder.services.records import CaseInfo
from hrd_coder.sources.dates import parse_partial_date

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.analysis.case_variables import CaseVariables
    from hrd_coder.analysis.coverage import Week
    from hrd_coder.analysis.designs import AnalysisPlan
    from hrd_coder.services.project import Project

MARGIN = dt.timedelta(weeks=4)
"""Empty weeks shown before the first and after the last date of a timeline."""


@dataclass(frozen=True)
class CoverageTimeline:
    """The media items mentioning one case, week by week, with the case's key dates."""

    case: CaseInfo
    articles: tuple[Article, ...]
    weeks: tuple[Week, ...]
    marks: tuple[tuple[str, dt.date], ...]
    """(what, day) in date order: `campaign`, `featured`, `released` (each when known)."""

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (dates as ISO text)."""
        return {
            "case": self.case.id,
            "name": self.case.name,
            "marks": {what: day.isoformat() for what, day in self.marks},
            "articles": [
                {
                    "id": a.id,
                    "date": a.written,
                    "outlet": a.outlet,
                    "outlet_type": a.outlet_type,
                    "title": a.title,
                }
                for a in self.articles
            ],
            "weeks": [
                {"week": w.monday.isoformat(), "total": w.total, "by_outlet_type": w.counts}
                for w in self.weeks
            ],
        }


def coverage_by_case(project: Project) -> dict[str, tuple[int, dt.date]]:
    """Case id -> (media items mentioning it, the first one's date), for cases with any."""
    found: dict[str, tuple[int, dt.date]] = {}
    for article in read_articles(project):
        for case in article.case_ids:
            count, first = found.get(case, (0, article.date))
            found[case] = (count + 1, min(first, article.date))
    return found


def coverage_names(plan: AnalysisPlan | None, *, coded: bool = True) -> list[str]:
    """The column names of the coverage measures of analysis.yaml (none without the file);
    without `coded`, only those that need no layer (no `coded_with`)."""
    if plan is None:
        return []
    chosen = [spec for spec in plan.coverage if coded or spec.coded_with is None]
    return [name for spec in chosen for name in spec.columns()]


def add_coverage(inputs: AnalysisInputs, found: CaseVariables, layer: str | None) -> CaseVariables:
    """The case table with the coverage variables of analysis.yaml added.

    Measures counting only coded items (`coded_with`) need a layer: without one (the case
    attributes alone) they are left out, as code variables are.
    """
    from hrd_coder.analysis.coverage import coverage_columns, with_coverage

    plan = inputs.optional_plan
    if plan is None or not plan.coverage:
        return found
    items = inputs.articles
    _check_outlet_types(plan, {a.outlet_type for a in items})
    frame = _frame(items)
    ordered = [{"id": i, "featured_on": inputs.featured_on[i]} for i in found.table["id"]]
    columns = []
    for index, spec in enumerate(plan.coverage):
        if spec.coded_with is not None and layer is None:
            continue
        for name in spec.columns():
            if name in found.table.columns:
                raise_if_any(
                    [
                        plan.document.problem(
                            ("coverage", index, "name"),
                            f"coverage '{spec.name}' would add column '{name}', which the "
                            "case table already has",
                            "give the coverage measure another name",
                        )
                    ]
                )
        coded = _coded(inputs.project, layer, spec.coded_with) if spec.coded_with else None
        columns += coverage_columns(spec, plan.campaign_date, ordered, frame, coded)
    return with_coverage(found, columns)


def _frame(items: list[Article]) -> pd.DataFrame:
    from hrd_coder.analysis.coverage import article_frame

    return article_frame(
        {
            "document_id": a.id,
            "case_id": case,
            "date": a.date,
            "latest": a.latest,
            "outlet_type": a.outlet_type,
        }
        for a in items
        for case in a.case_ids
    )


def _coded(project: Project, layer: str | None, code: str) -> set[tuple[str, str | None]]:
    """(document, case) pairs of the layer's codings of `code` or a descendant of it."""
    counted = {code} | {c for c, above in project.codebook.ancestors.items() if code in above}
    return {
        (c.document_id, c.case_id) for c in project.codings(coder=layer) if c.code_id in counted
    }


def _check_outlet_types(plan: AnalysisPlan, known: set[str]) -> None:
    """An outlet type no media item has is a typo (checked once there are media items)."""
    if not known:
        return
    problems = []
    for index, spec in enumerate(plan.coverage):
        for position, kind in enumerate(spec.outlet_types):
            if kind in known:
                continue
            close = difflib.get_close_matches(kind, sorted(known), n=1, cutoff=0.6)
            problems.append(
                plan.document.problem(
                    ("coverage", index, "outlet_types", position),
                    f"coverage '{spec.name}': no media item has outlet_type '{kind}'",
                    (f"did you mean '{close[0]}'? " if close else "")
                    + "the media files use: "
                    + ", ".join(sorted(known)),
                )
            )
    raise_if_any(problems)


def timeline(inputs: AnalysisInputs, case_id: str) -> CoverageTimeline:
    """The media items mentioning one case, week by week, with its campaign, feature and
    release dates."""
    from hrd_coder.analysis.coverage import weekly_counts

    project = inputs.project
    project.require_case(case_id)
    case = next(c for c in project.cases() if c.id == case_id)
    mentioning = tuple(a for a in inputs.articles if case_id in a.case_ids)
    plan = inputs.optional_plan
    marks = [("campaign", plan.campaign_date)] if plan else []
    for what, written in (("featured", case.featured_on), ("released", case.released_on)):
        if written:
            marks.append((what, parse_partial_date(written).earliest))
    days = [a.date for a in mentioning] + [day for _, day in marks]
    if not days:
        return CoverageTimeline(case, (), (), ())
    weeks = weekly_counts(
        ((a.date, a.outlet_type) for a in mentioning), min(days) - MARGIN, max(days) + MARGIN
    )
    return CoverageTimeline(
        case, mentioning, tuple(weeks), tuple(sorted(marks, key=lambda m: (m[1], m[0])))
    )
