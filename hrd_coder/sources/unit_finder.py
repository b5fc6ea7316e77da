"""Find the unit around an offset, and the next or previous one, without scanning a
whole long document on every keypress (for keyboard selection in the terminal app)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from hrd_coder.sources.units import _BLANK_LINES, sentences, speaker_label_pattern

GRAINS = ("word", "sentence", "paragraph", "turn", "document")
_WORD = re.compile(r"\w+(?:['\u2019\-]\w+)*")

Span = tuple[int, int]


class UnitFinder:
    """Units of one document: paragraphs and turns indexed once, sentences per paragraph."""

    def __init__(self, text: str, speakers: Iterable[str] = ()):
        self.text = text
        self._speakers = tuple(speakers)
        self._label = speaker_label_pattern(self._speakers)
        self._paragraphs = self._find_paragraphs()
        self._paragraph_starts = [start for start, _ in self._paragraphs]
        self._turns = self._find_turns()
        # What a coder selects: a turn or paragraph without its speaker label, as a
        # sentence already is (a label coded by accident would end up in every quote).
        self._selectable = {
            "paragraph": [self._without_label(span) for span in self._paragraphs],
            "turn": [self._without_label(span) for span in self._turns],
        }
        self._selectable_starts = {
            grain: [start for start, _ in spans] for grain, spans in self._selectable.items()
        }
        self._sentences: dict[int, list[Span]] = {}

    def _find_paragraphs(self) -> list[Span]:
        spans, position, text = [], 0, self.text
        for gap in [*_BLANK_LINES.finditer(text), None]:
            end = gap.start() if gap else len(text)
            start = position
            while start < end and text[start].isspace():
                start += 1
            stop = end
            while stop > start and text[stop - 1].isspace():
                stop -= 1
            if start < stop:
                spans.append((start, stop))
            position = gap.end() if gap else len(text)
        return spans

    def _find_turns(self) -> list[Span]:
        starts = [m.start() for m in self._label.finditer(self.text)]
        turns = []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
            while end > start and self.text[end - 1].isspace():
                end -= 1
            turns.append((start, end))
        return turns

    def _without_label(self, span: Span) -> Span:
        """The span after a leading speaker label and its spaces (unchanged without one)."""
        start, end = span
        found = self._label.match(self.text, start, end)
        if not found:
            return span
        after = found.end()
        while after < end and self.text[after].isspace():
            after += 1
        return (after, end) if after < end else span

    def labelled_turns(self) -> list[Span]:
        """Every turn from its speaker label on (for drawing the labels)."""
        return list(self._turns)

    def all(self, grain: str) -> list[Span]:
        """Every unit of a grain (sentences are computed paragraph by paragraph); turns and
        paragraphs without their speaker label."""
        if grain in self._selectable:
            return list(self._selectable[grain])
        if grain == "document":
            return self._document()
        if grain == "sentence":
            return [s for i in range(len(self._paragraphs)) for s in self._sentences_of(i)]
        return [m.span() for m in _WORD.finditer(self.text)]

    def at(self, grain: str, offset: int) -> Span | None:
        """The unit of this grain that contains `offset` (or starts right there)."""
        for start, end in self._around(grain, offset):
            if start <= offset < end:
                return start, end
        return None

    def next(self, grain: str, offset: int) -> Span | None:
        """The first unit of this grain that starts after `offset`."""
        return next(
            (s for s in self._around(grain, offset) if s[0] > offset), None
        ) or self._beyond(grain, offset, forward=True)

    def previous(self, grain: str, offset: int) -> Span | None:
        """The last unit of this grain that starts before `offset`."""
        found = [s for s in self._around(grain, offset) if s[0] < offset]
        return found[-1] if found else self._beyond(grain, offset, forward=False)

    def smallest_containing(self, start: int, end: int) -> Span | None:
        """The smallest unit of any grain that holds [start, end) and is larger than it."""
        for grain in GRAINS:
            for unit_start, unit_end in self._around(grain, start):
                if (
                    unit_start <= start
                    and end <= unit_end
                    and (unit_start, unit_end)
                    != (
                        start,
                        end,
                    )
                ):
                    return unit_start, unit_end
        return None

    def _around(self, grain: str, offset: int) -> list[Span]:
        """Candidate units near `offset`, in document order."""
        if grain == "word":
            stop = min(len(self.text), offset + 200)
            return [
                m.span() for m in _WORD.finditer(self.text, self._word_window_start(offset), stop)
            ]
        if grain == "sentence":
            index = max(0, bisect.bisect_right(self._paragraph_starts, offset) - 1)
            return [
                s
                for i in range(max(0, index - 1), min(len(self._paragraphs), index + 2))
                for s in self._sentences_of(i)
            ]
        if grain == "document":
            return self._document()
        spans, starts = self._selectable[grain], self._selectable_starts[grain]
        index = bisect.bisect_right(starts, offset) - 1
        return spans[max(0, index - 1) : index + 3]

    def _beyond(self, grain: str, offset: int, forward: bool) -> Span | None:
        """Fallback for words and sentences further away than the local window."""
        if grain == "word":
            if forward:
                hits = (m.span() for m in _WORD.finditer(self.text, offset) if m.start() > offset)
                return next(hits, None)
            hits = list(_WORD.finditer(self.text, self._word_window_start(offset), offset))
            return hits[-1].span() if hits else None
        if grain != "sentence":
            return None
        index = bisect.bisect_right(self._paragraph_starts, offset) - 1
        step = range(index + 1, len(self._paragraphs)) if forward else range(index - 1, -1, -1)
        for i in step:
            found = self._sentences_of(i)
            if found:
                return found[0] if forward else found[-1]
        return None

    def _word_window_start(self, offset: int, reach: int = 200) -> int:
        """A place at least `reach` characters back that is not inside a word."""
        if offset <= reach:
            return 0
        return self.text.rfind(" ", 0, offset - reach) + 1

    def _document(self) -> list[Span]:
        stripped = self.text.strip()
        if not stripped:
            return []
        start = self.text.index(stripped[0])
        return [(start, start + len(stripped))]

    def _sentences_of(self, index: int) -> list[Span]:
        if index not in self._sentences:
            start, end = self._paragraphs[index]
            self._sentences[index] = [
                (start + u.start, start + u.end)
                for u in sentences(self.text[start:end], self._speakers)
            ]
        return self._sentences[index]
