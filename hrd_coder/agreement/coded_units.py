"""Reliability data from codings: which coder marked which code on which unit.

A coding counts for a unit when at least `min_share` of the coding lies inside the unit,
or it covers at least `min_share` of the unit (default one half): a short coding inside
a long speaker turn counts for that turn, a coding that spills a few characters into the
next sentence does not count for it. A code is present in a unit when the code or any of
its descendants counts there. A coder who did not code a document is *missing* for its
units (not "absent"): a coder coded a document if they made at least one coding in it or
it was assigned to them in the double-coding sample.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from hrd_coder.sources.units import units as find_units

if TYPE_CHECKING:  # numpy is imported where used: it costs ~70 ms on every command
    import numpy as np


class Coding(Protocol):
    """What agreement reads of a coding (the services' CodingRecord is one)."""

    document_id: str
    coder: str
    code_id: str
    start: int
    end: int
    case_id: str | None


AnyCoding = TypeVar("AnyCoding", bound=Coding)

UNIT_KINDS = ("sentence", "paragraph", "turn", "document", "case", "character")
DEFAULT_MIN_SHARE = 0.5


@dataclass(frozen=True)
class Unit:
    """One unit agreement is measured on: a span of a document, or a case."""

    document_id: str | None
    start: int
    end: int
    case_id: str | None = None


@dataclass(frozen=True)
class SourceText:
    """What segmentation needs of a document."""

    text: str
    speakers: tuple[str, ...] = ()
    case_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReliabilityData:
    """Per code, a (coders x units) matrix of 1 (present), 0 (absent) or nan (missing)."""

    kind: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    units: dict[str, tuple[Unit, ...]]  # per code (the same tuple for all but characters)
    presence: dict[str, np.ndarray]
    overlap: dict[str, np.ndarray]  # characters of overlap behind each presence, for groups

    def matrix(self, code: str) -> np.ndarray:
        """The reliability data of one code."""
        return self.presence[code]


def build(
    kind: str,
    texts: Mapping[str, SourceText],
    codings: Sequence[Coding],
    coders: Sequence[str],
    codes: Sequence[str],
    ancestors: Mapping[str, tuple[str, ...]],
    coded: Mapping[str, set[str]],
    min_share: float = DEFAULT_MIN_SHARE,
) -> ReliabilityData:
    """Build the reliability data of every code for one kind of unit."""
    if kind not in UNIT_KINDS:
        raise ValueError(f"unknown unit '{kind}': use one of {', '.join(UNIT_KINDS)}")
    if kind == "case":
        return _by_case(texts, codings, coders, codes, ancestors, coded)
    if kind == "character":
        return _by_character(texts, codings, coders, codes, ancestors, coded)
    units = document_units(texts, kind)
    presence, overlap = _empty(codes, coders, len(units))
    _mark_missing(presence, units, coders, coded)
    rows = {c: i for i, c in enumerate(coders)}
    chosen = [c for c in codings if c.coder in rows and c.document_id in texts]
    for coding, unit_index, shared in counted_units(units, chosen, min_share):
        for code in _counted_codes(coding.code_id, ancestors, presence):
            presence[code][rows[coding.coder], unit_index] = 1.0
            cell = overlap[code][rows[coding.coder]]
            cell[unit_index] = max(cell[unit_index], shared)
    return ReliabilityData(
        kind, tuple(coders), tuple(codes), dict.fromkeys(codes, units), presence, overlap
    )


def document_units(texts: Mapping[str, SourceText], kind: str) -> tuple[Unit, ...]:
    """Every unit of one kind (a span kind: sentence, paragraph, turn or document)."""
    return tuple(
        Unit(doc, u.start, u.end)
        for doc in sorted(texts)
        for u in find_units(texts[doc].text, kind, texts[doc].speakers)
    )


def counted_units(
    units: Sequence[Unit], codings: Iterable[AnyCoding], min_share: float = DEFAULT_MIN_SHARE
) -> Iterable[tuple[AnyCoding, int, int]]:
    """(coding, unit index, characters shared) for every unit each coding counts for."""
    index = _UnitIndex(units)
    for coding in codings:
        for unit_index, shared in index.overlapping(coding):
            unit = units[unit_index]
            if _counts(shared, coding.end - coding.start, unit.end - unit.start, min_share):
                yield coding, unit_index, shared


def _counts(shared: int, coding_length: int, unit_length: int, min_share: float) -> bool:
    return shared > 0 and (shared >= min_share * coding_length or shared >= min_share * unit_length)


def _counted_codes(
    code: str, ancestors: Mapping[str, tuple[str, ...]], wanted: Mapping[str, np.ndarray]
) -> list[str]:
    return [c for c in (code, *ancestors.get(code, ())) if c in wanted]


def _empty(
    codes: Sequence[str], coders: Sequence[str], count: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    import numpy as np  # here, not at the top: status and codings need no numpy

    presence = {c: np.zeros((len(coders), count)) for c in codes}
    overlap = {c: np.zeros((len(coders), count), dtype=np.int64) for c in codes}
    return presence, overlap


def _mark_missing(
    presence: dict[str, np.ndarray],
    units: Sequence[Unit],
    coders: Sequence[str],
    coded: Mapping[str, set[str]],
) -> None:
    import numpy as np  # here, not at the top: status and codings need no numpy

    documents = np.array([u.document_id for u in units], dtype=object)
    for row, coder in enumerate(coders):
        missing = ~np.isin(documents, list(coded.get(coder, set())))
        for matrix in presence.values():
            matrix[row, missing] = np.nan


class _UnitIndex:
    """Find the units a coding overlaps without scanning every unit."""

    def __init__(self, units: Sequence[Unit]):
        self.by_document: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for index, unit in enumerate(units):
            self.by_document[unit.document_id or ""].append((unit.start, unit.end, index))
        self.starts = {doc: [s for s, _, _ in spans] for doc, spans in self.by_document.items()}

    def overlapping(self, coding: Coding) -> Iterable[tuple[int, int]]:
        spans = self.by_document.get(coding.document_id, [])
        position = max(
            0, bisect.bisect_right(self.starts.get(coding.document_id, []), coding.start) - 1
        )
        for start, end, index in spans[position:]:
            if start >= coding.end:
                break
            shared = min(end, coding.end) - max(start, coding.start)
            if shared > 0:
                yield index, shared


def _by_case(
    texts: Mapping[str, SourceText],
    codings: Sequence[Coding],
    coders: Sequence[str],
    codes: Sequence[str],
    ancestors: Mapping[str, tuple[str, ...]],
    coded: Mapping[str, set[str]],
) -> ReliabilityData:
    """Units are cases: a code is present when a coding of it is tied to the case."""
    import numpy as np  # here, not at the top: status and codings need no numpy

    documents_of: dict[str, set[str]] = defaultdict(set)
    for document, source in texts.items():
        for case in source.case_ids:
            documents_of[case].add(document)
    cases = sorted(documents_of)
    units = tuple(Unit(None, 0, 0, case) for case in cases)
    presence, overlap = _empty(codes, coders, len(units))
    columns = {case: i for i, case in enumerate(cases)}
    missing = np.array(
        [[not documents_of[case] & coded.get(coder, set()) for case in cases] for coder in coders],
        dtype=bool,
    ).reshape(len(coders), len(cases))
    for matrix in presence.values():
        matrix[missing] = np.nan
    rows = {c: i for i, c in enumerate(coders)}
    for coding in codings:
        if coding.coder not in rows or coding.case_id not in columns:
            continue
        row, column = rows[coding.coder], columns[coding.case_id]
        if missing[row, column]:
            continue
        for code in _counted_codes(coding.code_id, ancestors, presence):
            presence[code][row, column] = 1.0
            overlap[code][row, column] += coding.end - coding.start
    return ReliabilityData(
        "case", tuple(coders), tuple(codes), dict.fromkeys(codes, units), presence, overlap
    )


def _by_character(
    texts: Mapping[str, SourceText],
    codings: Sequence[Coding],
    coders: Sequence[str],
    codes: Sequence[str],
    ancestors: Mapping[str, tuple[str, ...]],
    coded: Mapping[str, set[str]],
) -> ReliabilityData:
    """Units are the characters that at least one coder coded with the code."""
    import numpy as np  # here, not at the top: status and codings need no numpy

    rows = {c: i for i, c in enumerate(coders)}
    spans: dict[str, dict[str, list[tuple[int, int, int]]]] = {c: defaultdict(list) for c in codes}
    for coding in codings:
        if coding.coder in rows and coding.document_id in texts:
            for code in (coding.code_id, *ancestors.get(coding.code_id, ())):
                if code in spans:
                    spans[code][coding.document_id].append(
                        (coding.start, coding.end, rows[coding.coder])
                    )
    units, presence, overlap = {}, {}, {}
    for code in codes:
        code_units, columns = [], []
        for document in sorted(spans[code]):
            marks = np.zeros((len(coders), len(texts[document].text)), dtype=bool)
            for start, end, row in spans[code][document]:
                marks[row, start:end] = True
            chosen = np.flatnonzero(marks.any(axis=0))
            block = marks[:, chosen].astype(float)
            for row, coder in enumerate(coders):
                if document not in coded.get(coder, set()):
                    block[row] = np.nan
            code_units.extend(Unit(document, int(i), int(i) + 1) for i in chosen)
            columns.append(block)
        units[code] = tuple(code_units)
        matrix = np.hstack(columns) if columns else np.zeros((len(coders), 0))
        presence[code] = matrix
        overlap[code] = np.nan_to_num(matrix).astype(np.int64)
    return ReliabilityData("character", tuple(coders), tuple(codes), units, presence, overlap)


def group_matrix(data: ReliabilityData, children: Sequence[str]) -> np.ndarray:
    """One nominal variable for a code group: per unit, the child present (1..k) with the
    largest overlap, 0 when none is, nan when the coder is missing."""
    import numpy as np  # here, not at the top: status and codings need no numpy

    if not children:
        raise ValueError("a code group needs child codes")
    stacked = np.stack([data.overlap[c] * (data.presence[c] == 1) for c in children])
    values = np.where(stacked.max(axis=0) > 0, stacked.argmax(axis=0) + 1, 0).astype(float)
    values[np.isnan(data.presence[children[0]])] = np.nan
    return values


def pooled_matrix(data: ReliabilityData, codes: Sequence[str] | None = None) -> np.ndarray:
    """All codes' binary data side by side: one unit per (code, unit)."""
    import numpy as np  # here, not at the top: status and codings need no numpy

    chosen = list(codes or data.codes)
    if not chosen:
        return np.zeros((len(data.coders), 0))
    return np.hstack([data.presence[c] for c in chosen])
