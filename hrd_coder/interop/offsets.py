"""Selection offsets from other programs, moved onto our `\\n`-normalised text.

REFI-QDA counts characters (code points), but programs differ on whether a Windows line
break counts as one character or two, and they count on their text as it is, while ours
is NFC (a decomposed "é" is two code points there, one here). When the source text is
not already normalised we try both readings and keep the one under which the selections'
names match the text.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from hrd_coder.text_file import normalise

Mapper = Callable[[int], int]


def raw_to_normalised(raw: str) -> Mapper:
    """Map an offset in the text as given to an offset in the normalised text."""
    bom = 1 if raw.startswith("\ufeff") else 0
    crlf = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]
    simple = raw[bom:].replace("\r\n", "\n").replace("\r", "\n")
    if normalise(raw) != simple:  # NFC changed the text: count line by line
        return _nfc_mapper(raw)
    return lambda offset: max(0, offset - bom - bisect_left(crlf, offset))


def _nfc_mapper(raw: str) -> Mapper:
    """Offsets through NFC. NFC never composes across a line break, so each offset
    costs only the normalisation of its own line up to it."""
    bom = 1 if raw.startswith("\ufeff") else 0
    starts = [bom] + [i + 1 for i, char in enumerate(raw) if char == "\n"]
    done = [0]
    for a, b in zip(starts, starts[1:], strict=False):
        done.append(done[-1] + _nfc_length(raw[a:b]))

    def mapper(offset: int) -> int:
        line = max(0, bisect_right(starts, offset) - 1)
        return done[line] + _nfc_length(raw[starts[line] : max(offset, starts[line])])

    return mapper


def _nfc_length(part: str) -> int:
    return len(unicodedata.normalize("NFC", part.replace("\r\n", "\n").replace("\r", "\n")))


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
    note = f"offsets counted on the text as given ({_differences(raw)}); converted"
    if any(end > len(text) for _, end, _ in spans):
        return converted, note
    if _matches(text, spans, same) > _matches(text, spans, converted):
        return same, None
    return converted, note


def _differences(raw: str) -> str:
    found = []
    if "\r" in raw:
        found.append("CRLF line breaks as two characters")
    if unicodedata.normalize("NFC", raw) != raw:
        found.append("decomposed accents as several characters (our text is NFC)")
    if raw.startswith("\ufeff"):
        found.append("a byte-order mark")
    return ", ".join(found) or "not normalised"


def _matches(text: str, spans: list[tuple[int, int, str]], mapper: Mapper) -> int:
    found = 0
    for start, end, name in spans:
        wanted = " ".join(name.rstrip("…").split())
        if wanted and " ".join(text[mapper(start) : mapper(end)].split()).startswith(wanted):
            found += 1
    return found
