"""Model layers in `report DESIGN --by-layer` and `--robustness coders` (issue 18), on the
bundled demo with a real classifier run trained on lena: the layer is listed with its kind
and validation verdict, refused with the reason until its codes are validated as usable or
knowingly allowed, and never drawn from by the coder bootstrap. Its fit, once allowed, is
checked against the plain report on that layer (another code path)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project

DESIGN = """
  - name: with_mechanism
    cases: [featured, considered, comparison]
    group: featured
    censor_date: 2017-09-01
    events: [pardon, amnesty, sentence_completed, acquitted, conditional_release]
    covariates: [bureaucratic_deadlock]
"""


def demo_with_run(root: Path, url: str | None = None) -> tuple[Path, str]:
    """The demo with lena's and tomas's codings, a design on a mechanism, and a model layer."""
    from tests.conftest import copy_demo

    copy_demo(root)
    plan = root / "analysis.yaml"
    plan.write_text(plan.read_text().replace("designs:\n", "designs:" + DESIGN, 1))
    with Project.open(root, url) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        layer = project.suggest(train="lena").layer
    return root, layer


@pytest.fixture(scope="module")
def coded_demo(tmp_path_factory) -> tuple[Path, str]:
    return demo_with_run(tmp_path_factory.mktemp("robust") / "demo")


def run(root: Path, *arguments: str):
    return CliRunner().invoke(main, ["--project", str(root), *arguments])


def report_json(root: Path, *arguments: str) -> dict:
    result = run(root, "report", "with_mechanism", "--format", "json", *arguments)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_unvalidated_model_layer_is_listed_as_refused_with_its_reason(coded_demo):
    root, layer = coded_demo
    by_layer = report_json(root, "--by-layer")
    assert list(by_layer["by_layer"]) == ["lena", "tomas", layer]
    model = by_layer["by_layer"][layer]
    assert model["kind"] == "model" and model["verdict"] == "not validated"
    assert "has no validation" in model["refused"] and "bureaucratic_deadlock" in model["refused"]
    assert by_layer["layers"][layer] is None and model["evalue"] is None
    assert by_layer["by_layer"]["lena"]["kind"] == "human"
    assert any("--allow-unvalidated" in note for note in by_layer["notes"])
    robust = report_json(root, "--robustness", "coders", "--bootstrap", "10")
    assert robust["by_layer"][layer]["refused"] and robust["by_layer"][layer]["hr"] is None
    assert robust["bootstrap"]["layers"] == ["lena", "tomas"]
    assert f"(lena, tomas; {layer} refused: not validated as usable)" in robust["sentence"]
    table = run(root, "report", "with_mechanism", "--by-layer")
    assert table.exit_code == 0, table.output
    assert "refused: not validated" in table.output and "nan" not in table.output


def test_allowed_it_is_fitted_as_its_own_report_and_the_bootstrap_stays_human(coded_demo):
    root, layer = coded_demo
    before = report_json(root, "--robustness", "coders", "--bootstrap", "10", "--seed", "4")
    robust = report_json(
        root, "--robustness", "coders", "--bootstrap", "10", "--seed", "4", "--allow-unvalidated"
    )
    plain = report_json(root, "--layer", layer, "--allow-unvalidated")
    featured = plain["cox"]["coefficients"]["featured"]
    fitted = robust["by_layer"][layer]
    assert fitted["refused"] is None and fitted["verdict"] == "not validated"
    assert fitted["hr"] == pytest.approx(featured["hr"], rel=1e-9)
    assert fitted["evalue"] == pytest.approx(plain["evalue"]["evalue"], rel=1e-9)
    # the model layer is never a coder to draw from: the same draws as without it
    assert robust["bootstrap"] == before["bootstrap"]
    assert any("allowed with --allow-unvalidated; logged" in n for n in robust["notes"])
    by_layer = report_json(root, "--by-layer", "--allow-unvalidated")
    assert by_layer["layers"][layer]["featured"]["hr"] == pytest.approx(featured["hr"])


def test_after_validation_the_verdict_names_each_code_read(tmp_path):
    root, layer = demo_with_run(tmp_path / "demo")
    with Project.open(root) as project:
        found = project.validate_suggestions(layer.removeprefix("model:"), folds=3, bootstrap=0)
    code = found.codes["bureaucratic_deadlock"]
    data = report_json(root, "--by-layer")["by_layer"][layer]
    assert data["verdict"] == f"bureaucratic_deadlock {code.verdict}"
    if code.usable:
        assert data["refused"] is None and data["evalue"] is not None
    else:
        assert "found unusable" in data["refused"]


def test_the_same_on_postgresql(tmp_path, postgres):
    url = postgres.new_database()
    root, layer = demo_with_run(tmp_path / "demo", url)
    with Project.open(root, url) as project:
        refused = project.coder_robustness("with_mechanism", 5)
        allowed = project.coder_robustness("with_mechanism", 5, allow_unvalidated=True)
        plain = project.analyze("with_mechanism", layer, allow_unvalidated=True)
    model = {e.layer: e for e in refused.by_layer}[layer]
    assert model.kind == "model" and model.hr is None and "has no validation" in model.refused
    fitted = {e.layer: e for e in allowed.by_layer}[layer]
    assert fitted.hr == pytest.approx(plain.cox.summary.loc["featured", "hr"], rel=1e-9)
    assert allowed.bootstrap.layers == ("lena", "tomas")
