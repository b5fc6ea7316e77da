"""analysis.yaml: checks with line numbers, survival tables by hand, the demo's reports."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.analysis.case_variables import case_variables
from hrd_coder.analysis.designs import parse_analysis, survival_table
from hrd_coder.cli import main
from hrd_coder.codebook import parse_codebook
from hrd_coder.problems import InvalidInput
from hrd_coder.services import Project
from tests.conftest import MINI_CODEBOOK, write

GOOD = """\
campaign_date: 2015-09-01
designs:
  - name: named
    cases: [featured, comparison]
    group: featured
    origin: {origin}
    censor_date: 2017-09-01
    events: [pardon, amnesty]
"""

BAD = """\
campaign_date: 2015-09-01
designs:
  - name: first
    cases: [featured, prisoners]
    group: featured
    censor_date: 2017-09-01
    events: [pardon]
  - name: first
    cases: [featured, comparison]
    group: considered
    origin: arrest
    censor_date: 2015-06-01
    events: [freed]
    covarates: [age]
"""


def messages(error: pytest.ExceptionInfo) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in error.value.problems]


def test_every_problem_is_reported_with_its_line():
    with pytest.raises(InvalidInput) as error:
        parse_analysis(BAD, "analysis.yaml", parse_codebook(MINI_CODEBOOK))
    found = messages(error)
    lines = [line for line, _ in found]
    assert lines == sorted(lines)
    text = "\n".join(f"{line}: {message}" for line, message in found)
    assert "4: design 'first': case group 'prisoners' is not declared" in text
    assert "10: design 'first': group 'considered' is not one of the design's cases" in text
    assert "11: design 'first'" in text and "origin" in text
    assert "13: design 'first': release type 'freed'" in text
    assert "14: design 'first': unknown key 'covarates'" in text
    assert any("did you mean 'covariates'" in p.hint for p in error.value.problems)


def test_duplicate_names_and_censoring_before_the_campaign_are_located():
    text = GOOD.format(origin="campaign") + GOOD.format(origin="campaign").split("designs:\n")[1]
    text = text.replace("censor_date: 2017-09-01", "censor_date: 2015-08-01", 1)
    with pytest.raises(InvalidInput) as error:
        parse_analysis(text, "analysis.yaml", parse_codebook(MINI_CODEBOOK))
    assert messages(error) == [
        (7, "design 'named': censor_date 2015-08-01 is not after campaign_date 2015-09-01"),
        (9, "design name 'named' is used twice"),
    ]


def case(case_id, group, detained, released=None, kind=None, featured=None, censored=None):
    return {
        "id": case_id,
        "name": case_id,
        "country": "X",
        "groups": (group,),
        "detained_on": detained,
        "featured_on": featured,
        "released_on": released,
        "release_type": kind,
        "censored_on": censored,
        "covariates": {},
    }


def table_for(origin: str, cases: list[dict]):
    book = parse_codebook(MINI_CODEBOOK)
    plan = parse_analysis(GOOD.format(origin=origin), "analysis.yaml", book)
    found = case_variables(cases, book)
    files = {c["id"]: f"cases/{c['id']}.md" for c in cases}
    return survival_table(plan.designs[0], plan.campaign_date, found.table, files)


CASES = [
    case("a", "featured", "2012-05-14", "2016-02-18", "pardon", featured="2015-10-01"),
    case("b", "comparison", "2014-11-05", censored="2016-12-31"),
    case("c", "comparison", "2013-01-01", "2016-03-01", "house_arrest"),
    case("d", "comparison", "2013-01-01", "2018-01-01", "amnesty"),
]


def test_durations_from_the_campaign_by_hand():
    table = table_for("campaign", CASES).set_index("id")
    # a: 2015-09-01 -> 2016-02-18 = 29 (Sep) + 31 + 30 + 31 + 31 + 18 = 170 days, released.
    assert (table.loc["a", "days"], table.loc["a", "released"]) == (170, 1)
    # b: censored_on 2016-12-31: 2015-09-01 -> 2016-09-01 is 366 days (Feb 2016), + 121.
    assert (table.loc["b", "days"], table.loc["b", "released"]) == (366 + 121, 0)
    # c: house arrest is not an event: censored on that day (182 days).
    assert (table.loc["c", "days"], table.loc["c", "released"]) == (182, 0)
    # d: released after the censor date: censored at 2017-09-01 (731 days).
    assert (table.loc["d", "days"], table.loc["d", "released"]) == (731, 0)
    assert list(table["featured"]) == [1, 0, 0, 0] and "entry" not in table.columns


def test_dates_known_only_to_the_month_are_reported_where_a_row_uses_them():
    rough = [
        case("a", "featured", "2012-05", "2016-02", "pardon", featured="2015-10-01"),
        *CASES[1:],
    ]
    table = table_for("campaign", rough).set_index("id")
    assert table.loc["a", "imprecise_dates"] == "released 2016-02"  # detention not used here
    assert table.loc["a", "days"] == 153  # from the first day of February 2016
    assert table.loc["b", "imprecise_dates"] == ""
    detained = table_for("detained_on", rough).set_index("id")
    assert detained.loc["a", "imprecise_dates"] == "detained 2012-05, released 2016-02"
    from hrd_coder.analysis.design_report import _precision_notes

    assert _precision_notes(table.reset_index()) == [
        "1 case has dates known only to the month or year (a: released 2016-02); they "
        "count from the first day of that period"
    ]


def test_featured_cases_count_from_their_feature_date():
    table = table_for("featured_on", CASES).set_index("id")
    assert table.loc["a", "origin"] == dt.date(2015, 10, 1)
    assert table.loc["a", "days"] == 170 - 30 and table.loc["b", "days"] == 487


def test_time_from_detention_with_delayed_entry_by_hand():
    table = table_for("detained_on", CASES).set_index("id")
    # a: detained 2012-05-14. To 2015-05-14: 3 x 365 = 1095; + 17 (May) + 30 + 31 + 31
    # + 1 = 1205 days to the campaign date (its entry); + 170 to the release.
    assert (table.loc["a", "entry"], table.loc["a", "days"]) == (1205, 1205 + 170)
    # b: detained 2014-11-05: 25 (Nov) + 31 + 365 (2015 from Jan 1 to Jan 1) ... = 300 days.
    assert table.loc["b", "entry"] == (dt.date(2015, 9, 1) - dt.date(2014, 11, 5)).days == 300
    assert table.loc["b", "days"] == 300 + 487


@pytest.mark.parametrize(
    ("origin", "bad", "message"),
    [
        (
            "campaign",
            case("e", "comparison", "2014-01-01", "2015-06-01", "pardon"),
            "case e: released_on 2015-06-01 is before the start of observation 2015-09-01",
        ),
        (
            "featured_on",
            case("e", "featured", "2014-01-01", featured="2017-10-01"),
            "case e: the time origin 2017-10-01 is after the design's censor_date 2017-09-01",
        ),
        (
            "featured_on",
            case("e", "featured", "2014-01-01"),
            "case e: design 'named' counts time from featured_on, which is empty",
        ),
        (
            "detained_on",
            case("e", "comparison", "2014-01-01", censored="2015-01-01"),
            "case e: censored_on 2015-01-01 is before the start of observation 2015-09-01",
        ),
    ],
)
def test_bad_dates_name_the_case_file(origin, bad, message):
    with pytest.raises(InvalidInput) as error:
        table_for(origin, [*CASES, bad])
    [problem] = error.value.problems
    assert problem.path == "cases/e.md" and problem.message.startswith(message)


def test_the_mini_projects_survival_table_on_each_database(mini):
    write(mini.root / "analysis.yaml", GOOD.format(origin="detained_on"))
    from hrd_coder.services.analysis import case_attributes
    from hrd_coder.services.analysis import survival_table as service_table

    inputs = mini.analysis_inputs()
    table = service_table(inputs, "named", case_attributes(inputs)).set_index("id")
    assert table.loc["c01", "entry"] == 1205 and table.loc["c01", "days"] == 1375
    assert table.loc["c02", "released"] == 0 and table.loc["c02", "days"] == 1205 + 731


def test_unknown_covariates_are_located_in_the_yaml(mini):
    text = GOOD.format(origin="campaign") + "    covariates: [age, profession]\n"
    write(mini.root / "analysis.yaml", text)
    with pytest.raises(InvalidInput) as error:
        mini.analyze("named")
    assert messages(error) == [(9, "design 'named': 'age' is not a case variable")]


@pytest.fixture
def demo(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
        yield project


@pytest.mark.parametrize(
    ("design", "featured", "others", "p", "hr"),
    [
        ("featured_vs_considered", 622, 675, 0.84, 1.32),
        ("featured_vs_all_held", 622, math.inf, 0.66, 1.68),
    ],
)
def test_the_demo_designs_report(demo, tmp_path, design, featured, others, p, hr):
    report = demo.analyze(design, out=tmp_path)
    curves = {c.group: c for c in report.km.curves}
    assert curves["featured"].median == featured and curves["featured"].n == 10
    other = next(c for name, c in curves.items() if name != "featured")
    assert other.median == others
    assert report.logrank.p == pytest.approx(p, abs=0.005)
    assert report.cox.summary.loc["featured", "hr"] == pytest.approx(hr, abs=0.005)
    assert [c.covariate for c in report.ph] == ["featured", "age_at_detention", None]
    assert (tmp_path / f"{design}.png").stat().st_size > 10_000
    assert (tmp_path / f"{design}.svg").is_file()
    assert f"## {design}" in report.markdown()


def test_the_demo_coverage_design_enters_the_cox_model_and_the_sensitivity(demo, tmp_path):
    report = demo.analyze("featured_with_coverage", out=tmp_path, released_by=365)
    summary = report.cox.summary
    # The figures docs/analysis.md quotes for this invented corpus.
    assert list(summary.index) == ["featured", "news_after"]
    assert summary.loc["news_after", ["hr", "hr_low", "hr_high"]].tolist() == pytest.approx(
        [2.34, 1.14, 4.81], abs=0.005
    )
    assert summary.loc["featured", "hr"] == pytest.approx(0.52, abs=0.005)
    assert list(report.released_by.sensitivity.bounds["bound"]) == [
        "1x news_after",
        "2x news_after",
        "3x news_after",
    ]
    assert (tmp_path / "featured_with_coverage_sensitivity.png").stat().st_size > 10_000
    assert (tmp_path / "featured_with_coverage_sensitivity.svg").is_file()


def test_the_report_command_prints_tables_markdown_and_json(demo, tmp_path):
    runner = CliRunner()
    base = ["--project", str(demo.root), "report", "featured_vs_considered", "--out", str(tmp_path)]
    table = runner.invoke(main, base)
    assert table.exit_code == 0, table.output
    assert "log-rank chi-square" in table.output and "featured" in table.output
    assert (
        "| featured | 10 | 4 | 622 |" in runner.invoke(main, [*base, "--format", "markdown"]).output
    )
    assert '"logrank"' in runner.invoke(main, [*base, "--format", "json"]).output
    missing = runner.invoke(main, ["--project", str(demo.root), "report", "nope"])
    assert missing.exit_code == 2 and "the designs are featured_vs_considered" in missing.output


MECHANISM = "featured_with_deadlock"
RELEASES = {"pardon", "amnesty", "sentence_completed", "acquitted", "conditional_release"}


def deadlock_table_by_hand(root: Path, coder: str):
    """The design's Cox data built without hrd_coder, from the case files' front matter and
    demo/codings.csv: days from the campaign launch to a release by 2017-09-01 (or her own
    earlier censoring date), an event when the release is of a counted type (exile and
    house arrest are censored on their date), and 1 where `coder` tied
    bureaucratic_deadlock to the case."""
    import csv

    import pandas as pd
    import yaml

    with (root / "demo" / "codings.csv").open(encoding="utf-8") as rows:
        coded = {
            row["case"]
            for row in csv.DictReader(rows)
            if row["coder"] == coder and row["code"] == "bureaucratic_deadlock" and row["case"]
        }
    launch, end = dt.date(2015, 9, 1), dt.date(2017, 9, 1)
    table = []
    for path in sorted((root / "cases").glob("c*.md")):
        case = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        if not {"featured", "considered"} & set(case["groups"]):
            continue
        followed = min(end, case["censored_on"] or end)
        released = case["released_on"]
        ended = released is not None and released <= followed
        table.append(
            {
                "days": ((released if ended else followed) - launch).days,
                "released": int(ended and case["release_type"] in RELEASES),
                "featured": int("featured" in case["groups"]),
                "bureaucratic_deadlock": int(case["id"] in coded),
            }
        )
    return pd.DataFrame(table)


@pytest.mark.parametrize("coder", ["lena", "tomas"])
def test_the_demo_mechanism_design_on_each_coder_equals_lifelines_by_hand(demo, coder):
    """The fourth demo design reads a code: on each coder's layer its Cox model equals
    lifelines' CoxPHFitter (Efron ties, as ours) fitted on the table built by hand above."""
    from lifelines import CoxPHFitter

    demo.load_codings(demo.root / "demo" / "codings.csv", mark_done=True)
    report = demo.analyze(MECHANISM, coder)
    by_hand = deadlock_table_by_hand(demo.root, coder)
    assert len(by_hand) == 20 and by_hand["released"].sum() == 9
    direct = CoxPHFitter().fit(by_hand, "days", "released").summary
    ours = report.cox.summary
    assert list(ours.index) == ["featured", "bureaucratic_deadlock"]
    for covariate in ours.index:
        assert ours.loc[covariate, "hr"] == pytest.approx(
            direct.loc[covariate, "exp(coef)"], rel=1e-6
        )
        assert ours.loc[covariate, "p"] == pytest.approx(direct.loc[covariate, "p"], rel=1e-6)
    # The figures docs/analysis.md quotes; the coders differ on c15 alone.
    hr = {"lena": 1.31, "tomas": 1.27}[coder]
    assert ours.loc["featured", "hr"] == pytest.approx(hr, abs=0.005)


