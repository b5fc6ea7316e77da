"""`hrd-coder report DESIGN` prints its tables before it draws the figures (issue 15: the
figures take longer than the fitting), and a folder it cannot write the figures into is a
message with exit 2, after the tables, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project

DESIGN = "featured_vs_considered"


@pytest.fixture
def demo(demo_root: Path) -> Path:
    with Project.open(demo_root) as project:
        project.import_files()
    return demo_root


def test_tables_come_first_and_the_figures_are_drawn_after(demo: Path, tmp_path: Path):
    out = tmp_path / "figures"
    result = CliRunner().invoke(main, ["-p", str(demo), "report", DESIGN, "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{DESIGN}: 20 cases")
    figures = [i for i, line in enumerate(lines) if line.startswith("figure: ")]
    assert figures == list(range(len(lines) - len(figures), len(lines)))  # the last lines
    for index in figures:
        assert Path(lines[index].removeprefix("figure: ")).stat().st_size > 0


def test_a_figure_folder_that_cannot_be_written_is_a_message(demo: Path, tmp_path: Path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["-p", str(demo), "report", DESIGN, "--out", str(blocker / "figures")]
    )
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert result.output.startswith(f"{DESIGN}: 20 cases")  # the tables were printed
    assert f"cannot write the figures into {blocker / 'figures'}" in result.output
    assert "choose a folder you can write to with --out" in result.output
