"""Reviewing a machine coder's suggestions (docs/machine-coding.md, "Reviewing suggestions").

A person accepts a suggestion, which becomes a coding in their own layer (its span perhaps
adjusted first), or rejects it. Both are events that name the run and the suggestion, and a
suggestion a person decided is not offered to them again. A suggestion reaches a human layer
only this way: the coding and its accept event are written in one transaction, so there is
never one without the other (tests/test_suggestion_review.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from hrd_coder.problems import ProjectError
from hrd_coder.services import coding as actions
from hrd_coder.services.layers import check_coder_name
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.services.records import CodingRecord, Suggestion
from hrd_coder.services.suggestions import SuggestRun, find_run, list_runs
from hrd_coder.storage import core_tables
from hrd_coder.storage import document_versions as versions
from hrd_coder.storage.codings import ensure_coder, insert_codings
from hrd_coder.storage.events import record_event

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

ACCEPT_ACTION = "suggest.accept"
REJECT_ACTION = "suggest.reject"
ENTITY = "suggestion"
ORDERS = ("confidence", "code")
"""The review queue's orders: highest probability first, or by code (codebook order)."""
CODINGS = core_tables.CODING
EVENTS = core_tables.EVENT
PROBABILITY = re.compile(r"^p=([0-9.]+)")
SUGGESTED_BY = re.compile(r"\s*\(suggested by run [^)]*\)$")


@dataclass(frozen=True)
class Decision:
    """One reviewer's verdict on one suggestion: accept (perhaps at another span) or reject."""

    suggestion: str
    accept: bool
    start: int | None = None  # an adjusted span (accept only); None keeps the suggestion's
    end: int | None = None
    reason: str = ""
    version: str | None = None  # the text the span was taken in (the workbench gives it)


