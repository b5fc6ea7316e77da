"""Who was given which document (table `assignment`) and who marked which done
(`document_done`): the rows coverage is read from (services/coverage.py has the rules)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import Connection, Row, Table, select

from hrd_coder.storage import core_tables
from hrd_coder.storage.codings import CODINGS

DONE: Table = core_tables.DOCUMENT_DONE
ASSIGNMENTS: Table = core_tables.ASSIGNMENT
DOCUMENTS: Table = core_tables.DOCUMENT
Kind = Literal["done", "assignment"]
_TABLES: dict[str, Table] = {"done": DONE, "assignment": ASSIGNMENTS}


def documents_of(conn: Connection, kind: Kind, coder: str) -> set[str]:
    """The documents a coder was given (`assignment`) or marked done (`done`)."""
    table = _TABLES[kind]
    return set(conn.execute(select(table.c.document_id).where(table.c.coder == coder)).scalars())


def add(
    conn: Connection, kind: Kind, coder: str, documents: Sequence[str], extra: dict[str, Any]
) -> None:
    """Add one (document, coder) row per document, each with the `extra` columns."""
    rows = [{"document_id": d, "coder": coder, **extra} for d in documents]
    conn.execute(_TABLES[kind].insert(), rows)


def remove(conn: Connection, kind: Kind, coder: str, documents: Sequence[str] | None) -> None:
    """Remove a coder's rows for these documents (None: all of them)."""
    table = _TABLES[kind]
    mine = table.c.coder == coder
    if documents is not None:
        mine = mine & table.c.document_id.in_(list(documents))
    conn.execute(table.delete().where(mine))


def pairs(conn: Connection, kind: Kind) -> list[tuple[str, str]]:
    """Every (coder, document) given (`assignment`) or marked done (`done`)."""
    table = _TABLES[kind]
    return [tuple(row) for row in conn.execute(select(table.c.coder, table.c.document_id))]


def coded_pairs(conn: Connection, without_layer: str) -> list[tuple[str, str]]:
    """Every (coder, document) holding at least one coding, but for one layer's."""
    query = (
        select(CODINGS.c.coder, CODINGS.c.document_id)
        .where(CODINGS.c.coder != without_layer)
        .distinct()
    )
    return [tuple(row) for row in conn.execute(query)]


def assignments(conn: Connection, coder: str | None = None) -> list[Row]:
    """Every assignment row (or one coder's), by coder and document."""
    query = select(ASSIGNMENTS).order_by(ASSIGNMENTS.c.coder, ASSIGNMENTS.c.document_id)
    if coder is not None:
        query = query.where(ASSIGNMENTS.c.coder == coder)
    return list(conn.execute(query))


def document_ids(conn: Connection, among: Iterable[str] | None = None) -> set[str]:
    """The ids of the stored documents (of those `among` when given)."""
    query = select(DOCUMENTS.c.id)
    if among is not None:
        query = query.where(DOCUMENTS.c.id.in_(list(among)))
    return set(conn.execute(query).scalars())
