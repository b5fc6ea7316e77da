"""Schema migrations: a database made by hrd-coder 0.1 (before migrations existed) is backed
up and upgraded on open; a new one is created at the latest revision; a newer one refused."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, func, insert, select, text
from sqlmodel import SQLModel

from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.storage import tables
from hrd_coder.storage.database import Database
from hrd_coder.storage.schema import _config, head_revision, stored_revision

# Made by hrd-coder 0.1 (commit b092d91): `hrd-coder import` and `hrd-coder --coder lena
# codings load demo/codings.csv` on the demo project, then VACUUM.
SCHEMA_1 = Path(__file__).parent / "data" / "schema_0001_demo.sqlite.gz"
DEMO_CODINGS = 373


def legacy_demo(demo_root: Path) -> Path:
    """The demo project with its database as hrd-coder 0.1 left it."""
    target = demo_root / ".hrd_coder" / "project.sqlite"
    target.parent.mkdir()
    with gzip.open(SCHEMA_1) as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return target


def schema_differences(database: Database) -> list:
    with database.reading() as conn:
        return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)


def count(database: Database, table) -> int:
    with database.reading() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_01_database_is_backed_up_and_upgraded_on_open(demo_root: Path) -> None:
    path = legacy_demo(demo_root)
    events_before = sqlite3.connect(path).execute("SELECT count(*) FROM event").fetchone()[0]

    with Project.open(demo_root) as project:
        upgrade = project.database.upgrade
        assert upgrade is not None
        assert (upgrade.from_revision, upgrade.to_revision) == ("0001", head_revision())
        with project.database.reading() as conn:
            assert stored_revision(conn) == head_revision()
        assert schema_differences(project.database) == []
        assert count(project.database, tables.Coding.__table__) == DEMO_CODINGS
        assert count(project.database, tables.Event.__table__) == events_before
        # The upgraded database is fully usable: a new coding is written and read back.
        added = project.add_coding(
            document="int01", start=0, end=5, code="reputational_costs", coder="ana"
        )
        assert project.codings(coder="ana")[0].id == added.id

    backup = Path(upgrade.backup)
    assert backup.parent == path.parent
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    copy = sqlite3.connect(backup)
    tables_in_backup = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    assert "alembic_version" not in tables_in_backup  # the backup is the untouched 0.1 file
    assert copy.execute("SELECT count(*) FROM coding").fetchone()[0] == DEMO_CODINGS
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    with Project.open(demo_root) as again:  # already current: no second upgrade or backup
        assert again.database.upgrade is None
    assert len(list(path.parent.glob("project.before-*"))) == 1


def test_upgrade_through_the_command_line_says_where_the_backup_is(demo_root: Path) -> None:
    from click.testing import CliRunner

    from hrd_coder.cli import main

    legacy_demo(demo_root)
    result = CliRunner().invoke(main, ["-p", str(demo_root), "status"])
    assert result.exit_code == 0, result.output
    assert "upgraded the database schema from 0001" in result.stderr
    assert "project.before-0001-upgrade-" in result.stderr


def _first_schema_with_rows(url: str) -> Database:
    """A database shaped as 0.1 made it (migration 0001, its settings, no alembic_version),
    filled with the demo's rows copied from the 0.1 file."""
    database = Database(url)
    with database.writing() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text("DROP TABLE alembic_version"))
    return database


def _copy_rows(source_file: Path, database: Database) -> None:
    source = create_engine(f"sqlite:///{source_file}")
    old = MetaData()
    old.reflect(source)
    with source.connect() as read, database.writing() as write:
        target = MetaData()
        target.reflect(write)
        for table in old.sorted_tables:
            rows = [dict(row) for row in read.execute(table.select()).mappings()]
            if rows:
                write.execute(insert(target.tables[table.name]), rows)


def test_a_01_database_upgrades_on_each_backend(demo_root: Path, db_url: str | None) -> None:
    path = legacy_demo(demo_root)
    url = f"sqlite:///{demo_root / 'copy.sqlite'}" if db_url is None else db_url
    database = _first_schema_with_rows(url)
    _copy_rows(path, database)
    database.close()

    with Project.open(demo_root, url) as project:
        assert project.database.upgrade is not None
        assert schema_differences(project.database) == []
        assert count(project.database, tables.Coding.__table__) == DEMO_CODINGS
        assert project.status().codings == DEMO_CODINGS
        if db_url is not None:  # the backup is a schema of copies in the same database
            schema = project.database.upgrade.backup.split()[1]
            with project.database.reading() as conn:
                copied = conn.execute(text(f'SELECT count(*) FROM "{schema}".coding')).scalar()
            assert copied == DEMO_CODINGS


def test_a_new_database_starts_at_the_latest_revision_and_owner_only(
    mini_root: Path, db_url: str | None
) -> None:
    with Project.open(mini_root, db_url) as project:
        assert project.database.upgrade is None
        with project.database.reading() as conn:
            assert stored_revision(conn) == head_revision()
        assert schema_differences(project.database) == []
        if db_url is None:
            file = Path(project.database.url.database)
            assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_a_database_from_a_newer_hrd_coder_is_refused(mini_root: Path, db_url: str | None) -> None:
    with Project.open(mini_root, db_url) as project:
        with project.database.writing() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        url = project.database.url.render_as_string(hide_password=False)
    with pytest.raises(ProjectError, match="revision 9999.*newer hrd-coder"):
        Project.open(mini_root, url)
