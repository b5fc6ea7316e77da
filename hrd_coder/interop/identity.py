"""Identity on the way back: the GUIDs objects came with in a REFI-QDA file, and the GUID
each object is exported with (the one it came with, else our stable UUIDv5).

Kinds of object that keep their GUID: `code`, `source` (a document), `user` (a coder, by
name) and `selection` (recorded per coding: the selection the coding came in). Codings
keep theirs without help: an imported coding's id is its GUID.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hrd_coder.interop.model import Exchange, ExchangeCoding, ExchangeReport
from hrd_coder.interop.refi import canonical_guid, guid, guid_or_stable

Key = tuple[str, str]  # (kind, local id)
# The words our UUIDv5 GUIDs have always been made from (changing them changes every GUID).
OUR_KIND = {"code": "code", "source": "document", "user": "coder", "selection": "selection"}
# REFI-QDA's GUIDType: either case, with or without braces. A GUID written so is kept as
# written (a program may compare them as text); any other spelling is written canonically.
GUID_TEXT = re.compile(
    r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$"
)
# Elements whose `guid` points at another element (a .qdc writes set members so, and some
# programs do in a project file too): a second use of a GUID, not a second object.
REFERENCES = ("MemberCode", "MemberSource")
SHOWN = {"code": "code", "source": "document", "user": "user", "selection": "selection"}


def as_written(value: str) -> str:
    """The GUID as the file wrote it when REFI-QDA allows that spelling, else canonical."""
    text = value.strip()
    return text if GUID_TEXT.match(text) else str(canonical_guid(text))


def file_guids(
    root: ET.Element,
    report: ExchangeReport,
    *,
    users: Mapping[str, str],
    codes: Mapping[str, str],
    sources: Mapping[str, str],
    selections: Mapping[str, list[str]],
) -> dict[Key, str]:
    """The GUIDs a project file gave the objects read from it (each map: canonical GUID ->
    our id; selections: GUID -> ids of the codings read from it). A GUID the file puts on
    more than one element is not kept: what it names gets our GUID on export."""
    written: dict[str, str] = {}
    uses: Counter[str] = Counter()
    for element in root.iter():
        if element.tag.rpartition("}")[2] in REFERENCES:
            continue
        key = canonical_guid(element.get("guid"))
        if key:
            uses[key] += 1
            written.setdefault(key, as_written(element.get("guid", "")))
    found: dict[Key, str] = {}
    reused: set[str] = set()
    for kind, mapping in (("user", users), ("code", codes), ("source", sources)):
        for key, local_id in mapping.items():
            if _once(key, uses, written, kind, local_id, reused, report):
                found[(kind, local_id)] = written[key]
    for key, coding_ids in selections.items():
        if coding_ids and _once(key, uses, written, "selection", "", reused, report):
            found.update({("selection", c): written[key] for c in coding_ids})
    return found


def codebook_guids(read: Iterable[tuple[str, str, str]], report: ExchangeReport) -> dict[Key, str]:
    """The GUIDs of a `.qdc` file's codes, from (canonical GUID, as written, code id)."""
    codes = list(read)
    uses = Counter(key for key, _, _ in codes)
    written = {key: text for key, text, _ in codes}
    reused: set[str] = set()
    return {
        ("code", code_id): text
        for key, text, code_id in codes
        if _once(key, uses, written, "code", code_id, reused, report)
    }


def _once(
    key: str,
    uses: Counter[str],
    written: dict[str, str],
    kind: str,
    local_id: str,
    reused: set[str],
    report: ExchangeReport,
) -> bool:
    """Whether the file uses this GUID once; says so (once per GUID) when it does not."""
    if not key or key not in written:
        return False
    if uses[key] == 1:
        return True
    if key not in reused:
        reused.add(key)
        named = f" (the {SHOWN[kind]} '{local_id}' among them)" if local_id else ""
        report.warnings.append(
            f"GUID {written[key]} is on {uses[key]} elements of the file{named}: it names "
            "none of them here, and each gets a GUID of its own on export"
        )
    return False


@dataclass
class ExportGuids:
    """The GUID each exported object is written with, and why any kept GUID was not used."""

    foreign: dict[Key, str] = field(default_factory=dict)
    selections: dict[str, str] = field(default_factory=dict)  # coding id -> selection GUID
    notes: list[str] = field(default_factory=list)

    def of(self, kind: str, local_id: str) -> str:
        """The object's GUID: the one it came with, else our stable one."""
        return self.foreign.get((kind, local_id)) or guid(OUR_KIND[kind], local_id)

    def code(self, code_id: str) -> str:
        """A code's GUID."""
        return self.of("code", code_id)

    def source(self, document_id: str) -> str:
        """A document's GUID."""
        return self.of("source", document_id)

    def user(self, coder: str) -> str:
        """A coder's GUID."""
        return self.of("user", coder)

    def selection(self, coding: ExchangeCoding) -> str:
        """The GUID of the selection a coding is exported in."""
        return self.selections.get(coding.id) or our_selection(coding)

    def kept_users(self) -> set[str]:
        """Users who came from a file: exported even when they have no codings here."""
        return {local_id for kind, local_id in self.foreign if kind == "user"}


