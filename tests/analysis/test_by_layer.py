"""The design's Cox model fitted once per coder layer: same numbers as a direct fit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from tests.analysis.layered_project import LENA, TOMAS, direct_hazard_ratios
from tests.conftest import finish_coding, write


def direct_hr(coded: list[str]) -> float:
    """The hazard ratio of reputational_costs, fitted straight from the case list."""
    return direct_hazard_ratios(coded)["rep"]


def test_each_layer_gets_its_own_fit(layered):
    found = layered.analyze_by_layer("named")
    assert found.layers == ("lena", "tomas")
    summary = found.summary.set_index(["layer", "covariate"])
    lena = summary.loc[("lena", "reputational_costs"), "hr"]
    tomas = summary.loc[("tomas", "reputational_costs"), "hr"]
    assert lena == pytest.approx(direct_hr(LENA), rel=1e-6)
    assert tomas == pytest.approx(direct_hr(TOMAS), rel=1e-6)
    assert lena != pytest.approx(tomas, rel=0.05)
    assert set(summary.index.get_level_values("covariate")) == {"featured", "reputational_costs"}
    table = found.table()
    assert list(table.columns) == ["covariate", "lena", "tomas"]
    assert list(table["covariate"]) == ["featured", "reputational_costs"]
    assert table.loc[1, "lena"].startswith(f"{lena:.3g} [")


def test_consensus_is_a_layer_once_it_has_codings(layered):
    # tomas codes c03 too (another code), so the two differ there on reputational_costs
    layered.add_coding(document="c03", code="mobilizing", start=0, end=20, coder="tomas")
    finish_coding(layered)
    layered.rebuild_consensus(by="ana", unit="document")
    queue = layered.disagreements()
    item = next(i for i in queue if i.code_id == "reputational_costs")
    layered.decide(item, "lena", adjudicator="ana")
    assert layered.analyze_by_layer("named").layers == ("lena", "tomas", "consensus")


def test_a_design_without_code_variables_is_refused(layered):
    text = (layered.root / "analysis.yaml").read_text()
    write(layered.root / "analysis.yaml", text.replace("[reputational_costs]", "[]"))
    with pytest.raises(ProjectError, match="uses no code variable"):
        layered.analyze_by_layer("named")


def test_the_command_prints_every_format(layered, tmp_path):
    runner = CliRunner()
    base = ["--project", str(layered.root), "report", "named", "--by-layer"]
    plain = runner.invoke(main, base)
    assert plain.exit_code == 0, plain.output
    assert "reputational_costs" in plain.output and "tomas" in plain.output
    markdown = runner.invoke(main, [*base, "--format", "markdown"]).output
    assert "| covariate | lena | tomas |" in markdown
    latex = runner.invoke(main, [*base, "--format", "latex"]).output
    assert r"covariate & lena & tomas \\" in latex and r"reputational\_costs" in latex
    data = json.loads(runner.invoke(main, [*base, "--format", "json"]).output)
    assert set(data["layers"]) == {"lena", "tomas"}
    written = runner.invoke(main, [*base, "--format", "csv", "--out", str(tmp_path)])
    assert written.exit_code == 0, written.output
    import pandas as pd

    back = pd.read_csv(tmp_path / "named.by_layer.csv")
    assert list(back.columns) == [
        "layer",
        "covariate",
        "hr",
        "hr_low",
        "hr_high",
        "p",
        "n",
        "events",
        "evalue",
        "evalue_ci",
        "rv_q",
        "rv_qa",
    ]
    assert len(back) == 4
    kinds = pd.read_csv(tmp_path / "named.by_layer_kinds.csv")
    assert list(kinds.columns) == ["layer", "kind", "verdict", "evalue", "evalue_ci"]
    assert list(kinds["kind"]) == ["human", "human"]
    mixed = runner.invoke(main, [*base, "--layer", "lena"])
    assert mixed.exit_code != 0 and "--by-layer fits every layer" in mixed.output
