"""Boundary disagreements: where coders agree that a code applies to a passage but not on
where it starts and ends. Pure functions, no database: `consensus.py` finds the regions in
the coders' codings and lets a decided region shape the consensus of the units in it.

A *region* is a stretch of one document where the codings of one code, tied to one case,
overlap one another (a chain of overlaps joins them). Each coder's *extent* there runs from
their first coding's start to their last coding's end in the region. A region is a boundary
disagreement when every coder who coded the document has an extent in it and the extents
differ; where a coder of the document left the code out, whether it applies at all is the
question, and the unit queue asks it.

A decision on a region is a coder's extent, the union or the intersection of the extents, or
an explicit START-END inside the region. It is stored with unit kind `boundary` and every
coder's extent as its basis; a later change to an extent reopens it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hrd_coder.problems import ProjectError
from hrd_coder.services.consensus_rules import Mark, Piece
from hrd_coder.services.records import CodingRecord

BOUNDARY = "boundary"  # the unit kind of a boundary decision
CHOICES = ("union", "intersection")
EXPLICIT = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")

Extent = tuple[int, int]


@dataclass(frozen=True)
class Region:
    """Overlapping codings of one code and case in one document, and each coder's extent."""

    document_id: str
    code_id: str
    case_id: str | None
    start: int
    end: int
    extents: dict[str, Extent]  # coder -> (start, end), in coder order

    def overlaps(self, start: int, end: int) -> bool:
        """True when [start, end) shares a position with the region."""
        return start < self.end and end > self.start


def regions(codings: Iterable[CodingRecord], coded: Mapping[str, set[str]]) -> list[Region]:
    """The boundary disagreements among the codings, in document and text order
    (`coded`: document -> the coders who coded it)."""
    grouped: dict[tuple, list[CodingRecord]] = defaultdict(list)
    for coding in codings:
        grouped[(coding.document_id, coding.code_id, coding.case_id or "")].append(coding)
    found = []
    for (document, code, _), group in grouped.items():
        for chain in _chains(group):
            extents = _extents(chain)
            everyone = coded.get(document, set())
            if len(extents) >= 2 and set(extents) >= everyone and len(set(extents.values())) > 1:
                start = min(s for s, _ in extents.values())
                end = max(e for _, e in extents.values())
                found.append(Region(document, code, chain[0].case_id, start, end, extents))
    return sorted(found, key=lambda r: (r.document_id, r.start, r.end, r.code_id))


def _chains(codings: Sequence[CodingRecord]) -> list[list[CodingRecord]]:
    """Codings joined by overlaps (touching is not overlapping)."""
    chains: list[list[CodingRecord]] = []
    reach = -1  # the furthest end of the chain so far
    for coding in sorted(codings, key=lambda c: (c.start, c.end)):
        if chains and coding.start < reach:
            chains[-1].append(coding)
            reach = max(reach, coding.end)
        else:
            chains.append([coding])
            reach = coding.end
    return chains


def _extents(chain: Sequence[CodingRecord]) -> dict[str, Extent]:
    spans: dict[str, list[Extent]] = defaultdict(list)
    for coding in chain:
        spans[coding.coder].append((coding.start, coding.end))
    return {
        coder: (min(s for s, _ in found), max(e for _, e in found))
        for coder, found in sorted(spans.items())
    }


def choice_of(choice: str, extents: Mapping[str, Extent], start: int, end: int) -> str:
    """The choice in full, or a ProjectError saying which choices there are: a coder's
    name or letter (a, b, …), union, intersection, or START-END inside [start, end)."""
    coders = list(extents)
    if choice not in coders and len(choice) == 1 and choice.isalpha():
        number = ord(choice.lower()) - ord("a")
        if 0 <= number < len(coders):
            return coders[number]
    if choice in coders or choice in CHOICES:
        chosen = extent_of(choice, extents)
        if chosen is None:
            raise ProjectError(
                "the coders' extents have no stretch in common, so there is no intersection: "
                "choose a coder's extent, the union, or give START-END"
            )
        return choice
    explicit = EXPLICIT.match(choice)
    if explicit:
        low, high = int(explicit[1]), int(explicit[2])
        if not start <= low < high <= end:
            raise ProjectError(
                f"{low}-{high} is not inside the boundary {start}-{end}: give START-END with "
                "START before END, within the coders' extents together"
            )
        return f"{low}-{high}"
    letters = ", ".join(f"{chr(ord('a') + i)} ({c})" for i, c in enumerate(coders))
    raise ProjectError(
        f"'{choice}' is not a choice for a boundary: use {letters}, a coder's name, union, "
        f"intersection, or START-END within {start}-{end}"
    )


def extent_of(choice: str, extents: Mapping[str, Extent]) -> Extent | None:
    """The extent a (checked) choice gives; None for an empty intersection."""
    if choice in extents:
        return extents[choice]
    if choice == "union":
        return (min(s for s, _ in extents.values()), max(e for _, e in extents.values()))
    if choice == "intersection":
        low = max(s for s, _ in extents.values())
        high = min(e for _, e in extents.values())
        return (low, high) if low < high else None
    explicit = EXPLICIT.match(choice)
    return (int(explicit[1]), int(explicit[2])) if explicit else None


def shifted_choice(choice: str, by: int) -> str:
    """A boundary choice moved with its text: an explicit START-END shifts, names do not."""
    explicit = EXPLICIT.match(choice)
    return f"{int(explicit[1]) + by}-{int(explicit[2]) + by}" if explicit else choice


def basis_of(region: Region) -> dict[str, Mark]:
    """The extents as marks, the shape every decision's basis is stored in."""
    return {
        coder: (Piece(start, end, region.case_id),)
        for coder, (start, end) in region.extents.items()
    }


def extents_of(basis: Mapping[str, Mark]) -> dict[str, Extent]:
    """A stored basis read back as extents."""
    return {coder: (mark[0].start, mark[0].end) for coder, mark in basis.items() if mark}


def case_of(basis: Mapping[str, Mark]) -> str | None:
    """The case a boundary decision's basis ties the code to."""
    return next((mark[0].case_id for mark in basis.values() if mark), None)


def governs(region: Region, marks: Mapping[str, Mark]) -> bool:
    """True when a unit's marks of the region's code all lie inside the region and carry
    its case: then the region's decision settles the unit."""
    pieces = [piece for mark in marks.values() for piece in mark]
    return bool(pieces) and all(
        region.start <= p.start and p.end <= region.end and p.case_id == region.case_id
        for p in pieces
    )


def clipped(extent: Extent, start: int, end: int, case_id: str | None) -> Mark:
    """The chosen extent inside one unit (nothing when it does not reach the unit)."""
    low, high = max(extent[0], start), min(extent[1], end)
    return (Piece(low, high, case_id),) if low < high else ()
