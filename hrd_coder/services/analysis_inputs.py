"""What one analysis request reads from the project, each at most once: analysis.yaml, the
cases with their case files, the media items and the documents' dates.

A front end opens one `AnalysisInputs` per request (`Project.analysis_inputs()`) and hands it
to every Project call of that request: `hrd-coder report` checks the consensus and then fits
the design on one reading of analysis.yaml and one case table. Nothing outlives the request,
so the next one sees an edited analysis.yaml or a new import.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, Text, cast, select

from hrd_coder.problems import ProjectError
from hrd_coder.sources.dates import parse_partial_date
from hrd_coder.storage import core_tables

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.analysis.case_variables import CaseVariables
    from hrd_coder.analysis.designs import AnalysisPlan
    from hrd_coder.services.project import Project

ANALYSIS_FILE = "analysis.yaml"
CASES: Table = core_tables.CASE
DOCUMENTS: Table = core_tables.DOCUMENT
_JSON_COLUMNS = ("groups", "covariates")


@dataclass(frozen=True)
class Article:
    """A media item as a timeline lists it (the date as written, and its first day)."""

    id: str
    date: dt.date
    latest: dt.date
    written: str
    outlet: str
    outlet_type: str
    title: str
    case_ids: tuple[str, ...]


def read_articles(project: Project) -> list[Article]:
    """Every media item of the project, in date then id order."""
    found = []
    for document in project.documents(kind="media"):
        meta = document.metadata
        written = parse_partial_date(meta["date"])
        found.append(
            Article(
                id=document.id,
                date=written.earliest,
                latest=written.latest,
                written=meta["date"],
                outlet=meta["outlet"],
                outlet_type=meta["outlet_type"],
                title=document.title,
                case_ids=document.case_ids,
            )
        )
    return sorted(found, key=lambda a: (a.date, a.id))


class AnalysisInputs:
    """The inputs of one analysis request, each read from the project on first use and kept
    for the rest of the request."""

    def __init__(self, project: Project) -> None:
        self.project = project

    @cached_property
    def optional_plan(self) -> AnalysisPlan | None:
        """The checked analysis.yaml, or None when the project has none (raises InvalidInput
        with every problem)."""
        # Looked up at call time, not imported at the top: pydantic's models load only when
        # a command needs the plan (and benchmarks/bench_analysis_inputs.py counts the calls).
        from hrd_coder.analysis import designs
        from hrd_coder.text_file import read_text_file

        path = Path(self.project.root) / ANALYSIS_FILE
        if not path.is_file():
            return None
        return designs.parse_analysis(read_text_file(path), ANALYSIS_FILE, self.project.codebook)

    @property
    def plan(self) -> AnalysisPlan:
        """The checked analysis.yaml; a ProjectError saying how to write one when there is
        none."""
        if self.optional_plan is None:
            raise ProjectError(
                f"no {ANALYSIS_FILE} in {self.project.root}: write one with 'campaign_date:' "
                "and 'designs:' (see docs/analysis.md)"
            )
        return self.optional_plan

    @property
    def case_frame(self) -> pd.DataFrame:
        """The cases as a case frame (`hrd_coder.analysis.case_variables.CASE_COLUMNS`)."""
        return self._cases[0]

    @property
    def case_files(self) -> dict[str, str]:
        """Case id -> the case file it was imported from, for messages."""
        return self._cases[1]

    @cached_property
    def _cases(self) -> tuple[pd.DataFrame, dict[str, str]]:
        """The case frame and the case files, from one query read column by column."""
        import pandas as pd

        from hrd_coder.analysis.case_variables import CASE_COLUMNS, DATES

        # The stored dates are already the first day of the period written (the import keeps
        # the precision beside them), so they go in as dates; building CaseInfo objects,
        # writing each date at its precision and parsing it back took most of the time at
        # 20,000 cases.
        names = (*CASE_COLUMNS, "path")
        query = select(
            *(
                cast(CASES.c[name], Text) if name in _JSON_COLUMNS else CASES.c[name]
                for name in names
            )
        )
        with self.project.database.reading() as conn:
            rows = conn.execute(query).all()
        columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {}
        # JSON decoded once per column (one array of every case's value), not once per case.
        frame = pd.DataFrame(
            {
                name: _json_column(columns.get(name, ()))
                if name in _JSON_COLUMNS
                else list(columns.get(name, ()))
                for name in CASE_COLUMNS
            },
            dtype=object,
        )
        for name in DATES:
            frame[name] = pd.to_datetime(frame[name])
        files = dict(zip(columns.get("id", ()), columns.get("path", ()), strict=True))
        return frame, files

    @cached_property
    def attributes(self) -> CaseVariables:
        """The case table without code or coverage variables: built once per request, the
        code variables of a layer are added to it (`with_code_variables`)."""
        from hrd_coder.analysis import case_variables

        return case_variables.case_variables(self.case_frame, self.project.codebook)

    @cached_property
    def featured_on(self) -> dict[str, dt.date | None]:
        """Case id -> the first day of the date she was featured (None if never)."""
        frame = self.case_frame
        return {
            case: None if day is None or day != day else day.date()  # NaT is not equal to itself
            for case, day in zip(frame["id"], frame["featured_on"], strict=True)
        }

    @cached_property
    def articles(self) -> list[Article]:
        """Every media item of the project, in date then id order."""
        return read_articles(self.project)

    @cached_property
    def document_dates(self) -> dict[str, Any]:
        """Document id -> the first day of its `date` (transcripts), for first_date variables."""
        # Only ids and metadata: `project.documents()` also measures every text, which reads
        # them all (100 MB for 1,000 long transcripts).
        with self.project.database.reading() as conn:
            rows = conn.execute(select(DOCUMENTS.c.id, cast(DOCUMENTS.c.meta, Text))).all()
        if not rows:
            return {}
        keys, metas = zip(*rows, strict=True)
        return {
            key: parse_partial_date(meta["date"]).earliest
            for key, meta in zip(keys, _json_column(metas), strict=True)
            if meta.get("date")
        }


def _json_column(texts: Iterable[str]) -> list[Any]:
    """JSON texts decoded in one call, as one array of them all."""
    return json.loads(f"[{','.join(texts)}]")
