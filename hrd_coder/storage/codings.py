"""Codings, coders and document memos in the database: each write with its event, in the
caller's transaction.

A coding here is anything with the coding table's columns as attributes and an `as_json()`
(services' CodingRecord): storage does not import the services' records.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Row, Table, bindparam, func, select

from hrd_coder.storage import core_tables
from hrd_coder.storage.events import record_event, record_events

CODINGS: Table = core_tables.CODING
CODERS: Table = core_tables.CODER
MEMOS: Table = core_tables.DOCUMENT_MEMO
CODING_COLUMNS = tuple(CODINGS.c.keys())  # noqa: SIM118 (a column list)
INSERT_BATCH = 20_000
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DateTime format in SQLite
BULK_CACHE_KIB = -262_144  # negative: KiB, so 256 MiB


def ensure_coder(conn: Connection, name: str) -> None:
    """Create the coder on their first action."""
    if conn.execute(select(CODERS.c.name).where(CODERS.c.name == name)).first() is not None:
        return
    # Two windows of a new coder may both get here: on conflict, the other one won.
    dialect = _insert_or_ignore(conn.dialect.name)
    row = {"name": name, "role": "coder", "created_at": core_tables.utc_now()}
    if dialect is None:
        conn.execute(CODERS.insert().values(**row))
        added = True
    else:
        # RETURNING, not rowcount: psycopg reports -1 for this statement.
        statement = dialect(CODERS).values(**row).on_conflict_do_nothing()
        added = conn.execute(statement.returning(CODERS.c.name)).first() is not None
    if added:
        record_event(conn, coder=name, action="coder.add", entity="coder", entity_id=name)


def insert_codings(conn: Connection, codings: Iterable[Any]) -> int:
    """Insert codings and their 'coding.add' events in the caller's transaction."""
    codings = list(codings)
    write = _write_sqlite if conn.dialect.name == "sqlite" else _write
    # In batches: rows and events for a million codings at once would take gigabytes.
    for first in range(0, len(codings), INSERT_BATCH):
        write(conn, codings[first : first + INSERT_BATCH])
    return len(codings)


def _write(conn: Connection, batch: Sequence[Any]) -> None:
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


def _insert_or_ignore(backend: str) -> Any:
    """The backend's INSERT with ON CONFLICT, if it has one. Imported for the backend in
    use only: the PostgreSQL dialect alone takes ~25 ms to import, which every command on
    SQLite would pay (issue 15)."""
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert
    if backend == "sqlite":
        from sqlalchemy.dialects.sqlite import insert

        return insert
    return None


def _write_sqlite(conn: Connection, batch: Sequence[Any]) -> None:
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


def coding_row(conn: Connection, coding_id: str) -> dict[str, Any] | None:
    """One coding's columns, or None if there is none with this id."""
    row = conn.execute(CODINGS.select().where(CODINGS.c.id == coding_id)).mappings().first()
    return dict(row) if row is not None else None


def delete_coding(conn: Connection, coding: Any, by: str, *, as_lead: bool = False) -> None:
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


def update_coding(conn: Connection, before: Any, after: Any, by: str) -> None:
    """Store `after` in place of `before` (same id), with a 'coding.update' event."""
    conn.execute(CODINGS.update().where(CODINGS.c.id == before.id).values(**_row(after)))
    record_event(
        conn,
        coder=by,
        action="coding.update",
        entity="coding",
        entity_id=before.id,
        before=before.as_json(),
        after=after.as_json(),
    )


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
                document_id=document_id, coder=coder, text=text, updated_at=core_tables.utc_now()
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


