"""The machine coder's `embedding` backend, run for real (issue 17): a model2vec model from a
folder the user names, the classifier backend's regressions on its embeddings. No model can
be downloaded here, so each test builds a tiny one: a word-level tokenizer over a small
vocabulary and seeded random vectors, saved by model2vec's own `save_pretrained`."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from tests.conftest import reopen
from tests.planted import DOCUMENTS, SENTENCES, SIGNAL, WORDS, planted_project

needs_model2vec = pytest.mark.skipif(
    find_spec("model2vec") is None,
    reason="model2vec is not installed: pip install -e '.[test,embedding]' to run these",
)
# 64 dimensions: with 32, the planted word's share of a sentence's mean vector was too
# small for some seeds of the vectors (alpha 0.59 to 0.83); with 64, 0.92 to 0.99.
DIMENSIONS = 64


def save_tiny_model(folder: Path, texts: list[str], seed: int = 0) -> Path:
    """A model2vec model of the texts' words (lower-cased, punctuation its own token), each
    a seeded random vector, normalised as model2vec's released models are."""
    import numpy as np
    from model2vec import StaticModel
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    words = sorted({w for text in texts for w in re.findall(r"\w+|[^\w\s]+", text.lower())})
    vocabulary = {word: index for index, word in enumerate(["[UNK]", *words])}
    tokenizer = Tokenizer(models.WordLevel(vocabulary, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    vectors = np.random.default_rng(seed).normal(size=(len(vocabulary), DIMENSIONS))
    model = StaticModel(vectors.astype(np.float32), tokenizer, normalize=True)
    model.save_pretrained(folder)
    return folder


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A tiny model of the planted project's words."""
    return save_tiny_model(tmp_path / "models" / "tiny", [" ".join([*WORDS, *SIGNAL]) + " ."])


@pytest.fixture
def planted(tmp_path: Path, db_url: str | None):
    """The planted project, coded by ana, on SQLite and on PostgreSQL."""
    project = planted_project(tmp_path / "planted", db_url)
    yield project
    project.close()


def folder_checksum(folder: Path) -> tuple[str, int]:
    """The documented recipe (docs/machine-coding.md), written again here: per file in the
    order of its relative path, the path, NUL, its size, NUL, its bytes."""
    digest, count = hashlib.sha256(), 0
    for path in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix()):
        if path.is_file():
            data = path.read_bytes()
            name = path.relative_to(folder).as_posix()
            digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
            count += 1
    return digest.hexdigest(), count


def layer_rows(project: Project, layer: str) -> list[tuple]:
    return sorted(
        (c.document_id, c.code_id, c.start, c.end, c.memo.split()[0])
        for c in project.codings(coder=layer)
    )


@needs_model2vec
def test_embedding_suggestions_land_in_their_layer_and_the_run_names_its_model(
    planted: Project, model_dir: Path
):
    import model2vec

    humans = {c.id: c for c in planted.codings()}
    run = planted.suggest(backend="embedding", model_dir=model_dir, train="ana", seed=3)
    assert (run.run, run.layer, run.backend) == ("embedding-1", "model:embedding-1", "embedding")
    added = [c for c in planted.codings() if c.id not in humans]
    assert {c.coder for c in added} == {run.layer}
    assert len(added) == run.suggestions == sum(run.by_code.values()) > 0
    assert run.codes == ("sanctions", "noise") and run.skipped == {"rare": 3}
    assert run.version.startswith(f"model2vec {model2vec.__version__}, scikit-learn ")
    checksum, files = folder_checksum(model_dir)
    assert run.settings["model_dir"] == str(model_dir.resolve())
    assert (run.settings["model_checksum"], run.settings["model_files"]) == (checksum, files)
    assert files == 5  # config, weights, tokenizer, modules.json and the model card
    assert run.settings["threshold"] == 0.5 and run.settings["c"] == 4.0
    assert (run.train, run.unit, run.seed) == ("ana", "sentence", 3)
    assert run.codebook_hash == planted.codebook.hash
    assert (run.training_units, run.units) == (DOCUMENTS * SENTENCES, DOCUMENTS * SENTENCES)
    (event,) = planted.event_log(planted.log_filter(action="suggest.run"))
    assert event.entity_id == "embedding-1"
    assert reopen(planted).suggestion_runs() == [run]  # read back from the database
    for coding in added:
        assert 0.5 <= float(coding.memo.split()[0].removeprefix("p=")) <= 1


@needs_model2vec
def test_nothing_is_downloaded(planted: Project, model_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Every network connection refused: the run and its validation work from the folder."""
    import os
    import socket

    def refuse(*args: object) -> None:
        raise AssertionError(f"a network connection was tried: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    run = planted.suggest(backend="embedding", model_dir=model_dir, train="ana")
    planted.validate_suggestions(run.run, folds=3, bootstrap=0)
    assert "HF_HUB_OFFLINE" not in os.environ  # switched off only while loading


@needs_model2vec
def test_the_same_model_and_seed_give_the_same_suggestions(planted: Project, model_dir: Path):
    first = planted.suggest(backend="embedding", model_dir=model_dir, train="ana", seed=5)
    second = planted.suggest(backend="embedding", model_dir=model_dir, train="ana", seed=5)
    assert second.run == "embedding-2"
    assert layer_rows(planted, first.layer) == layer_rows(planted, second.layer)


@needs_model2vec
def test_validation_finds_the_planted_signal_and_no_agreement_in_noise(
    planted: Project, model_dir: Path
):
    run = planted.suggest(backend="embedding", model_dir=model_dir, train="ana")
    found = planted.validate_suggestions(run.run, folds=4, bootstrap=200)
    assert (found.backend, found.folds, found.documents) == ("embedding", 4, DOCUMENTS)
    signal, noise = found.codes["sanctions"], found.codes["noise"]
    assert signal.alpha >= 0.8 and signal.verdict == "reliable" and signal.usable
    assert abs(signal.baseline_alpha) < 0.2  # the same model on shuffled labels: chance
    assert noise.alpha_low <= 0 <= noise.alpha_high and noise.alpha < 0.2
    assert found.unusable == ["noise"]
    text = Project.methods_paragraph(found)
    assert "embedding backend (model2vec " in text
    checksum = run.settings["model_checksum"][:16]
    assert f"from the folder tiny (SHA-256 of its 5 files: {checksum}), each dim" in text
    assert "TF-IDF" not in text and "Unusable: noise." in text


@needs_model2vec
def test_a_changed_or_missing_model_folder_is_not_validated(planted: Project, model_dir: Path):
    """Validating with other model files would judge a model the run did not use."""
    run = planted.suggest(backend="embedding", model_dir=model_dir, train="ana")
    with (model_dir / "README.md").open("a", encoding="utf-8") as card:
        card.write("\nedited\n")
    with pytest.raises(ProjectError, match=r"changed since the run was made .* make a new run"):
        planted.validate_suggestions(run.run, bootstrap=0)
    moved = model_dir.rename(model_dir.with_name("moved"))
    with pytest.raises(ProjectError, match=f"there is no model folder '{model_dir}'"):
        planted.validate_suggestions(run.run, bootstrap=0)
    assert moved.is_dir()
    assert planted.event_log(planted.log_filter(action="suggest.validate")) == []


@needs_model2vec
def test_a_sentence_transformers_static_embedding_folder_is_read(tmp_path: Path):
    """The layouts model2vec reads besides its own: config_sentence_transformers.json, the
    vectors as embedding.weight, at the top or under 0_StaticEmbedding/."""
    from safetensors.numpy import load_file, save_file

    from hrd_coder.machine.backends import new_machine

    for inner in ("", "0_StaticEmbedding"):
        folder = save_tiny_model(tmp_path / f"st{inner}", ["an embargo ."])
        vectors = load_file(folder / "model.safetensors")["embeddings"]
        (folder / "model.safetensors").unlink()
        (folder / "config.json").rename(folder / "config_sentence_transformers.json")
        (folder / inner).mkdir(exist_ok=True)
        save_file({"embedding.weight": vectors}, folder / inner / "model.safetensors")
        (folder / "tokenizer.json").rename(folder / inner / "tokenizer.json")
        machine = new_machine("embedding", str(folder))
        assert machine.model.encode(["an embargo"]).shape == (1, DIMENSIONS)


# -- the command line (SQLite) -------------------------------------------------------------


@pytest.fixture
def planted_folder(tmp_path: Path) -> Path:
    project = planted_project(tmp_path / "cli", None)
    project.close()
    return project.root


def cli(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), "suggest", *args])


@needs_model2vec
def test_the_cli_runs_and_validates_the_embedding_backend(planted_folder: Path, model_dir: Path):
    args = ["run", "--backend", "embedding", "--model-dir", str(model_dir), "--train", "ana"]
    done = cli(planted_folder, *args, "--format", "json")
    assert done.exit_code == 0, done.output
    made = json.loads(done.output)
    assert (made["run"], made["layer"]) == ("embedding-1", "model:embedding-1")
    assert made["settings"]["model_checksum"] == folder_checksum(model_dir)[0]
    table = cli(planted_folder, *args)
    assert table.exit_code == 0, table.output
    assert f"model: {model_dir.resolve()} (5 files, SHA-256 " in table.output
    done = cli(
        planted_folder, "validate", "embedding-1", "--folds", "3", "--bootstrap", "0",
        "--methods", "--format", "json",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    checked = json.loads(done.output)
    assert set(checked["codes"]) == {"sanctions", "noise"}
    assert checked["codes"]["sanctions"]["verdict"] == "reliable"
    assert "the mean of each unit's token embeddings in the model2vec" in checked["methods"]


def write_files(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text("{}", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (None, [], "the embedding backend needs a model folder: --model-dir FOLDER"),
        (
            None,
            ["--model-dir", "minishlab/potion-base-8M"],  # a hub name is not fetched
            "there is no model folder 'minishlab/potion-base-8M'",
        ),
        (
            lambda f: write_files(f),
            ["--model-dir", "{folder}"],
            "holds no model2vec model: config.json, model.safetensors, tokenizer.json are missing",
        ),
        (
            lambda f: write_files(f, "config.json", "tokenizer.json"),
            ["--model-dir", "{folder}"],
            "holds no model2vec model: model.safetensors is missing",
        ),
        (
            lambda f: (f.parent.mkdir(parents=True), f.write_text("x"))[-1],
            ["--model-dir", "{folder}"],
            "is a file: --model-dir takes the folder",
        ),
    ],
)
def test_a_missing_model_is_refused_naming_the_folder_and_nothing_written(
    planted_folder: Path, tmp_path: Path, make, args: list[str], message: str
):
    folder = tmp_path / "models" / "potion"
    if make is not None:
        make(folder)
    args = [a.replace("{folder}", str(folder)) for a in args]
    done = cli(planted_folder, "run", "--backend", "embedding", "--train", "ana", *args)
    assert done.exit_code == 2, done.output
    assert message.replace("{folder}", str(folder)) in " ".join(done.output.split())
    with Project.open(planted_folder) as project:
        assert project.suggestion_runs() == []
        assert {c.coder for c in project.codings()} == {"ana"}


@needs_model2vec
def test_unreadable_model_files_are_refused_naming_the_folder(planted_folder: Path, tmp_path: Path):
    folder = write_files(tmp_path / "broken", "config.json", "model.safetensors", "tokenizer.json")
    done = cli(planted_folder, "run", "--backend", "embedding", "--model-dir", str(folder))
    assert done.exit_code == 2, done.output
    assert f"could not read the model in '{folder}'" in " ".join(done.output.split())


def test_without_model2vec_the_advice_is_to_install_the_extra(
    planted_folder: Path, model_dir_files: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "model2vec", None)  # `import model2vec` fails
    done = cli(planted_folder, "run", "--backend", "embedding", "--model-dir", str(model_dir_files))
    assert done.exit_code == 2, done.output
    assert "needs the model2vec package, which is not installed: pip install " in done.output
    assert "'hrd-coder[embedding]'" in done.output


@pytest.fixture
def model_dir_files(tmp_path: Path) -> Path:
    """A folder with a model's file names (not read: the import fails first)."""
    return write_files(tmp_path / "named", "config.json", "model.safetensors", "tokenizer.json")


def test_a_model_folder_for_the_classifier_is_refused(planted_folder: Path, tmp_path: Path):
    done = cli(planted_folder, "run", "--train", "ana", "--model-dir", str(tmp_path))
    assert done.exit_code == 2, done.output
    assert "--model-dir names the embedding backend's model: add --backend embedding" in (
        done.output
    )


# -- the demo ------------------------------------------------------------------------------


@needs_model2vec
def test_the_demo_gets_embedding_suggestions_a_validation_and_an_explanation(
    demo_root: Path, tmp_path: Path
):
    """The bundled demo, coded by lena and tomas (demo/codings.csv), with a tiny model of
    its own words."""
    with Project.open(demo_root) as project:
        project.import_files()
        project.load_codings(demo_root / "demo" / "codings.csv", mark_done=True)
        texts = [project.text_of(d.id) for d in project.documents()]
        folder = save_tiny_model(tmp_path / "demo-model", texts)
        run = project.suggest(backend="embedding", model_dir=folder, train="lena")
        assert run.suggestions > 0 and run.training_documents > 5
        codings = project.codings(coder=run.layer)
        assert {c.coder for c in codings} == {run.layer}
        found = project.validate_suggestions(run.run, bootstrap=100)
        assert set(found.codes) == set(run.codes)
        for code in found.codes.values():
            assert code.alpha is None or -1 <= code.alpha <= 1
            assert code.usable == (code.verdict in ("reliable", "tentative"))
            # Shuffled labels: nothing beyond chance.
            assert code.baseline_alpha is None or code.baseline_alpha < 0.3
    coding = next(c for c in codings if c.case_id and "." not in c.code_id)
    shown = CliRunner().invoke(
        main,
        ["--project", str(demo_root), "explain", coding.case_id, coding.code_id]
        + ["--layer", run.layer],
    )
    assert shown.exit_code == 0, shown.output
    checksum = run.settings["model_checksum"][:12]
    assert f"made by run {run.run} ({run.at}): embedding model2vec " in shown.output
    assert f"model {folder.resolve()} (checksum {checksum})" in shown.output
