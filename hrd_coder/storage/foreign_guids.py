"""The `foreign_guid` table: the GUIDs imported REFI-QDA objects came with (SQL only; the
rules for what is recorded and exported live in services/exchange_identity.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, Table, and_, select

from hrd_coder.storage import core_tables

FOREIGN: Table = core_tables.FOREIGN_GUID
CODINGS: Table = core_tables.CODING
ORPHANS: Table = core_tables.ORPHANED_CODING

Key = tuple[str, str]  # (kind, local id)


def read_foreign_guids(conn: Connection) -> dict[Key, str]:
    """Every recorded GUID by (kind, local id)."""
    rows = conn.execute(select(FOREIGN.c.kind, FOREIGN.c.local_id, FOREIGN.c.guid))
    return {(kind, local_id): guid for kind, local_id, guid in rows}


def add_foreign_guids(conn: Connection, found: Mapping[Key, str]) -> None:
    """Record new rows (the caller has checked that none of the keys is recorded yet)."""
    if found:
        conn.execute(
            FOREIGN.insert(),
            [{"kind": k, "local_id": i, "guid": g} for (k, i), g in sorted(found.items())],
        )


def rename_foreign_guids(conn: Connection, kind: str, renames: Mapping[str, str]) -> None:
    """A renamed object keeps the GUID it came with under its new id."""
    for old, new in renames.items():
        where = and_(FOREIGN.c.kind == kind, FOREIGN.c.local_id == old)
        conn.execute(FOREIGN.update().where(where).values(local_id=new))


def forget_foreign_guids(conn: Connection, kind: str, local_ids: Iterable[str]) -> None:
    """Drop the rows of objects that are gone (a removed code or document)."""
    ids = sorted(set(local_ids))
    if ids:
        conn.execute(
            FOREIGN.delete().where(and_(FOREIGN.c.kind == kind, FOREIGN.c.local_id.in_(ids)))
        )


def forget_gone_selections(conn: Connection) -> None:
    """Drop selection rows whose coding is in neither the layers nor the review list (an
    orphaned coding keeps its id and may come back, so its row stays)."""
    alive = select(CODINGS.c.id).union(select(ORPHANS.c.coding_id))
    conn.execute(
        FOREIGN.delete().where(
            and_(FOREIGN.c.kind == "selection", FOREIGN.c.local_id.not_in(alive))
        )
    )
