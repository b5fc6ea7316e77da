"""Coders' units on a continuum (one text, or several laid end to end), grouped as the
unitizing coefficients read them: per text, per coder, per category, in order.

Positions are whole numbers (for our texts, code points); a unit is [begin, end), end
exclusive. Several texts are laid end to end into one continuum of their total length,
and a section never runs across the border between two texts: a gap ends where its text
ends. Every coder is taken to have unitized every text, so a coder with no unit in a text
marked all of it as a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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


@dataclass
class TextUnits:
    """The units of one text, as sorted (begins, ends, category indices) per coder."""

    text: Text
    by_coder: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    def of_category(self, coder: int, category: int) -> tuple[np.ndarray, np.ndarray]:
        """Begins and ends of one coder's units of one category, in order."""
        begins, ends, categories = self.by_coder[coder]
        keep = categories == category
        return begins[keep], ends[keep]


@dataclass(frozen=True)
class Unitizations:
    """Every coder's units on every text, with the coders and categories they use."""

    coders: tuple[str, ...]
    categories: tuple[str, ...]
    texts: tuple[TextUnits, ...]
    merged: tuple[str, ...]  # notes on overlapping units of one coder and category, joined

    @property
    def length(self) -> int:
        """The length of the whole continuum: all texts together."""
        return sum(t.text.length for t in self.texts)


def unitizations(
    units: Sequence[Unit], texts: Sequence[Text], coders: Sequence[str] = ()
) -> Unitizations:
    """Group units by text and coder; a ValueError names a unit outside its text.

    `coders` adds coders who marked nothing (all gap); the others are read from the units.
    Overlapping units of one coder and one category are joined into one (a unit is a
    stretch the coder marked, and marking part of it twice does not make two), with a note.
    """
    known = {t.document: t for t in texts}
    if len(known) != len(texts):
        raise ValueError("each text must be named once")
    for unit in units:
        text = known.get(unit.document)
        if text is None:
            raise ValueError(f"unit {unit} is on a text that is not given")
        if not text.begin <= unit.begin < unit.end <= text.begin + text.length:
            raise ValueError(
                f"unit {unit} is not within [{text.begin}, {text.begin + text.length})"
            )
    all_coders = tuple(sorted({*coders, *(u.coder for u in units)}))
    categories = tuple(sorted({u.category for u in units}))
    coder_index = {c: i for i, c in enumerate(all_coders)}
    category_index = {c: i for i, c in enumerate(categories)}
    grouped: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
    for unit in units:
        key = (unit.document, coder_index[unit.coder], category_index[unit.category])
        grouped.setdefault(key, []).append((unit.begin, unit.end))
    merged_notes: list[str] = []
    result = []
    for text in texts:
        text_units = TextUnits(text)
        for coder in range(len(all_coders)):
            pieces = []
            for category in range(len(categories)):
                spans = grouped.get((text.document, coder, category), [])
                joined = _join_overlaps(spans)
                if len(joined) < len(spans):
                    merged_notes.append(
                        f"{all_coders[coder]}'s units of {categories[category]}"
                        f"{' in ' + text.document if text.document else ''} overlap: "
                        f"{len(spans)} units were counted as {len(joined)}"
                    )
                pieces += [(b, e, category) for b, e in joined]
            pieces.sort()
            array = np.array(pieces, dtype=np.int64).reshape(-1, 3)
            text_units.by_coder.append((array[:, 0], array[:, 1], array[:, 2]))
        result.append(text_units)
    return Unitizations(all_coders, categories, tuple(result), tuple(merged_notes))


def _join_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with the overlapping ones joined; touching spans stay two units."""
    joined: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if joined and begin < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((begin, end))
    return joined


def gaps(begins: np.ndarray, ends: np.ndarray, text: Text) -> np.ndarray:
    """Lengths of the stretches of a text outside the given sorted, disjoint units."""
    starts = np.concatenate(([text.begin], ends))
    stops = np.concatenate((begins, [text.begin + text.length]))
    lengths = stops - starts
    return lengths[lengths > 0]
