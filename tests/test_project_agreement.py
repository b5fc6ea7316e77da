"""Agreement on a project's codings, the double-coding sample, and adjudication."""

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
from hrd_coder.services.adjudication import consensus_spans, progress
from hrd_coder.services.agreement import AgreementRequest


def sentence(project: Project, document: str, start_text: str, end_text: str) -> tuple[int, int]:
    text = project.document(document).text
    start = text.index(start_text)
    return start, text.index(end_text, start) + len(end_text)


@pytest.fixture
def coded(mini: Project) -> Project:
    """lena and tomas code int01: they agree on one sentence and differ on another."""
    naming = sentence(mini, "int01", "Naming her", "government.")
    ngos = sentence(mini, "int01", "The NGOs", "too.")
    private = sentence(mini, "int01", "Private talks", "rest.")
    for coder in ("lena", "tomas"):
        mini.add_coding(
            document="int01", code="reputational_costs", start=naming[0], end=naming[1], coder=coder
        )
    mini.add_coding(
        document="int01", code="mobilizing.ngos", start=ngos[0], end=ngos[1], coder="lena"
    )
    mini.add_coding(
        document="int01",
        code="reputational_costs",
        start=private[0],
        end=private[1] - 6,
        coder="tomas",
    )
    return mini


def test_alpha_per_code_matches_the_krippendorff_package_on_the_expected_data(coded):
    rows = {r.name: r for r in coded.agreement(AgreementRequest(bootstrap=200))}
    # Sentences of int01: question, "Naming...", "The NGOs...", question, "Private talks..."
    expected = np.array([[0, 1, 0, 0, 0], [0, 1, 0, 0, 1]], dtype=float)
    reference = krippendorff.alpha(reliability_data=expected, level_of_measurement="nominal")
    assert rows["reputational_costs"].value == pytest.approx(reference)
    assert rows["reputational_costs"].units == 5 and rows["reputational_costs"].positives == 2
    ngos = np.array([[0, 0, 1, 0, 0], [0, 0, 0, 0, 0]], dtype=float)
    assert rows["mobilizing.ngos"].value == pytest.approx(
        krippendorff.alpha(reliability_data=ngos, level_of_measurement="nominal")
    )
    assert rows["mobilizing"].value == rows["mobilizing.ngos"].value  # children count for it
    assert rows["reputational_costs"].verdict == "not reliable"


def test_documents_a_coder_never_coded_do_not_count_as_agreement(coded):
    coded.add_coding(document="c01", code="release", start=0, end=20, coder="lena")
    rows = {r.name: r for r in coded.agreement(AgreementRequest(bootstrap=0))}
    assert rows["reputational_costs"].units == 5  # c01's sentences: tomas is missing there


def test_a_sampled_document_counts_as_coded_even_when_nothing_was_found(coded):
    coded.add_coding(document="c01", code="release", start=0, end=20, coder="lena")
    chosen = coded.assign_sample("tomas", share=1.0, seed=3, kind="case_history").chosen
    assert chosen == ("c01", "c02")
    assert coded.assign_sample("tomas", share=1.0, seed=3, kind="case_history").chosen == chosen
    rows = {r.name: r for r in coded.agreement(AgreementRequest(bootstrap=0))}
    assert rows["release"].units == 5 + 3  # c01's three sentences are now pairable


def test_the_sample_is_reproducible_from_its_seed(mini):
    first = mini.assign_sample("tomas", share=0.5, seed=11).chosen
    mini_other = mini.assign_sample("ana", share=0.5, seed=11).chosen
    assert first == mini_other and len(first) == 2


def test_scopes_pooled_pair_document_and_group(coded):
    pooled = coded.agreement(AgreementRequest(scope="pooled", bootstrap=0))
    assert [r.name for r in pooled] == ["all codes"] and pooled[0].units == 5 * 4
    assert [r.name for r in coded.agreement(AgreementRequest(scope="pair", bootstrap=0))] == [
        "lena–tomas"
    ]
    assert [r.name for r in coded.agreement(AgreementRequest(scope="document", bootstrap=0))] == [
        "int01"
    ]
    assert [r.name for r in coded.agreement(AgreementRequest(scope="group", bootstrap=0))] == [
        "mobilizing"
    ]


