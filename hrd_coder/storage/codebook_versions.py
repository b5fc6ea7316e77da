"""Every codebook imported (table `codebook_version`) and which one is current (a setting)."""

from __future__ import annotations

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


def set_current_codebook(conn: Connection, codebook_hash: str) -> None:
    """Make this stored version the current one."""
    store_setting(conn, CURRENT, codebook_hash)


def store_codebook_version(
    conn: Connection, codebook_hash: str, name: str, version: str, text: str
) -> None:
    """Keep a codebook's YAML under its hash (once: a hash seen before is already kept)."""
    if conn.execute(select(VERSIONS.c.hash).where(VERSIONS.c.hash == codebook_hash)).first():
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


def stored_codebook_text(conn: Connection, codebook_hash: str) -> str:
    """The YAML text of a stored codebook version."""
    query = select(VERSIONS.c.text).where(VERSIONS.c.hash == codebook_hash)
    return conn.execute(query).scalar_one()
