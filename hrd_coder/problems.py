"""Problems found in the user's files, reported all at once with file, line and a fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place of one file, with advice on how to fix it."""

    path: str
    line: int | None
    column: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class InvalidInput(Exception):
    """Raised with every problem found, so the user can fix them all in one go."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ProjectError(Exception):
    """A request that cannot be carried out; the message says what to do instead."""


class AccessRefused(ProjectError):
    """The viewer's role or blind coding forbids the request; nothing else would change
    that (so a screen refused this way offers none of its keys but leaving)."""


class StaleDocument(ProjectError):
    """The text changed since the offsets were taken: nothing was saved."""

    def __init__(self, document_id: str, expected: str, current: str) -> None:
        self.document_id = document_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"{document_id} changed since it was opened (it was re-imported: version "
            f"{current[:8]}, the screen showed {expected[:8]}); nothing was saved: reload "
            "the document and select the passage again"
        )


def raise_if_any(problems: list[Problem]) -> None:
    """Stop with every problem collected so far, if there are any."""
    if problems:
        raise InvalidInput(problems)
