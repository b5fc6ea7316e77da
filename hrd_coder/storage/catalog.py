"""What the project holds by id: codes, cases and documents."""

from __future__ import annotations

from sqlalchemy import Connection, select

from hrd_coder.storage import tables

_TABLES = {"code": tables.Code.__table__, "case": tables.Case.__table__}


def has(conn: Connection, kind: str, row_id: str) -> bool:
    """True when the project holds the code or case (`kind`) with this id."""
    table = _TABLES[kind]
    return conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None
