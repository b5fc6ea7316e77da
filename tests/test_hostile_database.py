"""--db naming something that is not an hrd_coder database, a damaged database, and `init`
where nothing can be written (issues 19 and 20): a clear message, exit code 2, no traceback,
and the file named is never written to."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, inspect, text

from hrd_coder.cli import main


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_refused(result: Result, *expected: str) -> None:
    """Exit code 2, each expected text in the message, and no traceback."""
    assert result.exit_code == 2, result.output + repr(result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for line in expected:
        assert line in result.output, result.output


def fingerprint(path: Path) -> tuple[bytes, int]:
    """The file's bytes and modification time, to show that nothing touched it."""
    return path.read_bytes(), path.stat().st_mtime_ns


def test_a_text_file_given_as_database_is_refused_and_never_written(demo_root: Path):
    notes = demo_root / "notes.txt"
    notes.write_text("Not a database: notes from the field.\n" * 50, encoding="utf-8")
    before = fingerprint(notes)
    result = cli("--project", str(demo_root), "--db", f"sqlite:///{notes}", "status")
    assert_refused(result, f"{notes} is not an hrd_coder database (not an SQLite file)")
    assert fingerprint(notes) == before
    assert not Path(f"{notes}-wal").exists() and not Path(f"{notes}-journal").exists()


def test_etc_passwd_given_as_database_is_refused(demo_root: Path):
    passwd = Path("/etc/passwd")
    before = fingerprint(passwd)
    result = cli("--project", str(demo_root), "--db", "sqlite:////etc/passwd", "import")
    assert_refused(result, "/etc/passwd is not an hrd_coder database")
    assert fingerprint(passwd) == before


@pytest.mark.parametrize("inside", ["a folder", "under a file"])
def test_a_database_path_that_cannot_be_a_file_is_refused(demo_root: Path, inside: str):
    path = demo_root / "cases" if inside == "a folder" else demo_root / "codebook.yaml" / "db"
    result = cli("--project", str(demo_root), "--db", f"sqlite:///{path}", "status")
    assert_refused(result, f"cannot open the database {path}")


def test_another_programs_sqlite_database_is_refused_and_never_written(demo_root: Path):
    other = demo_root / "zotero.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT)")
        connection.execute("INSERT INTO items (title) VALUES ('a book')")
    connection.close()
    before = fingerprint(other)
    result = cli("--project", str(demo_root), "--db", f"sqlite:///{other}", "import")
    assert_refused(result, f"{other} is not an hrd_coder database (it holds other tables: items)")
    assert fingerprint(other) == before


def test_another_programs_postgresql_database_is_refused(demo_root: Path, postgres):
    url = postgres.new_database()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE items (id integer PRIMARY KEY, title text)"))
        conn.execute(text("INSERT INTO items VALUES (1, 'a book')"))
    result = cli("--project", str(demo_root), "--db", url, "import")
    assert_refused(result, "is not an hrd_coder database (it holds other tables: items)")
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["items"]
        assert conn.execute(text("SELECT count(*) FROM items")).scalar_one() == 1
    engine.dispose()


def damaged_copy(demo_root: Path) -> Path:
    """The demo's imported database, with 64 KB in the middle overwritten."""
    assert cli("--project", str(demo_root), "import").exit_code == 0
    source = demo_root / ".hrd_coder" / "project.sqlite"
    damaged = demo_root / "damaged.sqlite"
    shutil.copy(source, damaged)
    with damaged.open("r+b") as file:
        file.seek(damaged.stat().st_size // 2)
        file.write(b"\xff" * 65536)
    return damaged


def test_a_damaged_database_is_detected_on_open_and_never_read(demo_root: Path):
    damaged = damaged_copy(demo_root)
    before = fingerprint(damaged)
    for command in (["status"], ["codings", "list"], ["import"]):
        result = cli("--project", str(demo_root), "--db", f"sqlite:///{damaged}", *command)
        assert_refused(
            result,
            f"the database {damaged} is damaged (SQLite's quick_check:",
            "nothing was read from it",
            "restore the latest backup",
            ".recover",
        )
    assert fingerprint(damaged) == before


def test_the_sound_database_still_opens_after_a_check(demo_root: Path):
    damaged_copy(demo_root)  # imports the demo first
    result = cli("--project", str(demo_root), "status", "--format", "json")
    assert result.exit_code == 0, result.output


def test_init_under_a_file_is_refused(tmp_path: Path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    result = cli("init", str(blocker / "study"))
    assert_refused(result, f"cannot create a project in {blocker / 'study'}", "Not a directory")
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root writes into read-only folders: the folder-under-a-file test covers the message",
)
def test_init_in_a_read_only_folder_is_refused(tmp_path: Path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = cli("init", str(folder / "study"))
        assert_refused(result, "cannot create a project in", "Permission denied")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
