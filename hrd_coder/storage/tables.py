"""Database tables. Times are UTC; JSON columns hold lists and plain mappings.

The schema as SQLModel classes: the database is created and migrated from them. Queries
use their Core mirrors in core_tables.py (faster to import; a test keeps the two equal).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from hrd_coder.storage.core_tables import utc_now


def _json(**kwargs: Any) -> Any:
    return Field(sa_column=Column(JSON, **kwargs))


class Setting(SQLModel, table=True):
    """Project-wide values: schema version, current codebook hash."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class Coder(SQLModel, table=True):
    """A person who codes; their codings form their layer."""

    __tablename__ = "coder"
    name: str = Field(primary_key=True)
    role: str = "coder"
    created_at: dt.datetime = Field(default_factory=utc_now)


class CodebookVersion(SQLModel, table=True):
    """Every codebook ever loaded, by content hash, with its YAML text."""

    __tablename__ = "codebook_version"
    hash: str = Field(primary_key=True)
    name: str
    version: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: dt.datetime = Field(default_factory=utc_now)


class Code(SQLModel, table=True):
    """A code of the current codebook (codings point here)."""

    __tablename__ = "code"
    id: str = Field(primary_key=True)
    label: str
    parent_id: str | None = None
    definition: str = Field(sa_column=Column(Text, nullable=False))
    color: str | None = None
    hotkey: str | None = None
    level: str = "segment"
    case_variable: list[str] = _json(nullable=False)
    position: int = 0


class Document(SQLModel, table=True):
    """A transcript or case history, with the normalised text that offsets count in."""

    __tablename__ = "document"
    id: str = Field(primary_key=True)
    kind: str = Field(index=True)
    title: str
    path: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str
    meta: dict[str, Any] = _json(nullable=False)
    imported_at: dt.datetime = Field(default_factory=utc_now)


class Case(SQLModel, table=True):
    """A prisoner: groups, dates (with precision), release and covariates."""

    __tablename__ = "cases"
    id: str = Field(primary_key=True)
    name: str
    country: str = Field(index=True)
    groups: list[str] = _json(nullable=False)
    detained_on: dt.date
    detained_precision: str
    featured_on: dt.date | None = None
    featured_precision: str | None = None
    released_on: dt.date | None = None
    released_precision: str | None = None
    release_type: str | None = None
    censored_on: dt.date | None = None
    censored_precision: str | None = None
    sources: list[str] = _json(nullable=False)
    covariates: dict[str, Any] = _json(nullable=False)
    path: str


class DocumentCase(SQLModel, table=True):
    """Which cases a document discusses."""

    __tablename__ = "document_case"
    document_id: str = Field(foreign_key="document.id", primary_key=True, ondelete="CASCADE")
    case_id: str = Field(foreign_key="cases.id", primary_key=True, ondelete="CASCADE")


class Coding(SQLModel, table=True):
    """One coder's application of one code to the span [start, end) of a document."""

    __tablename__ = "coding"
    __table_args__ = (
        Index("ix_coding_document", "document_id", "start"),
        Index("ix_coding_case_code", "case_id", "code_id"),
        Index("ix_coding_code", "code_id"),
        Index("ix_coding_coder", "coder"),
    )
    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id")
    coder: str = Field(foreign_key="coder.name")
    code_id: str = Field(foreign_key="code.id")
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str
    suffix: str
    case_id: str | None = Field(default=None, foreign_key="cases.id")
    memo: str | None = Field(default=None, sa_column=Column(Text))
    codebook_hash: str
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


class DocumentMemo(SQLModel, table=True):
    """A coder's memo on a whole document."""

    __tablename__ = "document_memo"
    document_id: str = Field(foreign_key="document.id", primary_key=True)
    coder: str = Field(foreign_key="coder.name", primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utc_now)


class Event(SQLModel, table=True):
    """One mutation, appended and never changed: who, when, what, before and after."""

    __tablename__ = "event"
    # Undo and redo replay a coder's events in id order from this index alone (covering it).
    __table_args__ = (Index("ix_event_coder", "coder", "id", "action", "undo_of", "redo_of"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utc_now)
    coder: str | None = None
    action: str = Field(index=True)
    entity: str
    entity_id: str = Field(index=True)
    before: dict[str, Any] | None = _json(nullable=True)
    after: dict[str, Any] | None = _json(nullable=True)
    undo_of: int | None = None  # the event this one undid
    redo_of: int | None = None  # the event this one redid


class Assignment(SQLModel, table=True):
    """A document given to a coder in a (reproducible) double-coding sample."""

    __tablename__ = "assignment"
    document_id: str = Field(foreign_key="document.id", primary_key=True)
    coder: str = Field(primary_key=True)  # may not have coded anything yet
    sample: str = "double-coding"
    seed: int
    created_at: dt.datetime = Field(default_factory=utc_now)


class DocumentDone(SQLModel, table=True):
    """A coder's mark that they coded a whole document: their blank units there mean
    "absent", not "not read yet" (see docs/agreement.md, "Who coded what")."""

    __tablename__ = "document_done"
    document_id: str = Field(foreign_key="document.id", primary_key=True)
    coder: str = Field(primary_key=True)
    done_at: dt.datetime = Field(default_factory=utc_now)


class Decision(SQLModel, table=True):
    """An adjudicator's decision on one code in one unit; it shapes the consensus layer."""

    __tablename__ = "decision"
    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    start: int
    end: int
    code_id: str = Field(foreign_key="code.id")
    choice: str  # a coder's name, "union", "intersection" or "neither"
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    adjudicator: str
    decided_at: dt.datetime = Field(default_factory=utc_now)
    # The unit kind the decision was made on, and each coder's codings in the unit then
    # (None in databases from before schema 0003): a change to them reopens the decision.
    unit: str | None = None
    basis: dict[str, Any] | None = _json(nullable=True)


class OrphanedCoding(SQLModel, table=True):
    """A coding whose text is gone from its changed document, kept for a coder to re-place.

    It keeps the coding's id, so re-placing it restores the same coding. No foreign keys:
    an orphan must outlive a renamed code or a removed document, so nothing is lost.
    """

    __tablename__ = "orphaned_coding"
    coding_id: str = Field(primary_key=True)
    document_id: str = Field(index=True)
    coder: str
    code_id: str
    old_start: int
    old_end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str
    suffix: str
    case_id: str | None = None
    memo: str | None = Field(default=None, sa_column=Column(Text))
    codebook_hash: str
    created_at: dt.datetime
    updated_at: dt.datetime
    old_sha256: str  # the document version the old offsets count in
    reason: str = Field(sa_column=Column(Text, nullable=False))
    orphaned_at: dt.datetime = Field(default_factory=utc_now)


class ForeignGuid(SQLModel, table=True):
    """The GUID an imported code, document, user or selection came with in a REFI-QDA file,
    written again on export so the program it came from recognises its own objects.

    No foreign keys: `local_id` names a code, a document, a user (who may have no codings,
    so no coder row) or a coding (for the selection it came in), by `kind`."""

    __tablename__ = "foreign_guid"
    kind: str = Field(primary_key=True)  # code, source, user or selection
    local_id: str = Field(primary_key=True)  # code id, document id, coder name, coding id
    guid: str = Field(index=True)  # as the file wrote it (case and braces kept)
