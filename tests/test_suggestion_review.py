"""Reviewing the machine coder's suggestions (issue 17): accept into one's own layer with an
event naming the run and the suggestion, reject (never offered again), adjust the span, the
queue, the acceptance rate, a CSV batch, and the refusal of unvalidated model codes in
exports and reports."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import AccessRefused, InvalidInput, ProjectError
from hrd_coder.services import Project
from tests.conftest import reopen
from tests.planted import planted_project


@pytest.fixture
def planted(tmp_path: Path, db_url: str | None):
    """The planted project coded by ana but for int01, with one run trained on her layer
    (a suggestion of a span she already coded so is not offered to her)."""
    project = planted_project(tmp_path / "planted", db_url, uncoded=("int01",))
    project.suggest(train="ana")
    yield project
    project.close()


@dataclass(frozen=True)
class Event:
    coder: str | None
    entity_id: str
    after: dict


def events(project: Project, action: str) -> list[Event]:
    """The log's events of one action, their `after` read back from its JSON."""
    return [
        Event(e.coder, e.entity_id, json.loads(e.after or "{}"))
        for e in project.event_log(project.log_filter(action=action))
    ]


def test_accepting_makes_the_coders_own_coding_and_names_the_suggestion(planted: Project):
    run, queue = planted.pending_suggestions("ben", document="int01")
    first = queue[0]
    coding = planted.accept_suggestion(first.id, coder="ben")
    assert (coding.coder, coding.code_id, coding.start, coding.end) == (
        "ben",
        first.code_id,
        first.start,
        first.end,
    )
    (event,) = events(planted, "suggest.accept")
    assert event.entity_id == first.id and event.coder == "ben"
    assert event.after["run"] == run.run == "classifier-1"
    assert (event.after["suggestion"], event.after["coding"]) == (first.id, coding.id)
    assert event.after["adjusted"] is False
    # Decided by ben: not offered to him again; ana has not decided it.
    assert first.id not in {s.id for s in planted.pending_suggestions("ben")[1]}
    assert first.id in {s.id for s in planted.pending_suggestions("ana")[1]}
    with pytest.raises(ProjectError, match="already accepted"):
        planted.accept_suggestion(first.id, coder="ben")


def test_a_suggestion_of_a_span_already_coded_is_not_offered_nor_coded_twice(planted: Project):
    """A run trained on ana's layer suggests many spans she coded herself: offering them
    to her was noise, and accepting one coded the span a second time (found exporting)."""
    layer = planted.suggestion_runs()[-1].layer
    held = {(c.document_id, c.code_id, c.start, c.end) for c in planted.codings(coder="ana")}
    same = [
        c
        for c in planted.codings(coder=layer)
        if (c.document_id, c.code_id, c.start, c.end) in held
    ]
    assert same  # the model gives back much of what it learned from
    offered = {s.id for s in planted.pending_suggestions("ana")[1]}
    assert offered and not offered & {c.id for c in same}
    assert {c.id for c in same} <= {s.id for s in planted.pending_suggestions("ben")[1]}
    before = len(planted.codings(coder="ana"))
    coding = planted.accept_suggestion(same[0].id, coder="ana")  # by id, as a CSV may
    assert len(planted.codings(coder="ana")) == before
    assert (coding.coder, coding.code_id, coding.start, coding.end) == (
        "ana",
        same[0].code_id,
        same[0].start,
        same[0].end,
    )
    (event,) = events(planted, "suggest.accept")
    assert event.after["coding"] == coding.id and event.after["already_coded"] is True


def test_rejecting_writes_no_coding_and_is_not_offered_again(planted: Project):
    before = len(planted.codings())
    queue = planted.pending_suggestions("ana")[1]
    planted.reject_suggestion(queue[0].id, coder="ana", reason="says sanctions, means visas")
    assert len(planted.codings()) == before
    (event,) = events(planted, "suggest.reject")
    assert event.after["reason"] == "says sanctions, means visas"
    assert [s.id for s in planted.pending_suggestions("ana")[1]] == [s.id for s in queue[1:]]


def test_an_adjusted_span_is_accepted_and_counted(planted: Project):
    suggestion = planted.pending_suggestions("ana")[1][0]
    coding = planted.accept_suggestion(
        suggestion.id, coder="ana", start=suggestion.start, end=suggestion.end - 1
    )
    assert (coding.start, coding.end) == (suggestion.start, suggestion.end - 1)
    assert events(planted, "suggest.accept")[0].after["adjusted"] is True
    counts = planted.suggestion_review_counts("classifier-1")[suggestion.code_id]
    assert (counts.accepted, counts.adjusted, counts.rejected, counts.rate) == (1, 1, 0, 1.0)


