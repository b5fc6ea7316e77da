"""The rows an import keeps in line with the project's files: codes, cases, documents and
the document-case links (services/importing.py decides what changes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import Connection, Row, RowMapping, Table, func, select

from hrd_coder.storage import core_tables

Kind = Literal["code", "case", "document"]
TABLES: dict[str, Table] = {
    "code": core_tables.CODE,
    "case": core_tables.CASE,
    "document": core_tables.DOCUMENT,
}
LINKS: Table = core_tables.DOCUMENT_CASE
CODINGS: Table = core_tables.CODING


def rows_by_id(conn: Connection, kind: Kind, *, without_text: bool = False) -> dict[str, Any]:
    """Every row of a kind by id; `without_text` leaves documents' texts in the database
    (their hash says whether a text changed)."""
    table = TABLES[kind]
    columns = [c for c in table.c if not (without_text and c.key == "text")]
    return {row["id"]: row for row in conn.execute(select(*columns)).mappings()}


def row_of(conn: Connection, kind: Kind, row_id: str) -> RowMapping | None:
    """One row, or None."""
    table = TABLES[kind]
    return conn.execute(table.select().where(table.c.id == row_id)).mappings().first()


def ids(conn: Connection, kind: Kind) -> set[str]:
    """Every id of a kind."""
    return set(conn.execute(select(TABLES[kind].c.id)).scalars())


def path_of(conn: Connection, kind: Literal["case", "document"], row_id: str) -> str:
    """The file a case or document came from."""
    table = TABLES[kind]
    return conn.execute(select(table.c.path).where(table.c.id == row_id)).scalar_one()


def codings_naming(conn: Connection, kind: Literal["case", "document"], row_id: str) -> int:
    """How many codings are tied to this case or made in this document."""
    column = CODINGS.c[f"{kind}_id"]
    return conn.execute(select(func.count()).where(column == row_id)).scalar_one()


def insert(conn: Connection, kind: Kind, rows: Sequence[dict[str, Any]]) -> None:
    """Add rows (one executemany); the caller records the events."""
    conn.execute(TABLES[kind].insert(), list(rows))


def update(conn: Connection, kind: Kind, row: dict[str, Any]) -> None:
    """Store a changed row by its id; the caller records the event."""
    table = TABLES[kind]
    conn.execute(table.update().where(table.c.id == row["id"]).values(**row))


def delete(conn: Connection, kind: Kind, row_id: str) -> None:
    """Delete a row and, for a case or document, its links; the caller records the event."""
    if kind != "code":
        conn.execute(LINKS.delete().where(LINKS.c[f"{kind}_id"] == row_id))
    table = TABLES[kind]
    conn.execute(table.delete().where(table.c.id == row_id))


def locked_document(conn: Connection, document_id: str) -> Row | None:
    """A document's sha256 and text, its row locked until the transaction ends (PostgreSQL),
    or None for a new document."""
    documents = TABLES["document"]
    query = (
        select(documents.c.sha256, documents.c.text)
        .where(documents.c.id == document_id)
        .with_for_update()
    )
    return conn.execute(query).first()


def links(conn: Connection) -> set[tuple[str, str]]:
    """Every (document, case) link."""
    return {tuple(row) for row in conn.execute(select(LINKS.c.document_id, LINKS.c.case_id))}


def add_links(conn: Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """Add (document, case) links."""
    rows = [{"document_id": d, "case_id": c} for d, c in pairs]
    if rows:
        conn.execute(LINKS.insert(), rows)


def remove_link(conn: Connection, document_id: str, case_id: str) -> None:
    """Remove one (document, case) link."""
    conn.execute(
        LINKS.delete().where((LINKS.c.document_id == document_id) & (LINKS.c.case_id == case_id))
    )
