"""`report DESIGN --layer model:RUN --released-by T --dsl-sample CODER` (issue 18): the
released-by-t model on a machine coder's layer, naive and corrected with a human's random
sample, on the bundled demo with a real classifier run.

The numbers are checked against the plain report's linear probability model (statsmodels
OLS, another code path): the naive fit is the report's on the model layer, and when the
sample holds every case history the correction is the report's on the human's layer.
"""

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


@pytest.fixture(scope="module")
def coded_demo(tmp_path_factory) -> tuple[Path, str]:
    """The demo with lena's and tomas's codings, a design on a mechanism, and a model layer."""
    from tests.conftest import copy_demo

    root = copy_demo(tmp_path_factory.mktemp("dsl") / "demo")
    plan = root / "analysis.yaml"
    plan.write_text(plan.read_text().replace("designs:\n", "designs:" + DESIGN, 1))
    with Project.open(root) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        layer = project.suggest(train="lena").layer
    return root, layer


def run(root: Path, *arguments: str):
    return CliRunner().invoke(main, ["--project", str(root), *arguments])


def report_json(root: Path, *arguments: str) -> dict:
    result = run(root, "report", "with_mechanism", "--format", "json", *arguments)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # a warning may go to stderr


def coefficients(data: dict) -> dict[str, float]:
    return {term: row["coef"] for term, row in data["released_by"]["model"].items()}


def test_naive_is_the_model_layers_report_and_a_full_sample_gives_the_humans(coded_demo, tmp_path):
    root, layer = coded_demo
    run(root, "sample", "clear", "lena")  # each test draws its own sample
    every = run(
        root, "sample", "assign", "lena", "--share", "1", "--seed", "5", "--kind", "case_history"
    )
    assert every.exit_code == 0, every.output
    with Project.open(root) as project:
        histories = [d.id for d in project.documents(kind="case_history")]
        project.mark_done(histories, coder="lena")
    found = report_json(root, "--layer", layer, "--released-by", "365", "--dsl-sample", "lena")
    # the plain report on an unvalidated model layer needs the flag; DSL does not (its
    # correction holds whatever the machine's errors)
    naive = coefficients(
        report_json(root, "--layer", layer, "--released-by", "365", "--allow-unvalidated")
    )
    human = coefficients(report_json(root, "--layer", "lena", "--released-by", "365"))
    assert found["sample"] == {
        "coder": "lena",
        "name": "double-coding",
        "share": 1.0,
        "seed": 5,
        "documents": 30,
    }
    assert found["labelled"] == found["n"]
    for term in ("const", "featured", "bureaucratic_deadlock"):
        assert found["terms"][term]["naive"] == pytest.approx(naive[term], abs=1e-10)
        assert found["terms"][term]["corrected"] == pytest.approx(human[term], abs=1e-10)


def test_a_partial_sample_corrects_with_the_cases_coded_and_says_so(coded_demo):
    root, layer = coded_demo
    run(root, "sample", "clear", "lena")  # each test draws its own sample
    drawn = run(
        root, "sample", "assign", "lena", "--share", "0.5", "--seed", "7", "--kind", "case_history"
    )
    assert drawn.exit_code == 0, drawn.output
    with Project.open(root) as project:
        sampled = [a.document_id for a in project.assignments("lena")]
        project.mark_done(sampled, coder="lena")
    shown = run(
        root,
        "report",
        "with_mechanism",
        "--layer",
        layer,
        "--released-by",
        "365",
        "--dsl-sample",
        "lena",
    )
    assert shown.exit_code == 0, shown.output
    assert "corrected (DSL) with lena's random sample 'double-coding' (share 0.5, seed 7)" in (
        shown.output
    )
    data = report_json(root, "--layer", layer, "--released-by", "365", "--dsl-sample", "lena")
    assert 0 < data["labelled"] < data["n"]
    assert data["terms"]["featured"]["corrected_se"] > 0


def test_no_sample_another_layer_or_missing_options_are_refused(coded_demo):
    root, layer = coded_demo
    none = run(
        root,
        "report",
        "with_mechanism",
        "--layer",
        layer,
        "--released-by",
        "365",
        "--dsl-sample",
        "tomas",
    )
    assert none.exit_code == 2 and "no random human sample for tomas" in none.output
    human = run(
        root,
        "report",
        "with_mechanism",
        "--layer",
        "lena",
        "--released-by",
        "365",
        "--dsl-sample",
        "tomas",
    )
    assert human.exit_code == 2 and "'lena' is not one" in human.output
    negative = run(
        root,
        "report",
        "with_mechanism",
        "--layer",
        layer,
        "--released-by",
        "-5",
        "--dsl-sample",
        "lena",
    )
    assert negative.exit_code == 2 and "above 0, not -5" in negative.output
    bare = run(root, "report", "with_mechanism", "--dsl-sample", "tomas")
    assert bare.exit_code == 2 and "give --layer model:RUN and --released-by DAYS" in bare.output


def test_a_report_on_a_model_layer_says_its_labels_are_taken_as_true(coded_demo):
    root, layer = coded_demo
    data = report_json(root, "--layer", layer, "--allow-unvalidated")
    assert any(f"come from {layer}, a machine coder" in note for note in data["notes"])
    assert any("the Cox model cannot" in note for note in data["notes"])
    human = report_json(root, "--layer", "lena")
    assert not any("machine coder" in note for note in human["notes"])


def test_explain_traces_a_model_value_to_its_run_and_passages(coded_demo):
    root, layer = coded_demo
    with Project.open(root) as project:
        run = next(r for r in project.suggestion_runs() if r.layer == layer)
        codings = project.codings(coder=layer)
    coding = next(c for c in codings if c.case_id and "." not in c.code_id)
    shown = CliRunner().invoke(
        main,
        ["--project", str(root), "explain", coding.case_id, coding.code_id, "--layer", layer],
    )
    assert shown.exit_code == 0, shown.output
    assert f"made by run {run.run} ({run.at}): classifier" in shown.output
    checksum = run.training_checksum[:12]
    assert f"trained on lena at the sentence level (codings checksum {checksum})" in shown.output
    assert f'"{coding.quote}" [{coding.memo}]' in shown.output
    assert coding.memo.startswith("p=") and f"(suggested by run {run.run})" in coding.memo
