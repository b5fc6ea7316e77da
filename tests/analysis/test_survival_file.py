"""survival_for_file and km_for_file: results on published data, and every kind of bad input.

Good files reuse the published examples (Rossi's data, the remission data; see
test_cox.py and test_kaplan_meier.py for the sources). Bad files assert the exact problem
list, with lines counted from the header: data row i is file line i + 2.
"""

from __future__ import annotations

import json

import pytest

from hrd_coder.analysis import km_for_file, survival_for_file
from hrd_coder.problems import InvalidInput
from tests.analysis.examples import ROSSI_COVARIATES, remission, rossi

EVENT_HINT = "write 1 (or true) if released, 0 (or false) if not released by the end of follow-up"


def write(tmp_path, text: str | bytes, name: str = "cases.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def problems(call, *args, **kwargs) -> list[tuple]:
    with pytest.raises(InvalidInput) as raised:
        call(*args, **kwargs)
    path = str(args[0])
    assert all(problem.path == path and problem.hint for problem in raised.value.problems)
    return [(p.line, p.column, p.message) for p in raised.value.problems]


def hints(call, *args, **kwargs) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        call(*args, **kwargs)
    return [problem.hint for problem in raised.value.problems]


# Good files


def test_cox_on_rossis_data_from_a_file(tmp_path):
    path = tmp_path / "rossi.csv"
    rossi().to_csv(path, index=False)
    result = json.loads(json.dumps(survival_for_file(path, "week", "arrest", ROSSI_COVARIATES)))
    assert list(result["coefficients"]) == ROSSI_COVARIATES
    assert result["coefficients"]["prio"]["coef"] == pytest.approx(0.09150, abs=5e-6)
    assert result["coefficients"]["fin"]["hr"] == pytest.approx(0.68426, abs=5e-6)
    assert result["coefficients"]["age"]["se"] == pytest.approx(0.02200, abs=5e-6)
    assert result["coefficients"]["age"]["p"] == pytest.approx(0.00903, abs=5e-6)
    assert round(result["concordance"], 2) == 0.64
    assert round(result["log_likelihood"], 2) == -658.75
    assert (result["n"], result["events"], result["ties"]) == (432, 114, "efron")
    assert result["engine"] == "lifelines CoxPHFitter"
    assert list(result["ph_test"]) == ROSSI_COVARIATES
    assert result["ph_test"]["age"]["verdict"].startswith("hazards may not be proportional")
    assert result["ph_test"]["fin"]["verdict"].startswith("no evidence against")
    assert set(result["ph_test"]["wexp"]) == {"statistic", "df", "p", "verdict"}
    assert result["ph_overall"]["df"] == 7 and result["notes"] == []


def test_breslow_and_strata_from_a_file(tmp_path):
    path = tmp_path / "rossi.csv"
    rossi().to_csv(path, index=False)
    result = survival_for_file(
        path, "week", "arrest", ["fin", "age", "prio"], strata="wexp", ties="breslow"
    )
    assert result["engine"] == "statsmodels PHReg" and result["strata"] == ["wexp"]
    assert result["notes"] == ["the proportional-hazards check uses an Efron-ties fit (lifelines)"]
    assert list(result["ph_test"]) == ["fin", "age", "prio"]


def test_kaplan_meier_on_the_remission_data_from_a_file(tmp_path):
    path = tmp_path / "remission.csv"
    remission().to_csv(path, index=False)
    result = json.loads(json.dumps(km_for_file(path, "weeks", "relapsed", "group")))
    assert result["groups"] == {
        "6-MP": {"n": 21, "events": 9, "median": 23.0, "median_low": 13.0, "median_high": None},
        "placebo": {"n": 21, "events": 21, "median": 8.0, "median_low": 4.0, "median_high": 11.0},
    }
    assert round(result["logrank"]["statistic"], 2) == 16.79
    assert result["logrank"]["df"] == 1 and result["logrank"]["p"] < 0.0001


@pytest.mark.filterwarnings("ignore::lifelines.exceptions.ConvergenceWarning")
def test_events_and_covariates_may_be_true_or_false_and_medians_may_be_unreached(tmp_path):
    path = write(
        tmp_path,
        "case,days,released,featured\n"
        "a,10,TRUE,true\nb,20,false,false\nc,30,1,true\nd,40,0,false\n"
        "e,50,0,false\nf,60,False,true\n",
    )
    result = km_for_file(path, "days", "released", "featured")
    assert result["groups"]["true"] == {
        "n": 3,
        "events": 2,
        "median": 30.0,
        "median_low": 10.0,
        "median_high": None,
    }
    assert result["groups"]["false"]["median"] is None
    assert survival_for_file(path, "days", "released", ["featured"])["events"] == 2


# Bad files


@pytest.mark.parametrize("call", [km_for_file, survival_for_file])
def test_a_missing_file(tmp_path, call):
    path = tmp_path / "nowhere.csv"
    assert problems(call, path, "days", "released", "featured") == [(None, None, "file not found")]


def test_a_folder(tmp_path):
    assert problems(km_for_file, tmp_path, "days", "released", "group") == [
        (None, None, "is a folder, not a CSV file")
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", (None, None, "the file is not a CSV text file")),
        (
            b"case,days\na,1\nb,\xff\xfe\n",
            (3, None, "the file is not a CSV text file (it is not UTF-8 text)"),
        ),
        (b"", (None, None, "the file is empty")),
        (b"\ncase,days\n", (1, None, "the first line is empty")),
        (b"case;days;released\na;1;1\n", (1, None, "the columns are not separated by commas")),
        (b"case,days,released\n", (None, None, "the file has a header but no cases")),
        (
            b"case,days,released\na,1,1\nb,2,0,extra\n",
            (
                3,
                None,
                "cannot read the file as CSV: Error tokenizing data. C error: Expected 3 "
                "fields in line 3, saw 4",
            ),
        ),
    ],
)
def test_not_a_csv_file(tmp_path, content, expected):
    path = write(tmp_path, content)
    assert problems(km_for_file, path, "days", "released", "group") == [expected]


