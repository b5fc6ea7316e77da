"""Fuzzy search for the pickers: rank items on their best-matching field, mark matched letters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from re import finditer
from typing import TypeVar

from textual.content import Content
from textual.fuzzy import FuzzySearch

Item = TypeVar("Item")

MATCH_STYLE = "bold underline"
"""Matched letters: no colour, so they read on the highlight bar in light and dark themes."""

_fuzzy = FuzzySearch()


@dataclass(frozen=True)
class Match:
    """Where a query matched an item: the best field (by index) and the letters in it."""

    score: float
    field: int
    offsets: tuple[int, ...]

    def letters_in(self, field: int) -> tuple[int, ...]:
        """The matched letters of `field` (none when another field matched best)."""
        return self.offsets if field == self.field else ()


def _field_match(query: str, text: str) -> tuple[float, tuple[int, ...]]:
    """Textual's fuzzy score, raised when a word of `text` starts with the query.

    Textual scores only the first place a query occurs as a substring, so "ng" would find
    "Mobilizi*ng* NGOs" before "*NG*Os"; scoring word starts as well puts the NGOs first.
    """
    score, offsets = _fuzzy.match(query, text)
    lowered, wanted = text.lower(), query.lower()
    for word in finditer(r"\w+", lowered):
        if lowered.startswith(wanted, word.start()):
            starts = tuple(range(word.start(), word.start() + len(wanted)))
            word_score = _fuzzy.score(lowered, starts) * 1.5
            if word_score > score:
                score, offsets = word_score, starts
            break
    return score, tuple(offsets)


def best_match(query: str, fields: Sequence[str]) -> Match | None:
    """The best-scoring field for a non-empty query, or None when no field matches."""
    best: Match | None = None
    for index, text in enumerate(fields):
        score, offsets = _field_match(query, text) if text else (0.0, ())
        if score and (best is None or score > best.score):
            best = Match(score, index, offsets)
    return best


def ranked(
    query: str, items: Iterable[Item], fields: Callable[[Item], Sequence[str]]
) -> list[tuple[Item, Match | None]]:
    """Matching items best first (ties keep their order); every item, unranked, if no query."""
    query = query.strip()
    if not query:
        return [(item, None) for item in items]
    hits: list[tuple[Item, Match]] = []
    for item in items:
        match = best_match(query, fields(item))
        if match is not None:
            hits.append((item, match))
    hits.sort(key=lambda hit: -hit[1].score)
    return list(hits)


def marked(text: str, letters: Iterable[int] = (), style: str = "") -> Content:
    """`text` in `style`, with the matched letters emphasised."""
    content = Content.styled(text, style) if style else Content(text)
    for offset in letters:
        content = content.stylize(MATCH_STYLE, offset, offset + 1)
    return content
