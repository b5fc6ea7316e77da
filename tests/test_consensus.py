"""The consensus layer: agreed codings carried over with their case ties, decisions, stale
and reopened units, rebuilds, the `adjudicate` and `consensus` commands, and the whole study
path from two coders' layers to the case table and a Cox model."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.services import Project
from hrd_coder.services import consensus_rules as rules
from hrd_coder.services.consensus_rules import Piece
from tests.conftest import finish_coding

# -- the rules, on their own -------------------------------------------------------------


def test_marks_merge_overlapping_pieces_of_the_same_case_only():
    mark = rules.mark_of([Piece(5, 10, "c1"), Piece(0, 6, "c1"), Piece(2, 4, "c2")])
    assert mark == (Piece(0, 10, "c1"), Piece(2, 4, "c2"))


def test_states_of_a_unit():
    both = {"lena": (Piece(0, 5, "c1"),), "tomas": (Piece(2, 9, "c1"),)}
    assert rules.state_of(both) == "agreed"
    assert rules.state_of({"lena": (Piece(0, 5, None),)}) == "single"
    assert rules.state_of({"lena": (), "tomas": ()}) == "absent"
    assert rules.state_of({"lena": (Piece(0, 5, "c1"),), "tomas": ()}) == "disagreed"
    other_case = {"lena": (Piece(0, 5, "c1"),), "tomas": (Piece(0, 5, "c2"),)}
    assert rules.state_of(other_case) == "disagreed"
    assert rules.kind_of(other_case) == "cases"


def test_agreed_units_take_the_union_so_a_code_every_coder_applied_is_never_lost():
    # Both codings count for the unit but do not overlap: the intersection would be empty.
    marks = {"lena": (Piece(0, 10, "c1"),), "tomas": (Piece(20, 30, "c1"),)}
    assert rules.agreed(marks) == (Piece(0, 10, "c1"), Piece(20, 30, "c1"))


def test_choices_give_a_coder_the_union_the_intersection_or_nothing():
    marks = {
        "lena": (Piece(0, 10, "c1"), Piece(20, 30, "c1")),
        "tomas": (Piece(5, 25, "c1"), Piece(5, 25, "c2")),
    }
    assert rules.apply("tomas", marks) == marks["tomas"]
    assert rules.apply("union", marks) == (Piece(0, 30, "c1"), Piece(5, 25, "c2"))
    assert rules.apply("intersection", marks) == (Piece(5, 10, "c1"), Piece(20, 25, "c1"))
    assert rules.apply("neither", marks) == ()
    assert rules.apply("intersection", {"lena": marks["lena"], "tomas": ()}) == ()
    with pytest.raises(ProjectError, match="'both' is not a choice here"):
        rules.apply("both", marks)


def test_a_basis_reads_back_as_it_was_stored():
    marks = {"lena": (Piece(0, 5, None), Piece(7, 9, "c1")), "tomas": ()}
    stored = json.loads(json.dumps(rules.basis_json("sentence", marks)))
    assert rules.basis_marks(stored) == marks


# -- on a project (SQLite and PostgreSQL) --------------------------------------------------


def span(project: Project, document: str, first: str, last: str) -> tuple[int, int]:
    text = project.document(document).text
    start = text.index(first)
    return start, text.index(last, start) + len(last)


@pytest.fixture
def coded(mini: Project) -> Project:
    """lena and tomas code int01 (a transcript about c01 and c02): both code reputational
    costs on "Naming her…" tied to c01; only lena codes the NGOs sentence; they tie
    "Private talks…" to different cases."""
    naming = span(mini, "int01", "Naming her", "government.")
    ngos = span(mini, "int01", "The NGOs", "too.")
    private = span(mini, "int01", "Private talks", "rest.")
    for coder in ("lena", "tomas"):
        mini.add_coding(
            document="int01",
            code="reputational_costs",
            start=naming[0],
            end=naming[1] - (5 if coder == "tomas" else 0),
            coder=coder,
            case="c01",
        )
    mini.add_coding(
        document="int01", code="mobilizing.ngos", start=ngos[0], end=ngos[1], coder="lena"
    )
    mini.add_coding(
        document="int01", code="release", start=private[0], end=private[1], coder="lena", case="c01"
    )
    mini.add_coding(
        document="int01",
        code="release",
        start=private[0],
        end=private[1],
        coder="tomas",
        case="c02",
    )
    finish_coding(mini)
    return mini


def consensus_codings(project: Project) -> list[tuple[str, int, int, str | None]]:
    return [(c.code_id, c.start, c.end, c.case_id) for c in project.codings(coder="consensus")]


def test_agreed_codings_enter_the_consensus_with_their_case_ties(coded):
    assert coded.layers() == ["lena", "tomas"]  # no consensus layer before the first rebuild
    status = coded.rebuild_consensus(by="ana")
    assert coded.layers() == ["lena", "tomas", "consensus"]  # coders by name, then consensus
    naming = span(coded, "int01", "Naming her", "government.")
    assert consensus_codings(coded) == [("reputational_costs", *naming, "c01")]
    counts = {c.code_id: c for c in status.codes}
    assert (counts["reputational_costs"].agreed, counts["reputational_costs"].undecided) == (1, 0)
    assert counts["mobilizing.ngos"].undecided == 1
    assert counts["release"].undecided == 1  # same passage, different cases
    assert not status.complete and status.total("stale") == 0


def test_the_queue_holds_code_and_case_disagreements(coded):
    queue = coded.disagreements()
    assert [(i.code_id, i.kind, i.present) for i in queue] == [
        ("mobilizing.ngos", "code", {"lena": True, "tomas": False}),
        ("release", "cases", {"lena": True, "tomas": True}),
    ]
    assert len({i.id for i in queue}) == 2 and all(len(i.id) == 8 for i in queue)


def test_decisions_build_the_consensus_and_leave_the_coders_layers_alone(coded):
    lena_before = coded.codings(coder="lena")
    ngos, release = coded.disagreements()
    held = coded.decide(ngos, "lena", reason="NGOs named", adjudicator="ana")
    assert [p.case_id for p in held] == [None]
    coded.decide(release.id, "tomas", adjudicator="ana")  # by id, as the CLI does
    assert coded.codings(coder="lena") == lena_before
    status = coded.consensus_status()
    assert status.complete and status.total("decided") == 2
    # Agreed units of a code without disagreements were written by the decisions too.
    assert {c[0] for c in consensus_codings(coded)} == {
        "mobilizing.ngos",
        "release",
        "reputational_costs",
    }
    private = span(coded, "int01", "Private talks", "rest.")
    assert ("release", *private, "c02") in consensus_codings(coded)
    memos = {c.code_id: c.memo for c in coded.codings(coder="consensus")}
    assert memos["mobilizing.ngos"] == "adjudicated by ana: lena — NGOs named"
    assert memos["reputational_costs"] == "agreed: lena, tomas"


def test_a_new_decision_replaces_the_old(coded):
    ngos = coded.disagreements()[0]
    coded.decide(ngos, "lena", adjudicator="ana")
    coded.decide(ngos, "neither", adjudicator="ana")
    assert [c for c in consensus_codings(coded) if c[0] == "mobilizing.ngos"] == []
    assert coded.disagreements()[0].decision == "neither"


def test_a_coders_later_change_reopens_a_decision_and_keeps_what_was_decided(coded):
    ngos = coded.disagreements()[0]
    coded.decide(ngos, "lena", adjudicator="ana")
    coded.add_coding(
        document="int01",
        code="mobilizing.ngos",
        start=ngos.start,
        end=ngos.start + 8,
        coder="tomas",
    )
    # Now both marked it, but with no case either: agreed, the decision is superseded.
    status = {c.code_id: c for c in coded.consensus_status().codes}["mobilizing.ngos"]
    assert (status.agreed, status.decided, status.reopened) == (1, 0, 0)
    [release] = coded.disagreements()
    coded.decide(release, "lena", adjudicator="ana")
    [tomas_release] = coded.codings(coder="tomas", code="release")
    coded.update_coding(tomas_release.id, coder="tomas", case_id="c01")
    # tomas now agrees with lena: agreed; move it again to a third answer: reopened.
    assert {c.code_id: c for c in coded.consensus_status().codes}["release"].agreed == 1
    coded.update_coding(tomas_release.id, coder="tomas", case_id=None)
    status = {c.code_id: c for c in coded.consensus_status().codes}["release"]
    assert status.reopened == 1 and not coded.consensus_status().complete
    [item] = [i for i in coded.disagreements() if i.code_id == "release"]
    assert item.state == "reopened" and item.open and item.decision == "lena"


def test_a_coders_change_to_an_agreed_unit_makes_the_consensus_stale(coded):
    coded.rebuild_consensus(by="ana")
    [tomas_naming] = coded.codings(coder="tomas", code="reputational_costs")
    coded.remove_coding(tomas_naming.id, coder="tomas")
    status = {c.code_id: c for c in coded.consensus_status().codes}["reputational_costs"]
    assert (status.stale, status.undecided, status.agreed) == (1, 1, 0)
    coded.rebuild_consensus(by="ana")
    assert [c for c in consensus_codings(coded) if c[0] == "reputational_costs"] == []


def test_a_new_coders_layer_reopens_decisions_in_the_documents_they_code(coded):
    ngos = coded.disagreements()[0]
    coded.decide(ngos, "lena", adjudicator="ana")
    coded.add_coding(document="int01", code="release", start=0, end=5, coder="mira")
    coded.mark_done(["int01"], coder="mira")
    [item] = [i for i in coded.disagreements() if i.code_id == "mobilizing.ngos"]
    assert item.state == "reopened" and set(item.marks) == {"lena", "mira", "tomas"}


def test_single_coded_documents_enter_the_consensus_as_they_are(coded):
    coded.add_coding(document="c02", code="release", start=0, end=20, coder="lena")
    coded.mark_done(["c02"], coder="lena")
    status = {c.code_id: c for c in coded.rebuild_consensus(by="ana").codes}
    assert status["release"].single == 1
    assert ("release", 0, 20, "c02") in consensus_codings(coded)  # a case history's own case


def test_bad_choices_and_stale_items_write_nothing(coded):
    ngos, release = coded.disagreements()
    with pytest.raises(ProjectError, match="'both' is not a choice for item"):
        coded.decide_many([(ngos, "lena", ""), (release, "both", "")], adjudicator="ana")
    coded.add_coding(
        document="int01", code="mobilizing.ngos", start=ngos.start, end=ngos.end, coder="tomas"
    )
    with pytest.raises(ProjectError, match="no longer a disagreement"):
        coded.decide(ngos, "lena", adjudicator="ana")
    assert coded.codings(coder="consensus") == [] and coded.disagreements()[0].decision is None


def test_changing_the_unit_leaves_decisions_on_the_old_unit_unmatched(coded):
    coded.decide(coded.disagreements()[0], "lena", adjudicator="ana")
    status = coded.rebuild_consensus(by="ana", unit="turn")
    assert status.unit == "turn" and status.unmatched_decisions == 1
    with pytest.raises(ProjectError, match="cannot be built per 'case'"):
        coded.rebuild_consensus(by="ana", unit="case")


def test_an_incomplete_consensus_is_refused_or_warned_about(coded):
    with pytest.raises(ProjectError, match="incomplete.*mobilizing.ngos: 1 undecided"):
        coded.check_consensus(None, allow_incomplete=False)
    [warning] = coded.check_consensus("consensus", allow_incomplete=True)
    assert warning.startswith("warning: the consensus layer is incomplete")
    assert coded.check_consensus("lena", allow_incomplete=False) == []


# -- the commands --------------------------------------------------------------------------


def run(project: Project, *args: str, coder: str | None = "ana"):
    url = project.database.url.render_as_string(hide_password=False)
    who = ["--coder", coder] if coder else []
    return CliRunner().invoke(main, ["-p", str(project.root), "--db", url, *who, *args])


def test_adjudicate_list_and_decide_from_the_command_line(coded):
    listed = run(coded, "adjudicate", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.output)
    assert [i["code"] for i in items] == ["mobilizing.ngos", "release"]
    assert items[1]["lena_cases"] == "c01" and items[1]["tomas_cases"] == "c02"
    decided = run(coded, "adjudicate", "decide", items[0]["item"][:5], "b", "--reason", "no")
    assert decided.exit_code == 0, decided.output
    assert "tomas; the consensus holds 0 codings" in decided.output
    table = run(coded, "adjudicate", "list", "--open")
    assert "release" in table.output and "mobilizing.ngos" not in table.output
    nobody = run(coded, "adjudicate", "decide", items[1]["item"], "a", coder=None)
    assert nobody.exit_code == 2 and "say who is adjudicating" in nobody.output


def test_a_batch_of_decisions_is_checked_first_and_written_whole(coded, tmp_path: Path):
    listed = run(coded, "adjudicate", "list", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(listed)))
    rows[0]["choice"], rows[1]["choice"] = "lena", "both"
    bad = tmp_path / "decisions.csv"
    _write_csv(bad, rows)
    result = run(coded, "adjudicate", "decide", "--from-csv", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3: 'both' is not a choice for item" in result.output
    assert coded.codings(coder="consensus") == []
    rows[1]["choice"], rows[1]["reason"] = "union", "both cases"
    _write_csv(bad, rows)
    result = run(coded, "adjudicate", "decide", "--from-csv", str(bad))
    assert result.exit_code == 0 and "2 decisions recorded" in result.output
    assert coded.consensus_status().total("decided") == 2


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_decisions_file_without_the_columns_is_refused(coded, tmp_path: Path):
    bad = tmp_path / "d.csv"
    bad.write_text("id,answer\nx,a\n")
    with pytest.raises(InvalidInput, match="missing column"):
        from hrd_coder.services.decisions_file import decide_from_file

        decide_from_file(coded, bad, "ana")


def test_consensus_status_and_rebuild_commands(coded):
    status = run(coded, "consensus", "status", "--format", "json")
    assert status.exit_code == 0, status.output
    data = json.loads(status.output)
    assert data["complete"] is False and data["coders"] == ["lena", "tomas"]
    rebuilt = run(coded, "consensus", "rebuild")
    assert rebuilt.exit_code == 0 and "2 units to decide" in rebuilt.output
    assert len(coded.codings(coder="consensus")) == 1


def test_exports_refuse_an_incomplete_consensus_and_name_their_layer(coded):
    empty = run(coded, "export", "cases", "--allow-incomplete")
    assert empty.exit_code == 2 and "consensus rebuild" in empty.output
    assert run(coded, "consensus", "rebuild").exit_code == 0
    refused = run(coded, "export", "cases")
    assert refused.exit_code == 2 and "--allow-incomplete" in refused.output
    assert not (coded.root / "exports").exists()
    warned = run(coded, "export", "cases", "--allow-incomplete")
    assert warned.exit_code == 0, warned.output
    assert "warning: the consensus layer is incomplete" in warned.output
    assert (coded.root / "exports" / "cases_consensus.csv").is_file()
    lena = run(coded, "export", "cases", "--layer", "lena")
    assert lena.exit_code == 0 and "(layer lena)" in lena.output
    assert (coded.root / "exports" / "cases_lena.csv").is_file()
    for command in (
        ["export", "matrix"],
        ["export", "cooccurrence"],
        ["explain", "c01", "release"],
    ):
        result = run(coded, *command)
        assert result.exit_code == 2 and "incomplete" in result.output, command


# -- the whole study path ------------------------------------------------------------------


@pytest.fixture
def study(demo_root: Path, db_url: str | None):
    project = Project.open(demo_root, db_url, viewer="ana")
    project.import_files()
    project.load_codings(demo_root / "demo" / "codings.csv", mark_done=True)
    yield project
    project.close()


def test_two_coders_to_a_cox_model_through_the_command_line(study, tmp_path: Path):
    """Two coders' layers -> agreement -> every item decided with `adjudicate decide` ->
    `export cases --layer consensus`: where both coders agree on a case's mechanism the
    consensus equals them; where they disagree it equals the decision (per code, one
    coder's version: lena's for even codes, tomas's for odd ones)."""
    assert run(study, "agreement", "--bootstrap", "0").exit_code == 0
    rows = list(
        csv.DictReader(io.StringIO(run(study, "adjudicate", "list", "--format", "csv").output))
    )
    assert len(rows) > 20
    codes = [c.id for c in study.codebook.codes]
    chosen = {code: ("lena", "tomas")[i % 2] for i, code in enumerate(codes)}
    for row in rows:
        row["choice"] = chosen[row["code"]]
    decisions = tmp_path / "decisions.csv"
    _write_csv(decisions, rows)
    result = run(study, "adjudicate", "decide", "--from-csv", str(decisions))
    assert result.exit_code == 0, result.output
    assert run(study, "consensus", "rebuild").exit_code == 0
    assert study.consensus_status().complete
    tables = {}
    for layer in ("consensus", "lena", "tomas"):
        out = tmp_path / f"{layer}.csv"
        exported = run(study, "export", "cases", "--layer", layer, "--out", str(out))
        assert exported.exit_code == 0, exported.output
        tables[layer] = pd.read_csv(out).set_index("id")
    dictionary = json.loads((tmp_path / "consensus.csv.dictionary.json").read_text())
    assert dictionary["layer"] == "consensus"
    leaves = [c for c in codes if not study.codebook.children_of(c)]
    presence = {
        v["code"]: v["name"]
        for v in dictionary["variables"]
        if v.get("kind") == "presence" and v.get("code") in leaves
    }
    assert len(presence) > 10
    checked = {"agree": 0, "decided": 0}
    for code, column in presence.items():
        lena, tomas = tables["lena"][column], tables["tomas"][column]
        consensus = tables["consensus"][column]
        agree = lena == tomas
        assert (consensus[agree] == lena[agree]).all(), code
        expected = (lena if chosen[code] == "lena" else tomas)[~agree]
        assert (consensus[~agree] == expected).all(), code
        checked["agree"] += int(agree.sum())
        checked["decided"] += int((~agree).sum())
    assert checked["decided"] > 5  # the demo's coders do disagree on some cases
    # The exported consensus table goes straight into a Cox model with a mechanism in it;
    # the coefficients equal lifelines fitted directly on the design's rows.
    table = tmp_path / "consensus.csv"
    fitted = run(
        study,
        "survival",
        "--data",
        str(table),
        "--design",
        "featured_vs_all_held",
        "--covariates",
        "featured,bureaucratic_deadlock",
        "--format",
        "json",
    )
    assert fitted.exit_code == 0, fitted.output
    coefficients = json.loads(fitted.output)["coefficients"]
    from lifelines import CoxPHFitter

    rows = tables["consensus"].dropna(subset=["featured_vs_all_held_days"])
    direct = CoxPHFitter().fit(
        rows[
            [
                "featured_vs_all_held_days",
                "featured_vs_all_held_event",
                "featured",
                "bureaucratic_deadlock",
            ]
        ],
        "featured_vs_all_held_days",
        "featured_vs_all_held_event",
    )
    for name in ("featured", "bureaucratic_deadlock"):
        assert coefficients[name]["coef"] == pytest.approx(direct.params_[name], abs=1e-6)


def test_a_decision_follows_its_text_when_the_document_is_edited(coded):
    ngos = coded.disagreements()[0]
    coded.decide(ngos, "lena", adjudicator="ana")
    path = coded.root / "transcripts" / "int01.md"
    text = path.read_text()
    head, body = text.split("---\n", 2)[1:]
    path.write_text(f"---\n{head}---\nINTERVIEWER: A note added first.\n\n{body}")
    coded.import_files()
    [moved] = [i for i in coded.disagreements() if i.code_id == "mobilizing.ngos"]
    assert moved.state == "decided" and moved.start > ngos.start
    coded.rebuild_consensus(by="ana")
    assert coded.consensus_status().complete is False  # release is still undecided
    [held] = coded.codings(coder="consensus", code="mobilizing.ngos")
    assert held.quote == "The NGOs kept pushing too."


def test_the_notebook_api_warns_about_an_incomplete_consensus(coded):
    from hrd_coder import api

    coded.rebuild_consensus(by="ana")
    url = coded.database.url.render_as_string(hide_password=False)
    with pytest.warns(UserWarning, match="consensus layer is incomplete"):
        table = api.case_table(coded.root, db_url=url)
    assert table.set_index("id").loc["c01", "reputational_costs"] == 1
    status = api.consensus_status(coded.root, db_url=url).set_index("code")
    assert status.loc["mobilizing.ngos", "undecided"] == 1


def test_status_says_how_far_the_consensus_has_come(coded):
    text = run(coded, "status")
    assert text.exit_code == 0, text.output
    assert (
        "units per sentence: 1 agreed, 0 single, 0 decided, 0 reopened, 2 undecided" in text.output
    )
    assert "the consensus layer is incomplete" in text.output
    data = json.loads(run(coded, "status", "--format", "json").output)
    assert data["consensus"]["complete"] is False and data["coders"] == 2


def test_a_hostile_decisions_file_is_located_and_writes_nothing(coded, tmp_path: Path):
    huge = tmp_path / "huge.csv"
    huge.write_text('item,choice,reason\nabc,a,"' + "x" * 1_000_001 + '"\n')
    result = run(coded, "adjudicate", "decide", "--from-csv", str(huge))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{huge}:2: a cell of this row is longer than 1,000,000 characters" in result.output
    escape = tmp_path / "escape.csv"
    escape.write_text("item,choice,reason\nab\x1b[2Jc,a,\n")
    result = run(coded, "adjudicate", "decide", "--from-csv", str(escape))
    assert result.exit_code == 2 and "holds a control character" in result.output
    assert "\x1b" not in result.output
    assert coded.codings(coder="consensus") == []