@dataclass(frozen=True)
class ReviewCount:
    """How a code's suggestions fared in review: accepted (adjusted among them), rejected."""

    accepted: int = 0
    adjusted: int = 0
    rejected: int = 0

    @property
    def rate(self) -> float | None:
        """Accepted among those decided (None before any decision)."""
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the acceptance rate."""
        return {
            "accepted": self.accepted,
            "adjusted": self.adjusted,
            "rejected": self.rejected,
            "acceptance_rate": self.rate,
        }


def review_run(project: Project, run: str | None = None) -> SuggestRun:
    """The run to review: the one named, or the latest the viewer may see."""
    if run:
        return find_run(project, run)
    runs = list_runs(project)
    if not runs:
        raise ProjectError(
            "there are no machine suggestions to review yet: make them with "
            "'hrd-coder suggest run' (a blind coder sees the runs trained on their own layer)"
        )
    return runs[-1]


def pending_suggestions(
    project: Project,
    reviewer: str,
    *,
    document: str | None = None,
    run: str | None = None,
    order: str = "confidence",
) -> tuple[SuggestRun, list[Suggestion]]:
    """The run and its suggestions (of one document, if given) that the reviewer has not
    decided yet, in queue order."""
    if order not in ORDERS:
        raise ProjectError(f"unknown order '{order}': use {' or '.join(ORDERS)}")
    chosen = review_run(project, run)
    with project.database.reading() as conn:
        decided = {d["suggestion"] for d in decisions(conn, chosen.run, reviewer)}
        held = _spans_held(conn, reviewer, document)
        found = [
            s
            for s in suggestions_of(conn, chosen, document)
            if s.id not in decided and (s.document_id, s.code_id, s.start, s.end) not in held
        ]
    return chosen, queue_order(found, order, [c.id for c in project.codebook.codes])


def _spans_held(
    conn: Connection, coder: str, document: str | None
) -> set[tuple[str, str, int, int]]:
    """(document, code, start, end) of the coder's own codings: a suggestion of exactly one
    of them is already theirs and is not offered for review."""
    query = select(CODINGS.c.document_id, CODINGS.c.code_id, CODINGS.c.start, CODINGS.c.end)
    query = query.where(CODINGS.c.coder == coder)
    if document is not None:
        query = query.where(CODINGS.c.document_id == document)
    return {tuple(row) for row in conn.execute(query)}


def _held_coding(
    conn: Connection, coder: str, document: str, code: str, start: int, end: int
) -> CodingRecord | None:
    """The coder's own coding of this code at exactly this span, if they have one."""
    c = CODINGS.c
    row = (
        conn.execute(
            CODINGS.select().where(
                c.coder == coder,
                c.document_id == document,
                c.code_id == code,
                c.start == start,
                c.end == end,
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else CodingRecord(**row)


def queue_order(found: list[Suggestion], order: str, codes: Sequence[str]) -> list[Suggestion]:
    """By confidence: highest probability first (then text order); by code: codebook order,
    then text order."""
    rank = {code: i for i, code in enumerate(codes)}
    if order == "code":
        return sorted(found, key=lambda s: (rank.get(s.code_id, len(rank)), s.document_id, s.start))
    return sorted(found, key=lambda s: (-(s.probability or 0.0), s.document_id, s.start, s.code_id))


def suggestions_of(
    conn: Connection, run: SuggestRun, document: str | None = None
) -> list[Suggestion]:
    """The run's suggestions (of one document, if given), in text order."""
    query = CODINGS.select().where(CODINGS.c.coder == run.layer)
    if document is not None:
        query = query.where(CODINGS.c.document_id == document)
    query = query.order_by(CODINGS.c.document_id, CODINGS.c.start, CODINGS.c.code_id)
    return [as_suggestion(CodingRecord(**row), run.run) for row in conn.execute(query).mappings()]


def as_suggestion(coding: CodingRecord, run: str) -> Suggestion:
    """A model layer's coding as a suggestion, its probability (or, from a language model,
    its reasoning) read back from the memo."""
    found = PROBABILITY.match(coding.memo or "")
    return Suggestion(
        id=coding.id,
        run=run,
        document_id=coding.document_id,
        code_id=coding.code_id,
        start=coding.start,
        end=coding.end,
        probability=float(found.group(1)) if found else None,
        quote=coding.quote,
        case_id=coding.case_id,
        reasoning="" if found else SUGGESTED_BY.sub("", coding.memo or ""),
    )


def decisions(
    conn: Connection, run: str | None, reviewer: str | None = None
) -> list[dict[str, Any]]:
    """The accept and reject events of a run (of every run: None; one reviewer's, if
    given), oldest first."""
    query = (
        select(EVENTS.c.coder, EVENTS.c.action, EVENTS.c.after, EVENTS.c.at)
        .where(EVENTS.c.action.in_((ACCEPT_ACTION, REJECT_ACTION)))
        .order_by(EVENTS.c.id)
    )
    if reviewer is not None:
        query = query.where(EVENTS.c.coder == reviewer)
    found = []
    for coder, action, after, at in conn.execute(query):
        data = json.loads(after) if isinstance(after, str) else dict(after)
        if run is None or data.get("run") == run:
            found.append({**data, "reviewer": coder, "action": action, "at": at})
    return found


def decide(project: Project, reviewer: str, wanted: Sequence[Decision]) -> list[CodingRecord]:
    """Record a reviewer's decisions, all in one transaction or none; return the codings
    the accepted suggestions became in the reviewer's layer."""
    check_coder_name(reviewer)  # never consensus, never a model layer
    runs = {run.layer: run for run in list_runs(project)}
    codebook_hash = project.codebook_hash_for_new_codings()
    made = []
    with project.database.writing() as conn:
        # Read once: a batch of thousands must not read the log once per row.
        decided = {d["suggestion"]: d["action"] for d in decisions(conn, None, reviewer)}
        for decision in wanted:
            suggestion = _visible_suggestion(conn, decision.suggestion, runs)
            _require_undecided(suggestion, reviewer, decided.get(suggestion.id))
            decided[suggestion.id] = ACCEPT_ACTION if decision.accept else REJECT_ACTION
            if decision.accept:
                project.require_code(suggestion.code_id)
                made.append(_accept(conn, suggestion, decision, reviewer, codebook_hash))
            else:
                _record(conn, REJECT_ACTION, suggestion, reviewer, {"reason": decision.reason})
    return made


def _visible_suggestion(
    conn: Connection, suggestion_id: str, runs: dict[str, SuggestRun]
) -> Suggestion:
    """The suggestion with this id, if the viewer may see its run (else: as if absent)."""
    row = conn.execute(CODINGS.select().where(CODINGS.c.id == suggestion_id)).mappings().first()
    if row is None or not is_model_layer(row["coder"]) or row["coder"] not in runs:
        raise ProjectError(
            f"there is no suggestion '{suggestion_id}': the ids of a run's suggestions are "
            "listed by 'hrd-coder suggest review RUN' (or 'codings list --coder model:RUN')"
        )
    return as_suggestion(CodingRecord(**row), runs[row["coder"]].run)


def _require_undecided(suggestion: Suggestion, reviewer: str, earlier: str | None) -> None:
    """Refuse a second decision of one reviewer on one suggestion."""
    if earlier is not None:
        verb = "accepted" if earlier == ACCEPT_ACTION else "rejected"
        raise ProjectError(
            f"{reviewer} already {verb} suggestion {suggestion.id} ({suggestion.code_id} "
            f"on {suggestion.document_id}); a suggestion is decided once (ctrl+z in the "
            "workbench takes back the coding an accept made)"
        )


def _accept(
    conn: Connection,
    suggestion: Suggestion,
    decision: Decision,
    reviewer: str,
    codebook_hash: str,
) -> CodingRecord:
    """The reviewer's coding of the suggestion (at its span or the adjusted one), and the
    accept event naming both."""
    document = suggestion.document_id
    versions.require_version(document, decision.version, versions.locked_version(conn, document))
    start = suggestion.start if decision.start is None else decision.start
    end = suggestion.end if decision.end is None else decision.end
    adjusted = (start, end) != (suggestion.start, suggestion.end)
    held = _held_coding(conn, reviewer, document, suggestion.code_id, start, end)
    if held is not None:  # already theirs: accepting it must not code the span twice
        extra = {"coding": held.id, "start": start, "end": end, "adjusted": adjusted}
        _record(conn, ACCEPT_ACTION, suggestion, reviewer, {**extra, "already_coded": True})
        return held
    coding = actions.new_coding(
        text=versions.current_text(conn, document),
        document_id=document,
        coder=reviewer,
        code_id=suggestion.code_id,
        start=start,
        end=end,
        case_id=suggestion.case_id,
        memo=None,
        codebook_hash=codebook_hash,
    )
    ensure_coder(conn, reviewer)
    insert_codings(conn, [coding])
    _record(
        conn,
        ACCEPT_ACTION,
        suggestion,
        reviewer,
        {"coding": coding.id, "start": start, "end": end, "adjusted": adjusted},
    )
    return coding


def _record(
    conn: Connection, action: str, suggestion: Suggestion, reviewer: str, extra: dict[str, Any]
) -> None:
    record_event(
        conn,
        coder=reviewer,
        action=action,
        entity=ENTITY,
        entity_id=suggestion.id,
        after={
            "run": suggestion.run,
            "suggestion": suggestion.id,
            "document": suggestion.document_id,
            "code": suggestion.code_id,
            "probability": suggestion.probability,
            "suggested": [suggestion.start, suggestion.end],
            **extra,
        },
    )


def review_counts(project: Project, run: str) -> dict[str, ReviewCount]:
    """Per code of the run, its suggestions accepted (adjusted among them) and rejected; a
    blind coder counts only their own decisions."""
    chosen = find_run(project, run)
    access = project.access()
    reviewer = None if access.sees_all else project.viewer
    with project.database.reading() as conn:
        found = decisions(conn, chosen.run, reviewer)
    counts = {code: ReviewCount() for code in chosen.codes}
    for decision in found:
        code = decision.get("code", "")
        was = counts.get(code, ReviewCount())
        if decision["action"] == ACCEPT_ACTION:
            adjusted = int(bool(decision.get("adjusted")))
            counts[code] = ReviewCount(was.accepted + 1, was.adjusted + adjusted, was.rejected)
        else:
            counts[code] = ReviewCount(was.accepted, was.adjusted, was.rejected + 1)
    return counts
