"""Which version of a document's text a coding write counts its offsets in.

Offsets only mean something in one version of a text. The workbench shows a text, a coder
selects in it, and meanwhile another shell may re-import the file (the normal team workflow
on a shared database). Every coding write therefore reads the document's version (the
SHA-256 of its text) inside its own transaction, with the row locked on PostgreSQL so that
an import re-anchoring the document waits for the write, or the write for the import, and
never sees half of the other. A write that names the version its offsets were taken in is
refused when the stored one differs; nothing is saved and the caller reloads.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, select

from hrd_coder.problems import ProjectError, StaleDocument
from hrd_coder.storage import core_tables

DOCUMENTS: Table = core_tables.DOCUMENT


def no_such_document(document_id: str) -> ProjectError:
    """The error for an unknown document id, with what to do."""
    return ProjectError(
        f"there is no document '{document_id}': see 'hrd-coder status' or run 'hrd-coder import'"
    )


def locked_version(conn: Connection, document_id: str) -> str:
    """The document's current version, its row locked until this transaction ends.

    `FOR UPDATE` is PostgreSQL's row lock (the import takes the same one before it reads
    the codings it re-anchors); SQLite ignores it, as its writes are already serial.
    """
    query = select(DOCUMENTS.c.sha256).where(DOCUMENTS.c.id == document_id).with_for_update()
    version = conn.execute(query).scalar_one_or_none()
    if version is None:
        raise no_such_document(document_id)
    return version


def require_version(document_id: str, expected: str | None, current: str) -> None:
    """Refuse a write whose offsets were taken in another version of the text."""
    if expected is not None and expected != current:
        raise StaleDocument(document_id, expected, current)


def current_text(conn: Connection, document_id: str) -> str:
    """The stored text, read in the caller's transaction."""
    text = stored_text(conn, document_id)
    if text is None:
        raise no_such_document(document_id)
    return text


def stored_text(conn: Connection, document_id: str) -> str | None:
    """The stored text, or None when there is no such document."""
    query = select(DOCUMENTS.c.text).where(DOCUMENTS.c.id == document_id)
    return conn.execute(query).scalar_one_or_none()
