"""Codings CSV: load by offsets or by quote, every row checked first, idempotent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from hrd_coder.problems import InvalidInput
from hrd_coder.services import Project
from hrd_coder.services.codings_file import coding_rows, write_csv
from tests.conftest import make_mini_project, write

HEADER = "id,document,coder,code,case,quote,memo\n"


def essentials(codings):
    """What a coding says, without its timestamps."""
    fields = ("id", "document_id", "coder", "code_id", "start", "end", "case_id", "memo", "quote")
    return [tuple(getattr(c, f) for f in fields) for c in codings]


def test_rows_by_quote_become_codings(mini: Project, tmp_path: Path):
    path = write(
        tmp_path / "codings.csv",
        HEADER + 'x1,int01,lena,reputational_costs,c01,"Naming her raised the reputational '
        'cost for the government.",clear\n'
        "x2,int01,tomas,mobilizing.ngos,,The NGOs kept pushing too.,\n"
        "x3,c02,lena,release,,Her release came after private talks.,\n",
    )
    report = mini.load_codings(path)
    assert (report.added, report.already_present) == (3, 0)
    by_id = {c.id: c for c in mini.codings()}
    assert by_id["x1"].quote == "Naming her raised the reputational cost for the government."
    assert by_id["x1"].memo == "clear"
    assert by_id["x2"].case_id is None
    assert by_id["x3"].case_id == "c02"  # case histories default to their own case
    again = mini.load_codings(path)
    assert (again.added, again.already_present) == (0, 3)
    assert len(mini.codings()) == 3


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_loaded(
    mini: Project, tmp_path: Path
):
    path = write(
        tmp_path / "codings.csv",
        HEADER + "a,int01,lena,reputational_costs,,not in the text,\n"
        "b,int01,lena,nope,,Private talks did the rest.,\n"
        "c,int99,lena,reputational_costs,,x,\n"
        "d,int01,lena,reputational_costs,,OFFICIAL:,\n"
        "e,int01,lena,reputational_costs,c42,Private talks did the rest.,\n"
        "f,int01,lena,reputational_costs,,Private talks did the rest.,\n"
        "f,int01,tomas,reputational_costs,,Private talks did the rest.,\n",
    )
    with pytest.raises(InvalidInput) as caught:
        mini.load_codings(path)
    found = [str(p) for p in caught.value.problems]
    assert [p.split(":")[1] for p in found] == ["2", "3", "4", "5", "6", "8"]
    assert "quote not found in document 'int01'" in found[0]
    assert "there is no code 'nope'" in found[1]
    assert "there is no document 'int99'" in found[2]
    assert "quote appears 2 times" in found[3] and "occurrence" in found[3]
    assert "there is no case 'c42'" in found[4]
    assert "id 'f' appears twice" in found[5]
    assert mini.codings() == []


def test_occurrence_picks_one_of_several_matches(mini: Project, tmp_path: Path):
    path = write(
        tmp_path / "c.csv",
        "document,coder,code,quote,occurrence\nint01,lena,reputational_costs,OFFICIAL:,2\n",
    )
    mini.load_codings(path)
    text = mini.document("int01").text
    (coding,) = mini.codings()
    assert coding.start == text.index("OFFICIAL:", text.index("OFFICIAL:") + 1)


def test_a_header_without_span_columns_is_refused(mini: Project, tmp_path: Path):
    path = write(tmp_path / "c.csv", "document,coder,code,colour\nint01,lena,release,red\n")
    with pytest.raises(InvalidInput) as caught:
        mini.load_codings(path)
    assert [p.message for p in caught.value.problems] == [
        "no span columns",
        "unknown column: colour",
    ]


def test_an_existing_id_with_different_content_is_a_conflict(mini: Project, tmp_path: Path):
    write(tmp_path / "a.csv", "id,document,coder,code,start,end\nk,int01,lena,release,0,5\n")
    write(tmp_path / "b.csv", "id,document,coder,code,start,end\nk,int01,lena,release,0,6\n")
    mini.load_codings(tmp_path / "a.csv")
    with pytest.raises(InvalidInput, match="coding 'k' already exists with different content"):
        mini.load_codings(tmp_path / "b.csv")


def test_a_listed_table_loads_into_another_project_unchanged(mini: Project, tmp_path: Path):
    mini.add_coding(
        document="int01",
        code="reputational_costs",
        start=0,
        end=11,
        coder="lena",
        memo='a, "quoted" memo',
    )
    mini.add_coding(document="c01", code="release", start=4, end=9, coder="tomas")
    listed = io.StringIO()
    write_csv(coding_rows(mini.codings()), listed)
    path = write(tmp_path / "listed.csv", listed.getvalue())
    with Project.open(make_mini_project(tmp_path / "other")) as other:
        other.import_files()
        assert other.load_codings(path).added == 2
        assert essentials(other.codings()) == essentials(mini.codings())
