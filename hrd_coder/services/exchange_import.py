"""Write an imported exchange into a project: files first, then the database.

A new project gets `codebook.yaml`, `cases/`, `transcripts/` and `media/` files (so it is a normal
project afterwards), is imported, and then receives the codings and memos. A merge adds
only what the project lacks: new codes, new documents and cases, new codings and memos.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.codebook import parse_codebook
from hrd_coder.codebook.yaml_file import CodebookFile, new_codebook_text, write_codebook
from hrd_coder.interop.model import Exchange, ExchangeReport, ExchangeSource
from hrd_coder.interop.qdpx_read import MEDIA_FIELDS, TRANSCRIPT_FIELDS
from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.services.coding import new_coding
from hrd_coder.services.exchange_identity import Known, known_before, record_identity
from hrd_coder.services.layers import CONSENSUS, check_coder_name
from hrd_coder.services.records import ProjectStatus
from hrd_coder.sources.folders import CASES_DIR, MEDIA_DIR, TRANSCRIPTS_DIR
from hrd_coder.storage.codings import ensure_coder, insert_codings, save_document_memo
from hrd_coder.text_file import read_text_file
from hrd_coder.wording import agreeing, noun, plural
from hrd_coder.yaml_source import dump_yaml

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

CODEBOOK_FILE = "codebook.yaml"


@dataclass(frozen=True)
class ExchangeOutcome:
    """Where an import went, the project's counts afterwards, and what was left out."""

    root: Path
    status: ProjectStatus
    report: ExchangeReport


def dump(data: Any) -> str:
    """YAML as people write it: block style, keys in the given order, Unicode kept."""
    return dump_yaml(data, allow_unicode=True, sort_keys=False, width=100)


def new_project(
    exchange: Exchange, root: Path, db_url: str | None, report: ExchangeReport | None = None
) -> tuple[Path, ProjectStatus]:
    """Create a project folder from an exchange, import it and add its codings."""
    from hrd_coder.services.project import Project

    if root.exists() and any(root.iterdir()):
        raise ProjectError(f"{root} is not empty: choose a new folder for the imported project")
    created = not root.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
        write_codebook(root / CODEBOOK_FILE, new_codebook_text(exchange.codebook))
        _write_documents(root, exchange, set(), set())
        with Project.open(root, db_url) as project:
            project.import_files()
            add_codings_and_memos(project, exchange, report)
            return project.root, project.status()
    except (InvalidInput, ProjectError):
        if created:
            shutil.rmtree(root, ignore_errors=True)
        raise


def merge_into(project: Project, exchange: Exchange, report: ExchangeReport) -> None:
    """Add to an existing project what it lacks (codes, documents, cases, codings, memos)."""
    project.access().require_role("importing another program's project into this one", ("lead",))
    # The project's own files first: a merge must never add to a project that cannot import.
    project.read_files()
    known = known_before(project)
    codebook, codebook_text = project.codebook, project.codebook_text
    written: list[Path] = []
    try:
        _merge_files(project, exchange, report, written)
    except (InvalidInput, ProjectError):
        for path in written:
            path.unlink(missing_ok=True)
        if project.codebook_text != codebook_text:
            (project.root / CODEBOOK_FILE).write_text(codebook_text, encoding="utf-8")
            project.codebook, project.codebook_text = codebook, codebook_text
        raise
    add_codings_and_memos(project, exchange, report, known)


def _merge_files(
    project: Project, exchange: Exchange, report: ExchangeReport, written: list[Path]
) -> None:
    """Append new codes, write new documents and cases (listed in `written`), import them."""
    new_codes = [c for c in exchange.codebook.codes if project.codebook.code(c.id) is None]
    if new_codes:
        _append_codes(project, new_codes)
    groups = set(project.codebook.case_groups)
    for case in exchange.cases:
        unknown = set(case.front_matter.get("groups") or []) - groups
        if unknown:
            report.dropped.append(
                f"case '{case.id}': {noun(len(unknown), 'group')} {', '.join(sorted(unknown))} "
                f"{agreeing(len(unknown), 'is', 'are')} not in "
                "codebook.yaml; add them under case_groups and import again"
            )
    known_cases = {c.id for c in project.cases()}
    cases = {
        c.id
        for c in exchange.cases
        if c.id not in known_cases and set(c.front_matter.get("groups") or []) <= groups
    }
    documents = {d.id for d in project.documents()}
    clashing = {
        s.id for s in exchange.sources if s.id in documents and project.text_of(s.id) != s.text
    }
    for document_id in sorted(clashing):
        lost = sum(c.document_id == document_id for c in exchange.codings)
        report.dropped.append(
            f"document '{document_id}' and its {plural(lost, 'coding')}: the project has a "
            f"different "
            "document with that id (the codings' offsets count in the file's text, not ours)"
        )
    # Never onto our document of the same id: its text is another one.
    exchange.codings[:] = [c for c in exchange.codings if c.document_id not in clashing]
    exchange.memos[:] = [m for m in exchange.memos if m.document_id not in clashing]
    written += _write_documents(project.root, exchange, documents | (known_cases - cases), cases)
    project.import_files()


