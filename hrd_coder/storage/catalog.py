"""What the project holds by id: codes, cases and documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from hrd_coder.storage import core_tables

DOCUMENTS = core_tables.DOCUMENT
CASES = core_tables.CASE
LINKS = core_tables.DOCUMENT_CASE
CODINGS = core_tables.CODING
ORPHANS = core_tables.ORPHANED_CODING
CODERS = core_tables.CODER
IDS_PER_QUERY = 500  # a query per document took most of a load touching thousands

_TABLES = {"code": core_tables.CODE, "case": CASES}


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


def counts(
    conn: Connection,
    not_a_person: str,
    only_coder: tuple[str | None] | None = None,
    not_a_role: str | None = None,
) -> dict[str, int]:
    """How many documents (and of each kind), cases, codes, codings, orphaned codings and
    coder rows but `not_a_person`'s (the consensus layer) and those whose role is
    `not_a_role` (machine coders) there are; with `only_coder`
    (a 1-tuple: the name may be None, which matches nothing), that coder's codings and
    orphans only."""

    def count(table: Any, *where: Any) -> Any:
        return select(func.count()).select_from(table).where(*where).scalar_subquery()

    own = (CODINGS.c.coder == only_coder[0],) if only_coder else ()
    own_orphans = (ORPHANS.c.coder == only_coder[0],) if only_coder else ()
    asked = {
        "documents": count(DOCUMENTS),
        "transcripts": count(DOCUMENTS, DOCUMENTS.c.kind == "transcript"),
        "case_histories": count(DOCUMENTS, DOCUMENTS.c.kind == "case_history"),
        "media": count(DOCUMENTS, DOCUMENTS.c.kind == "media"),
        "cases": count(CASES),
        "codes": count(_TABLES["code"]),
        "codings": count(CODINGS, *own),
        "coder_rows": count(
            CODERS,
            CODERS.c.name != not_a_person,
            *((CODERS.c.role != not_a_role,) if not_a_role else ()),
        ),
        "orphaned_codings": count(ORPHANS, *own_orphans),
    }
    # One statement, not nine: `status` starts in about 0.25 s, and compiling each
    # statement cost about 0.4 ms of it.
    found = conn.execute(select(*(q.label(name) for name, q in asked.items()))).one()
    return dict(zip(asked, found, strict=True))


def versions_by_path(conn: Connection) -> dict[str, str]:
    """Document file path -> the SHA-256 of the text imported from it."""
    return dict(conn.execute(select(DOCUMENTS.c.path, DOCUMENTS.c.sha256)).all())


def document_list(conn: Connection, kind: str | None = None) -> list[tuple]:
    """(id, kind, title, path, text length, metadata, sha256) of every document (of one
    kind), in id order: no texts."""
    query = select(
        DOCUMENTS.c.id,
        DOCUMENTS.c.kind,
        DOCUMENTS.c.title,
        DOCUMENTS.c.path,
        func.length(DOCUMENTS.c.text),
        DOCUMENTS.c.meta,
        DOCUMENTS.c.sha256,
    ).order_by(DOCUMENTS.c.id)
    if kind:
        query = query.where(DOCUMENTS.c.kind == kind)
    return [tuple(row) for row in conn.execute(query)]


def document_row(conn: Connection, document_id: str) -> RowMapping | None:
    """One document, text included, or None."""
    query = DOCUMENTS.select().where(DOCUMENTS.c.id == document_id)
    return conn.execute(query).mappings().first()


def version_of(conn: Connection, document_id: str) -> str | None:
    """The SHA-256 of a document's stored text, or None when there is no such document."""
    query = select(DOCUMENTS.c.sha256).where(DOCUMENTS.c.id == document_id)
    return conn.execute(query).scalar_one_or_none()


def case_links(conn: Connection, document_id: str | None = None) -> dict[str, tuple[str, ...]]:
    """Document id -> the ids of the cases it discusses, in id order (of one document)."""
    query = select(LINKS.c.document_id, LINKS.c.case_id).order_by(LINKS.c.case_id)
    if document_id:
        query = query.where(LINKS.c.document_id == document_id)
    links: dict[str, list[str]] = {}
    for doc, case in conn.execute(query):
        links.setdefault(doc, []).append(case)
    return {doc: tuple(cases) for doc, cases in links.items()}


def case_rows(conn: Connection) -> list[RowMapping]:
    """Every case, in id order."""
    return list(conn.execute(CASES.select().order_by(CASES.c.id)).mappings().all())
