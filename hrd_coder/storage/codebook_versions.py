"""Every codebook imported (table `codebook_version`) and which one is current (a setting)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Connection, Table, select

from hrd_coder.storage import core_tables
from hrd_coder.storage.settings import SETTINGS, store_setting

VERSIONS: Table = core_tables.CODEBOOK_VERSION
CURRENT = "codebook_hash"  # the setting naming the codebook last imported


def current_codebook_hash(conn: Connection) -> str | None:
    """The hash of the codebook last imported, or None before the first import."""
    return conn.execute(
        select(SETTINGS.c.value).where(SETTINGS.c.key == CURRENT)
    ).scalar_one_or_none()


class ImportedCodebook(NamedTuple):
    """The name and hash of the codebook last imported (checked whole by that import)."""

    hash: str
    name: str


def imported_codebook_if_same(conn: Connection, text: str) -> ImportedCodebook | None:
    """The codebook last imported, if codebook.yaml still holds the very text it was
    imported from: then the file is known to be valid and need not be checked again."""
    query = (
        select(VERSIONS.c.hash, VERSIONS.c.name, VERSIONS.c.text)
        .join(SETTINGS, SETTINGS.c.value == VERSIONS.c.hash)
        .where(SETTINGS.c.key == CURRENT)
    )
    row = conn.execute(query).first()
    if row is None or row.text != text:
        return None
    return ImportedCodebook(row.hash, row.name)


def set_current_codebook(conn: Connection, codebook_hash: str) -> None:
    """Make this stored version the current one."""
    store_setting(conn, CURRENT, codebook_hash)


def store_codebook_version(
    conn: Connection, codebook_hash: str, name: str, version: str, text: str
) -> None:
    """Keep a codebook's YAML under its hash (a hash seen before keeps only the latest text)."""
    if conn.execute(select(VERSIONS.c.hash).where(VERSIONS.c.hash == codebook_hash)).first():
        keep_codebook_text(conn, codebook_hash, text)
        return
    conn.execute(
        VERSIONS.insert().values(
            hash=codebook_hash,
            name=name,
            version=version,
            text=text,
            loaded_at=core_tables.utc_now(),
        )
    )


def keep_codebook_text(conn: Connection, codebook_hash: str, text: str) -> None:
    """Keep the latest text of a stored version (the same codes, in other words or layout)."""
    conn.execute(
        VERSIONS.update()
        .where(VERSIONS.c.hash == codebook_hash, VERSIONS.c.text != text)
        .values(text=text)
    )


def stored_codebook_text(conn: Connection, codebook_hash: str) -> str:
    """The YAML text of a stored codebook version."""
    query = select(VERSIONS.c.text).where(VERSIONS.c.hash == codebook_hash)
    return conn.execute(query).scalar_one()
