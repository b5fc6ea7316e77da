"""Counted nouns as people write them: `1 coding`, `2 codings`, `1 case`, `0 cases`."""

from __future__ import annotations

IRREGULAR = {"was": "were", "is": "are", "has": "have", "this": "these", "analysis": "analyses"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count word`, the word in its plural unless the count is one (`many` when the
    plural is not the word plus "s")."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or IRREGULAR.get(word) or word + 's'}"


def agreeing(count: int, one: str, many: str) -> str:
    """The verb form that agrees with a count: `agreeing(1, "waits", "wait")` is "waits"."""
    return one if count == 1 else many


def noun(count: int, word: str, many: str | None = None) -> str:
    """The word alone in the form a count takes: `noun(2, "column")` is "columns"."""
    return plural(count, word, many).split(" ", 1)[1]


def listing(names: list[str] | tuple[str, ...]) -> str:
    """Names as a sentence lists them: `lena`, `lena and tomas`, `ana, lena and tomas`."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
