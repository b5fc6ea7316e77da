"""Adjudication: the queue of units where coders disagree about a code, and decisions
that build the `consensus` layer (the coders' own layers are never touched)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Table, and_, select

from hrd_coder.problems import ProjectError
from hrd_coder.services.agreement import AgreementRequest, reliability_data
from hrd_coder.services.coding import CODERS, CODINGS, CONSENSUS, insert_codings, new_coding
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage import tables
from hrd_coder.storage.events import record_event

DECISIONS: Table = tables.Decision.__table__
CHOICES = ("union", "intersection", "neither")


@dataclass(frozen=True)
class Disagreement:
    """One unit where coders differ on one code, with each coder's codings of it."""

    document_id: str
    start: int
    end: int
    code_id: str
    present: dict[str, bool]  # coder -> marked the code here (missing coders left out)
    spans: dict[str, tuple[tuple[int, int], ...]]  # coder -> their codings' spans here
    decision: str | None = None  # the choice already made, if any

    @property
    def key(self) -> tuple[str, int, int, str]:
        """Identifies the item across reloads."""
        return (self.document_id, self.start, self.end, self.code_id)


def disagreements(project: Any, request: AgreementRequest) -> list[Disagreement]:
    """Every (unit, code) where at least one coder marked the code and another did not."""
    data = reliability_data(project, request, hierarchy=False)
    codings = [c for c in project.codings() if c.coder in data.coders]
    decided = _decisions(project)
    items = []
    for code in data.codes:
        matrix = data.presence[code]
        for column, unit in enumerate(data.units[code]):
            values = matrix[:, column]
            seen = ~np.isnan(values)
            if seen.sum() < 2 or len(set(values[seen])) < 2 or unit.document_id is None:
                continue
            present = {c: bool(values[i]) for i, c in enumerate(data.coders) if seen[i]}
            spans = {
                c: _spans(codings, c, code, unit.document_id, unit.start, unit.end) for c in present
            }
            key = (unit.document_id, unit.start, unit.end, code)
            items.append(
                Disagreement(
                    unit.document_id, unit.start, unit.end, code, present, spans, decided.get(key)
                )
            )
    return sorted(items, key=lambda d: d.key)


def _spans(
    codings: list[CodingRecord], coder: str, code: str, document: str, start: int, end: int
) -> tuple[tuple[int, int], ...]:
    return tuple(
        sorted(
            (c.start, c.end)
            for c in codings
            if c.coder == coder
            and c.code_id == code
            and c.document_id == document
            and c.start < end
            and c.end > start
        )
    )


def _decisions(project: Any) -> dict[tuple[str, int, int, str], str]:
    with project.database.reading() as conn:
        rows = conn.execute(
            select(
                DECISIONS.c.document_id,
                DECISIONS.c.start,
                DECISIONS.c.end,
                DECISIONS.c.code_id,
                DECISIONS.c.choice,
            ).order_by(DECISIONS.c.decided_at)
        )
        return {(d, s, e, c): choice for d, s, e, c, choice in rows}


def consensus_spans(item: Disagreement, choice: str) -> list[tuple[int, int]]:
    """The spans the consensus layer gets for a choice."""
    if choice in item.spans:
        return list(item.spans[choice])
    if choice == "neither":
        return []
    if choice not in CHOICES:
        options = ", ".join([*item.spans, *CHOICES])
        raise ProjectError(f"'{choice}' is not a choice here: use one of {options}")
    marked = [spans for spans in item.spans.values() if spans]
    if choice == "union":
        return _merge([s for spans in marked for s in spans])
    if len(marked) < len(item.spans):
        return []  # someone did not code it: the intersection is empty
    common = marked[0]
    for spans in marked[1:]:
        common = [
            (max(a, c), min(b, d)) for a, b in common for c, d in spans if max(a, c) < min(b, d)
        ]
    return _merge(common)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def decide(
    project: Any, item: Disagreement, choice: str, reason: str, adjudicator: str
) -> list[CodingRecord]:
    """Record a decision and rewrite this code's consensus codings in the unit, at once."""
    spans = consensus_spans(item, choice)
    text = project.text_of(item.document_id)
    case = item.document_id if project.document_kind(item.document_id) == "case_history" else None
    made = [
        new_coding(
            text=text,
            document_id=item.document_id,
            coder=CONSENSUS,
            code_id=item.code_id,
            start=s,
            end=e,
            case_id=case,
            memo=f"adjudicated: {choice}" + (f" — {reason}" if reason else ""),
            codebook_hash=project.codebook_hash_for_new_codings(),
        )
        for s, e in spans
    ]
    with project.database.writing() as conn:
        _ensure_consensus_coder(conn)
        _clear_consensus(conn, item, adjudicator)
        insert_codings(conn, made)
        decision_id = str(uuid.uuid4())
        conn.execute(
            DECISIONS.insert().values(
                id=decision_id,
                document_id=item.document_id,
                start=item.start,
                end=item.end,
                code_id=item.code_id,
                choice=choice,
                reason=reason,
                adjudicator=adjudicator,
                decided_at=tables.utc_now(),
            )
        )
        record_event(
            conn,
            coder=adjudicator,
            action="decision.add",
            entity="decision",
            entity_id=decision_id,
            after={
                "document": item.document_id,
                "start": item.start,
                "end": item.end,
                "code": item.code_id,
                "choice": choice,
                "reason": reason,
            },
        )
    return made


def _ensure_consensus_coder(conn: Any) -> None:
    if conn.execute(select(CODERS.c.name).where(CODERS.c.name == CONSENSUS)).first() is None:
        conn.execute(
            CODERS.insert().values(name=CONSENSUS, role="consensus", created_at=tables.utc_now())
        )


def _clear_consensus(conn: Any, item: Disagreement, adjudicator: str) -> None:
    """Drop consensus codings of this code that overlap the unit (a decision replaces them)."""
    where = and_(
        CODINGS.c.coder == CONSENSUS,
        CODINGS.c.code_id == item.code_id,
        CODINGS.c.document_id == item.document_id,
        CODINGS.c.start < item.end,
        CODINGS.c.end > item.start,
    )
    for row in conn.execute(CODINGS.select().where(where)).mappings().all():
        before = CodingRecord(**row)
        conn.execute(CODINGS.delete().where(CODINGS.c.id == before.id))
        record_event(
            conn,
            coder=adjudicator,
            action="coding.remove",
            entity="coding",
            entity_id=before.id,
            before=before.as_json(),
        )


def progress(items: list[Disagreement]) -> tuple[int, int]:
    """(decided, total) for a queue."""
    return sum(1 for i in items if i.decision), len(items)
