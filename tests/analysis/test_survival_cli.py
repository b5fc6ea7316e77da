"""`hrd-coder km` and `survival` on the case table `hrd-coder export cases` writes.

The demo is imported, lena's codings loaded and the case table exported once for the
module (with one more design, timed from detention, to exercise delayed entry). The
models fitted from the exported file are checked against `Project.analyze`, which fits
the same designs from the database, and Breslow ties against lifelines' Efron fit:
with no tied event times the Breslow and Efron partial likelihoods are identical (R's
survival package, `?coxph`, argument `ties`: "If there are no tied death times all the
methods are equivalent"; Efron 1977, JASA 72:557-565: his correction (k - 1)/d to the
risk set vanishes when d = 1 release happens at each time).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from hrd_coder.analysis import fit_cox, ph_test
from hrd_coder.analysis.designs import Design
from hrd_coder.analysis.exports import outcome_columns
from hrd_coder.analysis.fit_warnings import IGNORED
from hrd_coder.analysis.result_text import days_text, figure_text, p_text
from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.conftest import copy_demo

BRIEF_COVARIATES = ["featured", "considered", "age_at_detention", "news_after"]
ALL_HELD = ["featured_vs_all_held_days", "featured_vs_all_held_event"]
SINCE_DETENTION = {
    "name": "since_detention",
    "description": "Featured against considered, in days since detention (delayed entry)",
    "cases": ["featured", "considered"],
    "group": "featured",
    "origin": "detained_on",
    "censor_date": "2017-09-01",
    "events": ["pardon", "amnesty", "sentence_completed", "acquitted", "conditional_release"],
    "covariates": ["age_at_detention"],
}


def run(*args: object, ok: bool = True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + str(result.exception)
    return result


def fit_json(*args: object) -> dict:
    return json.loads(run(*args, "--format", "json").stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, one more design, lena's codings, and its case table in cases.csv."""
    root = copy_demo(tmp_path_factory.mktemp("survival_cli") / "demo")
    plan = yaml.safe_load((root / "analysis.yaml").read_text(encoding="utf-8"))
    plan["designs"].append(SINCE_DETENTION)
    (root / "analysis.yaml").write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    run("-p", root, "import")
    run("-p", root, "codings", "load", root / "demo" / "codings.csv")
    export = ["export", "cases", "--format", "csv", "--layer", "lena"]
    run("-p", root, *export, "--out", root / "cases.csv")
    return root


@pytest.fixture(scope="module")
def report(demo: Path):
    """Project.analyze for a design on lena's layer: the models fitted from the database."""
    with Project.open(demo) as project:
        found = {
            d.name: project.analyze(d.name, "lena").as_dict()
            for d in project.analysis_plan().designs
        }
    return found


def on_cases(demo: Path, command: str, *args: object) -> list[object]:
    """`hrd-coder -p DEMO COMMAND --data DEMO/cases.csv ARGS...`"""
    return ["-p", demo, command, "--data", demo / "cases.csv", *args]


# Breslow ties on the demo: Newton-Raphson fails, BFGS reaches lifelines' maximum


def test_the_briefs_breslow_command_fits_with_bfgs_and_equals_efron(demo: Path):
    command = on_cases(demo, "survival", "--covariates", ",".join(BRIEF_COVARIATES))
    command += ["--duration", ALL_HELD[0], "--event", ALL_HELD[1]]
    cases = pd.read_csv(demo / "cases.csv")
    released = cases.loc[cases[ALL_HELD[1]] == 1, ALL_HELD[0]]
    assert len(released) == 13 and not released.duplicated().any()  # no tied release days
    breslow = fit_json(*command, "--ties", "breslow")
    efron = fit_json(*command)
    assert (breslow["engine"], breslow["optimiser"]) == ("statsmodels PHReg", "bfgs")
    assert (efron["engine"], efron["optimiser"]) == ("lifelines CoxPHFitter", "newton")
    for name in BRIEF_COVARIATES:
        for column in ("coef", "se", "hr", "hr_low", "hr_high", "p"):
            assert breslow["coefficients"][name][column] == pytest.approx(
                efron["coefficients"][name][column], abs=1e-6
            ), (name, column)
    assert breslow["coefficients"]["news_after"]["coef"] == pytest.approx(0.746009, abs=1e-6)
    assert breslow["log_likelihood"] == pytest.approx(efron["log_likelihood"], abs=1e-9)
    assert breslow["concordance"] == pytest.approx(efron["concordance"], abs=1e-12)
    assert breslow["notes"][0].startswith("statsmodels' Newton-Raphson did not converge")


