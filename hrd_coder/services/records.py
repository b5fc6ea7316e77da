"""Plain, frozen data that services hand out (never rows bound to a session)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class CodingRecord:
    """One coding, as stored."""

    id: str
    document_id: str
    coder: str
    code_id: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    case_id: str | None
    memo: str | None
    codebook_hash: str
    created_at: dt.datetime
    updated_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (times as ISO text), used for events and exports."""
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CodingRecord:
        """The coding that `as_json` wrote (e.g. into an event), read back."""
        return cls(
            **{
                **data,
                "created_at": dt.datetime.fromisoformat(data["created_at"]),
                "updated_at": dt.datetime.fromisoformat(data["updated_at"]),
            }
        )


@dataclass(frozen=True)
class DocumentInfo:
    """A document without its text: for lists and browsers."""

    id: str
    kind: str
    title: str
    path: str
    length: int
    case_ids: tuple[str, ...]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentText:
    """A document with the normalised text its offsets count in."""

    info: DocumentInfo
    text: str


@dataclass(frozen=True)
class CaseInfo:
    """A case with its groups, dates (ISO text at the written precision) and outcome."""

    id: str
    name: str
    country: str
    groups: tuple[str, ...]
    detained_on: str
    featured_on: str | None
    released_on: str | None
    release_type: str | None
    censored_on: str | None
    sources: tuple[str, ...]
    covariates: dict[str, Any]


@dataclass(frozen=True)
class ProjectStatus:
    """Counts and warnings for `hrd-coder status`."""

    root: str
    database: str
    codebook_name: str
    codebook_hash: str
    documents: int
    transcripts: int
    case_histories: int
    cases: int
    codes: int
    codings: int
    coders: int
    codebook_changed: bool
    changed_on_disk: tuple[str, ...] = ()
    not_imported: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return asdict(self)


@dataclass
class ImportReport:
    """What an import did, per kind of thing: added, updated, removed, unchanged."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, kind: str) -> None:
        """Count one thing under an outcome."""
        bucket: dict[str, int] = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        """True when the import wrote anything."""
        return bool(self.added or self.updated or self.removed)
