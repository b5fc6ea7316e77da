"""Find where a coded span went when its document's text changed (pure text logic).

Each span is tried four ways, most certain first: an offset map built from the lines both
versions share, an exact search for the quote ranked by its context, a fuzzy match near
where the span should be, and otherwise it is orphaned for a person to place.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass
from itertools import accumulate

CONTEXT_CHARS = 40
"""Characters of old text on each side of a quote that rank exact matches."""
FUZZY_THRESHOLD = 0.9
"""Least similarity (0-1) between the old quote and new text for a fuzzy placement."""
FUZZY_SLACK = 200
"""Characters searched beyond each end of where a changed span should be."""
MIN_BLOCK = 3
"""Shorter runs of equal characters are chance, not evidence, when aligning a fuzzy match."""

UNCHANGED, MOVED, FUZZY, ORPHANED = "unchanged", "moved", "fuzzy", "orphaned"


@dataclass(frozen=True)
class Placement:
    """Where a span went: its method, new offsets (None when orphaned) and similarity."""

    method: str
    start: int | None = None
    end: int | None = None
    score: float = 1.0
    reason: str = ""


class TextChange:
    """An old and a new version of one text, with an offset map for the lines they share."""

    def __init__(self, old: str, new: str):
        self.old = old
        self.new = new
        old_lines = old.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        self._old_starts = [0, *accumulate(len(line) for line in old_lines)]
        self._new_starts = [0, *accumulate(len(line) for line in new_lines)]
        # Lines, not characters: SequenceMatcher on two 100 KB strings takes seconds, on
        # their ~2,000 lines a few milliseconds. No autojunk: blank lines must still match.
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        self._opcodes = matcher.get_opcodes()
        self._opcode_starts = [op[1] for op in self._opcodes]

    def map_offset(self, offset: int) -> tuple[int, bool]:
        """The new offset of an old character, and whether its line is unchanged."""
        line = max(0, bisect.bisect_right(self._old_starts, offset) - 1)
        index = max(0, bisect.bisect_right(self._opcode_starts, line) - 1)
        if not self._opcodes:
            return offset, False
        tag, i1, _, j1, j2 = self._opcodes[index]
        new_line = min(j1 + (line - i1), j2)
        column = offset - self._old_starts[min(line, len(self._old_starts) - 1)]
        base = self._new_starts[min(new_line, len(self._new_starts) - 1)]
        return min(base + column, len(self.new)), tag == "equal"

    def place(self, start: int, end: int, threshold: float = FUZZY_THRESHOLD) -> Placement:
        """Find the old span [start, end) in the new text."""
        quote = self.old[start:end]
        new_start, start_kept = self.map_offset(start)
        last, end_kept = self.map_offset(end - 1)
        new_end = last + 1
        if start_kept and end_kept and self.new[new_start:new_end] == quote:
            same = (new_start, new_end) == (start, end)
            return Placement(UNCHANGED if same else MOVED, new_start, new_end)
        exact = self._exact(start, end, new_start)
        if exact is not None:
            return exact
        return self._fuzzy(start, end, new_start, threshold)

    def _exact(self, start: int, end: int, expected: int) -> Placement | None:
        """The quote found verbatim: best context first, then nearest to where it was."""
        quote = self.old[start:end]
        prefix = self.old[max(0, start - CONTEXT_CHARS) : start]
        suffix = self.old[end : end + CONTEXT_CHARS]
        found = _occurrences(self.new, quote)
        if not found:
            return None
        ranked = sorted(
            (-self._context_score(at, len(quote), prefix, suffix), abs(at - expected), at)
            for at in found
        )
        if len(ranked) > 1 and ranked[0][:2] == ranked[1][:2]:
            ties = sum(1 for rank in ranked if rank[:2] == ranked[0][:2])
            return Placement(
                ORPHANED,
                score=0.0,
                reason=f"ambiguous: the quote is in {ties} places equally like the old one",
            )
        at = ranked[0][2]
        return Placement(UNCHANGED if at == start else MOVED, at, at + len(quote))

    def _context_score(self, at: int, length: int, prefix: str, suffix: str) -> int:
        """How many characters of old context surround an occurrence in the new text."""
        before = self.new[max(0, at - len(prefix)) : at]
        after = self.new[at + length : at + length + len(suffix)]
        return _common_tail(before, prefix) + _common_head(after, suffix)

    def _fuzzy(self, start: int, end: int, expected: int, threshold: float) -> Placement:
        """The closest near-copy of the quote around where it should be, if close enough."""
        quote = self.old[start:end]
        prefix = self.old[max(0, start - CONTEXT_CHARS) : start]
        suffix = self.old[end : end + CONTEXT_CHARS]
        reach = len(prefix) + len(quote) + FUZZY_SLACK
        low = max(0, expected - reach)
        high = min(len(self.new), expected + reach + len(suffix))
        # The quote is aligned together with its context: in formulaic text (speaker labels,
        # repeated phrases) the context is what tells the right near-copy from its neighbours.
        span = _align(
            prefix + quote + suffix, len(prefix), len(prefix) + len(quote), self.new[low:high]
        )
        if span is None:
            return Placement(ORPHANED, score=0.0, reason="no similar text near the old place")
        new_start, new_end = low + span[0], low + span[1]
        score = difflib.SequenceMatcher(
            None, quote, self.new[new_start:new_end], autojunk=False
        ).ratio()
        if score < threshold:
            return Placement(
                ORPHANED,
                score=score,
                reason=f"the closest text is {score:.0%} similar (at least {threshold:.0%} needed)",
            )
        return Placement(FUZZY, new_start, new_end, score)


def _occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _common_tail(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_head(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _align(needle: str, start: int, end: int, window: str) -> tuple[int, int] | None:
    """Where needle[start:end] lies in `window`, by the runs of text both share."""
    matcher = difflib.SequenceMatcher(None, needle, window, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= MIN_BLOCK]
    if not blocks:
        return None
    # Keep the blocks on (nearly) the diagonal of the longest one: a short run of equal
    # letters far away would otherwise stretch the span over unrelated text.
    main = max(blocks, key=lambda block: block.size)
    drift = len(needle) // 5 + MIN_BLOCK
    blocks = [b for b in blocks if abs((b.b - b.a) - (main.b - main.a)) <= drift]
    new_start, new_end = (
        _project(blocks, start, len(window), True),
        _project(blocks, end, len(window), False),
    )
    return (new_start, new_end) if new_end > new_start else None


def _project(blocks: list[difflib.Match], index: int, length: int, is_start: bool) -> int:
    """A needle position in the window: exact inside a shared run, else from the nearer
    edge of the edited stretch it falls in (a start from its left, an end from its right)."""
    left_a, left_b = 0, 0
    for block in blocks:
        inside = (
            block.a <= index < block.a + block.size
            if is_start
            else block.a < index <= block.a + block.size
        )
        if inside:
            return block.b + index - block.a
        if block.a >= index:
            if is_start:
                return min(left_b + index - left_a, block.b)
            return max(block.b - (block.a - index), left_b)
        left_a, left_b = block.a + block.size, block.b + block.size
    return min(left_b + index - left_a, length)
