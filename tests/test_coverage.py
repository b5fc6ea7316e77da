"""Who coded what (issue 22): a coder's blank units count as "absent" only in documents they
marked done; stray codings neither move agreement nor fill the adjudication queue; the old
rule stays available as `agreement_coverage: any_coding`."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services.agreement import AgreementRequest


def run(project: Project, *args: str, coder: str | None = None):
    url = project.database.url.render_as_string(hide_password=False)
    who = ["--coder", coder] if coder else []
    return CliRunner().invoke(main, ["-p", str(project.root), "--db", url, *who, *args])


@pytest.fixture
def demo(demo_root: Path, db_url: str | None):
    """The demo with both coders' codings, each coder's coded documents marked done."""
    project = Project.open(demo_root, db_url)
    project.import_files()
    project.load_codings(demo_root / "demo" / "codings.csv", mark_done=True)
    yield project
    project.close()


def alphas(project: Project) -> dict[str, float]:
    rows = project.agreement(AgreementRequest(bootstrap=0))
    return {row.name: row.value for row in rows}


def stray_codings(project: Project) -> None:
    """The issue's experiment: tomas tries two codes in a transcript nobody has coded (int01;
    the shipped codings cover int02, int03, int04 and int07)."""
    text = project.text_of("int01")
    first = text.index(". ") + 2
    project.add_coding(
        document="int01", code="reputational_costs", start=0, end=first, coder="tomas"
    )
    project.add_coding(
        document="int01", code="bureaucratic_deadlock", start=first, end=first + 40, coder="tomas"
    )


def test_a_stray_coding_no_longer_changes_alpha(demo):
    before = alphas(demo)
    # The values the issue measured on the demo before the stray codings.
    assert before["reputational_costs"] == pytest.approx(0.655, abs=5e-4)
    assert before["bureaucratic_deadlock"] == pytest.approx(0.708, abs=5e-4)
    queue = len(demo.disagreements())
    stray_codings(demo)
    assert alphas(demo) == before
    assert len(demo.disagreements()) == queue  # no "did not code it" items
    coverage = demo.coverage()
    assert coverage.stray("tomas") == frozenset() and coverage.waiting("tomas") == {"int01"}


def test_the_old_rule_is_a_project_setting(demo):
    before = alphas(demo)
    stray_codings(demo)
    demo.set_coverage_rule("any_coding")
    moved = alphas(demo)
    # Today's rule: the stray codings' blanks in int01 became "absent" ratings, and tomas's
    # two codings there became disagreements with lena's blanks.
    assert moved["reputational_costs"] < before["reputational_costs"] - 0.01
    assert moved["bureaucratic_deadlock"] != pytest.approx(before["bureaucratic_deadlock"])
    assert demo.coverage().waiting("tomas") == frozenset()
    with pytest.raises(ProjectError, match="unknown coverage rule"):
        demo.set_coverage_rule("sometimes")


def test_a_done_document_with_no_codings_counts_as_absent_everywhere(mini):
    text = mini.text_of("int01")
    start = text.index("Naming her")
    mini.add_coding(
        document="int01", code="reputational_costs", start=start, end=start + 20, coder="lena"
    )
    mini.mark_done(["int01"], coder="lena")
    with pytest.raises(ProjectError, match="at least two coders"):
        mini.agreement(AgreementRequest(bootstrap=0))  # tomas has done nothing yet
    mini.mark_done(["int01"], coder="tomas")  # read it all, found nothing
    (row,) = mini.agreement(AgreementRequest(codes=("reputational_costs",), bootstrap=0))
    # Sentences of int01: Q1, "Naming...", "The NGOs...", Q2, "Private talks...".
    expected = np.array([[0, 1, 0, 0, 0], [0, 0, 0, 0, 0]], dtype=float)
    assert row.units == 5
    assert row.value == pytest.approx(krippendorff.alpha(reliability_data=expected))
    [item] = mini.disagreements()
    assert item.present == {"lena": True, "tomas": False}


def test_assigned_but_not_done_is_missing_and_reported(mini):
    mini.assign("tomas", ["int01"])
    text = mini.text_of("int01")
    start = text.index("Naming her")
    for coder in ("lena", "tomas"):
        mini.add_coding(
            document="int01", code="reputational_costs", start=start, end=start + 20, coder=coder
        )
    mini.mark_done(["int01"], coder="lena")
    coverage = mini.coverage()
    assert coverage.not_done("tomas") == {"int01"} and coverage.stray("lena") == frozenset()
    assert not coverage.everyone_assigned
    asked = ("agreement", "--bootstrap", "0", "--code", "reputational_costs", "--format", "json")
    result = run(mini, *asked)
    assert result.exit_code == 0, result.output
    assert "note: tomas: 1 assigned document not marked done" in result.stderr
    assert json.loads(result.stdout)[0]["units"] == 0  # tomas is missing, not absent
    mini.mark_done(["int01"], coder="tomas")
    (row,) = mini.agreement(AgreementRequest(codes=("reputational_costs",), bootstrap=0))
    assert row.units == 5
    mini.mark_done(["int01"], coder="tomas", undo=True)
    assert mini.coverage().not_done("tomas") == {"int01"}


def test_a_stray_coding_is_reported_as_stray(mini):
    mini.assign("tomas", ["c01"])
    mini.add_coding(document="int01", code="release", start=0, end=5, coder="tomas")
    assert mini.coverage().stray("tomas") == {"int01"}
    status = run(mini, "status")
    assert "tomas: 0 done, 1 assigned and not done" in status.output
    assert "(1 neither assigned nor done: stray)" in status.output


def test_done_assign_and_setting_commands(mini):
    mini.add_coding(document="int01", code="release", start=0, end=5, coder="lena")
    result = run(mini, "done", "--all-coded", coder="lena")
    assert result.exit_code == 0 and "1 document marked done by lena: int01" in result.output
    again = run(mini, "done", "int01", coder="lena")
    assert "(no change)" in again.output
    undone = run(mini, "done", "int01", "--undo", "--coder", "lena")
    assert undone.exit_code == 0 and "marked not done" in undone.output
    unknown = run(mini, "done", "int99", coder="lena")
    assert unknown.exit_code == 2 and "there is no document 'int99'" in unknown.output
    nobody = run(mini, "done", "int01")
    assert nobody.exit_code == 2 and "--coder NAME" in nobody.output
    assigned = run(mini, "assign", "tomas", "int01", "c01")
    assert assigned.exit_code == 0 and "2 documents assigned to tomas" in assigned.output
    assert run(mini, "assign", "tomas", "c01", "--undo").exit_code == 0
    assert mini.coverage().assigned["tomas"] == {"int01"}
    shown = run(mini, "setting", "agreement_coverage")
    assert shown.output.strip() == "agreement_coverage = done"
    changed = run(mini, "setting", "agreement_coverage", "any_coding")
    assert changed.exit_code == 0 and "(was done)" in changed.output
    data = json.loads(run(mini, "status", "--format", "json").output)
    assert data["coverage"]["rule"] == "any_coding"
    actions = [e.action for e in mini_events(mini)]
    assert {"document.done", "document.undone", "assignment.add", "assignment.remove"} <= set(
        actions
    )


def mini_events(project: Project):
    from sqlalchemy import select

    from hrd_coder.storage import tables

    with project.database.reading() as conn:
        return list(conn.execute(select(tables.Event.__table__)))


def test_agreement_names_coders_with_codings_that_do_not_count_yet(demo):
    stray_codings(demo)
    result = run(demo, "agreement", "--bootstrap", "0", "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # the notes go to stderr: the JSON stays clean
    assert "note: tomas: codings in 1 document not counted yet" in result.stderr


def test_codings_load_can_mark_the_documents_done(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
    runner = CliRunner()
    base = ["-p", str(demo_root), "codings", "load", str(demo_root / "demo" / "codings.csv")]
    assert runner.invoke(main, base).exit_code == 0
    with Project.open(demo_root) as project:
        assert project.coverage().done == {}
    result = runner.invoke(main, [*base, "--mark-done"])
    assert result.exit_code == 0, result.output
    with Project.open(demo_root) as project:
        coverage = project.coverage()
        assert coverage.done == coverage.coded and len(coverage.done["lena"]) > 5


def test_the_consensus_waits_for_documents_to_be_done(mini):
    text = mini.text_of("int01")
    start = text.index("Naming her")
    for coder in ("lena", "tomas"):
        mini.add_coding(
            document="int01", code="reputational_costs", start=start, end=start + 20, coder=coder
        )
    status = mini.rebuild_consensus(by="ana")
    assert (status.waiting_codings, status.stored_codings) == (2, 0)
    assert "2 codings wait in documents" in run(mini, "consensus", "status").output
    mini.mark_done(["int01"], coder="lena")
    mini.mark_done(["int01"], coder="tomas")
    status = mini.rebuild_consensus(by="ana")
    assert (status.waiting_codings, status.stored_codings, status.total("agreed")) == (0, 1, 1)
