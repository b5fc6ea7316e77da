"""The append-only event log: every mutation, with who, when, before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, or_, select

from hrd_coder.storage.core_tables import EVENT, utc_now

EVENT_FIELDS = ("coder", "action", "entity", "entity_id", "before", "after", "undo_of", "redo_of")


def record_event(
    conn: Connection,
    *,
    coder: str | None,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    undo_of: int | None = None,
    redo_of: int | None = None,
) -> None:
    """Append one event inside the caller's transaction (so both land or neither does)."""
    conn.execute(
        EVENT.insert().values(
            at=utc_now(),
            coder=coder,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            undo_of=undo_of,
            redo_of=redo_of,
        )
    )


def record_events(conn: Connection, events: Iterable[dict[str, Any]]) -> int:
    """Append many events in one executemany, in the caller's transaction.

    Each mapping has `action`, `entity` and `entity_id`, and optionally the other fields
    of `record_event`; an event without `at` gets the same moment as the rest of the batch.
    """
    now = utc_now()
    rows = [{"at": now, **dict.fromkeys(EVENT_FIELDS), **event} for event in events]
    if rows:
        conn.execute(EVENT.insert(), rows)
    return len(rows)


def read_events(
    conn: Connection,
    *,
    coder: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    own: str | None = None,
    private_entities: Sequence[str] = (),
) -> list[RowMapping]:
    """Events oldest first, each filter given applied: `coder`; `action` as an action
    ("coding.add"), its family ("team") or an entity; `since`/`until` inclusive; with
    `own`, only that coder's events and the unattributed ones not of `private_entities`."""
    events = EVENT
    query = select(events).order_by(events.c.id)
    if coder is not None:
        query = query.where(events.c.coder == coder)
    if action is not None:
        query = query.where(
            or_(
                events.c.action == action,
                events.c.entity == action,
                events.c.action.startswith(f"{action}.", autoescape=True),
            )
        )
    if since is not None:
        query = query.where(events.c.at >= since)
    if until is not None:
        query = query.where(events.c.at <= until)
    if own is not None:
        query = query.where(
            or_(
                events.c.coder == own,
                events.c.coder.is_(None) & events.c.entity.not_in(list(private_entities)),
            )
        )
    return list(conn.execute(query).mappings())


def coding_event_links(
    conn: Connection, coder: str, actions: Sequence[str]
) -> list[tuple[int, int | None, int | None]]:
    """(id, undo_of, redo_of) of a coder's events of these actions, oldest first."""
    events = EVENT
    query = (
        select(events.c.id, events.c.undo_of, events.c.redo_of)
        .where(events.c.coder == coder, events.c.action.in_(list(actions)))
        .order_by(events.c.id)
    )
    return [tuple(row) for row in conn.execute(query)]


def event_row(conn: Connection, event_id: int) -> Any:
    """One event, whole."""
    events = EVENT
    return conn.execute(events.select().where(events.c.id == event_id)).one()


def latest_event_on(
    conn: Connection, entity_id: str, after_event: int, actions: Sequence[str]
) -> Any:
    """The latest event of these actions on an entity since `after_event` (who, what, when),
    or None."""
    events = EVENT
    return conn.execute(
        select(events.c.coder, events.c.action, events.c.at)
        .where(events.c.entity_id == entity_id, events.c.id > after_event)
        .where(events.c.action.in_(list(actions)))
        .order_by(events.c.id.desc())
        .limit(1)
    ).first()


def latest_after(conn: Connection, action: str, entity_id: str) -> Any:
    """The `after` of the latest event of this action on an entity, or None."""
    events = EVENT
    return conn.execute(
        select(events.c.after)
        .where((events.c.action == action) & (events.c.entity_id == entity_id))
        .order_by(events.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
