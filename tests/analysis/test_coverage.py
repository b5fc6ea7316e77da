"""Coverage variables: windows counted by hand, analysis.yaml checks, the demo's export and
a Cox model with coverage as a covariate."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from hrd_coder.analysis.coverage import Coverage, article_frame, coverage_columns, weekly_counts
from hrd_coder.analysis.designs import parse_analysis
from hrd_coder.cli import main
from hrd_coder.codebook import parse_codebook
from hrd_coder.problems import InvalidInput
from hrd_coder.services import Project
from tests.conftest import MINI_CODEBOOK, write

D = dt.date
CAMPAIGN = D(2015, 9, 1)


def item(document: str, case: str, day: dt.date, kind: str = "international", latest=None):
    return {
        "document_id": document,
        "case_id": case,
        "date": day,
        "latest": latest or day,
        "outlet_type": kind,
    }


ARTICLES = article_frame(
    [
        item("a", "c01", D(2015, 6, 3)),  # exactly 90 days before the campaign: counted before
        item("b", "c01", D(2015, 6, 2)),  # 91 days before: in no window
        item("c", "c01", D(2015, 9, 1)),  # the day itself: after
        item("d", "c01", D(2015, 11, 29), "state"),  # day 89 after: after
        item("e", "c01", D(2015, 11, 30)),  # day 90: in no window
        item("f", "c02", D(2015, 10, 1), latest=D(2015, 10, 31)),  # "2015-10"
        item("g", "c02", D(2015, 9, 1), latest=D(2015, 9, 30)),  # "2015-09": straddles c02's
    ]
)
CASES = [{"id": "c01", "featured_on": None}, {"id": "c02", "featured_on": "2015-09-15"}]


def values(spec: Coverage, coded=None) -> dict[str, list]:
    return {
        name: found for name, found, _ in coverage_columns(spec, CAMPAIGN, CASES, ARTICLES, coded)
    }


def test_windows_count_the_anchor_day_after_and_leave_out_their_far_edges():
    found = values(Coverage(name="news"))
    assert found["news_before"] == [1, 0]
    assert found["news_after"] == [2, 2]
    assert found["news_change"] == [1, 2]
    assert found["news_first"] == [D(2015, 6, 2), D(2015, 9, 1)]


def test_around_the_feature_date_and_dates_known_to_the_month():
    found = values(Coverage(name="news", around="featured_on", before=30, after=30))
    # c01 was never featured: the campaign date. c02 counts from 15 September, so "2015-09"
    # may fall on either side (in no window) and "2015-10" may end after day 30 (in none).
    assert found["news_before"] == [0, 0] and found["news_after"] == [1, 0]
    wide = values(Coverage(name="news", around="featured_on", before=30, after=90))
    assert wide["news_after"] == [2, 1]


def test_outlet_types_and_coded_items_narrow_the_count():
    assert values(Coverage(name="n", outlet_types="state"))["n_after"] == [1, 0]
    coded = {("c", "c01"), ("f", None), ("g", "c01")}  # g is coded for another case
    assert values(Coverage(name="n", coded_with="x"), coded)["n_after"] == [1, 1]


def test_weekly_counts_run_from_monday_to_monday_with_empty_weeks():
    weeks = weekly_counts(
        [(D(2015, 9, 1), "wire"), (D(2015, 9, 6), "wire"), (D(2015, 9, 16), "state")],
        D(2015, 9, 2),
        D(2015, 9, 20),
    )
    assert [w.monday for w in weeks] == [D(2015, 8, 31), D(2015, 9, 7), D(2015, 9, 14)]
    assert [w.total for w in weeks] == [2, 0, 1] and weeks[2].counts == {"state": 1}


PLAN = """\
campaign_date: 2015-09-01
designs:
  - name: named
    cases: [featured, comparison]
    group: featured
    censor_date: 2017-09-01
    events: [pardon]
