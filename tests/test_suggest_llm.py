"""The machine coder's llm backend (issue 17), against a stub Ollama server and a stub
llama_cpp module (tests/ollama_stub.py): no model weights can be downloaded here. Only
quotes found exactly in the text become suggestions, everything else is counted; remote
hosts need two permissions; every run records the model's checksum and the prompt's hash;
`--replicate` reports alpha across the runs."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from tests.conftest import reopen, write
from tests.ollama_stub import DIGEST, MODEL, VERSION, OllamaStub, embargo_coder, llama_module
from tests.planted import SENTENCES, planted_project

TWO = ("int01", "int02")  # the documents most tests suggest for: 60 sentences, 60 requests


@pytest.fixture
def planted(tmp_path: Path, db_url: str | None):
    """The planted project (ana marks `sanctions` on every embargo sentence), on SQLite
    and on PostgreSQL."""
    project = planted_project(tmp_path / "planted", db_url)
    yield project
    project.close()


class Unruly:
    """embargo_coder's codings, plus on every passage naming a minister a quote that is not
    in it and a code the codebook lacks, and no JSON at all on passages naming a court;
    it counts what it got wrong, so the test knows what must be discarded."""

    def __init__(self) -> None:
        self.wrong = {"json": 0, "unknown_code": 0, "quote": 0}

    def __call__(self, passage: str, seed: int) -> str:
        if "court" in passage.lower():
            self.wrong["json"] += 1
            return '{"codings": [{"code": "sanctions", "quote": "cut off'
        codings = json.loads(embargo_coder(passage, seed))["codings"]
        if "minister" in passage.lower():
            made_up = "the minister promised an embargo on the regime"
            codings.append({"code": "noise", "quote": made_up, "reasoning": "Made up."})
            codings.append({"code": "torture", "quote": passage[:10], "reasoning": "No code."})
            self.wrong["quote"] += 1
            self.wrong["unknown_code"] += 1
        return json.dumps({"codings": codings})


def embargo_sentences(project: Project, documents: tuple[str, ...]) -> int:
    return sum(
        len(re.findall(r"[^.]*embargo[^.]*\.", project.text_of(d), re.IGNORECASE))
        for d in documents
    )


def test_only_quotes_found_in_the_text_become_suggestions(planted: Project):
    before = {c.id for c in planted.codings()}
    coder = Unruly()
    with OllamaStub(coder) as server:
        run = planted.suggest(backend="llm", ollama=MODEL, host=server.url, documents=TWO)
    assert (run.run, run.layer, run.backend) == ("llm-1", "model:llm-1", "llm")
    assert len(server.chats) == run.units == 2 * SENTENCES  # one request per sentence
    assert sum(coder.wrong.values()) > 0 and coder.wrong["json"] > 0
    assert run.invalid == coder.wrong  # every bad answer counted, by kind
    added = [c for c in planted.codings() if c.id not in before]
    assert {c.coder for c in added} == {run.layer}  # nothing in ana's layer or consensus
    assert {c.code_id for c in added} == {"sanctions"}  # made-up quotes, unknown codes gone
    for coding in added:  # the span is where the quote is, in the stored text
        assert planted.text_of(coding.document_id)[coding.start : coding.end] == coding.quote
        assert "embargo" in coding.quote.lower()
        assert coding.memo == "An embargo is named. (suggested by run llm-1)"
    court = sum(
        "court" in s.lower() and "embargo" in s.lower()
        for d in TWO
        for s in re.findall(r"[^.]*\.", planted.text_of(d))
    )
    assert run.suggestions == len(added) == embargo_sentences(planted, TWO) - court
    assert run.by_code == {"sanctions": len(added), "noise": 0, "rare": 0}


def test_the_request_holds_the_codebook_the_schema_and_temperature_zero(planted: Project):
    with OllamaStub() as server:
        planted.suggest(backend="llm", ollama=MODEL, host=server.url, documents=["int01"], seed=7)
    chat = server.chats[0]
    system, user = chat["messages"][0]["content"], chat["messages"][1]["content"]
    for code in planted.codebook.codes:
        assert f"- id: {code.id}" in system and code.definition in system
    first_sentence = planted.text_of("int01").split(". ")[0]
    assert first_sentence in user
    assert chat["options"] == {"temperature": 0.0, "seed": 7}
    assert chat["stream"] is False
    item = chat["format"]["properties"]["codings"]["items"]
    assert item["properties"]["code"]["enum"] == ["sanctions", "noise", "rare"]
    assert item["required"] == ["code", "quote", "reasoning"]


def test_the_run_event_records_the_model_and_the_prompt(planted: Project):
    with OllamaStub() as server:
        run = planted.suggest(backend="llm", ollama=MODEL, host=server.url, documents=TWO)
    (event,) = planted.event_log(planted.log_filter(action="suggest.run"))
    assert event.entity_id == run.run
    (recorded,) = reopen(planted).suggestion_runs()
    assert recorded == run  # read back from the event log
    assert run.version == f"Ollama {VERSION}"
    settings = run.settings
    assert settings["model"] == MODEL and settings["model_checksum"] == f"sha256:{DIGEST}"
    assert settings["host"] == server.url and settings["remote"] is False
    assert settings["temperature"] == 0.0
    assert re.fullmatch(r"[0-9a-f]{64}", settings["prompt_template_hash"])
    assert run.codebook_hash == planted.codebook.hash
    assert run.train == "" and run.training_units == 0  # it learned nothing from the project
    assert run.seconds > 0 and run.document_ids == TWO


def test_a_gguf_file_runs_through_llama_cpp(planted: Project, tmp_path, monkeypatch):
    module = llama_module()
    monkeypatch.setitem(sys.modules, "llama_cpp", module)
    weights = tmp_path / "coder.gguf"
    weights.write_bytes(b"GGUF" + bytes(range(256)) * 40)
    run = planted.suggest(backend="llm", model=weights, documents=TWO, seed=4)
    assert (
        run.settings["model_checksum"]
        == f"sha256:{hashlib.sha256(weights.read_bytes()).hexdigest()}"
    )
    assert run.settings["source"] == "gguf" and run.settings["host"] is None
    assert run.version == "llama-cpp-python 0.3.0-stub"
    (loaded,) = module.loaded  # loaded once for the whole run
    assert loaded["model_path"] == str(weights)
    chat = module.chats[0]
    assert chat["temperature"] == 0.0 and chat["seed"] == 4
    assert chat["response_format"]["type"] == "json_object"
    assert chat["response_format"]["schema"]["required"] == ["codings"]
    assert run.suggestions == embargo_sentences(planted, TWO) > 0


def test_a_missing_llama_cpp_or_model_file_says_what_to_do(planted: Project, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if not installed
    weights = tmp_path / "coder.gguf"
    weights.write_bytes(b"GGUF")
    with pytest.raises(ProjectError, match=r"pip install 'hrd-coder\[llm\]'"):
        planted.suggest(backend="llm", model=weights)
    monkeypatch.setitem(sys.modules, "llama_cpp", llama_module())
    with pytest.raises(ProjectError, match="there is no model file .*nowhere.gguf"):
        planted.suggest(backend="llm", model=tmp_path / "nowhere.gguf")
    assert planted.suggestion_runs() == []


def test_a_unit_too_long_for_the_context_is_refused_with_advice(
    planted: Project, tmp_path, monkeypatch
):
    module = llama_module()
    module.context = 200
    monkeypatch.setitem(sys.modules, "llama_cpp", module)
    weights = tmp_path / "coder.gguf"
    weights.write_bytes(b"GGUF")
    with pytest.raises(ProjectError, match=r"must fit in 8192 tokens; use a shorter unit"):
        planted.suggest(backend="llm", model=weights, unit="paragraph", documents=["int01"])
    assert planted.suggestion_runs() == []


def test_an_ollama_server_that_is_not_running_or_lacks_the_model(planted: Project):
    with OllamaStub() as server:
        with pytest.raises(ProjectError, match="has no model 'llama3'.*ollama pull llama3"):
            planted.suggest(backend="llm", ollama="llama3", host=server.url)
        url = server.url
    with pytest.raises(ProjectError, match="cannot reach an Ollama server.*ollama serve"):
        planted.suggest(backend="llm", ollama=MODEL, host=url)
    assert planted.suggestion_runs() == []


# -- the remote rule ------------------------------------------------------------------------


def test_a_remote_host_needs_the_flag_and_the_project_setting(planted: Project):
    """127.0.0.2 is this machine's loopback too, but not a name the rule takes for local:
    it stands for another machine here."""
    settings = planted.root / ".hrd_coder" / "settings.yaml"
    with OllamaStub(address="127.0.0.2") as server:
        ask = {"backend": "llm", "ollama": MODEL, "host": server.url, "documents": ["int01"]}
        with pytest.raises(ProjectError, match="--allow-remote on this run and 'llm_remote"):
            planted.suggest(**ask)
        with pytest.raises(ProjectError, match=r"only with both 'llm_remote_hosts: \[127.0.0.2\]'"):
            planted.suggest(**ask, allow_remote=True)
        write(settings, "coder: ana\nllm_remote_hosts: [gpu.lab.example]\n")
        with pytest.raises(ProjectError, match="not on this machine"):
            planted.suggest(**ask, allow_remote=True)  # another host is named
        write(settings, "coder: ana\nllm_remote_hosts: [gpu.lab.example, 127.0.0.2]\n")
        with pytest.raises(ProjectError, match="--allow-remote on this run"):
            planted.suggest(**ask)  # named, but not allowed for this run
        write(settings, "llm_remote_hosts: ['ftp://127.0.0.2']\n")
        with pytest.raises(ProjectError, match="llm_remote_hosts names 'ftp://127.0.0.2', wh"):
            planted.suggest(**ask, allow_remote=True)
        write(settings, "llm_remote_hosts: ['http://127.0.0.2:11434']\n")  # an address: its host
        assert server.chats == []  # nothing was sent
        run = planted.suggest(**ask, allow_remote=True)
    assert run.settings["remote"] is True and run.settings["allow_remote"] is True
    assert run.settings["host"] == server.url
    (event,) = planted.event_log(planted.log_filter(action="suggest.run"))
    assert json.loads(event.after)["settings"]["remote"] is True


# -- validation and replication -------------------------------------------------------------


def test_validation_compares_with_the_reference_layer(planted: Project):
    with OllamaStub() as server:
        run = planted.suggest(backend="llm", ollama=MODEL, host=server.url, documents=TWO)
    with pytest.raises(ProjectError, match="the consensus layer is empty"):
        planted.validate_suggestions(run.run)  # consensus, the default reference
    found = planted.validate_suggestions(run.run, reference="ana", bootstrap=100)
    assert (found.reference, found.folds, found.documents) == ("ana", 0, 2)
    assert found.units == 2 * SENTENCES
    sanctions = found.codes["sanctions"]
    assert sanctions.alpha == pytest.approx(1.0) and sanctions.f1 == pytest.approx(1.0)
    assert sanctions.marked == embargo_sentences(planted, TWO)
    assert found.codes["noise"].suggested == 0 and not found.codes["noise"].usable
    assert found.unusable == ["noise", "rare"]
    text = Project.methods_paragraph(found)
    assert text.startswith("Machine suggestions (run llm-1) were made with hrd-coder's llm")
    assert f"sha256:{DIGEST}" in text and "Usable: sanctions (alpha = 1.00)" in text
    (event,) = planted.event_log(planted.log_filter(action="suggest.validate"))
    assert event.entity_id == run.run


def test_a_validation_only_on_documents_the_humans_coded(tmp_path: Path):
    project = planted_project(tmp_path / "p", None, uncoded=TWO)
    with OllamaStub() as server:
        run = project.suggest(backend="llm", ollama=MODEL, host=server.url, documents=TWO)
    with pytest.raises(ProjectError, match="suggested for no document that ana has coded"):
        project.validate_suggestions(run.run, reference="ana")
    project.close()


def test_replicate_reports_alpha_across_the_runs(planted: Project):
    with OllamaStub() as server:
        same = planted.replicate_suggestions(
            3, ollama=MODEL, host=server.url, documents=TWO, seed=10
        )
    assert same.runs == ("llm-1", "llm-2", "llm-3") and same.seeds == (10, 11, 12)
    assert [r.seed for r in planted.suggestion_runs()] == [10, 11, 12]
    assert same.codes["sanctions"]["alpha"] == pytest.approx(1.0)  # identical answers
    assert same.codes["noise"]["alpha"] is None  # no run marked any unit: undefined
    (event,) = planted.event_log(planted.log_filter(action="suggest.replicate"))
    assert json.loads(event.after)["runs"] == ["llm-1", "llm-2", "llm-3"]


def test_replicate_alpha_matches_the_krippendorff_package(planted: Project):
    """Runs that differ: seed 1 misses every embargo in the first document. Alpha checked
    with the `krippendorff` package (Castro, https://github.com/pln-fing-udelar/fast-krippendorff)."""
    first_document = planted.text_of("int01")

    def forgetful(passage: str, seed: int) -> str:
        if seed == 1 and passage in first_document:
            return json.dumps({"codings": []})
        return embargo_coder(passage, seed)

    with OllamaStub(forgetful) as server:
        found = planted.replicate_suggestions(2, ollama=MODEL, host=server.url, documents=TWO)
    embargo = [
        1 if "embargo" in s.lower() else 0
        for d in TWO
        for s in re.findall(r"[^.]*\.", planted.text_of(d))
    ]
    forgot = [0] * SENTENCES + embargo[SENTENCES:]
    expected = krippendorff.alpha(
        reliability_data=np.array([embargo, forgot]), level_of_measurement="nominal"
    )
    assert found.codes["sanctions"]["marked"] == [sum(embargo), sum(forgot)]
    assert found.codes["sanctions"]["alpha"] == pytest.approx(expected, abs=1e-9)
    assert found.codes["sanctions"]["alpha"] < 1


# -- the command line (SQLite) -------------------------------------------------------------


@pytest.fixture
def planted_folder(tmp_path: Path) -> Path:
    project = planted_project(tmp_path / "cli", None)
    project.close()
    return project.root


def cli(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), "suggest", *args])


