"""Bring the project's files into the database: checked first, written in one
transaction, and idempotent (a second run with unchanged files writes nothing)."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Literal

from hrd_coder.codebook.model import Codebook
from hrd_coder.problems import InvalidInput, Problem
from hrd_coder.services.reanchoring import reanchor_document
from hrd_coder.services.records import ImportReport
from hrd_coder.sources.anchoring import FUZZY_THRESHOLD
from hrd_coder.sources.project_files import ProjectFiles, SourceCase, SourceDocument
from hrd_coder.storage import code_uses, project_rows
from hrd_coder.storage.codebook_versions import (
    current_codebook_hash,
    keep_codebook_text,
    set_current_codebook,
    store_codebook_version,
)
from hrd_coder.storage.database import Database
from hrd_coder.storage.events import record_event, record_events
from hrd_coder.storage.foreign_guids import forget_foreign_guids
from hrd_coder.wording import agreeing, plural

if TYPE_CHECKING:
    from hrd_coder.storage.database import Connection
    from hrd_coder.storage.project_rows import Kind


class _DryRun(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


def import_project(
    db: Database,
    files: ProjectFiles,
    codebook: Codebook,
    codebook_text: str,
    codebook_path: str,
    *,
    dry_run: bool = False,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
) -> ImportReport:
    """Write codebook, cases and documents; raise InvalidInput (writing nothing) on conflict.

    With `dry_run`, everything is worked out and reported, then rolled back.
    """
    report = ImportReport(dry_run=dry_run)
    problems: list[Problem] = []
    with suppress(_DryRun), db.writing() as conn:
        sync_codebook(conn, codebook, codebook_text, codebook_path, report, problems)
        _sync_cases(conn, files.cases, report)
        _sync_documents(conn, files.documents, report, fuzzy_threshold)
        _sync_links(conn, files.documents)
        _remove_missing(conn, "document", {d.id for d in files.documents}, report, problems)
        _remove_missing(conn, "case", {c.case.id for c in files.cases}, report, problems)
        if problems:
            raise InvalidInput(problems)  # leaving the block rolls everything back
        if dry_run:
            raise _DryRun  # rolls back like a problem would, but the report is wanted
    return report


def sync_codebook(
    conn: Connection,
    codebook: Codebook,
    text: str,
    path: str,
    report: ImportReport,
    problems: list[Problem],
) -> None:
    """Store a new codebook version and bring the code table in line with it."""
    old_hash = current_codebook_hash(conn)
    if old_hash == codebook.hash:
        # The same codes, perhaps with new comments or layout: keep the file's text, so that
        # commands find codebook.yaml unchanged and need not check it again (issue 15).
        keep_codebook_text(conn, codebook.hash, text)
        report.count("unchanged", "codebook")
        return
    store_codebook_version(conn, codebook.hash, codebook.name, codebook.version, text)
    set_current_codebook(conn, codebook.hash)
    record_event(
        conn,
        coder=None,
        action="codebook.load",
        entity="codebook",
        entity_id=codebook.hash,
        before={"hash": old_hash} if old_hash else None,
        after={"hash": codebook.hash, "name": codebook.name, "version": codebook.version},
    )
    report.count("added" if old_hash is None else "updated", "codebook")
    for position, code in enumerate(codebook.codes):
        row = {
            "id": code.id,
            "label": code.label,
            "parent_id": codebook.parent_of(code),
            "definition": code.definition,
            "color": code.color,
            "hotkey": code.hotkey,
            "level": code.level,
            "case_variable": list(code.case_variable),
            "position": position,
        }
        _upsert(conn, "code", row, report)
    _remove_codes(conn, codebook, path, report, problems)


def _remove_codes(
    conn: Connection, codebook: Codebook, path: str, report: ImportReport, problems: list[Problem]
) -> None:
    keep = {c.id for c in codebook.codes}
    for code_id in sorted(project_rows.ids(conn, "code") - keep):
        used = code_uses.uses(conn, code_id)
        if used:
            problems.append(
                Problem(
                    path,
                    None,
                    None,
                    f"code '{code_id}' is no longer in the codebook but "
                    f"{plural(used, 'coding or decision', 'codings or decisions')} "
                    f"{agreeing(used, 'uses', 'use')} it",
                    f"put '{code_id}' back into {path}, then move its codings with "
                    f"'hrd-coder codebook rename {code_id} NEW', 'hrd-coder codebook merge "
                    f"{code_id} INTO TARGET' or 'hrd-coder codebook split {code_id} --into A B' "
                    "(these edit the codebook too; see docs/codebook.md)",
                )
            )
            continue
        project_rows.delete(conn, "code", code_id)
        forget_foreign_guids(conn, "code", [code_id])  # a merged-away code's GUID goes too
        record_event(conn, coder=None, action="code.remove", entity="code", entity_id=code_id)
        report.count("removed", "code")


def _case_row(source: SourceCase) -> dict[str, Any]:
    case = source.case
    row: dict[str, Any] = {
        "id": case.id,
        "name": case.name,
        "country": case.country,
        "groups": list(case.groups),
        "release_type": case.release_type,
        "sources": list(case.sources),
        "covariates": dict(case.covariates),
        "path": source.path,
    }
    for name, value in (
        ("detained", case.detained_on),
        ("featured", case.featured_on),
        ("released", case.released_on),
        ("censored", case.censored_on),
    ):
        row[f"{name}_on"] = value.earliest if value else None
        row[f"{name}_precision"] = value.precision if value else None
    return row


def _document_row(document: SourceDocument) -> dict[str, Any]:
    return {
        "id": document.id,
        "kind": document.kind,
        "title": document.title,
        "path": document.path,
        "text": document.text,
        "sha256": document.sha256,
        "meta": dict(document.metadata),
    }


def _sync_cases(conn: Connection, sources: tuple[SourceCase, ...], report: ImportReport) -> None:
    """Add new cases in one batch, skip unchanged ones, update changed ones one by one.

    Projects hold thousands of cases: a query and an insert per case made imports slow.
    """
    stored = project_rows.rows_by_id(conn, "case")
    new = []
    for source in sources:
        row = _case_row(source)
        current = stored.get(row["id"])
        if current is None:
            new.append(row)
        elif {key: current[key] for key in row} == row:
            report.count("unchanged", "case")
        else:
            _upsert(conn, "case", row, report)
    _insert_new(conn, "case", new, report)


def _sync_documents(
    conn: Connection,
    documents: tuple[SourceDocument, ...],
    report: ImportReport,
    fuzzy_threshold: float,
) -> None:
    """Add new documents in one batch and skip unchanged ones; the others (changed on
    disk or in their metadata) go through `_sync_document` one by one."""
    stored = project_rows.rows_by_id(conn, "document", without_text=True)
    new = []
    for document in documents:
        row = _document_row(document)
        current = stored.get(document.id)
        if current is None:
            new.append(row)
        elif all(current[key] == value for key, value in row.items() if key != "text"):
            report.count("unchanged", "document")
        else:
            _sync_document(conn, document, report, fuzzy_threshold)
    _insert_new(conn, "document", new, report)


def _insert_new(
    conn: Connection, kind: Kind, rows: list[dict[str, Any]], report: ImportReport
) -> None:
    """Insert new rows with one executemany, and their '<kind>.add' events with another."""
    if not rows:
        return
    project_rows.insert(conn, kind, rows)
    record_events(
        conn,
        (
            {
                "action": f"{kind}.add",
                "entity": kind,
                "entity_id": row["id"],
                "after": _loggable(row),
            }
            for row in rows
        ),
    )
    for _ in rows:
        report.count("added", kind)


def _sync_document(
    conn: Connection, document: SourceDocument, report: ImportReport, fuzzy_threshold: float
) -> None:
    """Add or update a document; when its text changed, its codings follow the text."""
    # Lock the row before reading its codings: a coder's write holding it finishes first
    # (and its coding is re-anchored here); one arriving later waits and then sees the new
    # version, so it is refused rather than saved at old offsets (PostgreSQL; SQLite's
    # writes are serial anyway).
    stored = project_rows.locked_document(conn, document.id)
    if stored is not None and stored.sha256 != document.sha256:
        anchoring = reanchor_document(
            conn, document.id, stored.text, document.text, stored.sha256, fuzzy_threshold
        )
        if anchoring.unchanged + anchoring.moved + anchoring.fuzzy + anchoring.orphaned:
            report.anchoring.append(anchoring)
    _upsert(conn, "document", _document_row(document), report)


def _sync_links(conn: Connection, documents: tuple[SourceDocument, ...]) -> None:
    """Bring the document-case links of these documents in line with their files."""
    stored = project_rows.links(conn)
    wanted = {(d.id, case_id) for d in documents for case_id in d.case_ids}
    project_rows.add_links(conn, sorted(wanted - stored))
    ids = {d.id for d in documents}  # links of removed documents go with them, later
    for document_id, case_id in sorted(stored - wanted):
        if document_id in ids:
            project_rows.remove_link(conn, document_id, case_id)


def _upsert(conn: Connection, kind: Kind, row: dict[str, Any], report: ImportReport) -> None:
    """Insert or update one row by id, logging an event only when something changed."""
    current = project_rows.row_of(conn, kind, row["id"])
    if current is None:
        project_rows.insert(conn, kind, [row])
        record_event(
            conn,
            coder=None,
            action=f"{kind}.add",
            entity=kind,
            entity_id=row["id"],
            after=_loggable(row),
        )
        report.count("added", kind)
        return
    before = {key: current[key] for key in row}
    if before == row:
        report.count("unchanged", kind)
        return
    project_rows.update(conn, kind, row)
    record_event(
        conn,
        coder=None,
        action=f"{kind}.update",
        entity=kind,
        entity_id=row["id"],
        before=_loggable(before),
        after=_loggable(row),
    )
    report.count("updated", kind)


def _remove_missing(
    conn: Connection,
    kind: Literal["case", "document"],
    keep: set[str],
    report: ImportReport,
    problems: list[Problem],
) -> None:
    """Delete rows whose file is gone, unless codings still point at them."""
    for row_id in sorted(project_rows.ids(conn, kind) - keep):
        path = project_rows.path_of(conn, kind, row_id)
        used = project_rows.codings_naming(conn, kind, row_id)
        if used:
            problems.append(
                Problem(
                    path,
                    None,
                    None,
                    f"{kind} '{row_id}' was deleted from disk but "
                    f"{plural(used, 'coding')} {agreeing(used, 'refers', 'refer')} to it",
                    f"restore {path}; codings are never dropped silently",
                )
            )
            continue
        project_rows.delete(conn, kind, row_id)
        if kind == "document":  # its GUID from an imported file names nothing any more
            forget_foreign_guids(conn, "source", [row_id])
        record_event(conn, coder=None, action=f"{kind}.remove", entity=kind, entity_id=row_id)
        report.count("removed", kind)


def _loggable(row: dict[str, Any]) -> dict[str, Any]:
    """Event payloads are JSON: dates become ISO text, document text is left out."""
    out = {}
    for key, value in row.items():
        if key == "text":
            continue
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out
