"""Coders and their roles in the database (table `coder`)."""

from __future__ import annotations

from sqlalchemy import Connection, Table, select

from hrd_coder.storage import core_tables

CODERS: Table = core_tables.CODER


def role_of(conn: Connection, name: str | None) -> str | None:
    """The coder's role, or None for no one or someone not known yet."""
    if name is None:
        return None
    return conn.execute(select(CODERS.c.role).where(CODERS.c.name == name)).scalar_one_or_none()


def leads(conn: Connection) -> list[str]:
    """The names of the project's leads."""
    return list(conn.execute(select(CODERS.c.name).where(CODERS.c.role == "lead")).scalars())


def store_role(conn: Connection, name: str, role: str) -> None:
    """Give a coder a role, adding them if they are new (the caller records the event)."""
    if role_of(conn, name) is None:
        conn.execute(CODERS.insert().values(name=name, role=role, created_at=core_tables.utc_now()))
    else:
        conn.execute(CODERS.update().where(CODERS.c.name == name).values(role=role))


def roles(conn: Connection) -> list[tuple[str, str]]:
    """Every coder row (the consensus layer's too) with its role, by name."""
    query = select(CODERS.c.name, CODERS.c.role).order_by(CODERS.c.name)
    return [(name, role) for name, role in conn.execute(query)]


def lock_coder(conn: Connection, name: str) -> None:
    """On PostgreSQL, hold the coder's row until the transaction ends, so that one coder's
    requests queue behind each other (SQLite's BEGIN IMMEDIATE already queues every writer)."""
    conn.execute(select(CODERS.c.name).where(CODERS.c.name == name).with_for_update())