def test_missing_columns_are_listed_with_the_columns_that_exist(tmp_path):
    path = write(tmp_path, "case,Days,released,groups,featured\na,1,1,x,1\nb,2,1,y,0\n")
    assert problems(km_for_file, path, "days", "event", "group") == [
        (1, None, "no column named 'days' (the duration)"),
        (1, None, "no column named 'event' (the event)"),
        (1, None, "no column named 'group' (the group)"),
    ]
    assert hints(km_for_file, path, "days", "event", "group") == [
        "the columns are: case, Days, released, groups, featured; did you mean 'Days'?",
        "the columns are: case, Days, released, groups, featured",
        "the columns are: case, Days, released, groups, featured; did you mean 'groups'?",
    ]
    assert problems(survival_for_file, path, "Days", "released", ["featurd"], strata="region") == [
        (1, None, "no column named 'featurd' (the covariate)"),
        (1, None, "no column named 'region' (the stratum)"),
    ]


def test_durations_must_be_non_negative_numbers_and_lines_count_blank_lines(tmp_path):
    path = write(
        tmp_path,
        "case,days,released,group\n"
        "a,12,1,featured\n"  # line 2
        "b,twelve,1,featured\n"  # line 3
        "\n"  # line 4: blank, skipped but counted
        "c,-3,0,comparison\n"  # line 5
        "d,,0,comparison\n"  # line 6
        "e,nan,1,comparison\n",  # line 7
    )
    assert problems(km_for_file, path, "days", "released", "group") == [
        (3, 2, "duration 'twelve' is not a number"),
        (6, 2, "empty duration"),
        (7, 2, "duration 'nan' is not a number"),
        (5, 2, "duration -3 is negative"),
    ]


def test_events_must_be_zero_one_true_or_false(tmp_path):
    path = write(
        tmp_path,
        "case,days,released,group\na,1,yes,x\nb,2,2,x\nc,3,,y\nd,4, True ,y\ne,5,0,y\n",
    )
    assert problems(km_for_file, path, "days", "released", "group") == [
        (2, 3, "event 'yes' is not 0/1/true/false"),
        (3, 3, "event '2' is not 0/1/true/false"),
        (4, 3, "empty event"),
    ]
    assert set(hints(km_for_file, path, "days", "released", "group")) == {EVENT_HINT}