coverage:
"""


def plan_problems(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_analysis(PLAN + text, "analysis.yaml", parse_codebook(MINI_CODEBOOK))
    return [str(p) for p in caught.value.problems]


def test_analysis_yaml_names_each_coverage_mistake_with_its_line():
    found = plan_problems(
        "  - name: news\n    around: featured\n    before: 0\n"
        "  - name: 9news\n    coded_with: reputational_cost\n"
    )
    assert found[0].startswith("analysis.yaml:10:13: coverage 'news': 'around': Input should be")
    assert found[1].startswith("analysis.yaml:11:13: coverage 'news': 'before': Input should be")
    assert found[2].startswith("analysis.yaml:12:11: coverage '9news': coverage name '9news'")
    assert found[3] == (
        "analysis.yaml:13:17: coverage '9news': code 'reputational_cost' is not in the "
        "codebook — use a code id from codebook.yaml, e.g. mobilizing.media"
    )


def test_a_coverage_name_used_twice_is_refused():
    assert plan_problems("  - name: news\n  - name: news\n    around: featured_on\n") == [
        "analysis.yaml:10:11: coverage name 'news' is used twice — give each coverage "
        "measure its own name (it starts its column names)"
    ]


@pytest.fixture
def demo(demo_root: Path) -> Path:
    """The demo with its media corpus and codings."""
    with Project.open(demo_root) as project:
        project.import_files()
        project.load_codings(demo_root / "demo" / "codings.csv")
    return demo_root


def test_the_demo_export_has_the_coverage_variables(demo: Path, tmp_path: Path):
    out = tmp_path / "cases.csv"
    result = CliRunner().invoke(
        main, ["--project", str(demo), "export", "cases", "--layer", "lena", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index("id")
    # c01, featured on the campaign day: m02, m03, m04, m05 in the 90 days from it; m01
    # (May 2015) is earlier than 90 days before, m06 (February 2016) later than 90 after.
    assert table.loc["c01", ["news_before", "news_after", "news_change"]].tolist() == [0, 4, 4]
    assert table.loc["c01", "news_first"] == "2015-05-14"
    assert table.loc["c01", "foreign_news_after"] == 2  # m03 (international), m05 (wire)
    # c07's state statement is dated only "2015-11": it may precede or follow 10 November.
    assert table.loc["c07", ["news_before", "news_after"]].tolist() == [0, 1]
    assert table["news_after"].sum() == 13 and pd.isna(table.loc["c02", "news_first"])
    described = json.loads(Path(f"{out}.dictionary.json").read_text())
    news = next(v for v in described["variables"] if v["name"] == "news_after")
    assert news["kind"] == "coverage" and news["type"] == "int"
    assert "90 days" in news["label"] and "feature date" in news["label"]


def test_a_design_can_use_coverage_as_a_covariate(demo: Path, tmp_path: Path):
    plan = demo / "analysis.yaml"
    text = plan.read_text().replace(
        "\ncoverage:",
        """
  - name: with_coverage
    cases: [featured, considered]
    group: featured
    censor_date: 2017-09-01
    events: [pardon, amnesty, sentence_completed, acquitted, conditional_release]
    covariates: [news_after]

coverage:""",
        1,
    )
    write(plan, text)
    result = CliRunner().invoke(
        main, ["--project", str(demo), "report", "with_coverage", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    with Project.open(demo) as project:
        report = project.analyze("with_coverage")
    assert "news_after" in report.cox.summary.index
    assert report.cox.n == 20
    assert f"news_after  {report.cox.summary.loc['news_after', 'hr']:.3f}" in result.output


def test_a_misspelt_outlet_type_is_named_in_analysis_yaml(demo: Path):
    plan = demo / "analysis.yaml"
    write(plan, plan.read_text().replace("[international, wire]", "[internationl, wire]"))
    result = CliRunner().invoke(
        main, ["--project", str(demo), "export", "cases", "--layer", "lena"]
    )
    assert result.exit_code == 2
    assert (
        "coverage 'foreign_news': no media item has outlet_type 'internationl' — did you mean "
        "'international'?"
    ) in result.output
    assert "analysis.yaml:" in result.output


def test_coded_coverage_needs_a_layer_and_counts_its_codings(demo: Path):
    plan = demo / "analysis.yaml"
    write(
        plan,
        plan.read_text()
        + "  - name: named_costs\n    around: featured_on\n    coded_with: reputational_costs\n",
    )
    with Project.open(demo) as project:
        before = project.case_variables("lena").table.set_index("id")["named_costs_after"]
        assert before.sum() == 0  # lena has coded no media item yet
        text = project.document("m03").text
        start = text.index("Nobody wants")
        project.add_coding(
            document="m03", code="reputational_costs", start=start, end=start + 20, coder="lena"
        )
        after = project.case_variables("lena").table.set_index("id")["named_costs_after"]
        assert after.to_dict() == {**before.to_dict(), "c01": 1}
        assert project.case_variables("tomas").table["named_costs_after"].sum() == 0
        from hrd_coder.services.analysis import case_attributes

        attributes = case_attributes(project.analysis_inputs())
        assert "named_costs_after" not in attributes.table.columns
