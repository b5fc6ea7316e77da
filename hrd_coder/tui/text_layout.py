"""Soft-wrapped rows of a long text, and which codings touch each row.

Pure Python (no Textual), so the document view can ask "what is on row y" in
microseconds and only the visible rows are ever drawn.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from hrd_coder.sources.units import speaker_label_pattern

# A line that starts a block of its own in Markdown (a list item, a heading, a quote, a
# table row) or is indented (code, a list item's continuation): its newline stays.
_BLOCK_START = re.compile(r"[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t]|#|>|\|")


@dataclass(frozen=True)
class Mark:
    """A coded span as the view draws it."""

    coding_id: str
    code_id: str
    start: int
    end: int
    suggested: bool = False  # a machine suggestion under review, drawn apart from codings


def flowing(text: str, speakers: Sequence[str] = ()) -> str:
    """The text as shown: a single line break inside a paragraph becomes a space, so text
    written with hard line breaks (the Markdown habit of ~80 columns) flows and wraps at
    the pane's width. Same length as `text`, so offsets, quotes and exports are unchanged.

    A break stays where a blank line follows or precedes it, where the line ends in two
    spaces (Markdown's hard break), after a heading, a table row or an indented line, and
    before a line that starts a block of its own: a speaker label, a list item, a
    heading, a quote, a table row or an indented line.
    """
    label = speaker_label_pattern(speakers)
    shown = list(text)
    position = text.find("\n")
    while position != -1:
        if _joins(text, position, label):
            shown[position] = " "
        position = text.find("\n", position + 1)
    return "".join(shown)


def _joins(text: str, newline: int, label: re.Pattern[str]) -> bool:
    """Whether the line break at `newline` is inside a paragraph."""
    line_start = text.rfind("\n", 0, newline) + 1
    previous = text[line_start:newline]
    following = newline + 1
    if not previous.strip() or previous.endswith("  ") or previous[:1] in ("#", "|", " ", "\t"):
        return False
    next_end = text.find("\n", following)
    next_line = text[following : len(text) if next_end == -1 else next_end]
    if not next_line.strip() or _BLOCK_START.match(next_line):
        return False
    return label.match(text, following) is None


class TextLayout:
    """Rows of at most `width` characters, broken at spaces where possible."""

    def __init__(self, text: str, width: int):
        self.text = text
        self.width = max(8, width)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._wrap()

    def _wrap(self) -> None:
        text, width, starts, ends = self.text, self.width, self.starts, self.ends
        position, length = 0, len(text)
        while True:
            newline = text.find("\n", position)
            line_end = length if newline == -1 else newline
            while line_end - position > width:
                # Break after the last space that fits; a word longer than the row is cut.
                space = text.rfind(" ", position, position + width + 1)
                cut = space + 1 if space > position else position + width
                starts.append(position)
                ends.append(cut)
                position = cut
            starts.append(position)
            ends.append(line_end)
            if newline == -1:
                return
            position = newline + 1

    @property
    def rows(self) -> int:
        """How many rows the text takes."""
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The row an offset is on (the end of the text is on the last row)."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def column_of(self, offset: int) -> int:
        """The column of an offset in its row."""
        return offset - self.starts[self.row_of(offset)]

    def offset_at(self, row: int, column: int) -> int:
        """The offset shown at (row, column), clamped to the row's text."""
        row = min(max(0, row), self.rows - 1)
        return min(self.starts[row] + max(0, column), self.ends[row])


class MarkIndex:
    """Which marks overlap each row, so drawing a row never scans every coding."""

    def __init__(self, marks: Sequence[Mark], layout: TextLayout):
        self.marks = list(marks)
        self.layout = layout
        self.by_row: dict[int, list[Mark]] = defaultdict(list)
        for mark in self.marks:
            self._index(mark)

    def _index(self, mark: Mark) -> None:
        first = self.layout.row_of(mark.start)
        last = self.layout.row_of(max(mark.start, mark.end - 1))
        for row in range(first, last + 1):
            self.by_row[row].append(mark)

    def on_row(self, row: int) -> list[Mark]:
        """Marks overlapping the row, in the order they were given."""
        return self.by_row.get(row, [])

    def at(self, offset: int) -> list[Mark]:
        """Marks containing an offset, shortest first (the innermost is on top)."""
        row = self.layout.row_of(offset)
        found = [m for m in self.on_row(row) if m.start <= offset < m.end]
        return sorted(found, key=lambda m: (m.end - m.start, m.start))
