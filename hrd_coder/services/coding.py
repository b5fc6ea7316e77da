"""Coding rules: a coding's span, its quote and context, and what a change re-quotes.

The writes themselves (each with its event) are in storage/codings.py.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage import codings as stored
from hrd_coder.storage import core_tables

if TYPE_CHECKING:
    from hrd_coder.storage.database import Connection

CONTEXT_CHARS = 40  # quoted context on each side, for re-anchoring after edits


def check_span(text: str, start: int, end: int, document_id: str) -> None:
    """A span must be non-empty and inside the document."""
    if not 0 <= start < end <= len(text):
        raise ProjectError(
            f"span [{start}, {end}) is not inside document '{document_id}' "
            f"(length {len(text)}): start must be >= 0 and less than end"
        )


def new_coding(
    *,
    text: str,
    document_id: str,
    coder: str,
    code_id: str,
    start: int,
    end: int,
    case_id: str | None,
    memo: str | None,
    codebook_hash: str,
    coding_id: str | None = None,
) -> CodingRecord:
    """Build a coding with its quote and context (not yet stored)."""
    check_span(text, start, end, document_id)
    now = core_tables.utc_now()
    return CodingRecord(
        id=coding_id or str(uuid.uuid4()),
        document_id=document_id,
        coder=coder,
        code_id=code_id,
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        case_id=case_id,
        memo=memo,
        codebook_hash=codebook_hash,
        created_at=now,
        updated_at=now,
    )


def fetch_coding(conn: Connection, coding_id: str) -> CodingRecord:
    """Read one coding; raise ProjectError if there is none with this id."""
    row = stored.coding_row(conn, coding_id)
    if row is None:
        raise ProjectError(no_such_coding(coding_id))
    return CodingRecord(**row)


def no_such_coding(coding_id: str) -> str:
    """The message for an unknown id (also for another layer's id under blind coding)."""
    return f"there is no coding with id '{coding_id}': list them with 'hrd-coder codings list'"


def change_coding(
    conn: Connection, before: CodingRecord, text: str, by: str, changes: dict[str, Any]
) -> CodingRecord:
    """Apply changes (span, code, case, memo), re-quoting when the span moved."""
    after = replace(before, **changes, updated_at=core_tables.utc_now())
    if (after.start, after.end) != (before.start, before.end):
        check_span(text, after.start, after.end, after.document_id)
        after = replace(
            after,
            quote=text[after.start : after.end],
            prefix=text[max(0, after.start - CONTEXT_CHARS) : after.start],
            suffix=text[after.end : after.end + CONTEXT_CHARS],
        )
    stored.update_coding(conn, before, after, by)
    return after