def span_of(coding: ExchangeCoding) -> tuple[str, int, int, str]:
    """What one selection covers: a span of a document (and the case it is tied to)."""
    return (coding.document_id, coding.start, coding.end, coding.case_id or "")


def our_selection(coding: ExchangeCoding) -> str:
    """Our stable GUID of the selection on a coding's span."""
    document_id, start, end, case_id = span_of(coding)
    return guid("selection", f"{document_id}:{start}:{end}:{case_id}")


def export_guids(exchange: Exchange) -> ExportGuids:
    """Decide every exported object's GUID: kept ones where they still name one object."""
    result = ExportGuids(foreign=_alive(exchange))
    _place_selections(exchange, result)
    _refuse_shared(exchange, result)
    return result


def _alive(exchange: Exchange) -> dict[Key, str]:
    """Recorded GUIDs of objects this export writes (users are always written)."""
    present = {
        "code": {c.id for c in exchange.codebook.codes},
        "source": {s.id for s in exchange.sources},
        "selection": {c.id for c in exchange.codings},
    }
    return {
        (kind, local_id): value
        for (kind, local_id), value in exchange.foreign_guids.items()
        if kind == "user" or local_id in present.get(kind, set())
    }


def _place_selections(exchange: Exchange, result: ExportGuids) -> None:
    """Give each kept selection GUID to one span: the one holding most of its codings (a
    moved boundary or changed case splits a selection); new codings on that exact span
    join it when it is the only kept selection there."""
    spans: dict[str, dict[tuple[str, int, int, str], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for coding in exchange.codings:
        kept = result.foreign.pop(("selection", coding.id), None)
        if kept:
            spans[kept][span_of(coding)].append(coding.id)
    placed: dict[tuple[str, int, int, str], list[str]] = defaultdict(list)
    for kept, by_span in sorted(spans.items()):
        best = min(by_span, key=lambda span: (-len(by_span[span]), span))
        placed[best].append(kept)
        result.selections.update(dict.fromkeys(by_span[best], kept))
        if len(by_span) > 1:
            document_id, start, end, _ = best
            result.notes.append(
                f"selection {kept}: its codings now lie on {len(by_span)} spans; the one at "
                f"[{start}, {end}) of '{document_id}' keeps the GUID, the others get new ones"
            )
    for coding in exchange.codings:
        on_span = placed.get(span_of(coding), [])
        if coding.id not in result.selections and len(on_span) == 1:
            result.selections[coding.id] = on_span[0]


def _refuse_shared(exchange: Exchange, result: ExportGuids) -> None:
    """No two exported objects may share a GUID: a kept GUID that another object also
    has (after a merge, or a hostile file) is not used, and the export says so."""
    claims: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)  # GUID -> owners

    def claim(value: str, kind: str, local_id: str, kept: bool) -> None:
        claims[canonical_guid(value) or value].append((kind, local_id, kept))

    users = {c.coder for c in exchange.codings} | {m.coder for m in exchange.memos}
    for kind, ids in (
        ("code", [c.id for c in exchange.codebook.codes]),
        ("source", [s.id for s in exchange.sources]),
        ("user", sorted(users | result.kept_users())),
    ):
        for local_id in ids:
            claim(result.of(kind, local_id), kind, local_id, (kind, local_id) in result.foreign)
    for selection in sorted(set(result.selections.values())):
        claim(selection, "selection", selection, True)
    for coding in exchange.codings:
        claim(guid_or_stable("coding", coding.id), "coding", coding.id, False)
        if coding.id not in result.selections:
            claim(our_selection(coding), "selection", our_selection(coding), False)
    for value, owners in sorted(claims.items()):
        distinct = sorted(set(owners))
        if len(distinct) < 2:
            continue
        named = ", ".join(f"{SHOWN.get(kind, kind)} '{local_id}'" for kind, local_id, _ in distinct)
        for kind, local_id, kept in distinct:
            if kept:
                _drop_kept(result, kind, local_id)
        result.notes.append(
            f"GUID {value} is the GUID of more than one object ({named}); the one it came "
            "with is not used, so no two objects share one"
        )


def _drop_kept(result: ExportGuids, kind: str, local_id: str) -> None:
    if kind == "selection":
        for coding_id in [c for c, s in result.selections.items() if s == local_id]:
            del result.selections[coding_id]
    else:
        result.foreign.pop((kind, local_id), None)