def test_covariates_must_be_numeric_and_vary(tmp_path):
    path = write(
        tmp_path,
        "case,days,released,featured,region,campaign,age\n"
        "a,10,1,1,north,1,30\n"
        "b,20,1,0,south,1,forty\n"
        "c,30,1,1,east,1,\n"
        "d,40,0,0,north,1,50\n"
        "e,50,1,1,south,1,60\n"
        "f,60,1,0,east,1,70\n",
    )
    call = (survival_for_file, path, "days", "released", ["featured", "region", "campaign", "age"])
    assert problems(*call) == [
        (2, 5, "covariate 'region' is not numeric: it holds categories such as 'east', 'north', "
         "'south'"),
        (None, 6, "covariate 'campaign' is 1 in every row"),
        (3, 7, "covariate 'age' value 'forty' is not a number"),
        (4, 7, "empty 'age' value"),
    ]  # fmt: skip
    assert hints(*call)[0] == (
        "dummy-code it: one 0/1 column per category except a reference one, e.g. "
        "region_north = 1 when region is 'north', else 0 (in pandas: get_dummies(df, "
        "columns=['region'], drop_first=True)); or use it as strata"
    )
    assert hints(*call)[1] == (
        "a covariate that never varies has no effect to estimate: leave it out"
    )


def test_kaplan_meier_needs_two_groups_and_every_case_in_one(tmp_path):
    path = write(tmp_path, "case,days,released,group\na,1,1,featured\nb,2,0,featured\nc,3,1,\n")
    assert problems(km_for_file, path, "days", "released", "group") == [
        (4, 4, "empty group"),
        (None, 4, "column 'group' holds 1 group ('featured')"),
    ]


def test_too_few_events(tmp_path):
    path = write(
        tmp_path,
        "case,days,released,featured,age,group\n"
        "a,10,1,1,30,x\nb,20,0,0,40,x\nc,30,1,1,50,y\nd,40,0,0,35,y\n",
    )
    assert problems(survival_for_file, path, "days", "released", ["featured", "age"]) == [
        (None, 3, "too few events to fit: 2 releases in 'released', at least 3 needed")
    ]
    path = write(tmp_path, "case,days,released,group\na,10,0,x\nb,20,0,y\n", name="none.csv")
    assert problems(km_for_file, path, "days", "released", "group") == [
        (None, 3, "too few events to fit: 0 releases in 'released', at least 1 needed")
    ]


def test_a_cox_model_needs_a_covariate(tmp_path):
    path = write(tmp_path, "case,days,released\na,1,1\nb,2,0\nc,3,1\n")
    assert problems(survival_for_file, path, "days", "released") == [
        (None, None, "no covariates named: a Cox model needs at least one")
    ]


def test_many_bad_rows_are_summed_up(tmp_path):
    rows = "".join(f"c{i},soon,1,x\n" for i in range(25))
    path = write(tmp_path, "case,days,released,group\n" + rows + "z,1,1,y\n")
    found = problems(km_for_file, path, "days", "released", "group")
    assert found[:10] == [(line, 2, "duration 'soon' is not a number") for line in range(2, 12)]
    assert found[10:] == [(None, 2, "15 more rows of column 'days' have the same problem")]


def test_every_problem_in_the_file_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        "case,days,released,featured,region\na,-1,1,1,north\nb,5,maybe,0,south\nc,7,1,,north\n",
    )
    assert problems(survival_for_file, path, "days", "released", ["featured", "region", "age"]) == [
        (2, 2, "duration -1 is negative"),
        (3, 3, "event 'maybe' is not 0/1/true/false"),
        (4, 4, "empty 'featured' value"),
        (2, 5, "covariate 'region' is not numeric: it holds categories such as 'north', 'south'"),
        (1, None, "no column named 'age' (the covariate)"),
    ]


@pytest.mark.filterwarnings("ignore::lifelines.exceptions.ConvergenceWarning")
def test_a_model_that_cannot_converge_is_bad_input(tmp_path):
    """Two covariates carrying the same information (y = 2x) make the information singular."""
    rows = "".join(f"c{i},{i},{int(i % 3 != 0)},{i},{2 * i}\n" for i in range(1, 13))
    path = write(tmp_path, "case,days,released,x,y\n" + rows)
    assert problems(survival_for_file, path, "days", "released", ["x", "y"]) == [
        (None, None, "the Cox model did not converge")
    ]


def test_a_wrong_ties_method_is_the_callers_error(tmp_path):
    with pytest.raises(ValueError, match="ties must be one of efron, breslow"):
        survival_for_file(tmp_path / "not-read.csv", "days", "released", ["x"], ties="exact")
