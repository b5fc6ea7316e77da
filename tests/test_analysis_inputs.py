"""One analysis request reads its inputs once (issue 16): analysis.yaml, the case table and
the case files, counted by benchmarks/bench_analysis_inputs.py on the demo, on each database;
and the next request reads them again."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.bench_analysis_inputs import REPORT, STATA, Reads, count_reads
from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.conftest import write


@pytest.fixture
def coded_demo(demo_root: Path, db_url: str | None) -> tuple[Path, str | None]:
    """The demo imported, with both coders' codings and a consensus (some undecided)."""
    database = ["--db", db_url] if db_url else []
    for argv in (
        ["import"],
        ["codings", "load", "demo/codings.csv", "--mark-done"],
        ["consensus", "rebuild"],
    ):
        done = CliRunner().invoke(main, ["-p", str(demo_root), *database, *argv])
        assert done.exit_code == 0, done.output
    return demo_root, db_url


@pytest.mark.parametrize("argv", [REPORT, STATA], ids=["report", "export-stata"])
def test_one_request_parses_the_plan_builds_the_table_and_reads_case_files_once(
    coded_demo: tuple[Path, str | None], argv: tuple[str, ...]
) -> None:
    root, db_url = coded_demo
    reads, result = count_reads(root, argv, db_url)
    assert result.exit_code == 0, result.output
    assert reads == Reads(parses=1, builds=1, case_files=1)


def test_a_report_of_a_design_with_code_variables_builds_the_table_once(
    coded_demo: tuple[Path, str | None],
) -> None:
    """The code variables are added to the one case table, not built in a second one."""
    root, db_url = coded_demo
    plan = root / "analysis.yaml"
    write(
        plan,
        plan.read_text().replace(
            "covariates: [news_after]", "covariates: [news_after, private_diplomacy]"
        ),
    )
    argv = ("report", "featured_with_coverage", "--allow-incomplete")
    reads, result = count_reads(root, argv, db_url)
    assert result.exit_code == 0, result.output
    assert reads == Reads(parses=1, builds=1, case_files=1)
    assert "private_diplomacy" in result.output


def test_the_next_request_reads_an_edited_analysis_yaml(mini: Project) -> None:
    plan = mini.root / "analysis.yaml"
    write(
        plan,
        "campaign_date: 2015-09-01\ndesigns:\n  - name: first\n    cases: [featured, "
        "comparison]\n    group: featured\n    censor_date: 2017-09-01\n    events: [pardon]\n",
    )
    inputs = mini.analysis_inputs()
    assert [d.name for d in mini.analysis_plan(inputs=inputs).designs] == ["first"]
    write(plan, plan.read_text().replace("name: first", "name: second"))
    assert [d.name for d in mini.analysis_plan(inputs=inputs).designs] == ["first"]
    assert [d.name for d in mini.analysis_plan().designs] == ["second"]
