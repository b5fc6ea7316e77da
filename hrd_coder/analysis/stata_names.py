"""Variable names every statistics package accepts: Stata's rules, the strictest of them."""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_LENGTH = 32
# Stata refuses these as variable names (Stata manual, [U] 11.3 "Naming conventions").
RESERVED = frozenset(
    {
        *("_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int"),
        *("long", "_n", "_N", "_pi", "_pred", "_rc", "_skip", "str", "strL", "using", "with"),
        # Mata's reserved words, which pandas' Stata writer also renames (to _word, with a
        # warning): avoid them so a name is the same in every export format.
        *("NULL", "_se", "aggregate", "array", "boolean", "break", "case", "catch", "class"),
        *("colvector", "complex", "const", "continue", "default", "delegate", "delete", "do"),
        *("else", "eltypedef", "end", "enum", "explicit", "export", "external", "for", "friend"),
        *(
            "function",
            "global",
            "goto",
            "inline",
            "local",
            "pragma",
            "protected",
            "quad",
            "rowvector",
        ),
        *("short", "str#", "typedef", "typename", "virtual"),
    }
)


def stata_name(stem: str, suffix: str = "") -> str:
    """`stem + suffix` as a valid name: other characters become _, the stem is cut to fit."""
    stem = re.sub(r"[^A-Za-z0-9_]", "_", stem)
    if not stem or stem[0].isdigit():
        stem = "_" + stem
    name = stem[: MAX_LENGTH - len(suffix)] + suffix
    return name + "_" if name in RESERVED else name


def unique_names(wanted: Iterable[tuple[str, str]]) -> list[str]:
    """Valid names for (stem, suffix) pairs, in order; a later clash gets _2, _3, ..."""
    taken: set[str] = set()
    names = []
    for stem, suffix in wanted:
        name, number = stata_name(stem, suffix), 2
        while name in taken:
            name = stata_name(stem, f"{suffix}_{number}")
            number += 1
        taken.add(name)
        names.append(name)
    return names
