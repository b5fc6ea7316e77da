"""Merge a coder's offline copy (another hrd-coder database) into this one.

Codings, memos and adjudication decisions are matched by their stable ids. What is new is
added; what is identical is skipped, so merging the same file twice changes nothing; when
both sides changed the same coding, the later change wins and the other version is kept
in the event log. Nothing is ever deleted by a merge.

Every row of the copy is checked first, as `codings load` checks a file (merge_checks.py):
one bad row and nothing is merged. The copy's consensus layer is not merged: it is rebuilt
here from the merged layers and decisions (`hrd-coder consensus rebuild`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hrd_coder.services.access import read_access
from hrd_coder.services.coding import CONTEXT_CHARS
from hrd_coder.services.exchange_identity import add_guids
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.services.merge_checks import check_copy
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.storage import catalog, copies
from hrd_coder.storage.events import record_events

if TYPE_CHECKING:
    from hrd_coder.services.project import Project
    from hrd_coder.storage.database import Connection

# What makes two versions of a coding different (times and context follow from these).
CODING_CONTENT = ("document_id", "coder", "code_id", "start", "end", "case_id", "memo")


@dataclass
class MergeReport:
    """What a merge did, counted and listed for the user."""

    source: str
    added: int = 0
    unchanged: int = 0
    updated: list[str] = field(default_factory=list)  # theirs was the later change
    kept_ours: list[str] = field(default_factory=list)  # ours was later; theirs logged
    duplicates: list[str] = field(default_factory=list)  # same span and code, other id
    removed_there: list[str] = field(default_factory=list)  # deleted offline, kept here
    coders_added: list[str] = field(default_factory=list)
    memos_added: int = 0
    memos_updated: int = 0
    decisions_added: int = 0
    consensus_skipped: int = 0  # the copy's consensus codings: rebuilt here, not copied
    guids_refused: list[str] = field(default_factory=list)  # GUIDs naming another object here

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values (for --format json)."""
        return dict(self.__dict__)


def merge_database(project: Project, other: str, *, dry_run: bool = False) -> MergeReport:
    """Merge the database at `other` (a file or URL) into the project's; all or nothing."""
    project.access().require_role("merging another database", ("lead",))
    theirs = _read_other(other, project.viewer)
    report = MergeReport(source=other, consensus_skipped=theirs.consensus_skipped)
    try:
        with project.database.writing() as conn:
            texts = _texts(conn, {r["document_id"] for r in theirs.codings + theirs.decisions})
            check_copy(
                conn,
                other,
                codings=theirs.codings,
                memos=theirs.memos,
                decisions=theirs.decisions,
                coders=theirs.coders,
                their_texts=theirs.documents,
                texts=texts,
            )
            _merge_coders(conn, theirs, report)
            _merge_codings(conn, theirs, report, other, texts)
            _merge_memos(conn, theirs, report, other)
            _merge_decisions(conn, theirs, report, other)
            _merge_guids(conn, theirs, report)
            if dry_run:
                raise _DryRun  # leaving the block rolls everything back
    except _DryRun:
        pass
    return report


class _DryRun(Exception):
    """Raised to roll back a merge that only reports what it would do."""


@dataclass
class _Other:
    codings: list[dict[str, Any]]
    coders: list[str]
    memos: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    documents: dict[str, str]  # id -> sha256 of the text their offsets count in
    removed: set[str]  # coding ids removed there and not restored since
    consensus_skipped: int = 0
    foreign_guids: dict[tuple[str, str], str] = field(default_factory=dict)


def _read_other(other: str, viewer: str | None) -> _Other:
    """Read everything to merge, without writing to (or upgrading) the other database.
    From a blind source, someone who may not see every layer there takes only their own."""

    def read(conn: Connection) -> _Other:
        own = read_access(conn, viewer).visible_layer()
        every = copies.rows(conn, "coding", own)
        # A copy's model layers stay there: their runs are recorded there (suggest again).
        codings = [row for row in every if _human_layer(row["coder"])]
        coders = [own] if own else copies.coder_names(conn)
        return _Other(
            codings=codings,
            coders=[name for name in coders if _human_layer(name)],
            memos=copies.rows(conn, "document_memo", own),
            decisions=[] if own else copies.rows(conn, "decision"),
            documents=catalog.document_versions(conn),
            removed=_removed(conn, {row["id"] for row in every}) if not own else set(),
            consensus_skipped=sum(row["coder"] == CONSENSUS for row in every),
            foreign_guids=copies.foreign_guids_of_copy(conn),
        )

    return copies.read_copy(other, read)


def _removed(conn: Connection, present: set[str]) -> set[str]:
    """Codings the copy removed and still lacks. Undo can put a removed coding back (and redo
    an undone add): its `coding.remove` event stays in the log, so only the rows tell."""
    return copies.ever_removed(conn) - present


def _human_layer(name: str) -> bool:
    return name != CONSENSUS and not is_model_layer(name)


