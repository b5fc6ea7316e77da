"""`hrd-coder status`, `codings list`, `log` and `codings add` start fast: they must not import
the heavy libraries only analysis, the workbench, a new database or a codebook edit need
(issue 15; figures in docs/benchmarks.md). Checked in a fresh interpreter, never by timing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = ("codebook.yaml", "analysis.yaml", "cases", "transcripts", "media", "demo")
HEAVY = (
    "pandas",
    "numpy",
    "alembic",
    "textual",
    "matplotlib",
    "lifelines",
    "sklearn",
    # The SQLModel schema, the ORM and the codebook's pydantic model: the queries use Core
    # tables, and a codebook unchanged since its import is not read again.
    "sqlmodel",
    "sqlalchemy.orm",
    "pydantic",
    # The PostgreSQL driver and dialect, on a project on SQLite.
    "psycopg",
    "sqlalchemy.dialects.postgresql",
)

RUN_THEN_LIST_HEAVY = """
import sys
from hrd_coder.cli import main
try:
    main({args!r})
except SystemExit as stop:
    assert not stop.code, stop.code
print("HEAVY:", ",".join(m for m in {heavy!r} if m in sys.modules))
"""

COMMANDS = {
    "status": ["status"],
    "codings list": ["codings", "list"],
    "log": ["log"],
    # Last: it adds a coding to the shared demo project.
    "codings add": ["codings", "add", "int01", "reputational_costs", "0", "11", "--coder", "ana"],
}


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's demo project, copied and imported into its SQLite database."""
    folder = tmp_path_factory.mktemp("demo")
    for name in DEMO:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy2(source, folder / name)
    subprocess.run(
        [sys.executable, "-m", "hrd_coder", "import"], cwd=folder, check=True, capture_output=True
    )
    return folder


@pytest.mark.parametrize("command", COMMANDS)
def test_command_imports_no_heavy_library(demo_project: Path, command: str) -> None:
    script = RUN_THEN_LIST_HEAVY.format(args=COMMANDS[command], heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=demo_project,
        capture_output=True,
        text=True,
        check=True,
    )
    heavy = done.stdout.rsplit("HEAVY:", 1)[1].strip()
    assert heavy == "", f"`hrd-coder {command}` imported {heavy}"
