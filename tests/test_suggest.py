"""The machine coder's classifier backend, run for real (issue 17): suggestions land only in
their own layer `model:<run>`, every run is recorded, and validation finds a planted signal
and no agreement beyond chance where there is none."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import AccessRefused, ProjectError
from hrd_coder.services import Project
from hrd_coder.services.agreement import AgreementRequest
from tests.conftest import reopen
from tests.planted import DOCUMENTS, SENTENCES, code_planted, planted_files, planted_project


@pytest.fixture
def planted(tmp_path: Path, db_url: str | None):
    """The planted project, coded by ana, on SQLite and on PostgreSQL."""
    project = planted_project(tmp_path / "planted", db_url)
    yield project
    project.close()


def layer_rows(project: Project, layer: str) -> list[tuple]:
    return sorted(
        (c.document_id, c.code_id, c.start, c.end, c.memo.split()[0])
        for c in project.codings(coder=layer)
    )


def test_suggestions_land_only_in_their_model_layer(planted: Project):
    humans = {c.id: c for c in planted.codings()}
    run = planted.suggest(train="ana", seed=3)
    after = planted.codings()
    added = [c for c in after if c.id not in humans]
    assert (run.run, run.layer) == ("classifier-1", "model:classifier-1")
    assert {c.coder for c in added} == {run.layer}
    assert len(added) == run.suggestions == sum(run.by_code.values()) > 0
    assert {c.id: c for c in after if c.id in humans} == humans  # no human coding touched
    assert run.codes == ("sanctions", "noise")
    assert run.skipped == {"rare": 3}  # too few to learn from: skipped, said so
    for coding in added:
        probability = float(coding.memo.split()[0].removeprefix("p="))
        assert 0.5 <= probability <= 1
        assert coding.memo.endswith("(suggested by run classifier-1)")
    # A model layer is no coder: not in coverage, the team or the count of coders.
    assert run.layer not in planted.coverage().coders
    assert run.layer not in dict(planted.team())
    assert planted.status().coders == 1


def test_no_person_can_code_in_a_model_layer(planted: Project):
    run = planted.suggest(train="ana")
    with pytest.raises(ProjectError, match="is not valid"):
        Project.check_coder_name(run.layer)
    with pytest.raises(ProjectError, match="is not valid"):
        planted.add_coding(document="int01", code="noise", start=0, end=5, coder=run.layer)
    with pytest.raises(ProjectError, match="machine coder's suggestions"):
        planted.suggest(train=run.layer)


def test_suggestions_never_enter_agreement_or_the_consensus(tmp_path: Path, db_url: str | None):
    """ben codes as ana does; consensus is rebuilt before and after a run trained on it."""
    root = tmp_path / "two"
    plan = planted_files(root)
    project = Project.open(root, db_url)
    project.import_files()
    code_planted(project, plan, "ana")
    code_planted(project, plan, "ben")
    project.rebuild_consensus(by="lead")
    consensus = layer_spans(project, Project.CONSENSUS)
    run = project.suggest()  # trained on consensus, the default
    assert run.train == "consensus"
    project.rebuild_consensus(by="lead")
    assert layer_spans(project, Project.CONSENSUS) == consensus
    rows = project.agreement(AgreementRequest(bootstrap=0))
    assert {row.coders for row in rows} == {2}  # ana and ben, not the model
    assert project.disagreements() == []
    project.close()


def layer_spans(project: Project, layer: str) -> set[tuple]:
    return {(c.document_id, c.code_id, c.start, c.end) for c in project.codings(coder=layer)}


def test_every_run_is_recorded_with_what_made_it(planted: Project):
    run = planted.suggest(train="ana", seed=9)
    assert planted.suggestion_runs() == [run]
    (event,) = planted.event_log(planted.log_filter(action="suggest.run"))
    assert event.entity_id == run.run
    assert reopen(planted).suggestion_runs() == [run]  # read back from the database
    assert run.backend == "classifier" and run.version.startswith("scikit-learn ")
    assert run.codebook_hash == planted.codebook.hash
    assert (run.train, run.unit, run.seed) == ("ana", "sentence", 9)
    assert run.settings["threshold"] == 0.5 and run.settings["word_ngrams"] == [1, 2]
    assert (run.training_documents, run.training_units) == (DOCUMENTS, DOCUMENTS * SENTENCES)
    assert run.documents == DOCUMENTS and run.units == DOCUMENTS * SENTENCES
    assert run.seconds > 0
    # The checksum, recomputed here from the stored codings by its documented recipe.
    lines = sorted(
        f"{c.document_id}\t{c.code_id}\t{c.start}\t{c.end}" for c in planted.codings(coder="ana")
    )
    assert run.training_checksum == hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_the_same_seed_gives_the_same_suggestions(planted: Project):
    first = planted.suggest(train="ana", seed=5)
    second = planted.suggest(train="ana", seed=5)
    assert second.run == "classifier-2"
    assert layer_rows(planted, first.layer) == layer_rows(planted, second.layer)


def test_suggestions_for_chosen_documents_only(planted: Project):
    run = planted.suggest(train="ana", documents=["int03"])
    assert {c.document_id for c in planted.codings(coder=run.layer)} == {"int03"}
    assert run.documents == 1 and run.units == SENTENCES


def test_validation_finds_the_planted_signal_and_no_agreement_in_noise(planted: Project):
    run = planted.suggest(train="ana")
    found = planted.validate_suggestions(run.run, folds=4, bootstrap=200)
    assert (found.folds, found.documents, found.reference) == (4, DOCUMENTS, "ana")
    signal, noise = found.codes["sanctions"], found.codes["noise"]
    assert signal.alpha >= 0.8 and signal.verdict == "reliable" and signal.usable
    assert signal.f1 >= 0.9
    # The same classifier on shuffled labels: nothing beyond chance.
    assert abs(signal.baseline_alpha) < 0.2
    # Labels with no signal: the interval holds 0 and the code is unusable.
    assert noise.alpha_low <= 0 <= noise.alpha_high and noise.alpha < 0.2
    assert not noise.usable and found.unusable == ["noise"]
    assert not found.training_changed
    (event,) = planted.event_log(planted.log_filter(action="suggest.validate"))
    assert event.entity_id == run.run
    text = Project.methods_paragraph(found)
    assert "4-fold cross-validation by document" in text
    assert "Usable: sanctions (alpha = " in text and "Unusable: noise." in text


def test_validation_statistics_match_the_textbook_formulas(planted: Project):
    """Alpha and kappa of each code, recomputed from its 2x2 table: Krippendorff (2011,
    "Computing Krippendorff's alpha-reliability", nominal data, two coders, no missing
    values) and Cohen (1960)."""
    run = planted.suggest(train="ana")
    found = planted.validate_suggestions(run.run, folds=3, bootstrap=0)
    for code in found.codes.values():
        both = code.true_positives
        only_reference, only_model = code.false_negatives, code.false_positives
        units = code.units
        neither = units - both - only_reference - only_model
        assert code.marked == both + only_reference and code.suggested == both + only_model
        n = 2 * units  # pairable values
        ones = 2 * both + only_reference + only_model
        zeros = n - ones
        alpha = 1 - (n - 1) * (only_reference + only_model) / (ones * zeros)
        observed = (both + neither) / units
        chance = (
            code.marked * code.suggested + (units - code.marked) * (units - code.suggested)
        ) / units**2
        kappa = (observed - chance) / (1 - chance)
        assert code.alpha == pytest.approx(alpha, abs=1e-9)
        assert code.kappa == pytest.approx(kappa, abs=1e-9)
        precision = both / (both + only_model) if both + only_model else 0.0
        assert code.precision == pytest.approx(precision)
        assert code.recall == pytest.approx(both / (both + only_reference))


def test_a_blind_coder_trains_only_on_their_own_layer(planted: Project):
    planted.viewer = "ana"
    planted.set_role("ana", "lead")
    planted.set_role("ben", "coder")
    planted.set_layers("blind")
    run = planted.suggest(train="ana")
    ben = reopen(planted)
    ben.viewer = "ben"
    with pytest.raises(AccessRefused, match="only their own layer"):
        ben.suggest(train="ana")
    with pytest.raises(AccessRefused, match="only their own layer"):
        ben.codings(coder=run.layer)
    with pytest.raises(ProjectError, match="there is no suggestion run"):
        ben.validate_suggestions(run.run)  # as for another layer's coding id: not shown
    assert ben.suggestion_runs() == []  # ana's run names her layer and counts: not ben's
    assert planted.suggestion_runs() == [run]
    ben.close()


# -- the command line (SQLite) -------------------------------------------------------------


@pytest.fixture
def planted_folder(tmp_path: Path) -> Path:
    project = planted_project(tmp_path / "cli", None)
    project.close()
    return project.root


def cli(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), "suggest", *args])


def test_the_cli_runs_lists_and_validates_in_json(planted_folder: Path):
    done = cli(planted_folder, "run", "--train", "ana", "--seed", "2", "--format", "json")
    assert done.exit_code == 0, done.output
    made = json.loads(done.output)
    assert (made["run"], made["layer"]) == ("classifier-1", "model:classifier-1")
    listed = json.loads(cli(planted_folder, "list", "--format", "json").output)
    assert [r["run"] for r in listed] == ["classifier-1"]
    done = cli(
        planted_folder, "validate", "classifier-1", "--folds", "3", "--bootstrap", "50",
        "--methods", "--format", "json",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    checked = json.loads(done.output)
    assert set(checked["codes"]) == {"sanctions", "noise"}
    for values in checked["codes"].values():
        assert {"alpha", "kappa", "precision", "recall", "f1", "verdict"} <= set(values)
    assert checked["methods"].startswith("Machine suggestions (run classifier-1)")
    table = cli(planted_folder, "validate", "classifier-1", "--folds", "3", "--bootstrap", "0")
    assert "sanctions" in table.output and "not usable" in table.output
    # each unusable code with its own reason (found walking issue 17: codes no one marked
    # and codes too rare to judge were all said to have "alpha below 0.667")
    assert "not usable: noise (alpha below 0.667)" in table.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--train", "nobody"], "there is no layer 'nobody' to train on"),
        (["run"], "the consensus layer is empty"),
        (["run", "--train", "ana", "--code", "rare"], "code 'rare' has 3 of 360 sentences"),
        (["run", "--train", "ana", "--backend", "gpt"], "unknown backend 'gpt'"),
        (["run", "--train", "ana", "--document", "int99"], "there is no document 'int99'"),
        (["validate", "classifier-9"], "there is no suggestion run 'classifier-9'"),
    ],
)
def test_bad_input_is_refused_with_advice_and_nothing_written(
    planted_folder: Path, args: list[str], message: str
):
    done = cli(planted_folder, *args)
    assert done.exit_code == 2, done.output
    assert message in done.output
    with Project.open(planted_folder) as project:
        assert project.suggestion_runs() == []
        assert {c.coder for c in project.codings()} == {"ana"}


def test_the_demo_gets_suggestions_and_a_validation(demo_root: Path):
    """The bundled demo, coded by lena and tomas (demo/codings.csv), for real."""
    with Project.open(demo_root) as project:
        project.import_files()
        project.load_codings(demo_root / "demo" / "codings.csv", mark_done=True)
        run = project.suggest(train="lena")
        assert run.suggestions > 0 and run.training_documents > 5
        assert {c.coder for c in project.codings(coder=run.layer)} == {run.layer}
        found = project.validate_suggestions(run.run, bootstrap=100)
        assert set(found.codes) == set(run.codes)
        for code in found.codes.values():
            assert code.alpha is None or -1 <= code.alpha <= 1
            assert code.verdict in ("reliable", "tentative", "not reliable", "too few to judge")
            assert code.usable == (code.verdict in ("reliable", "tentative"))


def test_a_run_whose_codes_were_renamed_is_not_validated(planted: Project):
    run = planted.suggest(train="ana")
    planted.rename_code("noise", "chance")
    with pytest.raises(ProjectError, match="code noise of run classifier-1 is no longer in the"):
        planted.validate_suggestions(run.run)


def test_merging_a_copy_leaves_its_model_layers_there(planted: Project, tmp_path: Path):
    run = planted.suggest(train="ana")
    url = planted.database.url.render_as_string(hide_password=False)
    with planted_project(tmp_path / "other", None) as other:
        report = other.merge_database(url)
        assert report.consensus_skipped == 0
        assert {c.coder for c in other.codings()} == {"ana"}
        assert run.layer not in dict(other.team())


def test_agreement_reads_a_model_layer_like_any_layer(planted: Project):
    """Asked for by name, a model layer is compared on the documents its run scored."""
    run = planted.suggest(train="ana")
    request = AgreementRequest(coders=("ana", run.layer), codes=("sanctions",), bootstrap=0)
    (row,) = planted.agreement(request)
    assert row.units == DOCUMENTS * SENTENCES and row.coders == 2
    assert row.value > 0.8  # in-sample: the layer it learned from
    partial = planted.suggest(train="ana", documents=["int01", "int02"])
    request = AgreementRequest(coders=("ana", partial.layer), codes=("sanctions",), bootstrap=0)
    assert planted.agreement(request)[0].units == 2 * SENTENCES
