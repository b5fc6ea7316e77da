"""The rules that turn the coders' codings of one code in one unit into the consensus.

Pure functions, no database: `consensus.py` loads the codings and applies these.

A coder's *mark* in a unit is what they coded there with the code: pieces
`(start, end, case)`, each a coding that counts for the unit (see agreement/coded_units.py)
clipped to the unit, merged per case. Clipping keeps every consensus coding inside its unit, so a
decision on one sentence never changes its neighbour, and each piece counts for exactly the
unit it came from.

- Every coder who coded the document marked the code here, tied to the same cases: the unit
  is *agreed* and the consensus gets the union of their pieces, per case (the union, not the
  intersection: two codings can both count for a unit without overlapping, and the
  intersection would then drop a code every coder applied).
- Only one coder coded the document: *single*; the consensus gets their mark.
- Every coder left the code out here: nothing (the unit is not listed).
- Otherwise (some marked it and some did not, or they tied it to different cases) it is a
  disagreement, settled by a decision: a coder's mark, the union, the intersection, or
  neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from hrd_coder.problems import ProjectError

CHOICES = ("union", "intersection", "neither")


class Piece(NamedTuple):
    """Part of a unit coded with a code, and the case it is tied to (None: no case)."""

    start: int
    end: int
    case_id: str | None


Mark = tuple[Piece, ...]  # one coder's pieces in one unit; () = coded the document, not here


def mark_of(pieces: Iterable[Piece]) -> Mark:
    """Merge overlapping or touching pieces of the same case, in text order."""
    by_case: dict[str | None, list[tuple[int, int]]] = {}
    for piece in pieces:
        by_case.setdefault(piece.case_id, []).append((piece.start, piece.end))
    merged = [
        Piece(start, end, case) for case, spans in by_case.items() for start, end in _merge(spans)
    ]
    return tuple(sorted(merged, key=_order))


def _order(piece: Piece) -> tuple[int, int, str]:
    return (piece.start, piece.end, piece.case_id or "")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def cases_of(mark: Mark) -> frozenset[str | None]:
    """The cases a mark ties the code to."""
    return frozenset(piece.case_id for piece in mark)


def state_of(marks: Mapping[str, Mark]) -> str:
    """'agreed', 'single', 'absent' or 'disagreed' for the marks of every coder who coded
    the document."""
    present = [mark for mark in marks.values() if mark]
    if not present:
        return "absent"
    if len(present) < len(marks):
        return "disagreed"
    if len({cases_of(mark) for mark in present}) > 1:
        return "disagreed"  # same passage, different cases: the case variables differ
    return "single" if len(marks) == 1 else "agreed"


def kind_of(marks: Mapping[str, Mark]) -> str:
    """What a disagreement is about: whether the code applies, or which cases it is tied to."""
    return "cases" if all(marks.values()) else "code"


def apply(choice: str, marks: Mapping[str, Mark]) -> Mark:
    """The consensus pieces a choice gives."""
    if choice in marks:
        return marks[choice]
    if choice == "neither":
        return ()
    if choice == "union":
        return mark_of(piece for mark in marks.values() for piece in mark)
    if choice == "intersection":
        return _intersection(list(marks.values()))
    options = ", ".join([*marks, *CHOICES])
    raise ProjectError(f"'{choice}' is not a choice here: use one of {options}")


def _intersection(marks: list[Mark]) -> Mark:
    """What every coder coded, case by case (empty when someone left the code out)."""
    if not marks or not all(marks):
        return ()
    cases = frozenset.intersection(*(cases_of(mark) for mark in marks))
    pieces = []
    for case in cases:
        common = [(p.start, p.end) for p in marks[0] if p.case_id == case]
        for mark in marks[1:]:
            spans = [(p.start, p.end) for p in mark if p.case_id == case]
            common = [
                (max(a, c), min(b, d)) for a, b in common for c, d in spans if max(a, c) < min(b, d)
            ]
        pieces += [Piece(start, end, case) for start, end in common]
    return mark_of(pieces)


def agreed(marks: Mapping[str, Mark]) -> Mark:
    """The consensus of an agreed (or single-coded) unit: the union of the marks."""
    return apply("union", marks)


def basis_json(unit: str, marks: Mapping[str, Mark]) -> dict:
    """A decision's basis as stored: the unit kind and every coder's mark."""
    return {
        "unit": unit,
        "marks": {coder: [list(piece) for piece in mark] for coder, mark in sorted(marks.items())},
    }


def basis_marks(basis: Mapping) -> dict[str, Mark]:
    """The marks a decision was made on, read back from its stored basis."""
    return {
        coder: tuple(Piece(int(s), int(e), c) for s, e, c in pieces)
        for coder, pieces in basis.get("marks", {}).items()
    }
