"""Read a REFI-QDA project (`.qdpx` archive or bare `project.qde`) into plain data.

Tolerant of what real exports do: GUIDs in either case and with braces, a missing
namespace, an inner file not named `project.qde`, a `sources/` folder in any case, and
`internal://`, `relative://` and bare text paths (see `source_text`).
Whatever cannot be brought over is listed in the report, never silently lost.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from hrd_coder.codebook.model import Codebook
from hrd_coder.interop.archive import ArchiveLimits, SafeArchive, read_bare_file
from hrd_coder.interop.identity import file_guids
from hrd_coder.interop.model import (
    Exchange,
    ExchangeCase,
    ExchangeCoding,
    ExchangeMemo,
    ExchangeReport,
    ExchangeSource,
)
from hrd_coder.interop.offsets import choose_mapping
from hrd_coder.interop.qdc import read_codes
from hrd_coder.interop.qdpx import CODEBOOK_MARK, PROJECT_FILE
from hrd_coder.interop.refi import (
    canonical_guid,
    kid,
    kid_text,
    kids,
    local,
    parse_timestamp,
    parse_xml,
    slug,
    unique,
)
from hrd_coder.interop.source_text import (
    INTERNAL,
    RELATIVE,
    BaseFolder,
    Files,
    is_bare,
    source_text,
)
from hrd_coder.interop.variables import read_values
from hrd_coder.problems import ProjectError, raise_if_any
from hrd_coder.text_file import normalise
from hrd_coder.wording import agreeing, plural
from hrd_coder.yaml_source import parse_yaml

CODER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
UNKNOWN_CODER = "imported"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # for codings with no time: never "now"
CASE_FIELDS = (
    "country",
    "groups",
    "detained_on",
    "featured_on",
    "released_on",
    "release_type",
    "censored_on",
    "sources",
)
TRANSCRIPT_FIELDS = ("date", "interviewer", "interviewee_role", "speakers", "notes")
MEDIA_FIELDS = ("outlet", "outlet_type", "date", "language", "url", "source", "notes")
# Written by our export but derived from `date`: read without a report line, never written back.
DERIVED_FIELDS = ("date_precision",)
OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


def read_qdpx(
    path: Path, limits: ArchiveLimits | None = None, base: Path | None = None
) -> tuple[Exchange, ExchangeReport]:
    """Read a `.qdpx` archive (or a bare `.qde` file) checked against the limits.

    `relative://` texts are read only from `base` (default: the folder `path` is in).
    """
    limits = limits or ArchiveLimits()
    folder = BaseFolder(base if base is not None else path.parent, limits.max_entry_bytes)
    if path.suffix.lower() == ".qde":
        data = read_bare_file(path, limits)
        # An unpacked archive: `Sources/` and the texts lie beside the .qde, in `base`.
        where = f"the folder '{folder.shown}'"
        return read_qde(data, str(path), folder.read_entry, ExchangeReport(), folder, where)
    archive = SafeArchive(path, limits)
    try:
        report = ExchangeReport()
        inner = _project_entry(archive, report)

        def files(name: str) -> bytes | None:
            found = archive.find(name)
            return archive.read(found) if found is not None else None

        return read_qde(archive.read(inner), f"{path}:{inner}", files, report, folder)
    finally:
        archive.close()


def _project_entry(archive: SafeArchive, report: ExchangeReport) -> str:
    names = archive.names()
    if PROJECT_FILE in names:
        return PROJECT_FILE
    found = [n for n in names if n.lower().endswith(".qde") and "/" not in n]
    if len(found) == 1:
        report.warnings.append(
            f"the project file is named {found[0]!r}, not 'project.qde' as the standard says"
        )
        return found[0]
    raise ProjectError(
        f"{archive.path}: no project.qde inside (found {len(found)} .qde files); "
        "is this a REFI-QDA .qdpx export?"
    )


@dataclass
class _Reading:
    """What the parts of a project file need from each other while it is read."""

    report: ExchangeReport
    files: Files
    base: BaseFolder | None
    where: str
    users: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    notes: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    used_notes: set[str] = field(default_factory=set)
    documents: dict[str, str] = field(default_factory=dict)  # source guid -> id
    bare_paths: list[str] = field(default_factory=list)  # plainTextPaths without a scheme
    selections: dict[str, list[int]] = field(default_factory=dict)  # guid -> coding indexes

    def coder(self, user: str | None) -> str:
        found = self.users.get(canonical_guid(user) or "")
        if found is None:
            self.report.warnings.append(
                f"codings or notes without a known user were given to coder '{UNKNOWN_CODER}'"
            )
            return UNKNOWN_CODER
        return found

    def note(self, ref: ET.Element) -> tuple[str, str | None] | None:
        key = canonical_guid(ref.get("targetGUID")) or ""
        self.used_notes.add(key)
        return self.notes.get(key)


def read_qde(
    data: bytes,
    shown: str,
    files: Files,
    report: ExchangeReport,
    base: BaseFolder | None = None,
    where: str = "the archive",
) -> tuple[Exchange, ExchangeReport]:
    """Read a `project.qde` document; `files` gives the archive's other entries.

    `base` is the only folder `relative://` texts are read from (never the file's basePath);
    `where` names what `files` reads, for the report.
    """
    root = parse_xml(data, shown)
    if local(root) != "Project":
        raise ProjectError(
            f"{shown}: the root element is <{local(root)}>, not <Project>; "
            "for a .qdc codebook use 'hrd-coder import-qdc'"
        )
    reading = _Reading(report, files, base, where)
    reading.users = _users(root, reading)
    codes_parent = kid(root, "CodeBook")
    read = read_codes(kid(codes_parent, "Codes") if codes_parent is not None else None, report)
    reading.codes = {r.guid: r.code.id for r in read}
    codebook = _codebook(root, [r.code for r in read], shown)
    variables = kid(root, "Variables")
    for element in kids(variables, "Variable") if variables is not None else []:
        key = canonical_guid(element.get("guid"))
        if key:
            reading.variables[key] = element.get("name") or key
    notes = kid(root, "Notes")
    for note in kids(notes, "Note") if notes is not None else []:
        text = kid_text(note, "PlainTextContent") or kid_text(note, "Description")
        reading.notes[canonical_guid(note.get("guid")) or ""] = (text, note.get("creatingUser"))
    exchange = Exchange(codebook)
    _sources(root, exchange, reading)
    _cases(root, exchange, reading)
    exchange.foreign_guids = file_guids(
        root,
        report,
        users=reading.users,
        codes=reading.codes,
        sources=reading.documents,
        selections={
            key: [exchange.codings[i].id for i in indexes]
            for key, indexes in reading.selections.items()
        },
    )
    for key in reading.notes:
        if key not in reading.used_notes:
            name = next(
                (
                    n.get("name")
                    for n in kids(notes, "Note")
                    if canonical_guid(n.get("guid")) == key
                ),
                key,
            )
            report.dropped.append(f"note '{name}' (not attached to a document or coding)")
    for part in ("Links", "Sets", "Graphs"):
        element = kid(root, part)
        if element is not None and len(element):
            report.dropped.append(f"{plural(len(element), 'item')} of <{part}> (no place here)")
    _report_paths(root, reading)
    return exchange, report


def _report_paths(root: ET.Element, reading: _Reading) -> None:
    """Say which path conventions were met that the standard does not spell out."""
    if reading.bare_paths:
        bare = len(reading.bare_paths)
        reading.report.warnings.append(
            f"{plural(bare, 'text source')} {agreeing(bare, 'gives', 'give')} plainTextPath "
            f"without {INTERNAL} or {RELATIVE} (as qc writes it, e.g. {reading.bare_paths[0]!r}); "
            "looked up in the archive's Sources/ folder, then beside project.qde"
        )
    claimed = root.get("basePath") or ""
    sources = kid(root, "Sources")
    relative = sources is not None and any(
        (node.get("plainTextPath") or "").startswith(RELATIVE) for node in sources
    )
    if claimed and relative and reading.base is not None:
        reading.report.warnings.append(
            f"the file's basePath {claimed!r} is not used: relative:// texts are read only "
            f"from '{reading.base.shown}' (name another folder with --base DIR)"
        )


def _users(root: ET.Element, reading: _Reading) -> dict[str, str]:
    users, taken = {}, set()
    element = kid(root, "Users")
    for user in kids(element, "User") if element is not None else []:
        key = canonical_guid(user.get("guid"))
        if key is None:
            continue
        name = (user.get("name") or "").strip()
        if not CODER_NAME.match(name):
            name = slug(name, "coder")
            reading.report.warnings.append(f"user {user.get('name')!r} codes as '{name}'")
        users[key] = unique(name, taken)
    return users


def _codebook(root: ET.Element, codes: list[Any], shown: str) -> Codebook:
    description = kid_text(root, "Description")
    extras: dict[str, Any] = {}
    text, mark, rest = description.partition(f"\n{CODEBOOK_MARK}\n")
    if mark:
        # Read as our project files are: a foreign archive may hold an alias bomb here.
        where = f"{shown} <Description> after '{CODEBOOK_MARK}'"
        document, problems = parse_yaml(rest, where)
        raise_if_any(problems)
        loaded = document.data if document is not None else None
        extras = loaded if isinstance(loaded, dict) else {}
        description = text
    origin = root.get("origin") or "another program"
    return Codebook(
        name=root.get("name") or "Imported project",
        version=str(extras.get("version", "1")),
        description=description.strip(),
        case_groups=extras.get("case_groups") or {"imported": f"Cases imported from {origin}"},
        **({"release_types": extras["release_types"]} if "release_types" in extras else {}),
        codes=tuple(codes),
    )


def _sources(root: ET.Element, exchange: Exchange, reading: _Reading) -> None:
    element = kid(root, "Sources")
    if element is None:
        return
    taken: set[str] = set()
    for node in element:
        if local(node) in OTHER_SOURCES:
            reading.report.dropped.append(
                f"{local(node)} '{node.get('name')}' (only text sources are supported)"
            )
        elif local(node) == "TextSource":
            _text_source(node, exchange, reading, taken)


def _text_source(node: ET.Element, exchange: Exchange, reading: _Reading, taken: set[str]) -> None:
    path = node.get("plainTextPath") or ""
    # qc writes no name: its file name is the best title there is.
    name = node.get("name") or PurePosixPath(path.split("://")[-1]).stem or "Untitled"
    if is_bare(path) and kid(node, "PlainTextContent") is None:
        reading.bare_paths.append(path)
    raw, why = source_text(node, reading.files, reading.base, reading.where)
    if raw is None or not raw.strip():
        reading.report.dropped.append(
            f"text source '{name}' and its "
            f"{plural(len(kids(node, 'PlainTextSelection')), 'selection')}: "
            f"{why or 'its text is empty'}"
        )
        return
    text = normalise(raw)
    values = read_values(node, reading.variables)
    document_id = unique(
        str(values.pop("document_id", "") or slug(Path(name).stem, "document")), taken
    )
    kind = _kind(values, name, reading.report)
    reading.documents[canonical_guid(node.get("guid")) or ""] = document_id
    selections = _readable_selections(node, document_id, reading.report)
    spans = [(start, end, s.get("name") or "") for s, start, end in selections]
    mapper, note = choose_mapping(raw, text, spans)
    if note:
        reading.report.warnings.append(f"text source '{name}': {note}")
    for selection, start, end in selections:
        _selection(selection, document_id, mapper(start), mapper(end), text, exchange, reading)
    whole = [
        _coding(coding, document_id, 0, len(text), None, exchange, reading)
        for coding in kids(node, "Coding")
    ]
    if any(index is not None for index in whole):
        reading.report.warnings.append(
            f"text source '{name}': {plural(sum(i is not None for i in whole), 'coding')} of the "
            "whole source imported as codings of its whole text"
        )
    for ref in kids(node, "NoteRef"):
        found = reading.note(ref)
        if found and found[0].strip():
            coder = reading.coder(found[1])
            exchange.memos.append(ExchangeMemo(document_id, coder, found[0]))
    fields = MEDIA_FIELDS if kind == "media" else (*TRANSCRIPT_FIELDS, "country")
    metadata = {k: v for k, v in values.items() if k in fields}
    for extra in sorted(set(values) - set(metadata) - set(DERIVED_FIELDS)):
        reading.report.dropped.append(f"variable '{extra}' of text source '{name}'")
    exchange.sources.append(ExchangeSource(document_id, kind, name, text, metadata))


def _readable_selections(
    node: ET.Element, document_id: str, report: ExchangeReport
) -> list[tuple[ET.Element, int, int]]:
    """The source's selections with their offsets as numbers; any other is a report line."""
    readable = []
    for selection in kids(node, "PlainTextSelection"):
        bounds = [selection.get(a, "0").strip() for a in ("startPosition", "endPosition")]
        if all(re.fullmatch(r"-?[0-9]{1,18}", b) for b in bounds):
            readable.append((selection, int(bounds[0]), int(bounds[1])))
        else:
            report.dropped.append(
                f"selection '{selection.get('name') or selection.get('guid')}' in "
                f"'{document_id}': its positions {bounds[0]!r}, {bounds[1]!r} are not "
                "whole numbers (of up to 18 digits)"
            )
    return readable


def _kind(values: dict[str, Any], name: str, report: ExchangeReport) -> str:
    """The document kind from the `kind` variable; a media item needs its outlet and date."""
    kind = values.pop("kind", "transcript")
    if kind not in ("case_history", "media"):
        return "transcript"
    if kind == "media":
        missing = [f for f in ("outlet", "outlet_type", "date") if not values.get(f)]
        if not values.get("url") and not values.get("source"):
            missing.append("url or source")
        if missing:
            report.warnings.append(
                f"text source '{name}' is a media item without {', '.join(missing)}; "
                "imported as a transcript (add a media/ file by hand to count it as coverage)"
            )
            return "transcript"
    return kind


def _selection(
    node: ET.Element,
    document_id: str,
    start: int,
    end: int,
    text: str,
    exchange: Exchange,
    reading: _Reading,
) -> None:
    memo_parts = [kid_text(node, "Description").strip()]
    memo_parts += [(reading.note(r) or ("", None))[0].strip() for r in kids(node, "NoteRef")]
    memo = "\n\n".join(p for p in memo_parts if p) or None
    if not 0 <= start < end <= len(text):
        reading.report.dropped.append(
            f"selection [{start}, {end}) in '{document_id}': outside the text"
        )
        return
    indexes = []
    for coding in kids(node, "Coding"):
        added = _coding(coding, document_id, start, end, memo, exchange, reading, node)
        if added is not None:
            indexes.append(added)
    if not indexes:
        reading.report.dropped.append(
            f"selection [{start}, {end}) in '{document_id}' (no codings on it)"
        )
    reading.selections[canonical_guid(node.get("guid")) or ""] = indexes


def _coding(
    node: ET.Element,
    document_id: str,
    start: int,
    end: int,
    memo: str | None,
    exchange: Exchange,
    reading: _Reading,
    selection: ET.Element | None = None,
) -> int | None:
    ref = kid(node, "CodeRef")
    code_id = reading.codes.get(canonical_guid(ref.get("targetGUID") if ref is not None else ""))
    coding_guid = canonical_guid(node.get("guid"))
    if code_id is None or coding_guid is None:
        reading.report.dropped.append(f"coding {node.get('guid')} in '{document_id}': unknown code")
        return None
    notes = [(reading.note(r) or ("", None))[0].strip() for r in kids(node, "NoteRef")]
    memo = "\n\n".join(p for p in [*notes, memo or ""] if p) or None
    when = parse_timestamp(node.get("creationDateTime"))
    if when is None and selection is not None:
        when = parse_timestamp(selection.get("creationDateTime"))
    user = node.get("creatingUser")
    if user is None and selection is not None:
        user = selection.get("creatingUser")
    exchange.codings.append(
        ExchangeCoding(
            id=coding_guid,
            document_id=document_id,
            coder=reading.coder(user),
            code_id=code_id,
            start=start,
            end=end,
            case_id=None,
            memo=memo,
            created_at=when or EPOCH,
        )
    )
    return len(exchange.codings) - 1


def _cases(root: ET.Element, exchange: Exchange, reading: _Reading) -> None:
    element = kid(root, "Cases")
    if element is None:
        return
    taken: set[str] = set()
    sources = {s.id: i for i, s in enumerate(exchange.sources)}
    for node in kids(element, "Case"):
        name = node.get("name") or "Unnamed case"
        values = read_values(node, reading.variables)
        case_id = unique(str(values.pop("case_id", "") or slug(name, "case")), taken)
        missing = [f for f in ("country", "groups", "detained_on") if not values.get(f)]
        if missing:
            reading.report.dropped.append(
                f"case '{name}': no {', '.join(missing)} (hrd_coder cases need them; "
                "add the case file by hand)"
            )
            continue
        front = {"id": case_id, "name": name}
        front.update({f: values.pop(f, None) for f in CASE_FIELDS})
        front["covariates"] = values
        exchange.cases.append(ExchangeCase(front))
        for ref in kids(node, "SourceRef"):
            document = reading.documents.get(canonical_guid(ref.get("targetGUID")) or "")
            if document in sources and document != case_id:
                index = sources[document]
                old = exchange.sources[index]
                exchange.sources[index] = _with_case(old, case_id)
        for ref in kids(node, "SelectionRef"):
            for index in reading.selections.get(canonical_guid(ref.get("targetGUID")) or "", []):
                coding = exchange.codings[index]
                exchange.codings[index] = replace(coding, case_id=case_id)
    case_ids = {c.id for c in exchange.cases}
    for index, source in enumerate(exchange.sources):
        if source.kind == "case_history" and source.id not in case_ids:
            reading.report.warnings.append(
                f"case history '{source.id}' has no importable case; imported as a transcript"
            )
            exchange.sources[index] = replace(source, kind="transcript")


def _with_case(source: ExchangeSource, case_id: str) -> ExchangeSource:
    return replace(source, case_ids=(*source.case_ids, case_id))
