"""Coders' units on a continuum (one text, or several laid end to end), as the unitizing
coefficients read them: per coder, in order, with each unit's category and text.

Positions are whole numbers (for our texts, code points); a unit is [begin, end), end
exclusive. Several texts are laid end to end into one continuum of their total length,
and a section never runs across the border between two texts: a gap ends where its text
ends. Every coder is taken to have unitized every text, so a coder with no unit in a text
marked all of it as a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Unit:
    """One coder's unit of one category: the stretch [begin, end) of a text."""

    coder: str
    category: str
    begin: int
    end: int
    document: str = ""


@dataclass(frozen=True)
class Text:
    """A text the coders unitized: its positions run from `begin` to `begin + length`."""

    document: str
    length: int
    begin: int = 0


@dataclass(frozen=True)
class CoderUnits:
    """One coder's units on the whole continuum: positions counted from the start of the
    first text, sorted by begin, with each unit's category and text (indices)."""

    begins: np.ndarray
    ends: np.ndarray
    categories: np.ndarray
    texts: np.ndarray

    def of_category(self, category: int) -> CoderUnits:
        """Only the units of one category."""
        keep = self.categories == category
        return CoderUnits(
            self.begins[keep], self.ends[keep], self.categories[keep], self.texts[keep]
        )


@dataclass(frozen=True)
class Unitizations:
    """Every coder's units on the texts laid end to end, with the coders, categories and
    texts they use."""

    coders: tuple[str, ...]
    categories: tuple[str, ...]
    texts: tuple[Text, ...]
    starts: np.ndarray  # where each text starts on the whole continuum
    lengths: np.ndarray
    by_coder: tuple[CoderUnits, ...]
    merged: tuple[str, ...]  # notes on overlapping units of one coder and category, joined

    @property
    def length(self) -> int:
        """The length of the whole continuum: all texts together."""
        return int(self.lengths.sum())

    def where(self, position: int, text: int) -> str:
        """A position on the whole continuum as the user wrote it: in its text."""
        local = position - int(self.starts[text]) + self.texts[text].begin
        name = self.texts[text].document
        return f"{local} of {name}" if name else str(local)


def unitizations(
    units: Sequence[Unit], texts: Sequence[Text], coders: Sequence[str] = ()
) -> Unitizations:
    """Lay the texts end to end and sort every coder's units on them; a ValueError names a
    unit outside its text.

    `coders` adds coders who marked nothing (all gap); the others are read from the units.
    Overlapping units of one coder and one category are joined into one (a unit is a
    stretch the coder marked, and marking part of it twice does not make two), with a note.
    """
    index = {t.document: i for i, t in enumerate(texts)}
    if len(index) != len(texts):
        raise ValueError("each text must be named once")
    lengths = np.array([t.length for t in texts], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    all_coders = tuple(sorted({*coders, *(u.coder for u in units)}))
    categories = tuple(sorted({u.category for u in units}))
    coder_index = {c: i for i, c in enumerate(all_coders)}
    category_index = {c: i for i, c in enumerate(categories)}
    grouped: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    for unit in units:
        t = index.get(unit.document)
        if t is None:
            raise ValueError(f"unit {unit} is on a text that is not given")
        text = texts[t]
        if not text.begin <= unit.begin < unit.end <= text.begin + text.length:
            raise ValueError(f"unit {unit} is not within its text, {text}")
        shift = int(starts[t]) - text.begin
        key = (coder_index[unit.coder], category_index[unit.category], t)
        grouped.setdefault(key, []).append((unit.begin + shift, unit.end + shift))
    pieces: list[list[tuple[int, int, int, int]]] = [[] for _ in all_coders]
    merged_notes = []
    for (coder, category, t), spans in sorted(grouped.items()):
        joined = _join_overlaps(spans)
        if len(joined) < len(spans):
            where = f" in {texts[t].document}" if texts[t].document else ""
            merged_notes.append(
                f"{all_coders[coder]}'s units of {categories[category]}{where} overlap: "
                f"{len(spans)} units were counted as {len(joined)}"
            )
        pieces[coder] += [(b, e, category, t) for b, e in joined]
    by_coder = []
    for rows in pieces:
        array = np.array(sorted(rows), dtype=np.int64).reshape(-1, 4)
        by_coder.append(CoderUnits(array[:, 0], array[:, 1], array[:, 2], array[:, 3]))
    return Unitizations(
        all_coders,
        categories,
        tuple(texts),
        starts,
        lengths,
        tuple(by_coder),
        tuple(merged_notes),
    )


def _join_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with the overlapping ones joined; touching spans stay two units."""
    joined: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if joined and begin < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((begin, end))
    return joined


def gaps(units: CoderUnits, data: Unitizations) -> tuple[np.ndarray, np.ndarray]:
    """Lengths of the stretches outside disjoint sorted units, cut at the texts' borders,
    with the text each is in."""
    texts = units.texts
    previous_end = data.starts[texts]
    follows = np.flatnonzero(texts[1:] == texts[:-1]) + 1  # units after one in their text
    previous_end[follows] = units.ends[follows - 1]
    before = units.begins - previous_end
    last_end = data.starts.copy()
    np.maximum.at(last_end, texts, units.ends)
    after = data.starts + data.lengths - last_end
    lengths = np.concatenate((before, after))
    owners = np.concatenate((texts, np.arange(len(data.texts))))
    keep = lengths > 0
    return lengths[keep], owners[keep]
