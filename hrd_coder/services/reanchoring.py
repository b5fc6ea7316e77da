"""Re-anchor a changed document's codings inside the import's transaction.

Codings that can be placed get new offsets and a `coding.reanchor` event; the others are
moved whole to the orphaned_coding table (event `coding.orphan`) for a coder to re-place
or discard. See docs/reanchoring.md.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.boundary_rules import BOUNDARY, shifted_choice
from hrd_coder.services.coding import CONTEXT_CHARS, check_span
from hrd_coder.services.records import CodingRecord, DocumentAnchoring, OrphanRecord
from hrd_coder.sources.anchoring import (
    FUZZY_THRESHOLD,
    ORPHANED,
    UNCHANGED,
    Placement,
    TextChange,
)
from hrd_coder.storage import catalog, core_tables
from hrd_coder.storage.codings import coding_row, coding_spans, move_codings, put_coding_row
from hrd_coder.storage.decisions import decisions_of_document, drop_decision, move_decision
from hrd_coder.storage.document_versions import stored_text
from hrd_coder.storage.events import record_event, record_events
from hrd_coder.storage.orphans import drop_orphan, orphan_row, orphan_rows, store_orphan

if TYPE_CHECKING:
    from hrd_coder.storage.database import Connection


def reanchor_document(
    conn: Connection,
    document_id: str,
    old_text: str,
    new_text: str,
    old_sha256: str,
    threshold: float = FUZZY_THRESHOLD,
) -> DocumentAnchoring:
    """Place every coding (consensus too) and decision of a document in its new text."""
    change = TextChange(old_text, new_text)
    outcome = DocumentAnchoring(document_id)
    moves: list[tuple[Any, Placement]] = []
    for span in coding_spans(conn, document_id):
        placement = change.place(span.start, span.end, threshold)
        outcome.count(placement.method)
        if placement.method == ORPHANED:
            coding = CodingRecord(**coding_row(conn, span.id))
            outcome.orphans.append(_orphan(conn, coding, old_sha256, placement.reason))
        elif placement.method != UNCHANGED:
            moves.append((span, placement))
            outcome.moves.append((span.id, placement.method, placement.score))
    _move_all(conn, moves, new_text)
    _move_decisions(conn, document_id, change, threshold, outcome)
    return outcome


def _move_all(conn: Connection, moves: list[tuple[Any, Placement]], text: str) -> None:
    """Give codings their new spans and quotes, logging before and after of each.

    One executemany for the codings and one for their events: two statements per coding
    held the import's write lock 25 s for 100,000 codings, past coders' busy timeout."""
    if not moves:
        return
    now = core_tables.utc_now()
    rows, events = [], []
    for coding, placement in moves:
        start, end = placement.start, placement.end
        quote = text[start:end]
        rows.append(
            {
                "moved_id": coding.id,
                "new_start": start,
                "new_end": end,
                "new_quote": quote,
                "new_prefix": text[max(0, start - CONTEXT_CHARS) : start],
                "new_suffix": text[end : end + CONTEXT_CHARS],
                "moved_at": now,
            }
        )
        events.append(
            {
                "action": "coding.reanchor",
                "entity": "coding",
                "entity_id": coding.id,
                "before": {"start": coding.start, "end": coding.end, "quote": coding.quote},
                "after": {
                    "start": start,
                    "end": end,
                    "quote": quote,
                    "method": placement.method,
                    "score": round(placement.score, 4),
                },
            }
        )
    move_codings(conn, rows)
    record_events(conn, events)


def _orphan(conn: Connection, coding: CodingRecord, old_sha256: str, reason: str) -> OrphanRecord:
    """Take a coding out of its layer into the review list, whole."""
    orphan = OrphanRecord.of(coding, old_sha256, reason, core_tables.utc_now())
    store_orphan(conn, orphan.row())
    put_coding_row(conn, coding.id, None, exists=True)
    record_event(
        conn,
        coder=None,
        action="coding.orphan",
        entity="coding",
        entity_id=coding.id,
        before=coding.as_json(),
        after={"reason": reason, "old_sha256": old_sha256},
    )
    return orphan


def _move_decisions(
    conn: Connection,
    document_id: str,
    change: TextChange,
    threshold: float,
    outcome: DocumentAnchoring,
) -> None:
    """Adjudication decisions hold unit spans: they follow their text like codings do."""
    for decision in decisions_of_document(conn, document_id):
        placement = change.place(decision["start"], decision["end"], threshold)
        before = {"start": decision["start"], "end": decision["end"]}
        if placement.method == UNCHANGED:
            continue
        if placement.method == ORPHANED:
            # A decision only records a choice already applied to the consensus layer, so
            # it is logged whole and dropped rather than kept for review.
            drop_decision(conn, decision["id"])
            whole = {
                k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in decision.items()
            }
            record_event(
                conn,
                coder=None,
                action="decision.orphan",
                entity="decision",
                entity_id=decision["id"],
                before=whole,
                after={"reason": placement.reason},
            )
            outcome.decisions_dropped += 1
            continue
        after = {"start": placement.start, "end": placement.end}
        by = placement.start - before["start"]
        choice = shifted_choice(decision["choice"], by) if decision["unit"] == BOUNDARY else None
        basis = _shifted(decision["basis"], by)
        move_decision(
            conn,
            decision["id"],
            placement.start,
            placement.end,
            basis,
            choice or decision["choice"],
        )
        record_event(
            conn,
            coder=None,
            action="decision.reanchor",
            entity="decision",
            entity_id=decision["id"],
            before=before,
            after={**after, "method": placement.method, "score": round(placement.score, 4)},
        )
        outcome.decisions_moved += 1


def orphans(conn: Connection, document_id: str | None = None) -> list[OrphanRecord]:
    """The review list: orphaned codings, by document and old position."""
    return [OrphanRecord(**row) for row in orphan_rows(conn, document_id)]


def replace_orphan(conn: Connection, coding_id: str, start: int, end: int, by: str) -> CodingRecord:
    """Put an orphan back into its layer at [start, end) of its document, with its own id."""
    orphan = _fetch_orphan(conn, coding_id)
    text = stored_text(conn, orphan.document_id)
    if text is None:
        raise ProjectError(
            f"cannot re-place this coding: its document '{orphan.document_id}' is no longer "
            "in the project; restore its file and run 'hrd-coder import', or discard the orphan"
        )
    check_span(text, start, end, orphan.document_id)
    _require(conn, "code", orphan.code_id, f"its code '{orphan.code_id}' is not in the codebook")
    if orphan.case_id is not None:
        _require(conn, "case", orphan.case_id, f"its case '{orphan.case_id}' is not in the project")
    coding = CodingRecord(
        id=orphan.coding_id,
        document_id=orphan.document_id,
        coder=orphan.coder,
        code_id=orphan.code_id,
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        case_id=orphan.case_id,
        memo=orphan.memo,
        codebook_hash=orphan.codebook_hash,
        created_at=orphan.created_at,
        updated_at=core_tables.utc_now(),
    )
    drop_orphan(conn, coding_id)
    put_coding_row(conn, coding_id, asdict(coding), exists=False)
    record_event(
        conn,
        coder=by,
        action="coding.replace_orphan",
        entity="coding",
        entity_id=coding_id,
        before=orphan.as_json(),
        after=coding.as_json(),
    )
    return coding


def discard_orphan(conn: Connection, coding_id: str, by: str) -> OrphanRecord:
    """Drop an orphan from the review list; the event keeps it whole."""
    orphan = _fetch_orphan(conn, coding_id)
    drop_orphan(conn, coding_id)
    record_event(
        conn,
        coder=by,
        action="coding.discard_orphan",
        entity="coding",
        entity_id=coding_id,
        before=orphan.as_json(),
    )
    return orphan


def _fetch_orphan(conn: Connection, coding_id: str) -> OrphanRecord:
    row = orphan_row(conn, coding_id)
    if row is None:
        raise ProjectError(
            f"there is no orphaned coding '{coding_id}' (someone may have re-placed or "
            "discarded it): see the list with 'hrd-coder status'"
        )
    return OrphanRecord(**row)


def _require(conn: Connection, kind: str, row_id: str, why: str) -> None:
    if not catalog.has(conn, kind, row_id):
        raise ProjectError(
            f"cannot re-place this coding: {why}; add it back (then 'hrd-coder import') "
            "or discard the orphan"
        )


def _shifted(basis: dict | None, by: int) -> dict | None:
    """A decision's basis moved with its unit: what the coders had coded, at the new offsets
    (if their codings moved otherwise, the decision is reopened, as it should be)."""
    if not basis:
        return basis
    marks = {
        coder: [[start + by, end + by, case] for start, end, case in pieces]
        for coder, pieces in basis.get("marks", {}).items()
    }
    return {**basis, "marks": marks}
