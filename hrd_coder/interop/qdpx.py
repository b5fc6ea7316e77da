"""A project as a REFI-QDA `.qdpx`: a zip with `project.qde` and `Sources/` text files.

Every GUID is the one the object came with from an imported file, else derived from our ids
(see `identity.py`), and every time comes from the data, so exporting the same project
twice gives the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict
from typing import Any

from hrd_coder.interop.identity import ExportGuids, export_guids
from hrd_coder.interop.model import Exchange, ExchangeCoding, ExchangeSource
from hrd_coder.interop.qdc import add_codes
from hrd_coder.interop.refi import (
    ORIGIN,
    PROJECT_NS,
    XSI_NS,
    canonical_guid,
    guid,
    guid_or_stable,
    sub,
    timestamp,
)
from hrd_coder.interop.variables import add_values, add_variables
from hrd_coder.interop.xml_text import serialise
from hrd_coder.yaml_source import dump_yaml

PROJECT_FILE = "project.qde"
CODEBOOK_MARK = "hrd_coder codebook:"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the archive bytes never depend on the clock


def coding_guid(coding: ExchangeCoding) -> str:
    """An imported coding keeps its GUID as id; ours get a stable one."""
    return guid_or_stable("coding", coding.id)


def case_variables(front_matter: dict[str, Any]) -> dict[str, Any]:
    """A case's id, attributes and covariates as variable values (name goes in `name`)."""
    values = {"case_id": front_matter["id"]}
    for key, value in front_matter.items():
        if key not in ("id", "name", "covariates") and value not in (None, [], ()):
            values[key] = value
    values.update({k: v for k, v in front_matter.get("covariates", {}).items() if v is not None})
    return values


def source_variables(source: ExchangeSource) -> dict[str, Any]:
    """A document's id, kind and metadata as variable values."""
    values = {"document_id": source.id, "kind": source.kind}
    values.update({k: v for k, v in source.metadata.items() if v not in (None, "", [], ())})
    return values


def project_description(exchange: Exchange) -> str:
    """The codebook's description, then what REFI has no place for, as YAML."""
    book = exchange.codebook
    rest = {
        "version": book.version,
        "case_groups": dict(book.case_groups),
        "release_types": dict(book.release_types),
    }
    text = dump_yaml(rest, allow_unicode=True, sort_keys=False, width=1000)
    return f"{book.description.strip()}\n\n{CODEBOOK_MARK}\n{text}"


def project_to_qde(
    exchange: Exchange, guids: ExportGuids | None = None
) -> tuple[bytes, Counter[str]]:
    """The `project.qde` XML of a project, and the characters replaced in each field."""
    guids = guids or export_guids(exchange)
    root = ET.Element(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{PROJECT_NS} "
            "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd",
            "name": exchange.codebook.name,
            "origin": ORIGIN,
        },
    )
    coders = {c.coder for c in exchange.codings} | {m.coder for m in exchange.memos}
    if coders | guids.kept_users():
        users = sub(root, "Users")
        for coder in sorted(coders | guids.kept_users()):
            sub(users, "User", guid=guids.user(coder), name=coder)
    if exchange.codebook.codes:  # REFI's CodeBook needs a code; a project may have none
        add_codes(sub(root, "CodeBook"), exchange.codebook, guids.code)
    sources = sorted(exchange.sources, key=lambda s: s.id)
    cases = sorted(exchange.cases, key=lambda c: c.id)
    types = add_variables(
        root,
        [case_variables(c.front_matter) for c in cases] + [source_variables(s) for s in sources],
    )
    by_document: dict[str, list[ExchangeCoding]] = defaultdict(list)
    for coding in exchange.codings:
        by_document[coding.document_id].append(coding)
    if cases:
        _add_cases(sub(root, "Cases"), exchange, cases, types, guids)
    notes: list[tuple[str, str, str, str]] = []  # guid, name, coder, text
    if sources:
        element = sub(root, "Sources")
        for source in sources:
            _add_source(element, source, by_document[source.id], exchange, types, notes, guids)
    if notes:
        element = sub(root, "Notes")
        for note_guid, name, coder, text in notes:
            note = sub(element, "Note", guid=note_guid, name=name, creatingUser=guids.user(coder))
            sub(note, "PlainTextContent", text)
    sub(root, "Description", project_description(exchange))
    return serialise(root)


