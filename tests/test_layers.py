"""The layering of docs/architecture.md holds (issue 16): import-linter's contracts in
pyproject.toml pass, name every module they must, and break when a forbidden import is added
at the top of a module, inside a function or under `if TYPE_CHECKING:`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import hrd_coder

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(hrd_coder.__file__).parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
FRONT_ENDS = {"cli", "tui", "__main__"}
DOOR = {"__init__", "project", "records"}

LAYERS = "Layers point down"
ONE_DOOR = "Front ends go through one door"
NO_SQL = "hold no SQL"
SQL_IN_STORAGE = "the SQL is in storage/"
NO_TERMINAL = "Only the front ends use the terminal libraries"


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts on the hrd_coder package in `folder` (no cache left behind)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def contract(name_part: str) -> dict:
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (found,) = [c for c in contracts["contracts"] if name_part in c["name"]]
    return found


def top_level_modules() -> set[str]:
    """hrd_coder's own subpackages and modules, by their short names."""
    return {
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }


def test_the_contracts_hold():
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_one_door_contract_forbids_every_service_module_but_the_door():
    forbidden = set(contract(ONE_DOOR)["forbidden_modules"])
    services = {p.stem for p in (PACKAGE / "services").glob("*.py")} - DOOR
    assert forbidden == {f"hrd_coder.services.{name}" for name in services}


def test_the_terminal_contract_covers_every_module_but_the_front_ends():
    covered = set(contract(NO_TERMINAL)["source_modules"])
    core = top_level_modules() - FRONT_ENDS
    assert covered == {f"hrd_coder.{name}" for name in core}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The package and its contracts, copied where a test may break them."""
    shutil.copytree(PACKAGE, tmp_path / "hrd_coder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_copy_passes_before_it_is_broken(copy: Path):
    """Without this, every "breaks" test below could pass for another reason."""
    done = lint_imports(copy)
    assert done.returncode == 0, done.stdout + done.stderr


FORBIDDEN = [
    pytest.param(
        "codebook/model.py", "import hrd_coder.sources.cases\n", LAYERS, id="codebook-reads-sources"
    ),
    pytest.param(
        "sources/units.py",
        "def _later():\n    from hrd_coder.services import Project\n\n    return Project\n",
        LAYERS,
        id="inside-a-function",
    ),
    pytest.param(
        "analysis/cox.py",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from hrd_coder.tui.app import CoderApp\n",
        LAYERS,
        id="under-type-checking",
    ),
    pytest.param(
        "tui/colors.py", "from hrd_coder.services.coding import new_coding\n", ONE_DOOR, id="door"
    ),
    pytest.param("interop/qdc.py", "import sqlalchemy\n", NO_SQL, id="sql-in-interop"),
    pytest.param(
        "services/coverage.py",
        "def _later():\n    from sqlalchemy import select\n\n    return select\n",
        SQL_IN_STORAGE,
        id="sql-in-a-service",
    ),
    pytest.param("storage/events.py", "import rich\n", NO_TERMINAL, id="rich-in-storage"),
]


@pytest.mark.parametrize(("module", "added", "contract_name"), FORBIDDEN)
def test_a_forbidden_import_breaks_its_contract(
    copy: Path, module: str, added: str, contract_name: str
):
    path = copy / "hrd_coder" / module
    path.write_text(path.read_text() + "\n" + added, encoding="utf-8")
    done = lint_imports(copy)
    assert done.returncode != 0
    broken = [line for line in done.stdout.splitlines() if " BROKEN" in line]
    assert [line for line in broken if contract_name in line], done.stdout


def test_a_new_top_level_module_must_be_placed_in_a_layer(copy: Path):
    (copy / "hrd_coder" / "unplaced.py").write_text('"""Not in any layer yet."""\n')
    done = lint_imports(copy)
    assert done.returncode != 0
    assert "unplaced" in done.stdout
