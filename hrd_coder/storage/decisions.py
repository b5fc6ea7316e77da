"""Adjudication decisions in the database (table `decision`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, Table

from hrd_coder.storage import core_tables
from hrd_coder.storage.events import record_event

DECISIONS: Table = core_tables.DECISION


def decision_rows(conn: Connection, codes: Sequence[str] = ()) -> list[RowMapping]:
    """Every decision (on these codes, when given), oldest first."""
    query = DECISIONS.select().order_by(DECISIONS.c.decided_at)
    if codes:
        query = query.where(DECISIONS.c.code_id.in_(list(codes)))
    return list(conn.execute(query).mappings())


def store_decision(conn: Connection, row: dict[str, Any], logged: dict[str, Any]) -> None:
    """Add a decision (decided now) with its 'decision.add' event, which holds `logged`."""
    conn.execute(DECISIONS.insert().values(**row, decided_at=core_tables.utc_now()))
    record_event(
        conn,
        coder=row["adjudicator"],
        action="decision.add",
        entity="decision",
        entity_id=row["id"],
        after=logged,
    )


def decisions_of_document(conn: Connection, document_id: str) -> list[RowMapping]:
    """The decisions on units of one document."""
    query = DECISIONS.select().where(DECISIONS.c.document_id == document_id)
    return list(conn.execute(query).mappings())


def drop_decision(conn: Connection, decision_id: str) -> None:
    """Delete a decision (the caller records the event)."""
    conn.execute(DECISIONS.delete().where(DECISIONS.c.id == decision_id))


def move_decision(
    conn: Connection,
    decision_id: str,
    start: int,
    end: int,
    basis: dict[str, Any] | None,
    choice: str,
) -> None:
    """Give a decision its unit's new span, the basis shifted with it and its choice (an
    explicit extent moves too) (no event)."""
    conn.execute(
        DECISIONS.update()
        .where(DECISIONS.c.id == decision_id)
        .values(start=start, end=end, basis=basis, choice=choice)
    )