def test_the_queue_by_confidence_and_by_code(planted: Project):
    _, by_confidence = planted.pending_suggestions("ana")
    chances = [s.probability for s in by_confidence]
    assert chances == sorted(chances, reverse=True) and 0.5 <= chances[-1] <= chances[0] <= 1
    _, by_code = planted.pending_suggestions("ana", order="code")
    codes = [s.code_id for s in by_code]
    assert codes == sorted(codes, key=["sanctions", "noise", "rare"].index)
    assert {s.id for s in by_code} == {s.id for s in by_confidence}
    with pytest.raises(ProjectError, match="unknown order"):
        planted.pending_suggestions("ana", order="alphabet")


def test_nothing_but_a_person_and_a_suggestion_can_be_accepted(planted: Project):
    suggestion = planted.pending_suggestions("ana")[1][0]
    with pytest.raises(ProjectError, match="adjudicated layer"):
        planted.accept_suggestion(suggestion.id, coder="consensus")
    with pytest.raises(ProjectError, match="is not valid"):
        planted.accept_suggestion(suggestion.id, coder="model:classifier-1")
    human = planted.codings(coder="ana")[0]
    with pytest.raises(ProjectError, match="there is no suggestion"):
        planted.accept_suggestion(human.id, coder="ben")
    assert events(planted, "suggest.accept") == []


def test_no_suggestion_reaches_a_human_layer_without_an_accept_event(planted: Project):
    """Run, review by key and by file, rebuild the consensus: every coding outside the model
    layers that is new since the humans coded has an accept event naming it, and vice versa."""
    humans = {c.id for c in planted.codings() if not Project.is_model_layer(c.coder)}
    second = planted.suggest(train="ana", seed=4)
    queue = planted.pending_suggestions("ben", run=second.run)[1]
    planted.accept_suggestion(queue[0].id, coder="ben")
    planted.reject_suggestion(queue[1].id, coder="ben")
    planted.accept_suggestion(queue[2].id, coder="ana", start=queue[2].start + 1)
    path = planted.root / "review.csv"
    path.write_text(f"suggestion,decision\n{queue[3].id},accept\n{queue[4].id},reject\n")
    planted.review_suggestions_from_csv(second.run, path, coder="cleo")
    planted.rebuild_consensus(by="ana")
    new = {
        c.id: c.coder
        for c in planted.codings()
        if not Project.is_model_layer(c.coder) and c.id not in humans
        and c.coder != Project.CONSENSUS
    }  # fmt: skip
    accepted = {e.after["coding"]: e.coder for e in events(planted, "suggest.accept")}
    assert new == accepted and len(accepted) == 3
    assert sorted(accepted.values()) == ["ana", "ben", "cleo"]


def test_a_blind_coder_reviews_only_runs_trained_on_their_own_layer(planted: Project):
    planted.viewer = "ana"
    planted.set_role("ana", "lead")
    planted.set_role("ben", "coder")
    planted.set_layers("blind")
    ben = reopen(planted)
    ben.viewer = "ben"
    with pytest.raises(ProjectError, match="no machine suggestions to review yet"):
        ben.pending_suggestions("ben")
    suggestion = planted.pending_suggestions("ana")[1][0]
    with pytest.raises(ProjectError, match="there is no suggestion"):
        ben.accept_suggestion(suggestion.id, coder="ben")
    with pytest.raises(AccessRefused):
        ben.codings(coder="model:classifier-1")
    ben.close()


def test_a_blind_coder_reviews_a_run_a_lead_trained_on_her_layer(planted: Project):
    """Visibility follows the layer a run learned from, not who started it."""
    planted.viewer = "lee"
    planted.set_role("lee", "lead")
    planted.set_role("ana", "coder")
    planted.set_layers("blind")
    lead_run = planted.suggest(train="ana")  # lee, a lead, trains on ana's layer
    ana = reopen(planted)
    ana.viewer = "ana"
    assert [r.run for r in ana.suggestion_runs()] == ["classifier-1", lead_run.run]
    run, queue = ana.pending_suggestions("ana")
    assert run.run == lead_run.run and run.by == "lee"
    coding = ana.accept_suggestion(queue[0].id, coder="ana")
    assert coding.coder == "ana"
    ben = reopen(planted)
    ben.viewer = "ben"
    assert ben.suggestion_runs() == []
    ben.close()
    ana.close()


