"""Agreement on a project's codings, the double-coding sample, and adjudication."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import scipy.stats
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services.agreement import MIN_POSITIVES, TOO_FEW, AgreementRequest, verdict
from tests.conftest import finish_coding


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
    finish_coding(mini)  # both read int01 through: their blank sentences are "absent"
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
    assert rows["reputational_costs"].verdict == "too few to judge"  # 2 coded units


def test_documents_a_coder_never_coded_do_not_count_as_agreement(coded):
    coded.add_coding(document="c01", code="release", start=0, end=20, coder="lena")
    coded.mark_done(["c01"], coder="lena")
    rows = {r.name: r for r in coded.agreement(AgreementRequest(bootstrap=0))}
    assert rows["reputational_costs"].units == 5  # c01's sentences: tomas is missing there


def test_a_sampled_document_done_with_nothing_found_counts_as_absent(coded):
    coded.add_coding(document="c01", code="release", start=0, end=20, coder="lena")
    coded.mark_done(["c01"], coder="lena")
    chosen = coded.assign_sample("tomas", share=1.0, seed=3, kind="case_history").chosen
    assert chosen == ("c01", "c02")
    assert coded.assign_sample("tomas", share=1.0, seed=3, kind="case_history").chosen == chosen
    rows = {r.name: r for r in coded.agreement(AgreementRequest(bootstrap=0))}
    assert rows["release"].units == 5  # assigned, not done yet: tomas is missing in c01
    coded.mark_done(["c01", "c02"], coder="tomas")
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
        project.load_codings(demo_root / "demo" / "codings.csv", mark_done=True)
        rows = project.agreement(AgreementRequest(bootstrap=0))
        assert {r.name for r in rows} == {c.id for c in project.codebook.codes}
        assert all(r.coders == 2 and r.units > 100 for r in rows)
        assert len(project.disagreements()) > 20


def cli(project: Project, *args: str):
    """Run `hrd-coder` on the project's own database, as a user would."""
    url = project.database.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["-p", str(project.root), "--db", url, *args])


@pytest.fixture
def three_coders(coded: Project) -> Project:
    """The coded project with a third coder, who codes one sentence of int01."""
    start, end = sentence(coded, "int01", "Private talks", "rest.")
    coded.add_coding(document="int01", code="release", start=start, end=end, coder="third")
    coded.mark_done(["int01"], coder="third")
    return coded


@pytest.mark.parametrize(("metric", "name"), [("cohen", "Cohen's kappa"), ("scott", "Scott's pi")])
def test_a_two_coder_statistic_on_three_coders_is_a_user_error(three_coders, metric, name):
    result = cli(three_coders, "agreement", "--metric", metric)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(
        f"error: {name} compares exactly 2 coders, but this project has 3: lena, third, tomas. "
        "Pick two with --coder A --coder B (e.g. --coder lena --coder third)"
    )
    assert "--by pair" in result.output and "Traceback" not in result.output
    chosen = cli(
        three_coders,
        "agreement",
        "--metric",
        metric,
        *["--coder", "lena", "--coder", "tomas", "--coder", "third"],
    )
    assert chosen.exit_code == 2 and "but you chose 3: lena, tomas, third" in chosen.output
    two = cli(three_coders, "agreement", "--metric", metric, "--coder", "lena", "--coder", "tomas")
    assert two.exit_code == 0, two.output
    pairs = cli(three_coders, "agreement", "--metric", metric, "--by", "pair", "--format", "json")
    assert pairs.exit_code == 0, pairs.output
    assert [r["name"] for r in json.loads(pairs.output)] == [
        "lena–third",
        "lena–tomas",
        "third–tomas",
    ]


def test_a_level_the_statistic_cannot_take_is_a_user_error(coded):
    result = cli(coded, "agreement", "--metric", "fleiss", "--level", "ordinal")
    assert result.exit_code == 2
    assert result.output.startswith("error: fleiss accepts level nominal, not 'ordinal'")


def test_character_units_per_document_and_no_groups(coded):
    per_document = cli(
        coded, "agreement", "--unit", "character", "--by", "document", "--format", "json"
    )
    assert per_document.exit_code == 0, per_document.output
    assert [r["name"] for r in json.loads(per_document.output)] == ["int01"]
    groups = cli(coded, "agreement", "--unit", "character", "--by", "group")
    assert groups.exit_code == 2
    assert "code groups cannot be compared on character units" in groups.output


def degenerate_requests(project: Project) -> dict[str, AgreementRequest]:
    """Requests whose data leave statistics undefined, or their variances degenerate."""
    length = len(project.text_of("c01"))
    for coder in ("lena", "tomas"):
        project.add_coding(document="c01", code="release", start=0, end=length, coder=coder)
        project.mark_done(["c01"], coder=coder)
    return {
        "a code nobody used": AgreementRequest(codes=("release",), documents=("int01",)),
        "a code one coder never used": AgreementRequest(codes=("mobilizing.ngos",)),
        "a code every coder used everywhere": AgreementRequest(
            codes=("release",), documents=("c01",)
        ),
        "one unit": AgreementRequest(unit="document", documents=("int01",)),
        "all missing": AgreementRequest(documents=("c02",)),
    }


@pytest.mark.parametrize("statistic", ["alpha", "cohen", "fleiss", "ac1", "scott", "percent"])
def test_degenerate_data_give_values_or_nan_and_no_warnings(coded, statistic):
    for case, request in degenerate_requests(coded).items():
        for scope in ("code", "pooled", "pair", "document"):
            asked = AgreementRequest(
                **{**request.__dict__, "statistic": statistic, "scope": scope, "bootstrap": 50}
            )
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                rows = coded.agreement(asked)
            assert [str(w.message) for w in caught] == [], (case, scope)
            assert all(r.verdict in ("", TOO_FEW) for r in rows), (case, scope)


