"""Adjudication: the queue of units where coders disagree about a code, and the decisions
that settle them. A decision is stored with what the coders had coded (its basis) and the
consensus layer is rebuilt in the same transaction (see consensus.py); the
coders' own layers are never touched. The workbench's F6 and `hrd-coder adjudicate` both
come here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services import boundary_rules, consensus
from hrd_coder.services import consensus_rules as rules
from hrd_coder.services.boundary_rules import BOUNDARY, Extent
from hrd_coder.services.consensus import Decision, UnitPlan
from hrd_coder.services.consensus_rules import CHOICES, Mark
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage.decisions import store_decision

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

QUEUED = ("undecided", "reopened", "decided")


@dataclass(frozen=True)
class Disagreement:
    """One unit where coders differ on one code (whether it applies, or to which cases)."""

    document_id: str
    start: int
    end: int
    code_id: str
    present: dict[str, bool]  # coder -> marked the code here (coders who did not code the
    # document are left out)
    spans: dict[str, tuple[tuple[int, int], ...]]  # coder -> their codings near the unit
    marks: dict[str, Mark]  # coder -> what counts here: pieces (start, end, case)
    decision: str | None = None  # the choice in force, if any
    state: str = "undecided"  # undecided, decided, or reopened (codings changed since)
    reason: str = ""
    boundary: str | None = None  # the id of the boundary whose decision settles the unit
    chosen: Extent | None = None  # that decision's extent (None: it chose an empty one)

    @property
    def key(self) -> tuple[str, int, int, str]:
        """Identifies the item across reloads."""
        return (self.document_id, self.start, self.end, self.code_id)

    @property
    def id(self) -> str:
        """The short id `hrd-coder adjudicate decide` takes."""
        return consensus.item_id(self.key)

    @property
    def kind(self) -> str:
        """'code' (does it apply here?) or 'cases' (which cases is it tied to?)."""
        return rules.kind_of(self.marks)

    @property
    def open(self) -> bool:
        """True while the item needs a decision (none yet, or its codings changed)."""
        return self.state != "decided"


def disagreements(
    project: Project, codes: Sequence[str] = (), documents: Sequence[str] = ()
) -> list[Disagreement]:
    """The queue: every disagreement on the consensus unit, decided or not, in text order."""
    for code in codes:
        project.require_code(code)
    found = consensus.plan(project, codes)
    nearby = _nearby_spans(found.codings)
    return [
        _item(unit, nearby)
        for unit in found.units
        if unit.state in QUEUED and (not documents or unit.document_id in documents)
    ]


def _nearby_spans(codings: Sequence[CodingRecord]) -> dict[tuple[str, str, str], list]:
    by_coder: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for c in codings:
        by_coder.setdefault((c.document_id, c.code_id, c.coder), []).append((c.start, c.end))
    return by_coder


def _item(unit: UnitPlan, nearby: dict[tuple[str, str, str], list]) -> Disagreement:
    spans = {
        coder: tuple(
            sorted(
                (s, e)
                for s, e in nearby.get((unit.document_id, unit.code_id, coder), ())
                if s < unit.end and e > unit.start
            )
        )
        for coder in unit.marks
    }
    decision = unit.decision
    boundary, chosen = None, None
    if decision is not None and decision.unit == BOUNDARY:
        # The unit lies inside a decided boundary: name it and the extent it chose, so the
        # queue does not read as if a coder's version were chosen for this unit alone.
        boundary = consensus.item_id((*decision.key, BOUNDARY))
        chosen = boundary_rules.extent_of(
            decision.choice, boundary_rules.extents_of(decision.basis or {})
        )
    return Disagreement(
        unit.document_id,
        unit.start,
        unit.end,
        unit.code_id,
        {coder: bool(mark) for coder, mark in unit.marks.items()},
        spans,
        unit.marks,
        decision.choice if decision else None,
        unit.state,
        decision.reason if decision else "",
        boundary,
        chosen,
    )


def find(items: Sequence[Disagreement], wanted: str) -> Disagreement:
    """The item with this id (or a unique prefix of it)."""
    matches = [item for item in items if item.id.startswith(wanted.strip().lower())]
    if len(matches) == 1 and wanted.strip():
        return matches[0]
    if not matches:
        raise ProjectError(
            f"there is no disagreement '{wanted}' in the queue: list the ids with "
            "'hrd-coder adjudicate list' (a coder's later change may have settled it)"
        )
    raise ProjectError(f"'{wanted}' names {len(matches)} items: give more of the id")


def check_choice(item: Disagreement, choice: str) -> str:
    """A choice this item can take: one of its coders, union, intersection or neither."""
    allowed = [*item.marks, *CHOICES]
    if choice not in allowed:
        raise ProjectError(
            f"'{choice}' is not a choice for item {item.id}: use one of {', '.join(allowed)}"
        )
    return choice


def decide(
    project: Project, item: Disagreement, choice: str, reason: str, adjudicator: str
) -> Mark:
    """Record one decision and rebuild the consensus at once; return what the
    consensus layer now holds in the unit."""
    made = decide_many(project, [(item, choice, reason)], adjudicator)
    return made[item.key]


def decide_many(
    project: Project,
    decisions: Sequence[tuple[Disagreement, str, str]],
    adjudicator: str,
    on_boundaries: Sequence[Decision] = (),
) -> dict[tuple[str, int, int, str], Mark]:
    """Record several decisions (and decisions on boundaries, checked by boundaries.py)
    and rebuild the consensus, all in one transaction (checked first: one bad choice and
    nothing is written)."""
    for item, choice, _ in decisions:
        check_choice(item, choice)
    with project.database.reading() as conn:
        unit = consensus.consensus_unit(conn)
    pending = [
        _decision(item, choice, reason, adjudicator, unit) for item, choice, reason in decisions
    ]
    pending += on_boundaries
    # The whole layer is rebuilt, not only these codes: agreed units of codes without any
    # disagreement enter it too, so deciding every item leaves it complete.
    found = consensus.plan(project, (), pending)
    _still_boundaries(found, on_boundaries)
    current = {unit.key: unit for unit in found.units}
    for item, _, _ in decisions:
        if item.key not in current or current[item.key].state not in QUEUED:
            raise ProjectError(
                f"item {item.id} ({item.document_id} {item.start}–{item.end}, {item.code_id}) "
                "is no longer a disagreement: a coder changed it; reload the queue"
            )
    with project.database.writing() as conn:
        for decision in pending:
            _store(conn, decision)
        consensus.write(project, found, adjudicator, conn)
    return {item.key: current[item.key].wanted for item, _, _ in decisions}


def _still_boundaries(found: consensus.Plan, on_boundaries: Sequence[Decision]) -> None:
    """Refuse decisions on boundaries a coder has changed since the queue was read."""
    settled = {b.decision.id for b in found.boundaries if b.decision and b.state == "decided"}
    for decision in on_boundaries:
        if decision.id not in settled:
            raise ProjectError(
                f"the boundary of {decision.code_id} in {decision.document_id} "
                f"{decision.start}–{decision.end} has changed since the queue was read (a "
                "coder moved or removed a coding): list it again with 'hrd-coder adjudicate "
                "list --unitizing'"
            )


def _decision(
    item: Disagreement, choice: str, reason: str, adjudicator: str, unit: str
) -> Decision:
    return Decision(
        str(uuid.uuid4()),
        item.document_id,
        item.start,
        item.end,
        item.code_id,
        choice,
        reason,
        adjudicator,
        unit,
        item.marks,
    )


def _store(conn: Any, decision: Decision) -> None:
    row = {
        "id": decision.id,
        "document_id": decision.document_id,
        "start": decision.start,
        "end": decision.end,
        "code_id": decision.code_id,
        "choice": decision.choice,
        "reason": decision.reason,
        "adjudicator": decision.adjudicator,
        "unit": decision.unit,
        "basis": rules.basis_json(decision.unit or consensus.DEFAULT_UNIT, decision.basis or {}),
    }
    logged = {
        "document": decision.document_id,
        "start": decision.start,
        "end": decision.end,
        "code": decision.code_id,
        "choice": decision.choice,
        "reason": decision.reason,
        "unit": decision.unit,
    }
    store_decision(conn, row, logged)


def progress(items: Sequence[Disagreement]) -> tuple[int, int]:
    """(decided, total) for a queue (a reopened item counts as not decided)."""
    return sum(1 for i in items if not i.open), len(items)
