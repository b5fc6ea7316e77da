"""What a REFI-QDA exchange carries, in our own words (plain data both ways)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hrd_coder.codebook.model import Codebook
from hrd_coder.wording import plural


@dataclass(frozen=True)
class ExchangeSource:
    """A document: its id, kind, title, normalised text, metadata and linked cases."""

    id: str
    kind: str
    title: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    case_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExchangeCase:
    """A case as its file's front matter (id, name, groups, dates, covariates...)."""

    front_matter: dict[str, Any]

    @property
    def id(self) -> str:
        """The case id."""
        return str(self.front_matter["id"])


@dataclass(frozen=True)
class ExchangeCoding:
    """One coder's code on a span of a document."""

    id: str
    document_id: str
    coder: str
    code_id: str
    start: int
    end: int
    case_id: str | None
    memo: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class ExchangeMemo:
    """A coder's memo on a whole document."""

    document_id: str
    coder: str
    text: str


@dataclass
class Exchange:
    """A whole project as exchanged: codebook, documents, cases, codings and memos, and the
    GUIDs imported objects came with, by (kind, our id) (see `identity.py`)."""

    codebook: Codebook
    sources: list[ExchangeSource] = field(default_factory=list)
    cases: list[ExchangeCase] = field(default_factory=list)
    codings: list[ExchangeCoding] = field(default_factory=list)
    memos: list[ExchangeMemo] = field(default_factory=list)
    foreign_guids: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class ExchangeReport:
    """What an import could not bring over, and what it had to guess."""

    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as printable lines."""
        return [f"warning: {w}" for w in self.warnings] + [
            f"not imported: {d}" for d in self.dropped
        ]

    def summary(self) -> str:
        """One line: how many warnings and how much was not imported."""
        warnings, dropped = len(self.warnings), len(self.dropped)
        return f"{plural(warnings, 'warning')}, {plural(dropped, 'item')} not imported"

    def as_json(self) -> dict[str, list[str]]:
        """A JSON-ready mapping: `warnings` and `not_imported`."""
        return {"warnings": list(self.warnings), "not_imported": list(self.dropped)}