def test_the_demo_mechanism_design_is_live_for_robustness_to_coders(demo):
    """`report featured_with_deadlock --robustness coders` on the demo as shipped (the
    files, import, the codings file): each coder's row and the bootstrap, where the plain
    report, with no decided consensus, says to choose a layer."""
    demo.load_codings(demo.root / "demo" / "codings.csv", mark_done=True)
    runner = CliRunner()
    base = ["--project", str(demo.root), "report", MECHANISM]
    plain = runner.invoke(main, base)
    assert plain.exit_code == 2 and "--layer NAME (coders: lena, tomas)" in plain.output
    robust = runner.invoke(main, [*base, "--robustness", "coders"])
    assert robust.exit_code == 0, robust.output
    layers = [line.split()[0] for line in robust.stdout.splitlines()[1:3]]
    assert layers == ["lena", "tomas"]
    assert "1 case whose code variables differ between coders" in robust.stdout
    assert "drawn from the human coders only: lena, tomas" in robust.stdout
    # On a design without codes the refusal points to the one that has them.
    first = ["--project", str(demo.root), "report", "featured_vs_considered"]
    none = runner.invoke(main, [*first, "--robustness", "coders"])
    assert none.exit_code == 2
    assert "choose a design that uses one (featured_with_deadlock)" in none.output