def _merge_coders(conn: Connection, theirs: _Other, report: MergeReport) -> None:
    known = set(copies.coder_names(conn))
    # A copy written without foreign keys may hold codings of coders it does not list.
    named = {row["coder"] for row in theirs.codings + theirs.memos}
    report.coders_added.extend(sorted((set(theirs.coders) | named) - known))
    copies.add_coders(conn, report.coders_added)
    record_events(
        conn,
        (
            {"coder": n, "action": "coder.add", "entity": "coder", "entity_id": n}
            for n in report.coders_added
        ),
    )


def _texts(conn: Connection, documents: set[str]) -> dict[str, str]:
    """This project's text of each of these documents (those it has)."""
    found = catalog.texts_and_kinds(conn, sorted(documents))
    return {document: text for document, (text, _) in found.items()}


def _with_own_context(row: dict[str, Any], text: str) -> dict[str, Any]:
    """The row with its prefix and suffix cut from our text (the same text, checked): they
    guide a later re-anchoring, so they are made here, never taken on trust."""
    start, end = row["start"], row["end"]
    return {
        **row,
        "prefix": text[max(0, start - CONTEXT_CHARS) : start],
        "suffix": text[end : end + CONTEXT_CHARS],
    }


def _merge_codings(
    conn: Connection, theirs: _Other, report: MergeReport, other: str, texts: dict[str, str]
) -> None:
    ours = {row["id"]: row for row in copies.rows(conn, "coding")}
    spans = {_span(row): row["id"] for row in ours.values()}
    new, events = [], []
    for row in (_with_own_context(r, texts[r["document_id"]]) for r in theirs.codings):
        mine = ours.get(row["id"])
        if mine is None:
            if _span(row) in spans:
                report.duplicates.append(row["id"])
                continue
            new.append(row)
            spans[_span(row)] = row["id"]
            events.append(_event(row, "coding.merge", None, row, other))
        elif _same(mine, row, CODING_CONTENT):
            report.unchanged += 1
        elif _utc(row["updated_at"]) > _utc(mine["updated_at"]):
            copies.replace_coding(conn, row)
            report.updated.append(row["id"])
            events.append(_event(row, "coding.merge", mine, row, other))
        else:  # ours is the later change: keep it, and keep theirs in the log
            report.kept_ours.append(row["id"])
            events.append(_event(row, "coding.merge_kept", row, mine, other))
    copies.add_rows(conn, "coding", new)
    report.added = len(new)
    report.removed_there = sorted(theirs.removed & set(ours))
    record_events(conn, events)


def _merge_memos(conn: Connection, theirs: _Other, report: MergeReport, other: str) -> None:
    ours = {(r["document_id"], r["coder"]): r for r in copies.rows(conn, "document_memo")}
    for row in theirs.memos:
        key = (row["document_id"], row["coder"])
        mine = ours.get(key)
        if mine is not None and (
            mine["text"] == row["text"] or _utc(mine["updated_at"]) >= _utc(row["updated_at"])
        ):
            continue
        if mine is None:
            copies.add_rows(conn, "document_memo", [row])
            report.memos_added += 1
        else:
            copies.replace_memo_text(conn, row)
            report.memos_updated += 1
        record_events(
            conn,
            [
                {
                    "coder": row["coder"],
                    "action": "memo.merge",
                    "entity": "document_memo",
                    "entity_id": f"{key[0]}/{key[1]}",
                    "before": {"text": mine["text"], "document_id": key[0]} if mine else None,
                    "after": {"text": row["text"], "document_id": key[0], "source": other},
                }
            ],
        )


def _merge_decisions(conn: Connection, theirs: _Other, report: MergeReport, other: str) -> None:
    ours = copies.ids(conn, "decision")
    new = [row for row in theirs.decisions if row["id"] not in ours]
    copies.add_rows(conn, "decision", new)
    report.decisions_added = len(new)
    record_events(
        conn,
        (
            {
                "coder": row["adjudicator"],
                "action": "decision.merge",
                "entity": "decision",
                "entity_id": row["id"],
                "after": {**_json_ready(row), "source": other},
            }
            for row in new
        ),
    )


def _merge_guids(conn: Connection, theirs: _Other, report: MergeReport) -> None:
    """The GUIDs the copy's imports recorded, for what is here now and has none yet."""
    present = {
        "code": catalog.ids(conn, "code"),
        "source": set(catalog.document_versions(conn)),
        "selection": copies.ids(conn, "coding"),
        "user": {local_id for kind, local_id in theirs.foreign_guids if kind == "user"},
    }
    wanted = {
        (kind, local_id): value
        for (kind, local_id), value in theirs.foreign_guids.items()
        if local_id in present.get(kind, set())
    }
    report.guids_refused = add_guids(conn, wanted)


def _span(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["document_id"], row["coder"], row["code_id"], row["start"], row["end"])


def _same(a: dict[str, Any], b: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return all(a[name] == b[name] for name in fields)


def _event(row: dict[str, Any], action: str, before: Any, after: Any, other: str) -> dict[str, Any]:
    return {
        "coder": row["coder"],
        "action": action,
        "entity": "coding",
        "entity_id": row["id"],
        "before": _json_ready(before) if before else None,
        "after": {**_json_ready(after), "source": other},
    }


def _json_ready(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