def coding_rows(
    conn: Connection,
    *,
    layer: str | None = None,
    except_layer: str | None = None,
    codes: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The codings of one layer (or of every layer but one), of these codes when given,
    by document, start and id."""
    query = CODINGS.select()
    if layer is not None:
        query = query.where(CODINGS.c.coder == layer)
    if except_layer is not None:
        query = query.where(CODINGS.c.coder != except_layer)
    if codes:
        query = query.where(CODINGS.c.code_id.in_(list(codes)))
    query = query.order_by(CODINGS.c.document_id, CODINGS.c.start, CODINGS.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def ensure_layer_owner(conn: Connection, name: str, role: str) -> None:
    """Add the coder row a non-person layer's codings hang on (consensus), once, unlogged."""
    if conn.execute(select(CODERS.c.name).where(CODERS.c.name == name)).first() is None:
        conn.execute(CODERS.insert().values(name=name, role=role, created_at=core_tables.utc_now()))


def locked_coding_row(conn: Connection, coding_id: str) -> dict[str, Any] | None:
    """One coding's columns, its row locked until the transaction ends (PostgreSQL)."""
    query = CODINGS.select().where(CODINGS.c.id == coding_id).with_for_update()
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def put_coding_row(
    conn: Connection, coding_id: str, row: dict[str, Any] | None, *, exists: bool
) -> str:
    """Make the stored coding equal `row` (None: no coding), without an event: for undo and
    redo, which log their own. Returns the action done: coding.add, .remove or .update."""
    if row is None:
        conn.execute(CODINGS.delete().where(CODINGS.c.id == coding_id))
        return "coding.remove"
    if not exists:
        conn.execute(CODINGS.insert().values(**row))
        return "coding.add"
    conn.execute(CODINGS.update().where(CODINGS.c.id == coding_id).values(**row))
    return "coding.update"


def coding_spans(conn: Connection, document_id: str) -> list[Row]:
    """Id, start, end and quote of a document's codings (every layer), by id: only what
    re-anchoring needs, as whole rows for 100,000 codings cost a second of the lock."""
    query = (
        select(CODINGS.c.id, CODINGS.c.start, CODINGS.c.end, CODINGS.c.quote)
        .where(CODINGS.c.document_id == document_id)
        .order_by(CODINGS.c.id)
    )
    return list(conn.execute(query).all())


# One UPDATE statement run for many rows; the parameters are named apart from the columns.
_MOVE = (
    CODINGS.update()
    .where(CODINGS.c.id == bindparam("moved_id"))
    .values(
        start=bindparam("new_start"),
        end=bindparam("new_end"),
        quote=bindparam("new_quote"),
        prefix=bindparam("new_prefix"),
        suffix=bindparam("new_suffix"),
        updated_at=bindparam("moved_at"),
    )
)


def move_codings(conn: Connection, moves: Sequence[dict[str, Any]]) -> None:
    """Give codings new spans in one executemany (no events: the caller logs them). Each
    move has moved_id, new_start, new_end, new_quote, new_prefix, new_suffix, moved_at."""
    conn.execute(_MOVE, list(moves))


def coding_identities(conn: Connection) -> list[Row]:
    """Every coding's id, document, coder, code, span, case and memo (no quote or times):
    what a load compares its rows with."""
    query = select(
        CODINGS.c.id,
        CODINGS.c.document_id,
        CODINGS.c.coder,
        CODINGS.c.code_id,
        CODINGS.c.start,
        CODINGS.c.end,
        CODINGS.c.case_id,
        CODINGS.c.memo,
    )
    return list(conn.execute(query))


@contextmanager
def big_page_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a 256 MB page cache while inserting: random ids and four indexes overflow
    the default 2 MB cache, which halves the insert rate (46,000 vs 100,000 rows/s)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    old = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(old)}")


def find_codings(
    conn: Connection,
    *,
    document: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    case: str | None = None,
) -> list[dict[str, Any]]:
    """Codings matching every filter given, in text order (document, start, end, id)."""
    query = CODINGS.select().order_by(
        CODINGS.c.document_id, CODINGS.c.start, CODINGS.c.end, CODINGS.c.id
    )
    for column, value in (
        (CODINGS.c.document_id, document),
        (CODINGS.c.code_id, code),
        (CODINGS.c.coder, coder),
        (CODINGS.c.case_id, case),
    ):
        if value is not None:
            query = query.where(column == value)
    return [dict(row) for row in conn.execute(query).mappings()]


def coding_counts(conn: Connection, by: str, only: str | None = None) -> dict[tuple[str, str], int]:
    """(code or document id, layer) -> codings (`by`: code_id, document_id); with `only`,
    that one layer's."""
    column = CODINGS.c[by]
    query = select(column, CODINGS.c.coder, func.count()).group_by(column, CODINGS.c.coder)
    if only is not None:
        query = query.where(CODINGS.c.coder == only)
    return {(key, layer): n for key, layer, n in conn.execute(query)}


def memo_text(conn: Connection, document_id: str, coder: str) -> str | None:
    """A coder's memo on a document, if any."""
    key = (MEMOS.c.document_id == document_id) & (MEMOS.c.coder == coder)
    return conn.execute(select(MEMOS.c.text).where(key)).scalar_one_or_none()


def memos(conn: Connection, only: str | None = None) -> list[tuple[str, str, str]]:
    """Every memo as (document id, coder, text), in that order; with `only`, one coder's."""
    query = select(MEMOS.c.document_id, MEMOS.c.coder, MEMOS.c.text).order_by(
        MEMOS.c.document_id, MEMOS.c.coder
    )
    if only is not None:
        query = query.where(MEMOS.c.coder == only)
    return [tuple(row) for row in conn.execute(query)]


def layers_with_codings(conn: Connection, only: str | None = None) -> set[str]:
    """The layers (coders, consensus) that hold at least one coding; with `only`, that one
    layer if it has codings (a blind coder sees no other)."""
    query = select(CODINGS.c.coder).distinct()
    if only is not None:
        query = query.where(CODINGS.c.coder == only)
    return set(conn.execute(query).scalars())


def _row(coding: Any) -> dict[str, Any]:
    return {name: getattr(coding, name) for name in CODING_COLUMNS}


def _as_json(coding: Any) -> dict[str, Any]:
    """The same mapping as `coding.as_json()`, without the deep copy `asdict` makes, which
    took most of a bulk load's time (a coding holds only strings, numbers and times)."""
    data = {name: getattr(coding, name) for name in CODING_COLUMNS}
    data["created_at"] = coding.created_at.isoformat()
    data["updated_at"] = coding.updated_at.isoformat()
    return data
