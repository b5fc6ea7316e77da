"""Project documents' front matter, and the hash that notices a document changed on disk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from hrd_coder.problems import InvalidInput, Problem


def sha256(text: str) -> str:
    """Hash of normalised text, used to notice a document that changed on disk."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FrontMatterFile:
    """A text file split into its YAML front matter and its body."""

    path: str
    front_matter: str
    front_matter_line: int  # file line where the YAML starts
    body: str


def split_front_matter(text: str, path: str) -> FrontMatterFile:
    """Split `---` delimited YAML front matter from the body; raise if it is missing."""
    # Walk line by line to the closing '---' only: splitting the whole body into lines
    # and joining them again cost more than hashing it.
    end = text.find("\n")
    if (text if end == -1 else text[:end]).strip() != "---":
        raise InvalidInput(
            [
                Problem(
                    path,
                    1,
                    1,
                    "the file does not start with YAML front matter",
                    "put a line '---', the 'key: value' lines (id: ...), and "
                    "another '---' line at the top",
                )
            ]
        )
    start = end + 1
    while end != -1:
        begin, end = end + 1, text.find("\n", end + 1)
        if text[begin : None if end == -1 else end].strip() in ("---", "..."):
            body = "" if end == -1 else text[end + 1 :]
            return FrontMatterFile(path, text[start : max(start, begin - 1)], 2, body)
    raise InvalidInput(
        [
            Problem(
                path,
                1,
                1,
                "the front matter is never closed",
                "add a line '---' after the last 'key: value' line",
            )
        ]
    )