def _add_cases(
    element: ET.Element,
    exchange: Exchange,
    cases: list[Any],
    types: dict[str, str],
    guids: ExportGuids,
) -> None:
    selections: dict[str, set[str]] = defaultdict(set)
    for coding in exchange.codings:
        if coding.case_id:
            selections[coding.case_id].add(guids.selection(coding))
    for case in cases:
        node = sub(element, "Case", guid=guid("case", case.id), name=case.front_matter["name"])
        add_values(node, case_variables(case.front_matter), types)
        linked = sorted(s.id for s in exchange.sources if case.id in s.case_ids or s.id == case.id)
        for document_id in linked:
            sub(node, "SourceRef", targetGUID=guids.source(document_id))
        for selection in sorted(selections[case.id]):
            sub(node, "SelectionRef", targetGUID=selection)


def _add_source(
    parent: ET.Element,
    source: ExchangeSource,
    codings: list[ExchangeCoding],
    exchange: Exchange,
    types: dict[str, str],
    notes: list[tuple[str, str, str, str]],
    guids: ExportGuids,
) -> None:
    node = sub(
        parent,
        "TextSource",
        guid=guids.source(source.id),
        name=source.title,
        plainTextPath=f"internal://{text_file(guids, source)}",
    )
    # One selection per span (and case): coders' codings on it share it, unless they came
    # from different selections of an imported file.
    spans: dict[tuple[int, int, str, str], list[ExchangeCoding]] = defaultdict(list)
    for coding in codings:
        key = (coding.start, coding.end, coding.case_id or "", guids.selection(coding))
        spans[key].append(coding)
    for (start, end, _, selection_guid), together in sorted(spans.items()):
        selection = sub(
            node,
            "PlainTextSelection",
            guid=selection_guid,
            startPosition=str(start),
            endPosition=str(end),
        )
        for coding in sorted(together, key=lambda c: (c.coder, c.code_id, coding_guid(c))):
            own_guid = coding_guid(coding)
            element = sub(
                selection,
                "Coding",
                guid=own_guid,
                creatingUser=guids.user(coding.coder),
                creationDateTime=timestamp(coding.created_at),
            )
            sub(element, "CodeRef", targetGUID=guids.code(coding.code_id))
            if coding.memo:
                note = guid("coding-memo", own_guid)
                sub(element, "NoteRef", targetGUID=note)
                notes.append((note, "Memo on a coding", coding.coder, coding.memo))
    for memo in sorted(
        (m for m in exchange.memos if m.document_id == source.id), key=lambda m: m.coder
    ):
        note = guid("memo", f"{source.id}/{memo.coder}")
        sub(node, "NoteRef", targetGUID=note)
        notes.append((note, f"Memo by {memo.coder} on {source.title}", memo.coder, memo.text))
    add_values(node, source_variables(source), types)


def text_file(guids: ExportGuids, source: ExchangeSource) -> str:
    """The name of a document's text in `Sources/`: its GUID in plain form."""
    return f"{canonical_guid(guids.source(source.id))}.txt"


def project_to_qdpx(
    exchange: Exchange, guids: ExportGuids | None = None
) -> tuple[bytes, Counter[str]]:
    """The whole `.qdpx` archive (same project, same bytes), and the characters XML cannot
    carry that were replaced in each field.

    Documents' texts are `Sources/*.txt` files, not XML: they are written exactly as they
    are, so codings' offsets into them stay right whatever characters they hold.
    """
    buffer = io.BytesIO()
    guids = guids or export_guids(exchange)
    qde, replaced = project_to_qde(exchange, guids)
    with zipfile.ZipFile(buffer, "w") as archive:
        _add_file(archive, PROJECT_FILE, qde)
        for source in sorted(exchange.sources, key=lambda s: s.id):
            _add_file(archive, f"Sources/{text_file(guids, source)}", source.text.encode())
    return buffer.getvalue(), replaced


def _add_file(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