def test_the_cli_runs_validates_and_replicates_in_json(planted_folder: Path):
    with OllamaStub() as server:
        llm = ["--backend", "llm", "--ollama", MODEL, "--host", server.url]
        done = cli(planted_folder, "run", *llm, "--document", "int01", "--format", "json")
        assert done.exit_code == 0, done.output
        made = json.loads(done.output)
        assert (made["run"], made["layer"]) == ("llm-1", "model:llm-1")
        assert made["invalid"] == {"json": 0, "unknown_code": 0, "quote": 0}
        table = cli(planted_folder, "run", *llm, "--document", "int01")
        assert table.exit_code == 0, table.output
        assert "run llm-2:" in table.output and "suggest validate llm-2" in table.output
        done = cli(
            planted_folder, "run", *llm, "--document", "int01", "--replicate", "2",
            "--format", "json",
        )  # fmt: skip
        assert done.exit_code == 0, done.output
        replicated = json.loads(done.output)
        assert replicated["runs"] == ["llm-3", "llm-4"]
        assert replicated["codes"]["sanctions"]["alpha"] == pytest.approx(1.0)
        table = cli(planted_folder, "run", *llm, "--document", "int01", "--replicate", "2")
        assert "Krippendorff's alpha across the runs" in table.output
    done = cli(
        planted_folder, "validate", "llm-1", "--reference", "ana", "--bootstrap", "0",
        "--methods", "--format", "json",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    checked = json.loads(done.output)
    assert checked["reference"] == "ana" and checked["folds"] == 0
    assert checked["codes"]["sanctions"]["verdict"] in ("reliable", "too few to judge")
    listed = cli(planted_folder, "list").output.splitlines()
    assert listed[1].split()[:5] == ["llm-1", "model:llm-1", "llm", "—", "sentence"]
    table = cli(planted_folder, "validate", "llm-1", "--reference", "ana", "--bootstrap", "0")
    assert "compared against ana (30 sentences in 1 document)" in table.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--backend", "llm"], "the llm backend needs one model: --model FILE.gguf"),
        (["run", "--backend", "llm", "--ollama", MODEL, "--model", "x.gguf"], "needs one model"),
        (["run", "--ollama", MODEL], "--model and --ollama name a language model: add --backend"),
        (["run", "--backend", "llm", "--ollama", MODEL, "--replicate", "1"], "between 2 and 20"),
        (["run", "--train", "ana", "--replicate", "3"], "--replicate repeats an llm run"),
        (["run", "--backend", "llm", "--ollama", MODEL, "--code", "torture"], "no code 'torture'"),
        (["run", "--backend", "llm", "--ollama", MODEL, "--host", "ftp://x"], "not a server"),
        (
            ["run", "--backend", "llm", "--ollama", MODEL, "--host", "http://10.1.2.3:11434"],
            "the interviews would be sent to 10.1.2.3",
        ),
    ],
)
def test_bad_llm_input_is_refused_with_advice_and_nothing_written(
    planted_folder: Path, args: list[str], message: str
):
    done = cli(planted_folder, *args)
    assert done.exit_code == 2, done.output
    assert message in " ".join(done.output.split())
    with Project.open(planted_folder) as project:
        assert project.suggestion_runs() == []
        assert {c.coder for c in project.codings()} == {"ana"}


