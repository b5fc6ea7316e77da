"""The database tables as SQLAlchemy Core `Table` objects: what every query uses.

`storage/tables.py` declares the schema as SQLModel classes (the database is created from
them, and Alembic compares against them). Importing SQLModel brings pydantic and the
SQLAlchemy ORM, about a third of the start-up of `hrd-coder status`, which only runs Core
queries (issue 15). So the queries use these mirrors instead, and
tests/test_core_tables.py checks that they match the SQLModel tables column by column
(name, type, nullability, key, default, foreign key, index): change both together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator


def utc_now() -> dt.datetime:
    """Now, in UTC (the time zone is kept so every backend reads back the same moment)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware moment stored in UTC and read back in UTC, as SQLModel's type of the same
    name does for the `dt.datetime` fields of tables.py (importing it would import
    SQLModel itself, which is what these tables avoid)."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"a naive moment ({value}) cannot be stored: give it a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:  # SQLite keeps no offset: what it holds is UTC
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


metadata = MetaData()


def _text(name: str, *, nullable: bool = False, **kwargs: Any) -> Column[Any]:
    """A short text column (SQLModel's `str` field: VARCHAR without a length)."""
    return Column(name, String(), nullable=nullable, **kwargs)


def _moment(name: str, *, default: bool = True) -> Column[Any]:
    return Column(name, UTCDateTime(), nullable=False, default=utc_now if default else None)


SETTING = Table(
    "setting",
    metadata,
    _text("key", primary_key=True),
    _text("value"),
)

CODER = Table(
    "coder",
    metadata,
    _text("name", primary_key=True),
    _text("role", default="coder"),
    _moment("created_at"),
)

CODEBOOK_VERSION = Table(
    "codebook_version",
    metadata,
    _text("hash", primary_key=True),
    _text("name"),
    _text("version"),
    Column("text", Text, nullable=False),
    _moment("loaded_at"),
)

CODE = Table(
    "code",
    metadata,
    _text("id", primary_key=True),
    _text("label"),
    _text("parent_id", nullable=True),
    Column("definition", Text, nullable=False),
    _text("color", nullable=True),
    _text("hotkey", nullable=True),
    _text("level", default="segment"),
    Column("case_variable", JSON, nullable=False),
    Column("position", Integer, nullable=False, default=0),
)

DOCUMENT = Table(
    "document",
    metadata,
    _text("id", primary_key=True),
    _text("kind", index=True),
    _text("title"),
    _text("path"),
    Column("text", Text, nullable=False),
    _text("sha256"),
    Column("meta", JSON, nullable=False),
    _moment("imported_at"),
)

CASE = Table(
    "cases",
    metadata,
    _text("id", primary_key=True),
    _text("name"),
    _text("country", index=True),
    Column("groups", JSON, nullable=False),
    Column("detained_on", Date, nullable=False),
    _text("detained_precision"),
    Column("featured_on", Date, nullable=True),
    _text("featured_precision", nullable=True),
    Column("released_on", Date, nullable=True),
    _text("released_precision", nullable=True),
    _text("release_type", nullable=True),
    Column("censored_on", Date, nullable=True),
    _text("censored_precision", nullable=True),
    Column("sources", JSON, nullable=False),
    Column("covariates", JSON, nullable=False),
    _text("path"),
)

DOCUMENT_CASE = Table(
    "document_case",
    metadata,
    Column(
        "document_id", String(), ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("case_id", String(), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
)

CODING = Table(
    "coding",
    metadata,
    _text("id", primary_key=True),
    Column("document_id", String(), ForeignKey("document.id"), nullable=False),
    Column("coder", String(), ForeignKey("coder.name"), nullable=False),
    Column("code_id", String(), ForeignKey("code.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    _text("prefix"),
    _text("suffix"),
    Column("case_id", String(), ForeignKey("cases.id"), nullable=True),
    Column("memo", Text, nullable=True),
    _text("codebook_hash"),
    _moment("created_at"),
    _moment("updated_at"),
    Index("ix_coding_document", "document_id", "start"),
    Index("ix_coding_case_code", "case_id", "code_id"),
    Index("ix_coding_code", "code_id"),
    Index("ix_coding_coder", "coder"),
)

DOCUMENT_MEMO = Table(
    "document_memo",
    metadata,
    Column("document_id", String(), ForeignKey("document.id"), primary_key=True),
    Column("coder", String(), ForeignKey("coder.name"), primary_key=True),
    Column("text", Text, nullable=False),
    _moment("updated_at"),
)

EVENT = Table(
    "event",
    metadata,
    Column("id", Integer, primary_key=True),
    _moment("at"),
    _text("coder", nullable=True),
    _text("action", index=True),
    _text("entity"),
    _text("entity_id", index=True),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("undo_of", Integer, nullable=True),
    Column("redo_of", Integer, nullable=True),
    Index("ix_event_coder", "coder", "id", "action", "undo_of", "redo_of"),
)

ASSIGNMENT = Table(
    "assignment",
    metadata,
    Column("document_id", String(), ForeignKey("document.id"), primary_key=True),
    _text("coder", primary_key=True),
    _text("sample", default="double-coding"),
    Column("seed", Integer, nullable=False),
    _moment("created_at"),
)

DOCUMENT_DONE = Table(
    "document_done",
    metadata,
    Column("document_id", String(), ForeignKey("document.id"), primary_key=True),
    _text("coder", primary_key=True),
    _moment("done_at"),
)

DECISION = Table(
    "decision",
    metadata,
    _text("id", primary_key=True),
    Column("document_id", String(), ForeignKey("document.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("code_id", String(), ForeignKey("code.id"), nullable=False),
    _text("choice"),
    Column("reason", Text, nullable=False),
    _text("adjudicator"),
    _moment("decided_at"),
    _text("unit", nullable=True),
    Column("basis", JSON, nullable=True),
)

ORPHANED_CODING = Table(
    "orphaned_coding",
    metadata,
    _text("coding_id", primary_key=True),
    _text("document_id", index=True),
    _text("coder"),
    _text("code_id"),
    Column("old_start", Integer, nullable=False),
    Column("old_end", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    _text("prefix"),
    _text("suffix"),
    _text("case_id", nullable=True),
    Column("memo", Text, nullable=True),
    _text("codebook_hash"),
    _moment("created_at", default=False),
    _moment("updated_at", default=False),
    _text("old_sha256"),
    Column("reason", Text, nullable=False),
    _moment("orphaned_at"),
)

FOREIGN_GUID = Table(
    "foreign_guid",
    metadata,
    _text("kind", primary_key=True),
    _text("local_id", primary_key=True),
    _text("guid", index=True),
)
