"""Split a document into units: speaker turns, paragraphs, sentences, the whole text.

Offsets are code points into the normalised text, the same offsets codings use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

UnitKind = Literal["turn", "paragraph", "sentence", "document"]
UNIT_KINDS: tuple[UnitKind, ...] = ("turn", "paragraph", "sentence", "document")

# Without declared speakers, a turn starts at an ALL-CAPS label and a colon:
# "INTERVIEWER: ...", "OFFICIAL B: ...", "Q: ...".
_CAPS_LABEL = re.compile(r"^([A-Z][A-Z0-9 .'\-]{0,39}):[ \t]", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
# A sentence ends at . ! or ? (plus closing quotes or brackets) before a space and a
# capital, digit or opening quote.
_SENTENCE_END = re.compile(
    r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u00dd])"
)
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "amb",
        "hon",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.n",
        "u.k",
        "e.u",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "dept",
        "approx",
        "ca",
        "fig",
    ]
)


@dataclass(frozen=True)
class Unit:
    """A span of a document that agreement can be measured on."""

    kind: UnitKind
    start: int
    end: int
    speaker: str | None = None


def speaker_label_pattern(speakers: Iterable[str] = ()) -> re.Pattern[str]:
    """The pattern that starts a turn: declared speaker names, else ALL-CAPS labels."""
    names = [s for s in speakers if s]
    if not names:
        return _CAPS_LABEL
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"^({alternatives}):[ \t]", re.MULTILINE)


def speaker_turns(text: str, speakers: Iterable[str] = ()) -> list[Unit]:
    """Turns from one speaker label to the next (text before the first label is no turn)."""
    starts = list(speaker_label_pattern(speakers).finditer(text))
    turns = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        turns.append(
            Unit("turn", match.start(), _trim_end(text, match.start(), end), match.group(1))
        )
    return turns


def paragraphs(text: str) -> list[Unit]:
    """Runs of non-blank lines, without surrounding whitespace."""
    units, position = [], 0
    for gap in [*_BLANK_LINES.finditer(text), None]:
        end = gap.start() if gap else len(text)
        start = _skip_space(text, position, end)
        if start < end:
            units.append(Unit("paragraph", start, _trim_end(text, start, end)))
        position = gap.end() if gap else len(text)
    return units


def sentences(text: str, speakers: Iterable[str] = ()) -> list[Unit]:
    """Sentences inside each paragraph; a leading speaker label is not part of one."""
    label = speaker_label_pattern(speakers)
    units = []
    for paragraph in paragraphs(text):
        start = paragraph.start
        found = label.match(text, start, paragraph.end)
        if found:
            start = _skip_space(text, found.end(), paragraph.end)
        for end in _sentence_ends(text, start, paragraph.end):
            units.append(Unit("sentence", start, end))
            start = _skip_space(text, end, paragraph.end)
        if start < paragraph.end:
            units.append(Unit("sentence", start, paragraph.end))
    return units


def units(text: str, kind: UnitKind, speakers: Iterable[str] = ()) -> list[Unit]:
    """All units of one kind in a text."""
    if kind == "turn":
        return speaker_turns(text, speakers)
    if kind == "paragraph":
        return paragraphs(text)
    if kind == "sentence":
        return sentences(text, speakers)
    return [Unit("document", 0, len(text))] if text.strip() else []


def _sentence_ends(text: str, start: int, end: int) -> Iterable[int]:
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.group().startswith(".") and _is_abbreviation(text, start, match.start()):
            continue
        yield match.end()


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("(\"'\u201c\u2018").lower()
    single_initial = len(word) == 1 and word.isalpha()
    return single_initial or word in _ABBREVIATIONS


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
