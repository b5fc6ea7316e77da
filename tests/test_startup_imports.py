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


COLLECTOR_DURING_THE_WORK = """
import gc, sys
from hrd_coder.services import Project

asked = Project.status

def status(self):
    print("ON:", gc.isenabled(), "FROZEN:", gc.get_freeze_count() > 0)
    return asked(self)

Project.status = status
gc.enable()  # as `run` finds it
sys.argv = ["hrd-coder", "status"]
from hrd_coder.cli import run
run()
"""


def test_the_program_collects_garbage_during_a_commands_work(demo_project: Path) -> None:
    """`run` turns the garbage collector off for the start-up imports only (and freezes
    what they made): by the time a command works on the project, it is on again."""
    done = subprocess.run(
        [sys.executable, "-c", COLLECTOR_DURING_THE_WORK],
        cwd=demo_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ON: True FROZEN: True" in done.stdout
    assert "documents" in done.stdout  # and status did its work


def test_calling_main_in_a_process_leaves_its_collector_alone(demo_project: Path) -> None:
    """The tests (and any program embedding the command line) call `main`: nothing is
    frozen there, or every test's garbage would outlive it."""
    import gc

    from hrd_coder.cli import main

    frozen = gc.get_freeze_count()
    with pytest.raises(SystemExit) as stop:
        main(["--project", str(demo_project), "status"])
    assert stop.value.code in (0, None)
    assert gc.isenabled() and gc.get_freeze_count() == frozen
