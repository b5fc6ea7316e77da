"""`hrd-coder status` starts fast: it must not import the heavy libraries only analysis needs
(issue 15; figures in docs/benchmarks.md). Checked in a fresh interpreter, never by timing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = ("codebook.yaml", "analysis.yaml", "cases", "transcripts", "media", "demo")
HEAVY = ("pandas", "numpy", "alembic", "textual", "matplotlib", "lifelines", "sklearn")

RUN_STATUS_THEN_LIST_HEAVY = f"""
import sys
from hrd_coder.cli import main
try:
    main(["status"])
except SystemExit as stop:
    assert not stop.code, stop.code
print("HEAVY:", ",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


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


def test_status_imports_no_heavy_library(demo_project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN_STATUS_THEN_LIST_HEAVY],
        cwd=demo_project,
        capture_output=True,
        text=True,
        check=True,
    )
    heavy = done.stdout.rsplit("HEAVY:", 1)[1].strip()
    assert heavy == "", f"`hrd-coder status` imported {heavy}"
