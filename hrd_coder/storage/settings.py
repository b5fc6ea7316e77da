"""Project-wide settings kept in the database (table `setting`), shared by a whole team on
one server: read with a default, changed with an event that says who changed what."""

from __future__ import annotations

from sqlalchemy import Connection, Table, select

from hrd_coder.storage import core_tables
from hrd_coder.storage.events import record_event

SETTINGS: Table = core_tables.SETTING


def read_setting(conn: Connection, key: str, default: str) -> str:
    """The stored value, or the default when it was never set."""
    stored = conn.execute(
        select(SETTINGS.c.value).where(SETTINGS.c.key == key)
    ).scalar_one_or_none()
    return stored or default


def store_setting(conn: Connection, key: str, value: str) -> None:
    """Store a value in place of any old one (the caller records the event it needs)."""
    conn.execute(SETTINGS.delete().where(SETTINGS.c.key == key))
    conn.execute(SETTINGS.insert().values(key=key, value=value))


def change_setting(
    conn: Connection, key: str, value: str, default: str, *, by: str | None, action: str
) -> str:
    """Store a new value (logged as `action`, before and after); return the old one."""
    before = read_setting(conn, key, default)
    if before != value:
        store_setting(conn, key, value)
        record_event(
            conn,
            coder=by,
            action=action,
            entity="setting",
            entity_id=key,
            before={"value": before},
            after={"value": value},
        )
    return before
