"""Read every case, transcript and media file of a project, checking them all before any write."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hrd_coder.codebook.model import Codebook
from hrd_coder.problems import InvalidInput, Problem, raise_if_any
from hrd_coder.sources.cases import CaseFile
from hrd_coder.sources.folders import CASES_DIR, MEDIA_DIR, TRANSCRIPTS_DIR
from hrd_coder.sources.media import MediaFile, duplicate_media, media_document_fields
from hrd_coder.sources.text import sha256, split_front_matter
from hrd_coder.sources.transcripts import TranscriptFile
from hrd_coder.text_file import decode
from hrd_coder.yaml_source import YamlDocument, parse_yaml, validate

TRANSCRIPT_SUFFIXES = (".md", ".txt")


@dataclass(frozen=True)
class SourceDocument:
    """A document as read from disk: its id, kind, normalised body and metadata."""

    id: str
    kind: str  # "transcript", "case_history" or "media"
    path: str  # relative to the project, with '/'
    title: str
    text: str
    sha256: str
    metadata: dict[str, Any] = field(default_factory=dict)
    case_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceCase:
    """A case as read from disk: its checked front matter and its case history."""

    case: CaseFile
    path: str
    history: SourceDocument


@dataclass(frozen=True)
class ProjectFiles:
    """Everything a project's folders hold, already checked."""

    cases: tuple[SourceCase, ...]
    transcripts: tuple[SourceDocument, ...]
    media: tuple[SourceDocument, ...] = ()

    @property
    def documents(self) -> tuple[SourceDocument, ...]:
        """Transcripts, case histories and media items together."""
        return (*self.transcripts, *(c.history for c in self.cases), *self.media)


def read_project_files(root: Path, codebook: Codebook | None) -> ProjectFiles:
    """Read and check all case, transcript and media files; raise InvalidInput with all problems.

    Without a codebook (the project's has problems of its own) every file is checked as far
    as it can be: case groups and release types are not.
    """
    problems: list[Problem] = []
    context = (
        {"case_groups": codebook.case_groups, "release_types": codebook.release_types}
        if codebook is not None
        else {}
    )
    case_paths = _files(root, CASES_DIR, (".md",), problems)
    cases = [_read(root, p, CaseFile, context, problems) for p in case_paths]
    # A case file with problems is still there: documents naming it get no second problem.
    unreadable = {path.stem for path, case in zip(case_paths, cases, strict=True) if case is None}
    transcripts = [
        _read(root, p, TranscriptFile, {}, problems)
        for p in _files(root, TRANSCRIPTS_DIR, TRANSCRIPT_SUFFIXES, problems)
    ]
    media = [
        _read(root, p, MediaFile, {}, problems)
        for p in _files(root, MEDIA_DIR, TRANSCRIPT_SUFFIXES, problems)
    ]
    found_cases = [_source_case(*c) for c in cases if c is not None]
    found_transcripts = [_source_transcript(*t) for t in transcripts if t is not None]
    found_media = [
        SourceDocument(path=m[2], **media_document_fields(m[0], m[3])) for m in media if m
    ]
    problems += _cross_check(cases, [*transcripts, *media], unreadable)
    problems += duplicate_media([m for m in media if m is not None])
    raise_if_any(problems)
    return ProjectFiles(tuple(found_cases), tuple(found_transcripts), tuple(found_media))


def _files(root: Path, name: str, suffixes: tuple[str, ...], problems: list[Problem]) -> list[Path]:
    """The folder's files, following a link only when it leads to a file inside the project:
    imported text goes on into exports and deposits, so it must be the project's own."""
    folder = root / name
    if not folder.is_dir():
        return []
    inside = root.resolve()
    linked_folder = not folder.resolve().is_relative_to(inside)
    found = []
    with os.scandir(folder) as entries:  # one call gives names and link flags for all
        for entry in entries:
            if entry.name.startswith(".") or Path(entry.name).suffix.lower() not in suffixes:
                continue
            path = Path(entry.path)
            if linked_folder or entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(inside):
                    problems.append(_outside(path.relative_to(root).as_posix(), target))
                    continue
            if entry.is_file():
                found.append(path)
    return sorted(found)


