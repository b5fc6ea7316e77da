"""Codebooks as REFI-QDA `.qdc`, and the code tree of any REFI-QDA file read back as codes.

A REFI code has a name, a colour and one `Description`; ours also has include and exclude
rules, examples and settings. They are flattened into the Description in labelled
sections (`Definition:`, `Include:`...) that `code_fields` parses back.

Our codebook needs a definition for every code; a code imported without a description gets
`NO_DESCRIPTION` as its definition, and is exported without a description again.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hrd_coder.codebook.model import CODE_ID, COLOR, Code, Codebook
from hrd_coder.interop.model import ExchangeReport
from hrd_coder.interop.refi import (
    CODEBOOK_NS,
    ORIGIN,
    XSI_NS,
    canonical_guid,
    guid,
    kid_text,
    kids,
    local,
    parse_xml,
    slug,
    sub,
    unique,
)
from hrd_coder.interop.xml_text import serialise
from hrd_coder.problems import ProjectError

SECTIONS = ("Definition", "Include", "Exclude", "Examples", "Counterexamples")
SETTINGS = "hrd_coder"
SECTION_LINE = re.compile(rf"^({'|'.join(SECTIONS)}):$")
# The definition of a code that came without a description (a codebook needs one). Fixed:
# the exporter recognises it and writes no definition, as the file we read had none.
NO_DESCRIPTION = "(no description in the imported file)"


@dataclass(frozen=True)
class ReadCode:
    """A code read from a REFI file, with the GUID codings refer to it by (canonical, and
    as the file wrote it)."""

    guid: str
    code: Code
    written: str = ""


def code_guid(code_id: str) -> str:
    """The stable GUID of one of our codes."""
    return guid("code", code_id)


def describe(code: Code) -> str:
    """The code's definition, rules, examples and settings as one labelled text; empty for a
    code imported without a description and left as it came (nothing of ours to carry)."""
    undescribed = code.definition.strip() == NO_DESCRIPTION
    if undescribed and _as_imported(code):
        return ""
    parts = [] if undescribed else [f"Definition:\n{code.definition.strip()}"]
    if code.include.strip():
        parts.append(f"Include:\n{code.include.strip()}")
    if code.exclude.strip():
        parts.append(f"Exclude:\n{code.exclude.strip()}")
    for label, items in (("Examples", code.examples), ("Counterexamples", code.counterexamples)):
        if items:
            parts.append(f"{label}:\n" + "\n".join(f"- {' '.join(i.split())}" for i in items))
    settings = [f"id={code.id}", f"level={code.level}"]
    settings.append("case_variable=" + (",".join(code.case_variable) or "none"))
    if code.hotkey:
        settings.append(f"hotkey={code.hotkey}")
    parts.append(f"{SETTINGS}: " + "; ".join(settings))
    return "\n\n".join(parts)


def _as_imported(code: Code) -> bool:
    """Whether a code has only what any REFI code has: no rules, examples or settings."""
    default = Code(id=code.id, label=code.label, definition=code.definition)
    ours = ("include", "exclude", "examples", "counterexamples", "hotkey", "level")
    return all(getattr(code, f) == getattr(default, f) for f in (*ours, "case_variable"))


def code_fields(description: str) -> dict[str, Any]:
    """Parse a Description back into code fields; plain text becomes the definition."""
    fields: dict[str, Any] = {}
    current, lines = "Definition", []
    labelled = False

    def close() -> None:
        text = "\n".join(lines).strip()
        if current in ("Examples", "Counterexamples"):
            items = tuple(line[2:].strip() for line in text.splitlines() if line.startswith("- "))
            fields[current.lower()] = items
        elif text:
            fields[current.lower()] = text

    for line in description.replace("\r\n", "\n").split("\n"):
        if SECTION_LINE.match(line.strip()):
            close()
            current, lines, labelled = line.strip()[:-1], [], True
        # Our settings line ends a labelled text, or is all there is (a code imported
        # without a description, given settings here).
        elif (labelled or not "".join(lines).strip()) and line.startswith(f"{SETTINGS}: "):
            close()
            current, lines = "", []
            fields.update(_settings(line[len(SETTINGS) + 2 :]))
        else:
            lines.append(line)
    if current:
        close()
    return fields


def _settings(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in text.split(";"):
        key, _, value = item.strip().partition("=")
        if key == "case_variable":
            found[key] = [] if value == "none" else value.split(",")
        elif key in ("id", "level", "hotkey"):
            found[key] = value
    return found


def add_codes(
    parent: ET.Element, codebook: Codebook, guid_of: Callable[[str], str] = code_guid
) -> None:
    """Append `<Codes>` with the code tree (children nested under their parents), each code
    with the GUID `guid_of` gives it."""
    codes = sub(parent, "Codes")

    def add(under: ET.Element, parent_id: str | None) -> None:
        for code in codebook.children_of(parent_id):
            element = sub(
                under,
                "Code",
                guid=guid_of(code.id),
                name=code.label,
                isCodable="true",
                color=code.color,
            )
            description = describe(code)
            if description:
                sub(element, "Description", description)
            add(element, code.id)

    add(codes, None)


def codebook_to_qdc(
    codebook: Codebook, guid_of: Callable[[str], str] = code_guid
) -> tuple[bytes, Counter[str]]:
    """The codebook as a `.qdc` file (same codebook, same bytes), and the characters
    replaced in each field because XML cannot carry them (see `xml_text`)."""
    if not codebook.codes:
        raise ProjectError(
            "the codebook has no codes, and a REFI-QDA .qdc must hold at least one "
            "(its schema requires a <Code>); nothing was written. Add codes to "
            "codebook.yaml first, or export the whole project with 'hrd-coder export qdpx'"
        )
    root = ET.Element(
        "CodeBook",
        {
            "xmlns": CODEBOOK_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{CODEBOOK_NS} "
            "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd",
            "origin": ORIGIN,
        },
    )
    add_codes(root, codebook, guid_of)
    return serialise(root)


def read_codes(codes_element: ET.Element | None, report: ExchangeReport) -> list[ReadCode]:
    """Every code under a `<Codes>` element, parents first, with ids made unique."""
    found: list[ReadCode] = []
    taken: set[str] = set()

    def visit(element: ET.Element, parent_id: str | None) -> None:
        for node in kids(element, "Code"):
            read = _read_code(node, parent_id, taken, report)
            if read is None:
                continue
            found.append(read)
            visit(node, read.code.id)

    if codes_element is not None:
        visit(codes_element, None)
    return found


def _read_code(
    node: ET.Element, parent_id: str | None, taken: set[str], report: ExchangeReport
) -> ReadCode | None:
    name = (node.get("name") or "").strip() or "Unnamed code"
    code_guid_ = canonical_guid(node.get("guid"))
    if code_guid_ is None:
        report.dropped.append(f"code '{name}': its guid {node.get('guid')!r} is not a GUID")
        return None
    fields = code_fields(kid_text(node, "Description"))
    wanted = fields.pop("id", "")
    if not (CODE_ID.match(wanted) and wanted.rpartition(".")[0] == (parent_id or "")):
        base = slug(name, "code")
        wanted = f"{parent_id}.{base}" if parent_id else base
    code_id = unique(wanted, taken)
    if not fields.get("definition"):
        fields["definition"] = NO_DESCRIPTION
    color = node.get("color")
    if color and not COLOR.match(color):
        report.warnings.append(f"code '{name}': colour {color!r} is not #RRGGBB, left out")
        color = None
    if node.get("isCodable", "true").strip().lower() in ("false", "0"):
        report.warnings.append(f"code '{name}' is not codable in the file; it is codable here")
    try:
        code = Code(id=code_id, label=name, color=color, **fields)
    except ValidationError:
        report.warnings.append(f"code '{name}': unreadable hrd_coder settings, defaults used")
        kept = {k: v for k, v in fields.items() if k not in ("level", "hotkey", "case_variable")}
        code = Code(id=code_id, label=name, color=color, **kept)
    return ReadCode(code_guid_, code, (node.get("guid") or "").strip())


def read_qdc(data: bytes, shown: str) -> tuple[list[ReadCode], ExchangeReport]:
    """The codes of a `.qdc` file, and what could not be read."""
    report = ExchangeReport()
    root = parse_xml(data, shown)
    if local(root) != "CodeBook":
        raise ProjectError(
            f"{shown}: the root element is <{local(root)}>, not <CodeBook>; "
            "is this a .qdpx project? use 'hrd-coder import-qdpx' for those"
        )
    codes = kids(root, "Codes")
    found = read_codes(codes[0] if codes else None, report)
    for element in kids(root, "Sets"):
        names = [s.get("name", "?") for s in kids(element, "Set")]
        if names:  # an empty <Sets/> is nothing lost
            report.dropped.append(f"code sets {', '.join(names)} (hrd_coder has no code sets)")
    return found, report
