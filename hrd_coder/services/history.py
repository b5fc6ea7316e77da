"""Undo and redo of a coder's own coding actions, derived from the event log.

Nothing but the log is kept: a coder's undo and redo stacks are rebuilt by replaying their
coding events in id order, so both survive a restart and every undo or redo is itself an
event (with `undo_of` / `redo_of` naming the event it reversed or repeated).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage import catalog
from hrd_coder.storage.coders import lock_coder
from hrd_coder.storage.codings import locked_coding_row, put_coding_row
from hrd_coder.storage.document_versions import stored_text
from hrd_coder.storage.events import (
    coding_event_links,
    event_row,
    latest_event_on,
    record_event,
)

if TYPE_CHECKING:
    from hrd_coder.storage.database import Connection

CODING_ACTIONS = ("coding.add", "coding.remove", "coding.update")
DONE = {"coding.add": "added", "coding.remove": "removed", "coding.update": "changed"}


@dataclass(frozen=True)
class HistoryStep:
    """What one undo or redo did, in a sentence for the status line."""

    action: str  # the action performed now: 'coding.add', 'coding.remove' or 'coding.update'
    coding_id: str
    document_id: str
    coding: CodingRecord | None  # the coding as it is now; None when this step removed it
    description: str  # e.g. "undid: add reputational_costs on int01 [10, 50)"


@dataclass(frozen=True)
class Stacks:
    """A coder's undoable and redoable events (ids, oldest first: the last is the top)."""

    undo: tuple[int, ...]
    redo: tuple[int, ...]


def stacks(conn: Connection, coder: str) -> Stacks:
    """Replay the coder's coding events (ids and links only, no JSON) into both stacks."""
    undoable: list[int] = []
    redoable: list[int] = []
    for event_id, undo_of, redo_of in coding_event_links(conn, coder, CODING_ACTIONS):
        if undo_of is not None:
            _move(undo_of, undoable, redoable)
        elif redo_of is not None:
            _move(redo_of, redoable, undoable)
        else:
            undoable.append(event_id)
            redoable.clear()
    return Stacks(tuple(undoable), tuple(redoable))


def undo(conn: Connection, coder: str) -> HistoryStep:
    """Reverse the coder's latest coding action that is not undone yet."""
    lock_coder(conn, coder)
    pending = stacks(conn, coder).undo
    if not pending:
        raise ProjectError(
            f"nothing to undo: {coder} has no coding action left to undo "
            "(undo reaches back only over your own coding actions)"
        )
    return _step(conn, coder, event_row(conn, pending[-1]), undoing=True)


def redo(conn: Connection, coder: str) -> HistoryStep:
    """Repeat the coder's latest undone action (a new action since then clears the redo stack)."""
    lock_coder(conn, coder)
    pending = stacks(conn, coder).redo
    if not pending:
        raise ProjectError(
            f"nothing to redo: {coder} has undone nothing since their last coding action "
            "(a new coding action drops what could be redone)"
        )
    return _step(conn, coder, event_row(conn, pending[-1]), undoing=False)


def describe(before: CodingRecord | None, after: CodingRecord | None) -> str:
    """A coding action in a few words: 'add reputational_costs on int01 [10, 50)'."""
    if before is None:
        return f"add {_label(after)}"
    if after is None:
        return f"remove {_label(before)}"
    changes = []
    if after.code_id != before.code_id:
        changes.append(f"code → {after.code_id}")
    if (after.start, after.end) != (before.start, before.end):
        changes.append(f"span → [{after.start}, {after.end})")
    if after.case_id != before.case_id:
        changes.append(f"case → {after.case_id or 'none'}")
    if after.memo != before.memo:
        changes.append("memo")
    return f"update {_label(before)}" + (f": {', '.join(changes)}" if changes else "")


def _label(coding: CodingRecord) -> str:
    return f"{coding.code_id} on {coding.document_id} [{coding.start}, {coding.end})"


