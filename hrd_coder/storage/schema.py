"""The schema's version: a new database is created at the latest revision, an older one is
backed up and upgraded with the Alembic migrations in `migrations/`, a newer one refused."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from hrd_coder.problems import ProjectError

if TYPE_CHECKING:
    from hrd_coder.storage.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"
# Databases made before migrations existed carry this setting and no alembic_version table.
FIRST_REVISION = "0001"
# Any constant works: it only has to be the same in every process that opens the database.
_UPGRADE_LOCK = 0x68726463


@dataclass(frozen=True)
class Upgrade:
    """What opening the database did to an older schema."""

    from_revision: str
    to_revision: str
    backup: str

    def message(self) -> str:
        """One line for the user: the upgrade and where the backup is."""
        return (
            f"upgraded the database schema from {self.from_revision} to "
            f"{self.to_revision}; the old database was backed up to {self.backup}"
        )


def prepare_schema(db: Database) -> Upgrade | None:
    """Bring the database to the latest schema; return what was upgraded, if anything."""
    head = _script().get_current_head()
    with db.writing() as conn:
        if not db.is_sqlite:  # SQLite's BEGIN IMMEDIATE already keeps a second process out
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
        current = stored_revision(conn)
        if current == head:
            return None
        if current is None:
            _refuse_foreign(conn, db)
            _create_tables(conn)
            _migration_context(conn).stamp(_script(), head)
            return None
        _refuse_unknown(current, db)
        backup = _backup(db, conn, current)
        _upgrade(conn)
        return Upgrade(current, head, backup)


def _create_tables(conn: Connection) -> None:
    """Create every table of a new database from the SQLModel schema (storage/tables.py);
    imported here, as only a new database needs it (issue 15)."""
    from sqlmodel import SQLModel

    from hrd_coder.storage import tables  # noqa: F401 (registers the tables on the metadata)

    SQLModel.metadata.create_all(conn)


def schema_is_current(db: Database) -> bool:
    """Whether the database is at the latest revision, with one query and without Alembic
    (importing Alembic costs ~60 ms, too much for every `hrd-coder status`; issue 15)."""
    try:
        with db.reading() as conn:
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:  # no alembic_version table: new, first-revision or foreign
        return False
    return stored == file_head_revision()


_REVISION_LINE = re.compile(r'^(down_)?revision\s*=\s*["\']?(\w+)', re.MULTILINE)


def file_head_revision() -> str | None:
    """The latest revision read straight from the migration files (the one no other follows)."""
    revisions, followed = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for down, name in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            (followed if down else revisions).add(name)
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


def stored_revision(conn: Connection) -> str | None:
    """The database's schema revision, or None for an empty database."""
    names = set(inspect(conn).get_table_names())
    if "alembic_version" in names:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    if "setting" in names:
        return FIRST_REVISION
    return None


def head_revision() -> str:
    """The latest schema revision this version of hrd-coder knows."""
    return _script().get_current_head()


def known_revisions() -> set[str]:
    """Every schema revision this version of hrd-coder can read or upgrade."""
    return {revision.revision for revision in _script().walk_revisions()}


def _refuse_foreign(conn: Connection, db: Database) -> None:
    """A database that holds tables but none of ours belongs to something else: never add
    our tables to it."""
    tables = sorted(inspect(conn).get_table_names())
    if tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise ProjectError(
            f"{db.url.render_as_string(hide_password=True)} is not an hrd_coder database "
            f"(it holds other tables: {shown}); nothing was written to it. Give the "
            "project's database, or a new, empty one, with --db"
        )


def _refuse_unknown(current: str, db: Database) -> None:
    if current not in known_revisions():
        raise ProjectError(
            f"the database {db.url.render_as_string(hide_password=True)} has schema "
            f"revision {current}, which this hrd-coder does not know: a newer hrd-coder "
            "wrote it; upgrade with pip install -U hrd-coder"
        )


def _upgrade(conn: Connection) -> None:
    from alembic import command

    if "alembic_version" not in inspect(conn).get_table_names():
        _migration_context(conn).stamp(_script(), FIRST_REVISION)
    config = _config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _backup(db: Database, conn: Connection, revision: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if db.is_sqlite:
        return _backup_sqlite_file(db, f"before-{revision}-upgrade-{stamp}")
    return _backup_postgres_schema(conn, f"hrd_backup_{revision}_{stamp}".lower())


def _backup_sqlite_file(db: Database, label: str) -> str:
    """A consistent copy of the file (SQLite's online backup), readable by its owner only.

    It reads through a connection of its own: our write lock keeps every other writer out
    and has written nothing yet, so that reader sees exactly what is about to be upgraded."""
    source = Path(db.url.database or "")
    target = source.with_name(f"{source.stem}.{label}{source.suffix}")
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    reader, destination = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reader.backup(destination)
        # One self-contained file: the copy would otherwise inherit WAL mode and side files.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        reader.close()
        destination.close()
    return str(target)


def _backup_postgres_schema(conn: Connection, schema: str) -> str:
    """Copies of every table into a schema of its own, in the upgrade's own transaction."""
    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    for table in inspect(conn).get_table_names(schema="public"):
        conn.execute(text(f'CREATE TABLE "{schema}"."{table}" AS TABLE public."{table}"'))
    return f"schema {schema} of the same database"


def _migration_context(conn: Connection):  # type: ignore[no-untyped-def]
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn)


def _script():  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def _config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