def test_other_units_and_statistics(coded):
    turns = {r.name: r for r in coded.agreement(AgreementRequest(unit="turn", bootstrap=0))}
    assert turns["reputational_costs"].units == 4
    ac1 = coded.agreement(AgreementRequest(statistic="ac1", codes=("reputational_costs",)))
    assert ac1[0].statistic == "ac1" and not np.isnan(ac1[0].value)


def test_agreement_needs_two_coders(mini):
    mini.add_coding(document="int01", code="release", start=0, end=5, coder="lena")
    with pytest.raises(ProjectError, match="at least two coders"):
        mini.agreement(AgreementRequest())


def test_the_disagreement_queue_and_decisions_build_the_consensus_layer(coded):
    queue = coded.disagreements(AgreementRequest())
    assert [(d.code_id, tuple(d.present.items())) for d in queue] == [
        ("mobilizing.ngos", (("lena", True), ("tomas", False))),
        ("reputational_costs", (("lena", False), ("tomas", True))),
    ]
    lena_before = coded.codings(coder="lena")
    made = coded.decide(queue[0], "lena", reason="NGOs named", adjudicator="ana")
    assert [(c.coder, c.code_id, c.quote) for c in made] == [
        ("consensus", "mobilizing.ngos", "The NGOs kept pushing too.")
    ]
    coded.decide(queue[1], "neither", reason="not about reputation", adjudicator="ana")
    assert coded.codings(coder="lena") == lena_before  # coders' layers untouched
    again = coded.disagreements(AgreementRequest())
    assert [d.decision for d in again] == ["lena", "neither"] and progress(again) == (2, 2)
    coded.decide(again[0], "neither", adjudicator="ana")  # a new decision replaces the old
    assert coded.codings(coder="consensus") == []


def test_union_and_intersection_of_spans(coded):
    item = coded.disagreements(AgreementRequest())[1]
    spans = {"lena": ((0, 10), (20, 30)), "tomas": ((5, 25),)}
    faked = type(item)(
        item.document_id, item.start, item.end, item.code_id, {"lena": True, "tomas": True}, spans
    )
    assert consensus_spans(faked, "union") == [(0, 30)]
    assert consensus_spans(faked, "intersection") == [(5, 10), (20, 25)]
    assert consensus_spans(faked, "tomas") == [(5, 25)]
    with pytest.raises(ProjectError, match="'both' is not a choice here"):
        consensus_spans(faked, "both")


def test_nobody_may_code_as_consensus(mini):
    with pytest.raises(ProjectError, match="'consensus' is the adjudicated layer"):
        mini.add_coding(document="int01", code="release", start=0, end=5, coder="consensus")


def test_the_cli_prints_the_table_as_json(coded, tmp_path: Path):
    url = coded.database.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        main,
        ["-p", str(coded.root), "--db", url, "agreement", "--format", "json", "--bootstrap", "0"],
    )
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["reputational_costs"]["units"] == 5 and rows["release"]["value"] is None


def test_the_cli_on_an_external_ratings_table(tmp_path: Path):
    table = tmp_path / "ratings.csv"
    table.write_text("A,B,C\n1,1,1\n2,2,\n3,3,2\n1,2,1\n")
    result = CliRunner().invoke(
        main,
        [
            "agreement",
            "--ratings",
            str(table),
            "--metric",
            "alpha",
            "--format",
            "json",
            "--bootstrap",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = krippendorff.alpha(
        reliability_data=[[1, 2, 3, 1], [1, 2, 3, 2], [1, np.nan, 2, 1]],
        level_of_measurement="nominal",
    )
    assert data["value"] == pytest.approx(expected)
    assert (data["units"], data["coders"]) == (4, 3)


def test_the_demo_gives_a_table_for_every_code(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
        project.load_codings(demo_root / "demo" / "codings.csv")
        rows = project.agreement(AgreementRequest(bootstrap=0))
        assert {r.name for r in rows} == {c.id for c in project.codebook.codes}
        assert all(r.coders == 2 and r.units > 100 for r in rows)
        assert len(project.disagreements(AgreementRequest())) > 20
