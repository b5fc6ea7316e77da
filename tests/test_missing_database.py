"""Read-only commands never create a database (issue 21, item 4).

On a project that has no database yet, every command that only reads (and every command
that changes an existing one) stops with exit 2 and "no project database at PATH: run
`hrd-coder import` first", and creates nothing: no file, no `.hrd_coder` folder, no folders
of a `--db` path, no tables in an empty PostgreSQL database. `import` still creates it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, inspect

from hrd_coder.cli import main

# One command of each family that reads the project (and two that change it).
COMMANDS = [
    ["status"],
    ["codings", "list"],
    ["agreement"],
    ["export", "cases", "--out", "cases.csv"],
    ["export", "codings", "--out", "codings.csv"],
    ["export", "matrix"],
    ["export", "cooccurrence"],
    ["export", "qdpx"],
    ["export", "qdc"],
    ["log"],
    ["team", "list"],
    ["adjudicate", "list"],
    ["consensus", "status"],
    ["sample", "list"],
    ["media", "timeline", "c01"],
    ["explain", "c01", "reputational_costs"],
    ["report", "featured"],
    ["setting", "agreement_coverage"],
    ["codings", "add", "int01", "reputational_costs", "0", "5", "--coder", "lena"],
    ["team", "blind"],
]


def cli(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(root), *args])


def assert_no_database(result: Result, where: str) -> None:
    assert result.exit_code == 2, result.output + repr(result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"no project database at {where}: run `hrd-coder import` first" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_command_on_a_project_without_database_creates_nothing(
    demo_root: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(demo_root)  # where an export would land, were it written
    result = cli(demo_root, *command)
    assert_no_database(result, str(demo_root.resolve() / ".hrd_coder" / "project.sqlite"))
    assert not (demo_root / ".hrd_coder").exists()


def test_a_db_path_in_missing_folders_is_not_created(demo_root: Path, tmp_path: Path):
    missing = tmp_path / "nonexistent" / "dir" / "x.sqlite"
    result = cli(demo_root, "--db", f"sqlite:///{missing}", "status")
    assert_no_database(result, str(missing))
    assert not (tmp_path / "nonexistent").exists()


def test_an_empty_database_file_counts_as_none_and_stays_empty(demo_root: Path):
    empty = demo_root / "empty.sqlite"
    empty.touch()
    assert_no_database(cli(demo_root, "--db", f"sqlite:///{empty}", "status"), str(empty))
    assert empty.stat().st_size == 0


def test_an_empty_postgresql_database_gets_no_tables(demo_root: Path, postgres):
    url = postgres.new_database()
    result = cli(demo_root, "--db", url, "codings", "list")
    assert result.exit_code == 2, result.output
    assert "no project database at postgresql" in result.output
    assert "run `hrd-coder import` first" in result.output
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == []
    finally:
        engine.dispose()


def test_import_creates_the_database_and_then_reading_works(demo_root: Path):
    assert cli(demo_root, "import").exit_code == 0
    assert (demo_root / ".hrd_coder" / "project.sqlite").exists()
    result = cli(demo_root, "status")
    assert result.exit_code == 0, result.output
