"""What the project holds by id: codes, cases and documents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from hrd_coder.storage import tables

DOCUMENTS = tables.Document.__table__
IDS_PER_QUERY = 500  # a query per document took most of a load touching thousands

_TABLES = {"code": tables.Code.__table__, "case": tables.Case.__table__}


def has(conn: Connection, kind: str, row_id: str) -> bool:
    """True when the project holds the code or case (`kind`) with this id."""
    table = _TABLES[kind]
    return conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None


def texts_and_kinds(conn: Connection, document_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Document id -> (text, kind) for those of these ids that exist, a query per 500."""
    found: dict[str, tuple[str, str]] = {}
    ids = list(document_ids)
    for first in range(0, len(ids), IDS_PER_QUERY):
        query = select(DOCUMENTS.c.id, DOCUMENTS.c.text, DOCUMENTS.c.kind).where(
            DOCUMENTS.c.id.in_(ids[first : first + IDS_PER_QUERY])
        )
        found.update((key, (body, kind)) for key, body, kind in conn.execute(query))
    return found


def ids(conn: Connection, kind: str) -> set[str]:
    """The ids of every code or case (`kind`) the project holds."""
    return set(conn.execute(select(_TABLES[kind].c.id)).scalars())


def document_versions(conn: Connection) -> dict[str, str]:
    """Document id -> the SHA-256 of its stored text, for every document."""
    return dict(conn.execute(select(DOCUMENTS.c.id, DOCUMENTS.c.sha256)).all())
