"""What `.qdc` and `.qdpx` share: namespaces, stable GUIDs, safe parsing, element helpers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET  # builds our own output only; input goes through defusedxml

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from hrd_coder.problems import ProjectError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# Fixed for ever: changing it changes every GUID we have ever exported.
GUID_NAMESPACE = uuid.UUID("6f1d3c2e-7a4b-5c8d-9e0f-a1b2c3d4e5f6")
ORIGIN = "hrd_coder"
# Elements nested deeper than this are refused (a code tree is a few levels deep; our
# readers walk it recursively, so a hostile file nested thousands deep would crash them).
MAX_DEPTH = 200


def guid(kind: str, key: str) -> str:
    """A stable GUID for one of our things (UUIDv5 of kind and id)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def guid_or_stable(kind: str, key: str) -> str:
    """The key itself when it already is a UUID (imported things), else a stable GUID."""
    return canonical_guid(key) or guid(kind, key)


def canonical_guid(value: str | None) -> str | None:
    """Lower-case, brace-less form of a GUID written any way; None if it is not one."""
    if not value:
        return None
    try:
        return str(uuid.UUID(value.strip().strip("{}")))
    except ValueError:
        return None


def timestamp(moment: dt.datetime) -> str:
    """xsd:dateTime in UTC with a Z (naive times are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond:06d}Z" if moment.microsecond else f"{text}Z"


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """An xsd:dateTime read back as an aware datetime (UTC when no zone is given)."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class _TooDeep(Exception):
    """Raised from inside the parser when elements nest deeper than MAX_DEPTH."""


class _DepthLimitedBuilder(ET.TreeBuilder):
    """A tree builder that stops the parse as soon as elements nest too deep.

    Checked while parsing, not afterwards: the tree is never built, and no reader of ours
    (several walk the code tree recursively) ever sees it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        return super().start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        self.depth -= 1
        return super().end(tag)


class _NoExternalDTDParser(DefusedXMLParser):
    """defusedxml's parser, refusing a DOCTYPE that names an outside DTD as well.

    defusedxml refuses entity definitions and external entities, but by default lets
    `<!DOCTYPE Project SYSTEM "http://...">` through (expat then ignores it). No REFI-QDA
    export needs a DTD, and one from outside is at best a reference we would not follow;
    a DOCTYPE without one (with or without an internal subset) is still read.
    """

    def __init__(self, target: ET.TreeBuilder):
        super().__init__(target=target, forbid_dtd=True)

    def defused_start_doctype_decl(
        self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool
    ) -> None:
        if sysid or pubid:
            raise DTDForbidden(name, sysid, pubid)


def parse_xml(data: bytes, shown: str) -> ET.Element:
    """Parse XML from outside with defusedxml: no entity expansion, no external DTDs, and
    no nesting deeper than MAX_DEPTH elements."""
    try:
        parser = _NoExternalDTDParser(target=_DepthLimitedBuilder())
        parser.feed(data)
        return parser.close()
    except _TooDeep:
        raise ProjectError(
            f"{shown}: elements nest more than {MAX_DEPTH} levels deep; refused, nothing was "
            "written (no REFI-QDA export nests so deep: is the file damaged or hostile?)"
        ) from None
    except DTDForbidden as error:
        raise ProjectError(
            f"{shown}: refused unsafe XML: its DOCTYPE names an external DTD "
            f"({error.sysid or error.pubid!s}); nothing was written (external DTDs are not "
            "allowed: delete the <!DOCTYPE ...> line or export the file again)"
        ) from None
    except DefusedXmlException as error:
        raise ProjectError(
            f"{shown}: refused unsafe XML ({type(error).__name__}): entity definitions and "
            "external references are not allowed; export the file again without them"
        ) from None
    except ET.ParseError as error:
        raise ProjectError(
            f"{shown}: not well-formed XML ({error}); check that the file is a REFI-QDA export"
        ) from None


def local(element: ET.Element) -> str:
    """A tag without its namespace (some programs write none)."""
    return element.tag.rpartition("}")[2]


def kids(element: ET.Element, name: str) -> list[ET.Element]:
    """Direct children with this local name, in any namespace."""
    return [child for child in element if local(child) == name]


def kid(element: ET.Element, name: str) -> ET.Element | None:
    """The first direct child with this local name."""
    found = kids(element, name)
    return found[0] if found else None


def kid_text(element: ET.Element, name: str) -> str:
    """The text of the first child with this local name ('' if none)."""
    found = kid(element, name)
    return (found.text or "") if found is not None else ""


def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """Append a child element (attributes in the order given, None ones left out)."""
    child = ET.SubElement(parent, tag, {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        child.text = text
    return child


def slug(text: str, fallback: str) -> str:
    """A plain lower-case id from a name from another program ('Diet Coke' -> 'diet_coke')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    found = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return found or fallback


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base_2`, `base_3`... whichever is not taken yet (and take it)."""
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    taken.add(name)
    return name