def _append_codes(project: Project, codes: list[Any]) -> None:
    """Append codes to codebook.yaml (comments and layout kept), checked before writing."""
    path = project.root / CODEBOOK_FILE
    edited = CodebookFile(read_text_file(path), str(path))
    edited.append_codes(codes, "imported from a REFI-QDA file")
    text = edited.text()
    try:
        merged = parse_codebook(text, str(path))
    except InvalidInput as error:  # e.g. an imported code takes a hotkey the project uses
        clashes = "; ".join(problem.message for problem in error.problems)
        raise ProjectError(
            f"the imported codes do not fit {path} ({clashes}); nothing was changed: change "
            "them in the other program, or the project's codes, and import again"
        ) from None
    write_codebook(path, text)
    project.codebook, project.codebook_text = merged, text


def _write_documents(root: Path, exchange: Exchange, skip: set[str], cases: set[str]) -> list[Path]:
    """Write case files (with their histories), transcripts and media; never overwrite a file.

    Returns the files written."""
    histories = {s.id: s for s in exchange.sources if s.kind == "case_history"}
    writes: dict[Path, str] = {}
    for case in exchange.cases:
        if case.id in skip or (cases and case.id not in cases):
            continue
        front = {k: v for k, v in case.front_matter.items() if v not in (None, [], {})}
        history = histories.get(case.id)
        writes[root / CASES_DIR / f"{case.id}.md"] = _with_front(front, history)
    case_ids = {c.id for c in exchange.cases}
    for source in exchange.sources:
        if source.id in skip or (source.kind == "case_history" and source.id in case_ids):
            continue
        media = source.kind == "media"
        front = {"id": source.id, "title": source.title}
        fields = MEDIA_FIELDS if media else TRANSCRIPT_FIELDS
        front.update({k: source.metadata[k] for k in fields if k in source.metadata})
        if source.case_ids:
            front["cases"] = list(source.case_ids)
        folder = MEDIA_DIR if media else TRANSCRIPTS_DIR
        writes[root / folder / f"{source.id}.md"] = _with_front(front, source)
    taken = [p for p in writes if p.exists()]
    if taken:
        raise ProjectError(f"{taken[0]} already exists: nothing was written")
    written = []
    for path, text in writes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _with_front(front: dict[str, Any], source: ExchangeSource | None) -> str:
    return f"---\n{dump(front)}---\n{source.text if source else ''}"


def add_codings_and_memos(
    project: Project,
    exchange: Exchange,
    report: ExchangeReport | None = None,
    known: Known | None = None,
) -> None:
    """Add the exchange's codings (keeping ids and times) and memos in one transaction, and
    record the GUIDs of what the import brought in that the project did not `know`."""
    codebook_hash = project.codebook_hash_for_new_codings()
    stored = project.codings()
    existing = {c.id for c in stored}
    natural = {(c.document_id, c.coder, c.code_id, c.start, c.end) for c in stored}
    new = []
    for coding in exchange.codings:
        key = (coding.document_id, coding.coder, coding.code_id, coding.start, coding.end)
        if coding.id in existing or key in natural:
            continue
        try:
            text = project.text_of(coding.document_id)
            project.require_case(coding.case_id)
        except ProjectError as error:
            if report is not None:
                report.dropped.append(f"coding {coding.id}: {error}")
            continue
        record = new_coding(
            text=text,
            document_id=coding.document_id,
            coder=coding.coder,
            code_id=coding.code_id,
            start=coding.start,
            end=coding.end,
            case_id=coding.case_id,
            memo=coding.memo,
            codebook_hash=codebook_hash,
            coding_id=coding.id,
        )
        new.append(replace(record, created_at=coding.created_at, updated_at=coding.created_at))
        natural.add(key)
    documents = {d.id for d in project.documents()}
    with project.database.writing() as conn:
        for coder in sorted({c.coder for c in new} | {m.coder for m in exchange.memos}):
            if coder != CONSENSUS:  # the adjudicated layer comes back as itself
                check_coder_name(coder)
            ensure_coder(conn, coder)
        insert_codings(conn, new)
        for memo in exchange.memos:
            if memo.document_id in documents:
                save_document_memo(conn, memo.document_id, memo.coder, memo.text)
        present = {
            "code": {c.id for c in project.codebook.codes},
            "source": documents,
            "user": {i for kind, i in exchange.foreign_guids if kind == "user"},
            "selection": {c.id for c in new},
        }
        record_identity(conn, exchange, known or Known(), present, report)
