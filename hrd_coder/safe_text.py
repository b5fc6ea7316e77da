"""User text made safe to show in a terminal: no control characters, no escape sequences.

File names, titles, coder names, quotes and cells come from outside and may hold an ESC
byte (which starts a terminal escape sequence: colours, cursor moves, a rewritten title
bar), a carriage return that overwrites what was printed before, or a right-to-left
override that shows text in another order than it is stored. Every such character is
shown as a visible escape (`\\x1b`, `\\u202e`) instead; all other text, accents and
scripts included, passes unchanged.
"""

from __future__ import annotations

import re

# C0 and C1 control characters (DEL included), and the Unicode bidirectional controls
# (embeddings, overrides, isolates: the "Trojan Source" characters).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_LINE_BREAKS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def safe_text(value: object, keep_line_breaks: bool = False, limit: int | None = None) -> str:
    """`value` as text with every control character written as a visible escape.

    With `keep_line_breaks`, `\\n` stays a line break (for messages of several lines);
    with `limit`, text longer than that many characters is cut, ending in "…".
    """
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    unsafe = _UNSAFE_BUT_LINE_BREAKS if keep_line_breaks else _UNSAFE
    return unsafe.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