# -- the command line (SQLite) -------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    project = planted_project(tmp_path / "cli", None, uncoded=("int01",))
    project.suggest(train="ana")
    project.close()
    return project.root


def run_cli(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), *args])


def test_review_from_a_csv_written_by_the_review_command(folder: Path):
    listed = run_cli(
        folder, "suggest", "review", "classifier-1", "--coder", "ben", "--format", "csv"
    )
    assert listed.exit_code == 0, listed.output
    rows = list(csv.DictReader(io.StringIO(listed.output)))
    assert rows and {"suggestion", "decision", "reason", "quote"} <= set(rows[0])
    rows[0]["decision"], rows[1]["decision"] = "accept", "reject"
    path = folder / "decided.csv"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    done = run_cli(
        folder, "suggest", "review", "classifier-1", "--from-csv", str(path), "--coder", "ben"
    )
    assert done.exit_code == 0, done.output
    assert "1 suggestion accepted into ben's layer, 1 rejected" in done.output
    table = run_cli(folder, "suggest", "list")
    assert "1/2 accepted" in table.output
    listed = json.loads(run_cli(folder, "suggest", "list", "--format", "json").output)
    review = listed[0]["review"][rows[0]["code"]]
    assert review["accepted"] >= 1 and 0 < review["acceptance_rate"] <= 1
    again = run_cli(
        folder, "suggest", "review", "classifier-1", "--format", "csv", "--coder", "ben"
    )
    assert len(list(csv.DictReader(io.StringIO(again.output)))) == len(rows) - 2


def test_a_bad_review_file_names_every_bad_line_and_writes_nothing(folder: Path):
    with Project.open(folder) as project:
        first, second = project.pending_suggestions("ben")[1][:2]
        project.reject_suggestion(second.id, coder="ben")
    path = folder / "bad.csv"
    path.write_text(
        "suggestion,decision,reason\n"
        f"{first.id},accept,\n"  # fine alone, but the file is refused whole
        f"{first.id},reject,\n"
        "nope,accept,\n"
        f"{second.id},reject,\n"
        f"{first.id},maybe,\n"
        ",,\n"
    )
    done = run_cli(
        folder, "suggest", "review", "classifier-1", "--from-csv", str(path), "--coder", "ben"
    )
    assert done.exit_code == 2, done.output
    assert f"{path}:3: suggestion {first.id} is decided twice (also on line 2)" in done.output
    assert f"{path}:4: there is no suggestion 'nope' in this run" in done.output
    assert f"{path}:5: suggestion {second.id} was already rejected by this coder" in done.output
    assert f"{path}:6: decision 'maybe' is not accept or reject" in done.output
    with Project.open(folder) as project:
        assert project.codings(coder="ben") == []
        assert len(events(project, "suggest.reject")) == 1
    path.write_text("id,decision\nx,accept\n")
    done = run_cli(
        folder, "suggest", "review", "classifier-1", "--from-csv", str(path), "--coder", "ben"
    )
    assert done.exit_code == 2 and "missing column suggestion" in done.output


def test_validate_reports_the_acceptance_rate_per_code(folder: Path):
    with Project.open(folder) as project:
        queue = [s for s in project.pending_suggestions("ana")[1] if s.code_id == "sanctions"]
        project.accept_suggestion(queue[0].id, coder="ana")
        project.reject_suggestion(queue[1].id, coder="ana")
    args = ["suggest", "validate", "classifier-1", "--folds", "3", "--bootstrap", "0"]
    found = json.loads(run_cli(folder, *args, "--format", "json").output)
    assert found["codes"]["sanctions"]["acceptance_rate"] == 0.5
    assert found["codes"]["noise"]["acceptance_rate"] is None
    assert "1/2 (50%)" in run_cli(folder, *args).output