def test_an_interval_past_the_range_is_clipped_and_flagged(coded):
    """Percent agreement on reputational costs: 4 of 5 sentences agree, Gwet's se is 0.2 and
    0.8 + t(0.975, 4) x 0.2 = 1.355 reaches past 1."""
    row = coded.agreement(AgreementRequest(statistic="percent", codes=("reputational_costs",)))[0]
    assert (row.value, row.se) == pytest.approx((0.8, 0.2))
    assert row.value + scipy.stats.t.ppf(0.975, 4) * row.se > 1
    assert (row.ci_high, row.ci_clipped) == (1.0, True)
    assert row.ci_low == pytest.approx(0.8 - scipy.stats.t.ppf(0.975, 4) * 0.2)
    result = cli(coded, "agreement", "--metric", "percent", "--code", "reputational_costs")
    assert result.exit_code == 0, result.output
    assert (
        "note: the 95% interval of reputational_costs was clipped to [0, 1], the values "
        "percent can take" in result.output
    )
    for fmt in ("json", "csv"):
        shown = cli(coded, "agreement", "--metric", "percent", "--format", fmt)
        assert "note:" not in shown.output  # machine-readable output stays a table
    rows = json.loads(cli(coded, "agreement", "--metric", "percent", "--format", "json").output)
    assert {r["name"]: r["ci_clipped"] for r in rows}["reputational_costs"] is True


@pytest.mark.parametrize(
    ("statistic", "value", "positives", "expected"),
    [
        ("alpha", 0.95, MIN_POSITIVES, "reliable"),
        ("alpha", 0.95, MIN_POSITIVES - 1, TOO_FEW),
        ("alpha", 0.70, MIN_POSITIVES, "tentative"),
        ("alpha", 0.10, MIN_POSITIVES, "not reliable"),
        ("alpha", 0.10, 0, TOO_FEW),
        ("alpha", float("nan"), 0, ""),  # no value: nothing to judge
        ("cohen", 0.95, 3, ""),  # Krippendorff's thresholds are for alpha
    ],
)
def test_a_verdict_needs_ten_coded_units(statistic, value, positives, expected):
    assert verdict(statistic, value, positives) == expected


def test_too_few_to_judge_in_every_format(coded):
    table = cli(coded, "agreement", "--bootstrap", "0")
    assert table.exit_code == 0, table.output
    line = next(r for r in table.output.splitlines() if r.startswith("reputational_costs"))
    assert line.endswith("too few to judge")
    assert (
        "note: too few to judge for reputational_costs, mobilizing, mobilizing.ngos: alpha "
        "rests on fewer than 10 units" in table.output
    )
    csv_rows = cli(coded, "agreement", "--bootstrap", "0", "--format", "csv").output.splitlines()
    assert csv_rows[1].startswith("code,reputational_costs,alpha,")
    assert csv_rows[1].endswith(",False,too few to judge")
    rows = json.loads(cli(coded, "agreement", "--bootstrap", "0", "--format", "json").output)
    assert {r["name"]: r["verdict"] for r in rows} == {
        "reputational_costs": TOO_FEW,
        "mobilizing": TOO_FEW,
        "mobilizing.ngos": TOO_FEW,
        "release": "",
    }


def test_with_enough_coded_units_alpha_gets_its_verdict(coded):
    """On characters, every character a coder marked is a unit: lena and tomas both mark the
    "Naming" sentence, only tomas the "Private talks" one (less its last 6 characters)."""
    naming = len("Naming her raised the reputational cost for the government.")
    private = len("Private talks did the rest.") - 6
    expected = np.array([[1] * naming + [0] * private, [1] * (naming + private)], dtype=float)
    value = krippendorff.alpha(reliability_data=expected, level_of_measurement="nominal")
    request = AgreementRequest(unit="character", codes=("reputational_costs",), bootstrap=0)
    (row,) = coded.agreement(request)
    assert row.value == pytest.approx(value)
    assert row.positives == naming + private >= MIN_POSITIVES
    assert row.verdict == verdict("alpha", value, MIN_POSITIVES) != TOO_FEW


def test_positives_count_only_units_another_coder_coded(coded):
    coded.add_coding(document="c01", code="reputational_costs", start=0, end=20, coder="lena")
    coded.mark_done(["c01"], coder="lena")
    (row,) = coded.agreement(AgreementRequest(codes=("reputational_costs",), bootstrap=0))
    assert (row.units, row.positives) == (5, 2)  # tomas did not code c01: not pairable there


def test_a_clipped_interval_on_a_ratings_table(tmp_path: Path):
    """Ten units, one disagreement: kappa 0.8, and 0.8 + 1.96 x 0.186 reaches past 1."""
    table = tmp_path / "ratings.csv"
    table.write_text("A,B\n" + "1,1\n" * 4 + "1,0\n" + "0,0\n" * 5)
    args = ["agreement", "--ratings", str(table), "--metric", "cohen"]
    shown = CliRunner().invoke(main, args)
    assert shown.exit_code == 0, shown.output
    row = ["cohen", "nominal", "0.800", "0.436", "1.000", "10", "2"]
    assert shown.output.splitlines()[1].split() == row
    assert "note: the 95% interval was clipped to [-1, 1], the values cohen can take" in (
        shown.output
    )
    data = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).output)
    assert (data["ci_high"], data["ci_clipped"]) == (1.0, True)
