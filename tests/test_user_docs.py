"""`hrd-coder docs [PAGE]` prints the installed user guide (issue 15: a new project's
codebook comment points to a page the project does not have a copy of)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.user_docs import PACKAGE, PLACES

REPO = Path(__file__).resolve().parents[1]


def test_docs_lists_every_page_with_its_title():
    result = CliRunner().invoke(main, ["docs"])
    assert result.exit_code == 0, result.output
    for page in (REPO / "docs").glob("*.md"):
        assert page.stem in result.output
    assert "codebook       The codebook: `codebook.yaml`" in result.output


def test_docs_page_prints_the_page_as_written():
    result = CliRunner().invoke(main, ["docs", "codebook"])
    assert result.exit_code == 0
    assert result.output == (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert CliRunner().invoke(main, ["docs", "Cases.md"]).output.startswith("# Case files")


def test_an_unknown_page_names_the_pages_there_are():
    result = CliRunner().invoke(main, ["docs", "codbook"])
    assert result.exit_code == 2
    assert "no page named 'codbook'" in result.output and "codebook, codings-file" in result.output


def test_the_wheel_carries_the_pages_where_the_command_looks():
    """Installed from a wheel there is no docs/ folder beside the package."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["docs"] == "hrd_coder/docs"
    assert PACKAGE / "docs" in PLACES
