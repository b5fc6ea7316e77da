"""`report DESIGN --by-layer` and `--robustness coders` refuse an incomplete consensus as
`report DESIGN --layer consensus` does (found walking the study path of issues 17 and 18: a
coder's later change left one unit undecided, and both tables still fitted the consensus
column, its undecided units silently counted as not coded). The layer is listed with the
reason; `--allow-incomplete` fits it with a warning, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.analysis.test_model_layer_robustness import DESIGN


def incomplete_consensus(root: Path, url: str | None) -> Path:
    """The demo, two coders' codings, one unit decided: a consensus layer with undecided units."""
    from tests.conftest import copy_demo

    copy_demo(root)
    plan = root / "analysis.yaml"
    plan.write_text(plan.read_text().replace("designs:\n", "designs:" + DESIGN, 1))
    with Project.open(root, url) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        first = project.disagreements()[0]
        project.decide(first, next(iter(first.marks)), adjudicator="ana")
        assert not project.consensus_status().complete
    return root


def report_json(root: Path, url: str | None, *arguments: str) -> dict:
    db = ["--db", url] if url else []
    result = CliRunner().invoke(
        main,
        ["--project", str(root), *db, "report", "with_mechanism", "--format", "json", *arguments],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_incomplete_consensus_is_listed_not_fitted_unless_allowed(tmp_path, db_url):
    root = incomplete_consensus(tmp_path / "demo", db_url)
    for option in (["--by-layer"], ["--robustness", "coders", "--bootstrap", "5"]):
        found = report_json(root, db_url, *option)
        consensus = found["by_layer"]["consensus"]
        assert consensus["kind"] == "consensus" and consensus["verdict"] == "incomplete"
        assert "the consensus layer is incomplete" in consensus["refused"]
        assert consensus["evalue"] is None
        assert any("--allow-incomplete" in note for note in found["notes"])
        assert found["by_layer"]["lena"]["refused"] is None
        allowed = report_json(root, db_url, *option, "--allow-incomplete")
        assert allowed["by_layer"]["consensus"]["refused"] is None
        assert allowed["by_layer"]["consensus"]["evalue"] is not None
        assert any(n.startswith("the consensus layer is incomplete (") for n in allowed["notes"])
    robust = report_json(root, db_url, "--robustness", "coders", "--bootstrap", "5")
    assert robust["by_layer"]["consensus"]["hr"] is None
    assert "(lena, tomas; consensus refused: incomplete)" in robust["sentence"]