def test_the_breslow_table_says_bfgs_and_shows_hazard_ratio_intervals(demo: Path):
    command = on_cases(demo, "survival", "--covariates", ",".join(BRIEF_COVARIATES))
    command += ["--duration", ALL_HELD[0], "--event", ALL_HELD[1]]
    shown = run(*command, "--ties", "breslow").output
    lines = shown.splitlines()
    assert lines[0].split() == ["covariate", "coef", "se", "hr", "hr_low", "hr_high", "p"]
    assert lines[4].split() == ["news_after", "0.746", "0.342", "2.109", "1.078", "4.123", "0.029"]
    assert "(statsmodels PHReg, breslow ties, BFGS)" in shown
    assert "note: statsmodels' Newton-Raphson did not converge" in shown
    assert "nan" not in shown.lower() and "None" not in shown and "Warning" not in shown


def test_breslow_fit_directly_on_the_exported_table():
    """The same data as a DataFrame: Newton's NaN never escapes, the maximum is lifelines'."""
    cases = pd.DataFrame(
        {
            "days": [170, 272, 305, 731, 731, 136, 731, 497, 382, 731, 216, 416, 731, 476, 86,
                     90, 731, 353, 731, 285, 731, 731, 622, 429, 675, 100, 731, 731, 532, 731],
            "released": [1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1,
                         1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0],
            "featured": [1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                         0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0],
            "considered": [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0,
                           1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0],
            "age": [34, 41, 26, 29, 52, 38, 31, 45, 43, 57, 47, 24, 36, 21, 39,
                    33, 44, 27, 42, 30, 48, 35, 50, 37, 28, 23, 40, 33, 55, 25],
            "news": [4, 0, 0, 0, 0, 3, 1, 0, 0, 0, 1, 0, 0, 0, 4,
                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        }
    )  # fmt: skip
    covariates = ["featured", "considered", "age", "news"]
    breslow = fit_cox(cases, "days", "released", covariates, ties="breslow")
    efron = fit_cox(cases, "days", "released", covariates)
    assert (breslow.optimiser, efron.optimiser) == ("bfgs", "newton")
    np.testing.assert_allclose(breslow.summary["coef"], efron.summary["coef"], atol=1e-6)
    np.testing.assert_allclose(breslow.summary["se"], efron.summary["se"], atol=1e-6)


# --design: the exported table's rows and columns of one design


def test_km_with_a_design_equals_the_report_from_the_database(demo: Path, report):
    found = fit_json(*on_cases(demo, "km", "--design", "featured_vs_considered"))
    assert (found["design"], found["group"], found["rows_in_file"]) == (
        "featured_vs_considered",
        "featured",
        30,
    )
    assert found["duration"] == "featured_vs_considered_days"
    groups = report["featured_vs_considered"]["groups"]
    assert found["groups"] == {"0": groups["considered"], "1": groups["featured"]}
    assert found["logrank"]["statistic"] == pytest.approx(
        report["featured_vs_considered"]["logrank"]["statistic"], abs=1e-12
    )


def test_km_table_prints_medians_in_days_or_not_reached(demo: Path):
    shown = run(*on_cases(demo, "km", "--design", "featured_vs_all_held")).output.splitlines()
    assert (
        shown[0] == "30 of 30 rows of " + str(demo / "cases.csv") + " (design featured_vs_all_held)"
    )
    assert shown[2].split() == ["0", "20", "9", "not", "reached", "382", "days", "not", "reached"]
    assert shown[3].split() == ["1", "10", "4", "622", "days", "86", "days", "not", "reached"]
    assert shown[5].startswith("log-rank chi-square 0.197 on 1 df, p = 0.66")


@pytest.mark.parametrize("design", ["featured_vs_considered", "featured_with_coverage"])
def test_survival_with_a_design_equals_the_reports_cox_model(demo: Path, report, design):
    found = fit_json(*on_cases(demo, "survival", "--design", design))
    expected = report[design]["cox"]
    assert list(found["coefficients"]) == list(expected["coefficients"])
    for name, values in expected["coefficients"].items():
        for column, value in values.items():
            assert found["coefficients"][name][column] == pytest.approx(value, rel=1e-9)
    assert (found["n"], found["events"]) == (expected["n"], expected["events"]) == (20, 9)


def test_a_design_timed_from_detention_uses_its_entry_column(demo: Path, report):
    expected = report["since_detention"]
    curves = fit_json(*on_cases(demo, "km", "--design", "since_detention"))
    assert curves["entry"] == "since_detention_entry" and curves["logrank"] is None
    assert curves["groups"]["1"] == expected["groups"]["featured"]
    assert curves["notes"][0].startswith("no log-rank test: it does not allow delayed entry")
    model = fit_json(*on_cases(demo, "survival", "--design", "since_detention"))
    assert model["entry"] == "since_detention_entry" and model["ph_overall"] is None
    for name, values in expected["cox"]["coefficients"].items():
        assert model["coefficients"][name]["coef"] == pytest.approx(values["coef"], rel=1e-9)
    shown = run(*on_cases(demo, "survival", "--design", "since_detention")).output
    assert "note: no proportional-hazards check: it does not allow delayed entry" in shown


def test_empty_durations_outside_the_design_are_no_error(demo: Path):
    """Comparison cases have no featured_vs_considered days: an error only if modelled."""
    days, event = "featured_vs_considered_days", "featured_vs_considered_event"
    columns = ["--duration", days, "--event", event]
    bad = run(*on_cases(demo, "km"), *columns, "--group", "featured", ok=False)
    assert bad.exit_code == 2
    assert bad.stderr.count("empty duration") == 10 and "cases.csv:6:" in bad.stderr
    kept = fit_json(
        *on_cases(demo, "km"), *columns, "--group", "featured", "--where", "comparison=0"
    )
    assert (kept["groups"]["0"]["n"], kept["groups"]["1"]["n"]) == (10, 10)
    assert kept["where"] == ["comparison=0"]


def test_where_filters_rows_as_written_or_as_the_same_number(demo: Path):
    cases = pd.read_csv(demo / "cases.csv")
    design = [*on_cases(demo, "km"), "--design", "featured_vs_all_held"]
    found = fit_json(*design, "--where", "country=Republic of Vedoria")
    vedoria = int((cases["country"] == "Republic of Vedoria").sum())
    assert sum(group["n"] for group in found["groups"].values()) == vedoria > 0
    # 0.0 matches the 0 written in the file: all held but the comparison group is the
    # featured_vs_considered design (the same days: both count from the campaign launch).
    found = fit_json(*design, "--where", "comparison=0.0")
    same = fit_json(*on_cases(demo, "km", "--design", "featured_vs_considered"))
    assert found["groups"] == same["groups"] and found["groups"]["0"]["n"] == 10


# Bad arguments and bad data: located, exit code 2, never a traceback


def test_where_with_an_unknown_column_a_bad_expression_or_no_match(demo: Path):
    design = [*on_cases(demo, "km"), "--design", "featured_vs_considered"]
    unknown = run(*design, "--where", "countr=x", ok=False)
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith(
        f"{demo / 'cases.csv'}:1: no column named 'countr' (the --where column)"
    )
    assert "did you mean 'country'?" in unknown.stderr
    malformed = run(*design, "--where", "country", ok=False)
    assert malformed.exit_code == 2
    assert "Invalid value for '--where': 'country' is not COLUMN=VALUE" in malformed.output
    nothing = run(*design, "--where", "featured=2", ok=False)
    assert nothing.exit_code == 2
    assert nothing.stderr.startswith(
        f"{demo / 'cases.csv'}: no row has featured = '2' — the values in 'featured' are: '0', '1'"
    )


def test_unknown_design_missing_outcome_columns_and_missing_arguments(demo: Path, tmp_path: Path):
    unknown = run(*on_cases(demo, "survival"), "--design", "nope", ok=False)
    assert unknown.exit_code == 2
    assert (
        "there is no design 'nope' in analysis.yaml: the designs are featured_vs_considered"
        in unknown.output
    )
    plain = tmp_path / "plain.csv"
    plain.write_text("id,days,released,featured\na,1,1,1\nb,2,0,0\n")
    missing = run("-p", demo, "km", "--data", plain, "--design", "featured_vs_considered", ok=False)
    assert missing.stderr.splitlines()[0].startswith(
        f"{plain}:1: no column 'featured_vs_considered_days' for design 'featured_vs_considered'"
        " — export the case table again with 'hrd-coder export cases'"
    )
    assert (
        "give --duration and --event" in run("km", "--data", plain, "--group", "x", ok=False).output
    )


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_constant_or_empty_covariate_is_reported_in_every_format(demo: Path, tmp_path: Path, fmt):
    cases = pd.read_csv(demo / "cases.csv").assign(empty="")
    cases.to_csv(tmp_path / "cases.csv", index=False)
    design = ["--data", tmp_path / "cases.csv", "--design", "featured_vs_considered"]
    covariates = ["--covariates", "featured,comparison,empty"]
    found = run("-p", demo, "survival", *design, *covariates, "--format", fmt, ok=False)
    assert found.exit_code == 2 and found.stdout == ""
    assert found.stderr.splitlines() == [
        f"{tmp_path / 'cases.csv'}: covariate 'comparison' is 0 in every row — a covariate "
        "that never varies has no effect to estimate: leave it out",
        f"{tmp_path / 'cases.csv'}: covariate 'empty' is empty in every "
        "row — fill it in, or leave it out of the covariates",
        "2 problems found; nothing was written.",
    ]


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_a_model_that_cannot_converge_is_a_message_for_either_ties(tmp_path: Path, ties):
    """y = 2x: singular information; statsmodels raised LinAlgError here before BFGS."""
    rows = "".join(f"c{i},{i},{int(i % 3 != 0)},{i},{2 * i}\n" for i in range(1, 13))
    (tmp_path / "cases.csv").write_text("case,days,released,x,y\n" + rows)
    found = run(
        "survival", "--data", tmp_path / "cases.csv", "--duration", "days", "--event",
        "released", "--covariates", "x,y", "--ties", ties, ok=False,
    )  # fmt: skip
    assert found.exit_code == 2
    assert found.stderr.startswith(f"{tmp_path / 'cases.csv'}: the Cox model did not converge")


# The libraries' warnings become plain notes; nothing reaches the user raw


@pytest.mark.parametrize(
    ("command", "ties"), [("survival", "efron"), ("survival", "breslow"), ("km", None)]
)
def test_separation_warnings_become_plain_notes(tmp_path: Path, command, ties):
    """Every featured case released, none other: lifelines and statsmodels both warn."""
    rows = "".join(f"c{i},{i},{int(i <= 4)},{int(i <= 4)}\n" for i in range(1, 9))
    (tmp_path / "cases.csv").write_text("case,days,released,featured\n" + rows)
    arguments = ["--data", tmp_path / "cases.csv", "--duration", "days", "--event", "released"]
    arguments += ["--covariates", "featured", "--ties", ties] if ties else ["--group", "featured"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        shown = run(command, *arguments).output
        found = json.loads(run(command, *arguments, "--format", "json").stdout)
    assert [w for w in caught if not issubclass(w.category, IGNORED)] == []
    assert "Warning" not in shown and "http" not in shown and "nan" not in shown
    if command == "survival":
        assert "note: featured is almost perfectly ordered with the durations" in shown
        assert any("cross-tabulate it against release" in note for note in found["notes"])
        assert found["coefficients"]["featured"]["hr_high"] is None
        assert shown.splitlines()[1].split()[5] == "—"  # hr_high, infinite
    else:
        assert found["groups"]["0"]["median"] is None
        assert shown.splitlines()[1].split()[3:] == ["not", "reached"] * 3


# A p-value that cannot be computed, and the text of figures


def test_a_proportional_hazards_test_without_a_statistic_says_cannot_test():
    """On the identity time scale, every release on one day leaves nothing to correlate."""
    cases = pd.DataFrame(
        {
            "days": [100, 100, 100, 100, 200, 300, 400, 50, 60, 500],
            "released": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
            "featured": [1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 in lifelines, which gives NaN
        *checks, overall = ph_test(
            cases, "days", "released", ["featured"], time_transform="identity"
        )
    assert checks[0].verdict == "cannot test proportional hazards for featured (no test statistic)"
    assert overall.verdict.startswith("cannot test proportional hazards in the model as a whole")
    assert json.loads(json.dumps(overall.as_dict(), allow_nan=False))["p"] is None


def test_figures_as_text():
    assert [days_text(v) for v in (622.0, 1.0, 23.5, None, float("inf"))] == [
        "622 days", "1 day", "23.5 days", "not reached", "not reached",
    ]  # fmt: skip
    assert [p_text(v) for v in (0.0291, 2e-62, None, float("nan"))] == [
        "0.029", "<0.001", "cannot test", "cannot test",
    ]  # fmt: skip
    assert [figure_text(v) for v in (-0.31024, 6.99e26, None, float("nan"))] == [
        "-0.310", "6.99e+26", "—", "—",
    ]  # fmt: skip


def test_outcome_columns_follow_the_exports_names_when_a_name_was_taken():
    """A case variable already named d_days pushes design d's column to d_days_2."""
    design = Design(**{**SINCE_DETENTION, "name": "d"})
    header = ["id", "d_days", "d_days_2", "d_event", "d_entry"]
    assert outcome_columns([design], header) == {
        "d": {"days": "d_days_2", "released": "d_event", "entry": "d_entry"}
    }
    assert outcome_columns([design], ["id"])["d"]["days"] == "d_days"  # not an export
