"""Where codes are used: codings, orphaned codings and decisions, each row with its key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import Connection, RowMapping, Table, func, select

from hrd_coder.storage import core_tables

Holder = Literal["codings", "orphans", "decisions"]
# Each table that names a code, with the column that identifies its rows.
HOLDERS: dict[str, tuple[Table, str]] = {
    "codings": (core_tables.CODING, "id"),
    "orphans": (core_tables.ORPHANED_CODING, "coding_id"),
    "decisions": (core_tables.DECISION, "id"),
}


def key_of(holder: Holder) -> str:
    """The column that identifies a row of this holder."""
    return HOLDERS[holder][1]


def rows_using(conn: Connection, holder: Holder, codes: Iterable[str]) -> list[RowMapping]:
    """The rows of one holder that use any of these codes."""
    table, _ = HOLDERS[holder]
    return list(conn.execute(table.select().where(table.c.code_id.in_(list(codes)))).mappings())


def uses(conn: Connection, code_id: str) -> int:
    """How many codings, orphans and decisions use a code."""
    return sum(
        conn.execute(select(func.count()).where(table.c.code_id == code_id)).scalar_one()
        for table, _ in HOLDERS.values()
    )


def set_values(conn: Connection, holder: Holder, key: str, values: dict[str, Any]) -> None:
    """Change one row of a holder (e.g. its code_id); the caller records the event."""
    table, column = HOLDERS[holder]
    conn.execute(table.update().where(table.c[column] == key).values(**values))
