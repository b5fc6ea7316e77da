"""Coding actions: each one its own committed transaction, together with its event."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hrd_coder.problems import ProjectError
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage import tables
from hrd_coder.storage.events import record_event, record_events

CODINGS: Table = tables.Coding.__table__
CODERS: Table = tables.Coder.__table__
MEMOS: Table = tables.DocumentMemo.__table__
CODING_COLUMNS = tuple(CODINGS.c.keys())  # noqa: SIM118 (a column list)
RECORD_FIELDS = tuple(f.name for f in fields(CodingRecord))
INSERT_BATCH = 20_000
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DateTime format in SQLite
CONTEXT_CHARS = 40  # quoted context on each side, for re-anchoring after edits
CODER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


CONSENSUS = "consensus"  # the layer adjudication builds; no person may code under this name


def check_coder_name(name: str) -> str:
    """Coder names appear in file names and exports: keep them plain."""
    if name == CONSENSUS:
        raise ProjectError(
            "'consensus' is the adjudicated layer, not a coder: choose your "
            "own name, e.g. --coder lena"
        )
    if not CODER_NAME.match(name or ""):
        raise ProjectError(
            f"coder name {name!r} is not valid: use letters, digits, '.', '_' "
            "or '-' (up to 64), e.g. --coder lena"
        )
    return name


def ensure_coder(conn: Connection, name: str) -> None:
    """Create the coder on their first action."""
    if conn.execute(select(CODERS.c.name).where(CODERS.c.name == name)).first() is not None:
        return
    # Two windows of a new coder may both get here: on conflict, the other one won.
    dialect = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}.get(conn.dialect.name)
    row = {"name": name, "role": "coder", "created_at": tables.utc_now()}
    if dialect is None:
        conn.execute(CODERS.insert().values(**row))
        added = True
    else:
        # RETURNING, not rowcount: psycopg reports -1 for this statement.
        statement = dialect(CODERS).values(**row).on_conflict_do_nothing()
        added = conn.execute(statement.returning(CODERS.c.name)).first() is not None
    if added:
        record_event(conn, coder=name, action="coder.add", entity="coder", entity_id=name)


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
    now = tables.utc_now()
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


def insert_codings(conn: Connection, codings: Iterable[CodingRecord]) -> int:
    """Insert codings and their 'coding.add' events in the caller's transaction."""
    codings = list(codings)
    write = _write_sqlite if conn.dialect.name == "sqlite" else _write
    # In batches: rows and events for a million codings at once would take gigabytes.
    for first in range(0, len(codings), INSERT_BATCH):
        write(conn, codings[first : first + INSERT_BATCH])
    return len(codings)


def _write(conn: Connection, batch: list[CodingRecord]) -> None:
    conn.execute(CODINGS.insert(), [_row(c) for c in batch])
    record_events(
        conn,
        (
            {
                "at": c.created_at,
                "coder": c.coder,
                "action": "coding.add",
                "entity": "coding",
                "entity_id": c.id,
                "after": _as_json(c),
            }
            for c in batch
        ),
    )


def _write_sqlite(conn: Connection, batch: list[CodingRecord]) -> None:
    """`_write` as two plain executemany calls: SQLAlchemy's per-row parameter handling
    took more time than SQLite's own inserts. Values are stored as SQLAlchemy stores them
    in SQLite: times as UTC text, JSON as json.dumps text (None as null)."""
    columns = ", ".join(f'"{name}"' for name in CODING_COLUMNS)
    marks = ", ".join("?" for _ in CODING_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO coding ({columns}) VALUES ({marks})",
        [tuple(_sqlite_value(getattr(c, name)) for name in CODING_COLUMNS) for c in batch],
    )
    conn.exec_driver_sql(
        # SQLAlchemy writes a None in a JSON column as JSON null, so the same here.
        "INSERT INTO event (at, coder, action, entity, entity_id, before, after) "
        "VALUES (?, ?, ?, ?, ?, 'null', ?)",
        [
            (
                _sqlite_value(c.created_at),
                c.coder,
                "coding.add",
                "coding",
                c.id,
                json.dumps(_as_json(c)),
            )
            for c in batch
        ],
    )


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime(SQLITE_TIME)
    return value


def fetch_coding(conn: Connection, coding_id: str) -> CodingRecord:
    """Read one coding; raise ProjectError if there is none with this id."""
    row = conn.execute(CODINGS.select().where(CODINGS.c.id == coding_id)).mappings().first()
    if row is None:
        raise ProjectError(no_such_coding(coding_id))
    return CodingRecord(**row)


def no_such_coding(coding_id: str) -> str:
    """The message for an unknown id (also for another layer's id under blind coding)."""
    return f"there is no coding with id '{coding_id}': list them with 'hrd-coder codings list'"


def delete_coding(
    conn: Connection, coding: CodingRecord, by: str, *, as_lead: bool = False
) -> None:
    """Remove a coding, keeping it whole in the event so it can be restored."""
    conn.execute(CODINGS.delete().where(CODINGS.c.id == coding.id))
    record_event(
        conn,
        coder=by,
        action="coding.remove",
        entity="coding",
        entity_id=coding.id,
        before=coding.as_json(),
        after={"as_lead": True, "layer": coding.coder} if as_lead else None,
    )


def change_coding(
    conn: Connection, before: CodingRecord, text: str, by: str, changes: dict[str, Any]
) -> CodingRecord:
    """Apply changes (span, code, case, memo), re-quoting when the span moved."""
    after = replace(before, **changes, updated_at=tables.utc_now())
    if (after.start, after.end) != (before.start, before.end):
        check_span(text, after.start, after.end, after.document_id)
        after = replace(
            after,
            quote=text[after.start : after.end],
            prefix=text[max(0, after.start - CONTEXT_CHARS) : after.start],
            suffix=text[after.end : after.end + CONTEXT_CHARS],
        )
    row = _row(after)
    conn.execute(CODINGS.update().where(CODINGS.c.id == before.id).values(**row))
    record_event(
        conn,
        coder=by,
        action="coding.update",
        entity="coding",
        entity_id=before.id,
        before=before.as_json(),
        after=after.as_json(),
    )
    return after


def save_document_memo(conn: Connection, document_id: str, coder: str, text: str) -> None:
    """Set (or with empty text, delete) a coder's memo on a document."""
    key = (MEMOS.c.document_id == document_id) & (MEMOS.c.coder == coder)
    old = conn.execute(select(MEMOS.c.text).where(key)).scalar_one_or_none()
    if old == (text or None):
        return
    if old is not None:
        conn.execute(MEMOS.delete().where(key))
    if text:
        conn.execute(
            MEMOS.insert().values(
                document_id=document_id, coder=coder, text=text, updated_at=tables.utc_now()
            )
        )
    record_event(
        conn,
        coder=coder,
        action="memo.set",
        entity="document_memo",
        entity_id=f"{document_id}/{coder}",
        before={"text": old} if old is not None else None,
        after={"text": text} if text else None,
    )


def _row(coding: CodingRecord) -> dict[str, Any]:
    return {name: getattr(coding, name) for name in CODING_COLUMNS}


def _as_json(coding: CodingRecord) -> dict[str, Any]:
    """The same mapping as `coding.as_json()`, without the deep copy `asdict` makes, which
    took most of a bulk load's time (a coding holds only strings, numbers and times)."""
    data = {name: getattr(coding, name) for name in RECORD_FIELDS}
    data["created_at"] = coding.created_at.isoformat()
    data["updated_at"] = coding.updated_at.isoformat()
    return data
