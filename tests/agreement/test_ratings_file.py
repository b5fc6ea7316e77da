"""Ratings tables as ReCal and the KALPHA macro take them: a unit per row, a coder per column,
coder names on the first row, an empty cell for a rating not made."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hrd_coder.agreement import agreement_for_file, read_ratings
from hrd_coder.problems import InvalidInput
from tests.agreement.examples import KRIPPENDORFF_C


def write(tmp_path, text: str | bytes, name: str = "ratings.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems(error: pytest.ExceptionInfo, path) -> list[tuple]:
    """Each problem as (line, column, message), after checking it names the file and a fix."""
    found = error.value.problems
    assert all(p.path == str(path) and p.hint for p in found)
    return [(p.line, p.column, p.message) for p in found]


def krippendorff_csv() -> str:
    """Krippendorff (2011) section C, transposed to a unit per row, '.' written as empty."""
    rows = ["A,B,C,D"]
    for unit in KRIPPENDORFF_C.T:
        rows.append(",".join("" if np.isnan(v) else str(int(v)) for v in unit))
    return "\n".join(rows) + "\n"


def test_numbers_with_spaces_and_empty_cells(tmp_path):
    path = write(tmp_path, "ann,ben,cleo\n1, 2.5 ,\n 3 ,,4\n\n")
    table = read_ratings(path)
    assert table.coders == ("ann", "ben", "cleo")
    assert table.labels is None
    np.testing.assert_array_equal(table.ratings, [[1, 3], [2.5, np.nan], [np.nan, 4]])


def test_labels_become_codes_in_sorted_order(tmp_path):
    path = write(tmp_path, "lena,tomas\nprivate,public\npublic,public\n,deadlock\n")
    table = read_ratings(path)
    assert table.labels == ("deadlock", "private", "public")
    np.testing.assert_array_equal(table.ratings, [[1, 2, np.nan], [2, 2, 0]])


def test_quoted_cells_and_tabs(tmp_path):
    csv_path = write(tmp_path, '"Coder, A",B\n"yes, clearly",no\n"multi\nline",no\n')
    assert read_ratings(csv_path).coders == ("Coder, A", "B")
    assert read_ratings(csv_path).labels == ("multi\nline", "no", "yes, clearly")
    tsv_path = write(tmp_path, "a\tb\n1\t2\n", name="ratings.tsv")
    np.testing.assert_array_equal(read_ratings(tsv_path).ratings, [[1], [2]])


@pytest.mark.parametrize(
    ("level", "printed"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_agreement_for_krippendorffs_table(tmp_path, level, printed):
    path = write(tmp_path, krippendorff_csv())
    result = agreement_for_file(path, "alpha", level, bootstrap=200, seed=1)
    assert json.loads(json.dumps(result)) == result
    assert round(result["value"], 3) == printed
    assert (result["units"], result["coders"], result["level"]) == (11, 4, level)
    assert result["ci_low"] < result["value"] < result["ci_high"]
    assert (result["file"], result["coder_names"], result["labels"]) == (
        str(path),
        ["A", "B", "C", "D"],
        None,
    )


def test_undefined_values_are_null_in_the_result(tmp_path):
    path = write(tmp_path, "a,b\nyes,yes\nyes,yes\n")
    result = agreement_for_file(path, "cohen")
    assert result["value"] is None
    assert (result["units"], result["coders"], result["labels"]) == (2, 2, ["yes"])
    json.dumps(result)


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(InvalidInput) as error:
        read_ratings(path)
    assert problems(error, path) == [(None, None, "file not found")]


def test_not_utf8(tmp_path):
    path = write(tmp_path, b"a,b\n1,2\n\xe9t\xe9,3\n")
    with pytest.raises(InvalidInput) as error:
        read_ratings(path)
    assert problems(error, path) == [(3, None, "the file is not UTF-8 text")]


@pytest.mark.parametrize("text", ["", "\n \n"])
def test_empty(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(InvalidInput) as error:
        read_ratings(path)
    assert problems(error, path) == [(None, None, "the file is empty")]


def test_header_only(tmp_path):
    path = write(tmp_path, "a,b\n")
    with pytest.raises(InvalidInput) as error:
        read_ratings(path)
    assert problems(error, path) == [(None, None, "the file names the coders but holds no ratings")]


def test_no_header(tmp_path):
    path = write(tmp_path, "1,2\n2,2\n")
    with pytest.raises(InvalidInput) as error:
        read_ratings(path)
    assert problems(error, path) == [(1, None, "the first row holds ratings, not coder names")]


def test_every_problem_is_listed_with_its_line(tmp_path):
    text = (
        "\n"  # a blank line before the header is skipped
        "ann,ben,ann,\n"
        "1,2,3,4\n"
        "1,2\n"
        '"two\nlines",1,2,3\n'
        "1,2,3,4,5\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(InvalidInput) as error:
        read_ratings(path)
    assert problems(error, path) == [
        (2, 3, "coder name 'ann' is used twice (columns 1 and 3)"),
        (2, 4, "column 4 has no coder name"),
        (4, None, "this row has 2 cells but the header names 4 coders"),
        (7, None, "this row has 5 cells but the header names 4 coders"),
    ]
    assert f"{path}:4: this row has 2 cells" in str(error.value)


def test_fewer_than_two_coders(tmp_path):
    path = write(tmp_path, "only\n1\n2\n")
    with pytest.raises(InvalidInput) as error:
        read_ratings(path)
    assert problems(error, path) == [(1, None, "the header names 1 coder")]


@pytest.mark.parametrize(("metric", "name"), [("cohen", "Cohen's kappa"), ("scott", "Scott's pi")])
def test_two_coder_statistics_on_three_coders(tmp_path, metric, name):
    path = write(tmp_path, "a,b,c\n1,1,2\n2,2,2\n")
    with pytest.raises(InvalidInput) as error:
        agreement_for_file(path, metric)
    assert problems(error, path) == [
        (1, None, f"{name} compares exactly 2 coders; the header names 3: a, b, c")
    ]
    assert "use fleiss, ac1 or alpha" in error.value.problems[0].hint


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_interval_and_ratio_need_numbers(tmp_path, level):
    path = write(tmp_path, "a,b\n1,2\nhigh,3\n4,low\n5,6\n")
    with pytest.raises(InvalidInput) as error:
        agreement_for_file(path, "alpha", level)
    assert problems(error, path) == [
        (3, 1, f"'high' (coder 'a') is not a number, but {level} data must be"),
        (4, 2, f"'low' (coder 'b') is not a number, but {level} data must be"),
    ]
    # The same file is fine as nominal data: every value is then a label.
    assert agreement_for_file(path, "alpha", "nominal", bootstrap=0)["labels"] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "high",
        "low",
    ]


def test_many_non_numbers_are_summed_up(tmp_path):
    path = write(tmp_path, "a,b\n" + "x,y\n" * 8)
    with pytest.raises(InvalidInput) as error:
        agreement_for_file(path, "alpha", "interval")
    found = problems(error, path)
    assert len(found) == 11
    assert found[0] == (2, 1, "'x' (coder 'a') is not a number, but interval data must be")
    assert found[-1] == (None, None, "6 more cells are not numbers")


def test_file_and_statistic_problems_come_together(tmp_path):
    path = write(tmp_path, "a,b,c\n1,x,2\n1,2\n")
    with pytest.raises(InvalidInput) as error:
        agreement_for_file(path, "scott")
    assert problems(error, path) == [
        (3, None, "this row has 2 cells but the header names 3 coders"),
        (1, None, "Scott's pi compares exactly 2 coders; the header names 3: a, b, c"),
    ]
    with pytest.raises(InvalidInput) as error:
        agreement_for_file(path, "alpha", "ratio")
    assert problems(error, path) == [
        (3, None, "this row has 2 cells but the header names 3 coders"),
        (2, 2, "'x' (coder 'b') is not a number, but ratio data must be"),
    ]


def test_a_wrong_statistic_or_level_is_a_value_error_before_reading(tmp_path):
    missing = tmp_path / "not-read.csv"
    with pytest.raises(ValueError, match="statistic must be one of"):
        agreement_for_file(missing, "kappa")
    with pytest.raises(ValueError, match="cohen accepts level nominal or linear or quadratic"):
        agreement_for_file(missing, "cohen", "interval")
