"""The Core tables that queries use (storage/core_tables.py) match the SQLModel schema the
database is created from (storage/tables.py), so the two cannot drift apart (issue 15)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

from hrd_coder.storage import core_tables, tables  # noqa: F401 (tables registers the schema)

SCHEMA = SQLModel.metadata
CORE = core_tables.metadata
DIALECTS = (sqlite.dialect(), postgresql.dialect())


def column_facts(column: Column[Any]) -> dict[str, Any]:
    """What a query or an insert relies on: DDL type per backend, keys, nulls, defaults."""
    default = column.default
    return {
        "type": [column.type.compile(dialect=d) for d in DIALECTS],
        "kind": column.type._type_affinity.__name__,  # String, Integer, DateTime, JSON...
        "nullable": column.nullable,
        "primary_key": column.primary_key,
        "default": None
        if default is None
        else ("callable" if default.is_callable else default.arg),  # type: ignore[attr-defined]
        "foreign_keys": sorted((f.target_fullname, f.ondelete) for f in column.foreign_keys),
    }


def table_facts(table: Table) -> dict[str, Any]:
    return {
        "columns": [(c.name, column_facts(c)) for c in table.columns],
        "indexes": sorted(
            (i.name, tuple(c.name for c in i.columns), i.unique) for i in table.indexes
        ),
    }


def test_the_same_tables():
    assert sorted(CORE.tables) == sorted(SCHEMA.tables)


@pytest.mark.parametrize("name", sorted(SCHEMA.tables))
def test_each_table_matches_column_by_column(name: str):
    assert table_facts(CORE.tables[name]) == table_facts(SCHEMA.tables[name])


def test_every_callable_default_is_the_same_clock():
    for name, table in SCHEMA.tables.items():
        for column in table.columns:
            if column.default is not None and column.default.is_callable:
                mirror = CORE.tables[name].columns[column.name].default
                assert mirror.arg.__wrapped__ is core_tables.utc_now, (name, column.name)
                assert column.default.arg.__wrapped__ is core_tables.utc_now, (name, column.name)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_moments_are_stored_and_read_in_utc_as_sqlmodel_does(dialect: Any):
    ours = core_tables.CODING.c.created_at.type
    theirs = SCHEMA.tables["coding"].c.created_at.type
    moment = dt.datetime(2015, 9, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    stored = ours.process_bind_param(moment, dialect)
    assert stored == theirs.process_bind_param(moment, dialect)
    assert stored.tzinfo == dt.UTC
    naive = moment.replace(tzinfo=None)
    assert ours.process_result_value(naive, dialect) == theirs.process_result_value(naive, dialect)
    assert ours.process_result_value(moment, dialect) == theirs.process_result_value(
        moment, dialect
    )
    with pytest.raises(ValueError, match="naive"):
        ours.process_bind_param(naive, dialect)


def test_only_the_schema_builders_import_the_sqlmodel_tables():
    """Queries and clocks come from the Core mirror: importing the SQLModel module loads
    pydantic and SQLModel, which `suggest` and the TUI do not need (issue 18)."""
    package = Path(core_tables.__file__).parents[1]
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^\s*from hrd_coder\.storage import tables\b", path.read_text(), re.M)
        or "storage.tables" in path.read_text()
    )
    assert importers == ["storage/migrations/env.py", "storage/schema.py"]
