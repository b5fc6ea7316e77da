"""The event log as researchers read it: who did what, when, filtered and exportable."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.spreadsheet_cells import neutralise_row
from hrd_coder.storage.events import read_events
from hrd_coder.whole_file import writing_whole

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

# Entities whose events carry a coder's words or choices: hidden from blind coders.
LAYER_ENTITIES = ("coding", "decision", "document_memo", "memo")


@dataclass(frozen=True)
class LogFilter:
    """Which events to show; every field given must match."""

    coder: str | None = None
    document: str | None = None
    action: str | None = None  # an action ("coding.add"), its family ("team") or entity
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True)
class LogEntry:
    """One event, flattened for a table, CSV or JSON."""

    id: int
    at: str
    coder: str | None
    action: str
    entity: str
    entity_id: str
    document: str | None
    before: str | None
    after: str | None
    undo_of: int | None
    redo_of: int | None

    def as_dict(self) -> dict[str, Any]:
        """The entry as plain values."""
        return asdict(self)


def parse_moment(text: str, *, end_of_day: bool = False) -> dt.datetime:
    """A date (2026-03-01) or date and time (2026-03-01T14:00) as a UTC moment."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ProjectError(
            f"'{text}' is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)"
        ) from None
    if end_of_day and len(text) == 10:  # a whole day: up to its last moment
        moment += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def event_log(project: Project, wanted: LogFilter) -> list[LogEntry]:
    """The events matching `wanted` that the viewer may see, oldest first. While blind,
    asking for another coder's events is refused (as asking for their layer is), rather
    than answered with an empty log that looks like "they did nothing"."""
    access = project.access()
    own = access.visible_layer()
    access.check_layer(wanted.coder)
    with project.database.reading() as conn:
        rows = read_events(
            conn,
            coder=wanted.coder,
            action=wanted.action,
            since=wanted.since,
            until=wanted.until,
            own=own,  # blind coding: own events, and the project's own housekeeping
            private_entities=LAYER_ENTITIES,
        )
    entries = [_entry(row) for row in rows]
    if wanted.document is not None:
        entries = [e for e in entries if e.document == wanted.document]
    return entries


def write_log(entries: list[LogEntry], path: Path, fmt: str, raw_cells: bool = False) -> Path:
    """Write the entries to `path` as CSV or JSON (every column), whole or not at all:
    an audit export cut short by a full disk or a kill would look complete."""
    rows = [entry.as_dict() for entry in entries]
    with (
        writing_whole(path) as temporary,
        temporary.open("w", encoding="utf-8", newline="") as stream,
    ):
        if fmt == "json":
            json.dump(rows, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
        else:
            columns = [field.name for field in fields(LogEntry)]
            writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows if raw_cells else map(neutralise_row, rows))
    return path


def _entry(row: Any) -> LogEntry:
    return LogEntry(
        id=row["id"],
        at=_utc(row["at"]).isoformat(timespec="seconds"),
        coder=row["coder"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        document=_document_of(row),
        before=_json(row["before"]),
        after=_json(row["after"]),
        undo_of=row["undo_of"],
        redo_of=row["redo_of"],
    )


def _document_of(row: Any) -> str | None:
    if row["entity"] == "document":
        return row["entity_id"]
    for payload in (row["after"], row["before"]):
        if isinstance(payload, dict) and isinstance(payload.get("document_id"), str):
            return payload["document_id"]
    return None


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _json(payload: Any) -> str | None:
    return None if payload is None else json.dumps(payload, ensure_ascii=False, sort_keys=True)