def test_exports_refuse_a_model_layers_unvalidated_codes(folder: Path):
    for table in ("matrix", "cooccurrence"):
        done = run_cli(folder, "export", table, "--layer", "model:classifier-1")
        assert done.exit_code == 2, done.output
        assert "model:classifier-1 has no validation" in done.output
        assert "hrd-coder suggest validate classifier-1" in done.output
    run_cli(folder, "suggest", "validate", "classifier-1", "--folds", "3", "--bootstrap", "0")
    done = run_cli(folder, "export", "matrix", "--layer", "model:classifier-1")
    assert done.exit_code == 2
    assert "would read codes noise, rare of model:classifier-1" in done.output  # not sanctions
    assert "See each code's verdict with hrd-coder suggest validate classifier-1" in done.output
    done = run_cli(
        folder, "export", "matrix", "--layer", "model:classifier-1", "--allow-unvalidated"
    )
    assert done.exit_code == 0, done.output
    assert "allowed with --allow-unvalidated; logged" in done.output
    with Project.open(folder) as project:
        (event,) = events(project, "suggest.unvalidated_use")
        assert event.after["codes"] == ["noise", "rare"] and event.after["what"] == "matrix"
        # The door itself refuses, whoever calls it.
        with pytest.raises(ProjectError, match="suggest validate classifier-1"):
            project.export_table("cooccurrence", "csv", layer="model:classifier-1")
    assert run_cli(folder, "export", "matrix", "--layer", "ana").exit_code == 0


@pytest.fixture
def demo_run(demo_root: Path) -> Path:
    """The demo coded by lena and tomas, a run on lena's layer, and a design that uses a
    code variable."""
    plan = demo_root / "analysis.yaml"
    design = (
        "  - name: with_diplomacy\n    cases: [featured, considered]\n"
        "    group: featured\n    origin: campaign\n    censor_date: 2017-09-01\n"
        "    events: [pardon, amnesty, sentence_completed, acquitted, conditional_release]\n"
        "    covariates: [private_diplomacy]\n\n"
    )
    text = plan.read_text()
    assert text.count("# Media coverage of each case") == 1
    plan.write_text(
        text.replace("# Media coverage of each case", design + "# Media coverage of each case")
    )
    with Project.open(demo_root) as project:
        project.import_files()
        project.load_codings(demo_root / "demo" / "codings.csv", mark_done=True)
        project.suggest(train="lena")
    return demo_root


def test_export_cases_and_report_refuse_then_allow_knowingly(demo_run: Path):
    layer = ["--layer", "model:classifier-1"]
    done = run_cli(demo_run, "export", "cases", *layer)
    assert done.exit_code == 2 and "hrd-coder suggest validate classifier-1" in done.output
    assert "private_diplomacy" in done.output
    done = run_cli(demo_run, "report", "with_diplomacy", *layer, "--format", "json")
    assert done.exit_code == 2, done.output
    assert "code private_diplomacy" in done.output
    assert "hrd-coder suggest validate classifier-1" in done.output
    # By layer, the model layer is listed after the people, refused: never fitted unvalidated.
    done = run_cli(demo_run, "report", "with_diplomacy", "--by-layer", "--format", "json")
    assert done.exit_code == 0, done.output
    by_layer = json.loads(done.output)
    assert list(by_layer["layers"]) == ["lena", "tomas", "model:classifier-1"]
    assert by_layer["layers"]["model:classifier-1"] is None
    assert "code private_diplomacy" in by_layer["by_layer"]["model:classifier-1"]["refused"]
    assert "has no validation" in by_layer["by_layer"]["model:classifier-1"]["refused"]
    # A design whose model reads no code variable reads no layer: nothing to refuse.
    done = run_cli(demo_run, "report", "featured_vs_considered", *layer, "--format", "json")
    assert done.exit_code == 0, done.output
    allowed = [*layer, "--allow-unvalidated"]
    done = run_cli(demo_run, "report", "with_diplomacy", *allowed, "--format", "json")
    assert done.exit_code == 0, done.output
    done = run_cli(demo_run, "export", "cases", *allowed)
    assert done.exit_code == 0, done.output
    with Project.open(demo_run) as project:
        with pytest.raises(ProjectError, match="allow_unvalidated=True"):
            project.case_variables("model:classifier-1")  # the Python door refuses too
        used = events(project, "suggest.unvalidated_use")
        assert [(e.after["what"], e.after["design"]) for e in used] == [
            ("report", "with_diplomacy"),
            ("cases", None),
        ]


def test_the_checks_raise_plain_problems(planted: Project):
    path = planted.root / "empty.csv"
    path.write_text("suggestion,decision\nx,\n")
    with pytest.raises(ProjectError, match="no row has a decision"):
        planted.review_suggestions_from_csv("classifier-1", path, coder="ben")
    path.write_text("suggestion,decision\nx,accept\n")
    with pytest.raises(InvalidInput, match="empty.csv:2: there is no suggestion 'x'"):
        planted.review_suggestions_from_csv("classifier-1", path, coder="ben")
