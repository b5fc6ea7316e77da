"""The double-coding sample: which documents each coder is assigned, drawn reproducibly.

An assigned document counts as coded by its coder in agreement even where they found
nothing to code (see agreement/coded_units.py). Drawing, listing and clearing the sample
live here; who may do each is checked by the Project facade.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.layers import check_coder_name
from hrd_coder.storage import core_tables, coverage_rows
from hrd_coder.storage.events import record_event

if TYPE_CHECKING:
    from hrd_coder.services.project import Project
    from hrd_coder.storage.database import Connection

DOUBLE_CODING = "double-coding"


@dataclass(frozen=True)
class AssignmentRecord:
    """One document given to one coder, with the sample and seed that chose it."""

    coder: str
    document_id: str
    sample: str
    seed: int
    assigned_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        """Plain values for tables, CSV and JSON."""
        return {
            "coder": self.coder,
            "document": self.document_id,
            "sample": self.sample,
            "seed": self.seed,
            "assigned_at": self.assigned_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class SampleDrawn:
    """What drawing a sample did: the documents it chose, the new ones, the coder's total."""

    coder: str
    chosen: tuple[str, ...]  # every document this share and seed select
    added: tuple[str, ...]  # those not assigned to the coder before
    total: int  # documents assigned to the coder now, from every sample drawn for them


def assign_sample(
    project: Project,
    coder: str,
    share: float,
    seed: int,
    kind: str | None = None,
    sample: str = DOUBLE_CODING,
) -> SampleDrawn:
    """Assign a reproducible random share of documents to a coder (again: no change)."""
    check_coder_name(coder)
    if not 0 < share <= 1:
        raise ProjectError("share must be a fraction between 0 and 1, e.g. 0.2 for 20%")
    documents = sorted(d.id for d in project.documents(kind=kind))
    count = max(1, round(share * len(documents))) if documents else 0
    chosen = sorted(random.Random(seed).sample(documents, count))
    with project.database.writing() as conn:
        have = coverage_rows.documents_of(conn, "assignment", coder)
        added = [d for d in chosen if d not in have]
        if added:
            extra = {"sample": sample, "seed": seed, "created_at": core_tables.utc_now()}
            coverage_rows.add(conn, "assignment", coder, added, extra)
            record_event(
                conn,
                coder=project.viewer,
                action="sample.assign",
                entity="assignment",
                entity_id=coder,
                after={"documents": added, "seed": seed, "share": share, "sample": sample},
            )
        total = len(have) + len(added)
    return SampleDrawn(coder, tuple(chosen), tuple(added), total)


def clear_assignments(project: Project, coder: str) -> list[AssignmentRecord]:
    """Take every assigned document from a coder (their codings stay); return what was."""
    check_coder_name(coder)
    with project.database.writing() as conn:
        removed = _read(conn, coder)
        if removed:
            coverage_rows.remove(conn, "assignment", coder, None)
            record_event(
                conn,
                coder=project.viewer,
                action="sample.clear",
                entity="assignment",
                entity_id=coder,
                before={"documents": [a.document_id for a in removed]},
            )
    return removed


def list_assignments(project: Project, coder: str | None = None) -> list[AssignmentRecord]:
    """Every assignment (or one coder's), by coder and document."""
    with project.database.reading() as conn:
        return _read(conn, coder)


def _read(conn: Connection, coder: str | None) -> list[AssignmentRecord]:
    return [
        AssignmentRecord(row.coder, row.document_id, row.sample, row.seed, row.created_at)
        for row in coverage_rows.assignments(conn, coder)
    ]
