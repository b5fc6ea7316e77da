"""Selection offsets from other programs, moved onto our `\\n`-normalised text.

REFI-QDA counts characters (code points), but programs differ on whether a Windows line
break counts as one character or two. When the source text had CRLF line breaks we try
both readings and keep the one under which the selections' names match the text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from hrd_coder.sources.text import normalise

Mapper = Callable[[int], int]


def raw_to_normalised(raw: str) -> Mapper:
    """Map an offset in the text as given to an offset in the normalised text."""
    bom = 1 if raw.startswith("\ufeff") else 0
    crlf = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]
    simple = raw[bom:].replace("\r\n", "\n").replace("\r", "\n")
    if normalise(raw) != simple:  # NFC changed the text: count the slow, sure way
        return lambda offset: len(normalise(raw[:offset]))
    return lambda offset: max(0, offset - bom - bisect_left(crlf, offset))


def choose_mapping(
    raw: str, text: str, spans: list[tuple[int, int, str]]
) -> tuple[Mapper, str | None]:
    """The offset mapping for one source, and a note when offsets had to be converted.

    `spans` are (start, end, selection name) as written in the file.
    """
    same: Mapper = lambda offset: offset  # noqa: E731
    if raw == text:
        return same, None
    converted = raw_to_normalised(raw)
    if any(end > len(text) for _, end, _ in spans):
        return converted, "offsets counted CRLF line breaks as two characters; converted"
    if _matches(text, spans, same) > _matches(text, spans, converted):
        return same, None
    return converted, "offsets counted the text as given (CRLF line breaks); converted"


def _matches(text: str, spans: list[tuple[int, int, str]], mapper: Mapper) -> int:
    found = 0
    for start, end, name in spans:
        wanted = " ".join(name.rstrip("…").split())
        if wanted and " ".join(text[mapper(start) : mapper(end)].split()).startswith(wanted):
            found += 1
    return found