def test_validate_takes_a_reference_only_for_llm_runs(planted_folder: Path):
    assert cli(planted_folder, "run", "--train", "ana").exit_code == 0
    done = cli(planted_folder, "validate", "classifier-1", "--reference", "consensus")
    assert done.exit_code == 2 and "leave out --reference" in done.output


def test_explain_traces_an_llm_value_to_its_model_and_prompt(demo_root: Path):
    """On the demo: a case history's suggestions are tied to its case, and `explain` names
    the model, its checksum and the prompt template, not a training layer."""

    def first_words(passage: str, seed: int) -> str:
        quote = passage.strip()[:24]
        coding = {"code": "private_diplomacy", "quote": quote, "reasoning": "Quiet talks."}
        return json.dumps({"codings": [coding]})

    with Project.open(demo_root) as project:
        project.import_files()
        with OllamaStub(first_words) as server:
            run = project.suggest(
                backend="llm", ollama=MODEL, host=server.url, documents=["c01"], unit="paragraph"
            )
        coding = project.codings(coder=run.layer)[0]
    assert coding.case_id == "c01" and coding.memo.startswith("Quiet talks.")
    shown = CliRunner().invoke(
        main,
        ["--project", str(demo_root), "explain", "c01", "private_diplomacy", "--layer", run.layer],
    )
    assert shown.exit_code == 0, shown.output
    assert f"made by run llm-1 ({run.at}): llm Ollama {VERSION}, model {MODEL}" in shown.output
    assert f"(sha256:{DIGEST[:12]})" in shown.output
    assert f"prompt template {run.settings['prompt_template_hash'][:12]}" in shown.output


