"""Plain, frozen data that services hand out (never rows bound to a session)."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any


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
    sha256: str = ""  # the version of the text its offsets count in


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
    orphaned_codings: int = 0
    media: int = 0
    # While the layers are blind and the viewer may not see them all: the viewer's name
    # ("" when unnamed), and the coding counts above are theirs alone. None: every layer.
    blind_layer: str | None = None

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return asdict(self)


@dataclass(frozen=True)
class OrphanRecord:
    """A coding whose text is gone from its changed document, waiting to be re-placed."""

    coding_id: str
    document_id: str
    coder: str
    code_id: str
    old_start: int
    old_end: int
    quote: str
    prefix: str
    suffix: str
    case_id: str | None
    memo: str | None
    codebook_hash: str
    created_at: dt.datetime
    updated_at: dt.datetime
    old_sha256: str
    reason: str
    orphaned_at: dt.datetime

    @classmethod
    def of(
        cls, coding: CodingRecord, old_sha256: str, reason: str, at: dt.datetime
    ) -> OrphanRecord:
        """The orphan a coding becomes."""
        kept = asdict(coding)
        coding_id, start, end = kept.pop("id"), kept.pop("start"), kept.pop("end")
        return cls(
            coding_id=coding_id,
            old_start=start,
            old_end=end,
            old_sha256=old_sha256,
            reason=reason,
            orphaned_at=at,
            **kept,
        )

    def row(self) -> dict[str, Any]:
        """The orphaned_coding row."""
        return asdict(self)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (times as ISO text)."""
        data = asdict(self)
        for name in ("created_at", "updated_at", "orphaned_at"):
            data[name] = data[name].isoformat()
        return data


@dataclass
class DocumentAnchoring:
    """What re-anchoring did to one changed document's codings."""

    document_id: str
    unchanged: int = 0
    moved: int = 0
    fuzzy: int = 0
    orphaned: int = 0
    moves: list[tuple[str, str, float]] = field(default_factory=list)  # id, method, score
    orphans: list[OrphanRecord] = field(default_factory=list)
    decisions_moved: int = 0
    decisions_dropped: int = 0

    def count(self, method: str) -> None:
        """Count one coding under its method."""
        setattr(self, method, getattr(self, method) + 1)

    def as_json(self) -> dict[str, Any]:
        """Counts, moves and orphans as plain JSON."""
        return {
            "document": self.document_id,
            "unchanged": self.unchanged,
            "moved": self.moved,
            "moved_fuzzy": self.fuzzy,
            "orphaned": self.orphaned,
            "moves": [{"coding": c, "method": m, "score": s} for c, m, s in self.moves],
            "orphans": [o.as_json() for o in self.orphans],
            "decisions_moved": self.decisions_moved,
            "decisions_dropped": self.decisions_dropped,
        }


@dataclass
class ImportReport:
    """What an import did, per kind of thing: added, updated, removed, unchanged."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    anchoring: list[DocumentAnchoring] = field(default_factory=list)
    dry_run: bool = False  # nothing was written: the report says what an import would do

    def count(self, outcome: str, kind: str) -> None:
        """Count one thing under an outcome."""
        bucket: dict[str, int] = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        """True when the import wrote anything."""
        return bool(self.added or self.updated or self.removed)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "dry_run": self.dry_run,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "reanchored": [a.as_json() for a in self.anchoring],
        }


# Records that live beside the rules that make them, offered here too so that the front ends
# (tui/, cli/, api.py) take every record from this one module. Each is imported on first use:
# their modules bring the consensus rules or the media reader, which `hrd-coder status` does
# not need (tests/test_startup_imports.py).
@dataclass(frozen=True)
class Suggestion:
    """One machine suggestion waiting for a person's review: a coding of the layer
    `model:<run>`, with the probability its run gave it, or a language model's reasoning
    (docs/machine-coding.md)."""

    id: str  # the suggestion's coding id in the model layer
    run: str
    document_id: str
    code_id: str
    start: int
    end: int
    probability: float | None
    quote: str
    case_id: str | None
    reasoning: str = ""  # why a language model suggested it (the llm backend), else empty


_BESIDE_THEIR_RULES = {
    "AgreementRequest": "hrd_coder.services.agreement",
    "AnalysisInputs": "hrd_coder.services.analysis_inputs",
    "AgreementRow": "hrd_coder.services.agreement",
    "ROW_COLUMNS": "hrd_coder.services.agreement",
    "MIN_POSITIVES": "hrd_coder.services.agreement",
    "RELIABLE": "hrd_coder.services.agreement",
    "TENTATIVE": "hrd_coder.services.agreement",
    "TOO_FEW": "hrd_coder.services.agreement",
    "Coverage": "hrd_coder.services.coverage",
    "CoverageTimeline": "hrd_coder.services.media",
    "Disagreement": "hrd_coder.services.adjudication",
    "Boundary": "hrd_coder.services.boundaries",
}

if TYPE_CHECKING:
    from hrd_coder.services.adjudication import Disagreement
    from hrd_coder.services.agreement import (
        MIN_POSITIVES,
        RELIABLE,
        ROW_COLUMNS,
        TENTATIVE,
        TOO_FEW,
        AgreementRequest,
        AgreementRow,
    )
    from hrd_coder.services.analysis_inputs import AnalysisInputs
    from hrd_coder.services.boundaries import Boundary
    from hrd_coder.services.coverage import Coverage
    from hrd_coder.services.media import CoverageTimeline

__all__ = [
    "CaseInfo",
    "CodingRecord",
    "DocumentAnchoring",
    "DocumentInfo",
    "DocumentText",
    "ImportReport",
    "OrphanRecord",
    "ProjectStatus",
    "Suggestion",
    "AgreementRequest",
    "AgreementRow",
    "AnalysisInputs",
    "ROW_COLUMNS",
    "MIN_POSITIVES",
    "RELIABLE",
    "TENTATIVE",
    "TOO_FEW",
    "Coverage",
    "CoverageTimeline",
    "Disagreement",
    "Boundary",
]


def __getattr__(name: str) -> Any:
    """A record kept beside its rules (see _BESIDE_THEIR_RULES), imported on first use."""
    module = _BESIDE_THEIR_RULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