def _outside(shown: str, target: Path) -> Problem:
    return Problem(
        shown,
        None,
        None,
        f"this file leads (through a link) to {target}, outside the project",
        "copy the file into the project instead of linking to it: hrd-coder reads only "
        "files inside the project folder",
    )


Parsed = tuple[Any, YamlDocument, str, str]


def _read(
    root: Path, path: Path, model: type[BaseModel], context: dict[str, Any], problems: list[Problem]
) -> Parsed | None:
    """Parse one file's front matter into `model`; add its problems to the list."""
    shown = path.relative_to(root).as_posix()
    try:
        split = split_front_matter(decode(path.read_bytes(), shown), shown)
    except InvalidInput as error:
        problems.extend(error.problems)
        return None
    except OSError as error:
        what = f"cannot read the file: {error.strerror or error}"
        problems.append(
            Problem(shown, None, None, what, "check that it exists and its permissions")
        )
        return None
    document, found = parse_yaml(split.front_matter, shown, split.front_matter_line)
    problems.extend(found)
    if document is None or found:
        return None
    if not isinstance(document.data, dict):
        problems.append(
            Problem(
                shown,
                2,
                1,
                "the front matter is not 'key: value' lines",
                "write e.g. 'id: c01' between the two '---' lines",
            )
        )
        return None
    meta, found = validate(model, document, context=context)
    problems.extend(found)
    return (meta, document, shown, split.body) if meta is not None else None


def _source_case(case: CaseFile, _: YamlDocument, path: str, body: str) -> SourceCase:
    history = SourceDocument(
        id=case.id,
        kind="case_history",
        path=path,
        title=f"Case history: {case.name}",
        text=body,
        sha256=sha256(body),
        metadata={"country": case.country},
        case_ids=(case.id,),
    )
    return SourceCase(case, path, history)


def _source_transcript(
    meta: TranscriptFile, _: YamlDocument, path: str, body: str
) -> SourceDocument:
    metadata = meta.model_dump(mode="json", exclude={"id", "title", "cases"})
    metadata["date"] = str(meta.date) if meta.date else None
    return SourceDocument(
        id=meta.id,
        kind="transcript",
        path=path,
        title=meta.title,
        text=body,
        sha256=sha256(body),
        metadata=metadata,
        case_ids=meta.cases,
    )


def _cross_check(
    cases: list[Parsed | None], transcripts: list[Parsed | None], unreadable: set[str]
) -> list[Problem]:
    """Ids unique across files; transcripts (and media items) name only cases that exist
    (or whose file, named after the id, has problems of its own)."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for parsed in [*cases, *transcripts]:
        if parsed is None:
            continue
        meta, document, path, _ = parsed
        if meta.id in seen:
            problems.append(
                document.problem(
                    ("id",),
                    f"id '{meta.id}' is already used by {seen[meta.id]}",
                    "give every case and transcript its own id",
                )
            )
        else:
            seen[meta.id] = path
    case_ids = {p[0].id for p in cases if p is not None}
    for parsed in transcripts:
        if parsed is None:
            continue
        meta, document, _, _ = parsed
        for index, case_id in enumerate(meta.cases):
            if case_id not in case_ids and case_id not in unreadable:
                problems.append(
                    document.problem(
                        ("cases", index),
                        f"case '{case_id}' does not exist",
                        f"add cases/{case_id}.md, or correct the id (known: {_sample(case_ids)})",
                    )
                )
    return problems


def _sample(ids: set[str]) -> str:
    shown = sorted(ids)[:5]
    return ", ".join(shown) + (", ..." if len(ids) > 5 else "") if ids else "none yet"
