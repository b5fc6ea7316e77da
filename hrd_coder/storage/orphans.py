"""Codings whose text vanished, kept whole for review (table `orphaned_coding`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table

from hrd_coder.storage import core_tables

ORPHANS: Table = core_tables.ORPHANED_CODING


def orphan_rows(conn: Connection, document_id: str | None = None) -> list[dict[str, Any]]:
    """Every orphan (of one document, when given), by document and old position."""
    query = ORPHANS.select().order_by(ORPHANS.c.document_id, ORPHANS.c.old_start)
    if document_id is not None:
        query = query.where(ORPHANS.c.document_id == document_id)
    return [dict(row) for row in conn.execute(query).mappings()]


def orphan_row(conn: Connection, coding_id: str) -> dict[str, Any] | None:
    """One orphan, or None when there is none with this coding id."""
    query = ORPHANS.select().where(ORPHANS.c.coding_id == coding_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def store_orphan(conn: Connection, row: dict[str, Any]) -> None:
    """Add an orphan (the caller removes the coding and records the event)."""
    conn.execute(ORPHANS.insert().values(**row))


def drop_orphan(conn: Connection, coding_id: str) -> None:
    """Remove an orphan from the review list (the caller records the event)."""
    conn.execute(ORPHANS.delete().where(ORPHANS.c.coding_id == coding_id))