def test_the_cli_says_what_it_discarded(planted_folder: Path):
    coder = Unruly()
    with OllamaStub(coder) as server:
        llm = ["--backend", "llm", "--ollama", MODEL, "--host", server.url]
        done = cli(planted_folder, "run", *llm, "--document", "int01")
    assert done.exit_code == 0, done.output
    wrong = coder.wrong
    assert (
        f"discarded: {wrong['json']} answers not the JSON asked for, {wrong['unknown_code']} "
        f"codings of a code the codebook lacks, {wrong['quote']} quotes not found in the text"
    ) in done.output
    listed = cli(planted_folder, "review", "llm-1", "--coder", "ana")
    assert "None" not in listed.output  # no probability: shown as a dash
    written = cli(planted_folder, "review", "llm-1", "--coder", "ana", "--format", "csv")
    header, first = written.output.splitlines()[:2]
    assert header.split(",")[-3:] == ["model_reasoning", "decision", "reason"]
    assert first.endswith(",An embargo is named.,,")


def test_progress_hears_of_every_unit(planted: Project):
    heard = []
    with OllamaStub() as server:
        found = planted.replicate_suggestions(
            2,
            ollama=MODEL,
            host=server.url,
            documents=["int01"],
            progress=lambda *a: heard.append(a),
        )
    assert len(found.runs) == 2
    assert heard == [(done, SENTENCES) for done in range(1, SENTENCES + 1)] * 2


def test_an_llm_layer_is_refused_in_exports_until_validated(planted: Project):
    with OllamaStub() as server:
        run = planted.suggest(backend="llm", ollama=MODEL, host=server.url, documents=TWO)
    with pytest.raises(ProjectError, match="model:llm-1 has no validation"):
        planted.check_model_layer(run.layer, "matrix")
    planted.validate_suggestions(run.run, reference="ana", bootstrap=0)
    with pytest.raises(ProjectError, match="codes noise, rare of model:llm-1"):
        planted.check_model_layer(run.layer, "matrix")  # sanctions alone is usable


def test_the_methods_paragraph_counts_one_document_in_the_singular(planted: Project):
    # found walking the study path: "on the 30 sentences of the 1 documents both cover"
    with OllamaStub() as server:
        run = planted.suggest(backend="llm", ollama=MODEL, host=server.url, documents=["int01"])
    found = planted.validate_suggestions(run.run, reference="ana", bootstrap=0)
    text = Project.methods_paragraph(found)
    assert f"on the {SENTENCES} sentences of the 1 document both cover" in text