def _move(event_id: int, source: list[int], target: list[int]) -> None:
    """Move an event between stacks. It is normally the top; anywhere else only when two
    windows of one coder raced on a server, and then moving it still says what happened."""
    if source and source[-1] == event_id:
        source.pop()
    elif event_id in source:
        source.remove(event_id)
    else:
        return
    target.append(event_id)


def _step(conn: Connection, coder: str, event: Any, *, undoing: bool) -> HistoryStep:
    """Move the coding from the state the event left to the state before it (undo), or the
    other way round (redo), after checking that nobody has changed it in between."""
    before = CodingRecord.from_json(event.before) if event.before else None
    after = CodingRecord.from_json(event.after) if event.after else None
    expected, target = (after, before) if undoing else (before, after)
    verb = "undo" if undoing else "redo"
    what = describe(before, after)
    current = _current(conn, event.entity_id)
    if current != expected:
        raise ProjectError(_conflict(conn, verb, what, event, current))
    if target is not None and (problem := _broken_reference(conn, target)):
        raise ProjectError(
            f"cannot {verb} '{what}': {problem}. Nothing was changed; code the passage "
            "again if you still need it"
        )
    action = _write(conn, event.entity_id, current, target)
    record_event(
        conn,
        coder=coder,
        action=action,
        entity="coding",
        entity_id=event.entity_id,
        before=current.as_json() if current else None,
        after=target.as_json() if target else None,
        undo_of=event.id if undoing else None,
        redo_of=None if undoing else event.id,
    )
    return HistoryStep(
        action=action,
        coding_id=event.entity_id,
        document_id=(target or current).document_id,
        coding=target,
        description=f"{'undid' if undoing else 'redid'}: {what}",
    )


def _current(conn: Connection, coding_id: str) -> CodingRecord | None:
    """The coding as stored now, locked until the end of the transaction on PostgreSQL."""
    row = locked_coding_row(conn, coding_id)
    return CodingRecord(**row) if row else None


def _write(
    conn: Connection, coding_id: str, current: CodingRecord | None, target: CodingRecord | None
) -> str:
    """Make the stored coding equal `target` (whole, timestamps included); name the action."""
    row = asdict(target) if target is not None else None
    return put_coding_row(conn, coding_id, row, exists=current is not None)


def _conflict(
    conn: Connection, verb: str, what: str, event: Any, current: CodingRecord | None
) -> str:
    """Say who changed the coding since, and what the coder can do instead."""
    latest = latest_event_on(conn, event.entity_id, event.id, CODING_ACTIONS)
    if latest is None:
        what_happened = "it was changed since" if current else "it was removed since"
    else:
        what_happened = (
            f"{latest.coder or 'someone'} {DONE[latest.action]} it since "
            f"(on {latest.at:%Y-%m-%d at %H:%M} UTC)"
        )
    return (
        f"cannot {verb} '{what}': {what_happened}, and {verb}ing would overwrite that "
        f"change. Nothing was changed; {verb} cannot go past this step, so edit the coding "
        "directly instead"
    )


def _broken_reference(conn: Connection, coding: CodingRecord) -> str | None:
    """Why the coding can no longer be stored as it was (the project changed since), if so."""
    text = stored_text(conn, coding.document_id)
    if text is None:
        return f"document '{coding.document_id}' is no longer in the project"
    if text[coding.start : coding.end] != coding.quote:
        # Never put a coding back on a span whose text moved (see docs/storage.md).
        return (
            f"document '{coding.document_id}' was changed since, so [{coding.start}, "
            f"{coding.end}) no longer holds the quoted text"
        )
    if not catalog.has(conn, "code", coding.code_id):
        return f"code '{coding.code_id}' is no longer in the codebook"
    if coding.case_id and not catalog.has(conn, "case", coding.case_id):
        return f"case '{coding.case_id}' is no longer in the project"
    return None
