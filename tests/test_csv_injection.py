"""CSV cells from user text never run as spreadsheet formulas (OWASP CSV injection, issue 19).

A text cell starting with =, +, -, @, tab or CR gets a single quote in front; numbers, also
negative ones, are never changed; `--raw-cells` keeps every cell as it is; a listed codings
table loads back unchanged.
"""

from __future__ import annotations

import csv
import io

import click
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from hrd_coder.cli import main
from hrd_coder.cli.base import print_rows
from hrd_coder.services import Project
from hrd_coder.spreadsheet_cells import neutralise, neutralise_frame, restore

FORMULAS = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx"]
# Python's csv writer and pandas leave a cell holding a bare CR unquoted (a reader then sees
# a line break), so a CR-led cell is checked on the cell function, not through a file.
CR_LED = "\rx"


def run(project: Project, *args: object):
    options = ["--project", str(project.root), "--coder", "lena"]
    if project.database.url.get_backend_name() != "sqlite":
        options += ["--db", project.database.url.render_as_string(hide_password=False)]
    return CliRunner().invoke(main, [*options, *(str(a) for a in args)])


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def hostile(mini_root, db_url):
    """The mini project with formulas in a covariate and in memos, and a negative number."""
    case = mini_root / "cases" / "c01.md"
    case.write_text(
        case.read_text().replace(
            "profession: journalist", "profession: \"=cmd|' /C calc'!A0\"\n  score: -3"
        )
    )
    with Project.open(mini_root, db_url) as project:
        project.import_files()
        for number, memo in enumerate(FORMULAS):
            project.add_coding(
                document="int01",
                code="reputational_costs",
                start=10 * number,
                end=10 * number + 5,
                coder="lena",
                memo=memo,
            )
        yield project


@pytest.mark.parametrize("value", [*FORMULAS, CR_LED])
def test_formula_cells_get_a_quote(value):
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["-3", "+4.5", "-1e-06", "-.5", "plain", "", "a=b", 7, -7, -2.5])
def test_numbers_and_plain_text_are_left_alone(value):
    assert neutralise(value) == value


@given(st.text(alphabet="'=+-@\t\rab1. ", max_size=8))
def test_restore_undoes_neutralise(value):
    assert restore(neutralise(value)) == value


def test_frames_keep_numeric_columns():
    frame = pd.DataFrame({"n": [-1, 2], "x": [-1.5, None], "t": ["=1+1", "-3"], "=c": [1, 2]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["n", "x", "t", "'=c"]
    assert safe["n"].tolist() == [-1, 2] and safe["x"].dtype == float
    assert safe["t"].tolist() == ["'=1+1", "-3"]
    assert frame["t"].tolist() == ["=1+1", "-3"]  # the caller's frame is untouched


def test_export_codings(hostile, tmp_path):
    out = tmp_path / "codings.csv"
    result = run(hostile, "export", "codings", "--with-quotes", "--out", out)
    assert result.exit_code == 0, result.output
    rows = read_csv(out.read_bytes().decode())
    assert sorted(r["memo"] for r in rows) == sorted("'" + f for f in FORMULAS)
    assert {r["start"] for r in rows} == {str(10 * n) for n in range(len(FORMULAS))}
    result = CliRunner().invoke(
        main,
        [
            "--raw-cells",
            *run_args(hostile),
            "export",
            "codings",
            "--with-quotes",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(r["memo"] for r in read_csv(out.read_bytes().decode())) == sorted(FORMULAS)


def run_args(project: Project) -> list[str]:
    options = ["--project", str(project.root)]
    if project.database.url.get_backend_name() != "sqlite":
        options += ["--db", project.database.url.render_as_string(hide_password=False)]
    return options


def test_export_cases_keeps_negative_numbers(hostile, tmp_path):
    out = tmp_path / "cases.csv"
    result = run(hostile, "export", "cases", "--layer", "lena", "--out", out)
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in read_csv(out.read_bytes().decode())}
    assert rows["c01"]["profession"] == "'=cmd|' /C calc'!A0"
    assert rows["c01"]["score"] in ("-3", "-3.0")
    assert rows["c02"]["profession"] == "journalist"


def test_codings_list_csv_loads_back_unchanged(hostile, tmp_path):
    result = run(hostile, "codings", "list", "--format", "csv")
    assert result.exit_code == 0, result.output
    listed = read_csv(result.output)
    assert sorted(r["memo"] for r in listed) == sorted("'" + f for f in FORMULAS)
    path = tmp_path / "listed.csv"
    path.write_text(result.output)
    before = {c.id: c.memo for c in hostile.codings()}
    with hostile.database.writing() as conn:
        from sqlalchemy import delete

        from hrd_coder.storage.tables import Coding

        conn.execute(delete(Coding))
    result = run(hostile, "codings", "load", path)
    assert result.exit_code == 0, result.output
    assert {c.id: c.memo for c in hostile.codings()} == before


def test_printed_tables_are_neutralised():
    """`log`, `adjudicate list`, `sample list`, `agreement`... print CSV through print_rows."""

    @click.command()
    def listing() -> None:
        print_rows([{"quote": "-2+3", "n": -3, "share": -0.5, "id": "c01"}], "csv", [])

    result = CliRunner().invoke(listing)
    assert result.exit_code == 0, result.output
    assert read_csv(result.output) == [{"quote": "'-2+3", "n": "-3", "share": "-0.5", "id": "c01"}]
