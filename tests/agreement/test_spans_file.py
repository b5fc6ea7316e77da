"""`hrd-coder agreement --spans FILE`: unitizing agreement on any spans table, as `--ratings`
is for reliability data; every bad input named with its file, line and a fix, exit 2."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from hrd_coder.agreement.spans_file import unitizing_for_file
from hrd_coder.cli import main
from hrd_coder.problems import InvalidInput
from tests.agreement.test_unitizing_published import FIGURE_12_11
from tests.test_fuzz_tables import CELLS, FUZZ, as_file

USER_ERROR = 2


def write(tmp_path, text: str, name: str = "spans.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def figure_csv() -> str:
    """Krippendorff (2019) Fig. 12.11 (as quallmer transcribes it) as a spans table, its
    columns in another order than documented, to show the header is read by name."""
    rows = ["end,coder,begin,category"]
    for coder, units in FIGURE_12_11.items():
        rows += [f"{end},{coder},{start - 1},{value}" for start, end, value in units]
    return "\n".join(rows) + "\n"


def run(*args: str):
    return CliRunner().invoke(main, ["agreement", *args])


def test_json_is_one_object_with_every_coefficient(tmp_path):
    path = write(tmp_path, figure_csv())
    result = run("--spans", str(path), "--continuum-length", "60", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert round(found["u_alpha"], 3) == 0.510
    assert abs(found["binary_u_alpha"] - 0.413) < 0.001
    assert round(found["cu_alpha"], 3) == 0.724
    assert set(found["alpha_U"]) == {"overall", "by_category"}
    assert found["alpha_U"]["by_category"]["1"] == 1.0
    assert found["k_u_alpha"]["7"] is None and found["coverage"]["7"] == 0.0
    assert any("(k)u-alpha of 7" in note for note in found["notes"])
    assert found["intervals"] == {}
    assert (found["coders"], found["file"]) == (["Alex", "Paul", "Suzan"], str(path))


def test_csv_keeps_notes_off_the_table_and_table_prints_them(tmp_path):
    path = write(tmp_path, figure_csv())
    as_csv = run("--spans", str(path), "--continuum-length", "60", "--format", "csv")
    assert as_csv.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["coefficient"] for r in rows[:2]] == ["alpha_U", "alpha_U"]
    cu = next(r for r in rows if r["coefficient"] == "cu_alpha")
    assert round(float(cu["value"]), 3) == 0.724 and cu["coverage"]
    assert "note:" not in as_csv.stdout and "note:" in as_csv.stderr
    table = run("--spans", str(path), "--continuum-length", "60")
    assert table.exit_code == 0
    assert "cu_alpha" in table.stdout and "note: (k)u-alpha of 7" in table.stdout


def test_several_documents_with_lengths_get_intervals(tmp_path):
    rows = ["coder,category,begin,end,document"]
    for t in range(10):
        rows += [
            f"ann,deadlock,10,40,int{t}",
            f"ben,deadlock,{10 + t},{40 + t},int{t}",
            f"ann,private,50,70,int{t}",
            f"ben,{'private' if t % 4 else 'deadlock'},52,70,int{t}",
        ]
    spans = write(tmp_path, "\n".join(rows) + "\n")
    lengths = write(tmp_path, "document,length\n" + "".join(f"int{t},100\n" for t in range(10)),
                    "lengths.csv")  # fmt: skip
    args = ["--spans", str(spans), "--lengths", str(lengths), "--format", "json"]
    result = run(*args, "--bootstrap", "200", "--seed", "3")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert (found["texts"], found["continuum_length"]) == (10, 1000)
    low, high = found["intervals"]["u_alpha"]["low"], found["intervals"]["u_alpha"]["high"]
    assert low <= found["u_alpha"] <= high
    again = json.loads(run(*args, "--bootstrap", "200", "--seed", "3").stdout)
    assert again["intervals"] == found["intervals"]


def test_continuum_begin_moves_the_continuum(tmp_path):
    shifted = figure_csv().splitlines()
    moved = [shifted[0]] + [
        ",".join([str(int(e) + 1000), c, str(int(b) + 1000), v])
        for e, c, b, v in (line.split(",") for line in shifted[1:])
    ]
    path = write(tmp_path, "\n".join(moved) + "\n")
    found = unitizing_for_file(path, 60, continuum_begin=1000, bootstrap=0)
    assert round(found["cu_alpha"], 3) == 0.724


def problems_of(tmp_path, text: str, *options: str, lengths: str | None = None):
    """Run the command on a bad file: exit 2, and each problem line on stderr."""
    path = write(tmp_path, text)
    args = ["--spans", str(path), *options]
    if lengths is not None:
        args += ["--lengths", str(write(tmp_path, lengths, "lengths.csv"))]
    result = run(*args)
    assert result.exit_code == USER_ERROR, result.output
    assert result.stdout == ""
    return path, result.stderr


@pytest.mark.parametrize(
    ("text", "where", "message", "fix"),
    [
        ("", "", "the file is empty", "put the header coder,category,begin,end"),
        ("coder,category,begin\n", ":1", "the header has no 'end' column", "name the columns"),
        ("coder,category,begin,end\n", "", "holds no rows", "add one row per unit"),
        ("coder,category,begin,end\nann,x,40,30\n", ":2", "begin 40 is not before end 30",
         "end exclusive"),
        ("coder,category,begin,end\nann,x,5,5\n", ":2", "begin 5 is not before end 5",
         "begin < end"),
        ("coder,category,begin,end\nann,x,0,70\n", ":2",
         "the unit [0, 70) lies outside the continuum, [0, 60)", "--continuum-length"),
        ("coder,category,begin,end\nann,x,-3,7\n", ":2", "lies outside the continuum",
         "--continuum-begin"),
        ("coder,category,begin,end\nann,x,2.5,7\n", ":2", "begin '2.5' is not a whole number",
         "whole numbers"),
        ("coder,category,begin,end\nann,x,two,7\n", ":2", "begin 'two' is not a whole number",
         "whole numbers"),
        ("coder,category,begin,end\nann,x,1,\n", ":2", "the end is empty", "whole numbers"),
        ("coder,category,begin,end\n,x,1,4\n", ":2", "the coder is empty", "give every row"),
        ("coder,category,begin,end\nann,x,1," + "9" * 5000 + "\n", ":2",
         "end 999999999999999999999999999999... is too large", "at most 1,000,000,000,000"),
    ],
)  # fmt: skip
def test_bad_spans_are_named_with_file_line_and_fix(tmp_path, text, where, message, fix):
    path, stderr = problems_of(tmp_path, text, "--continuum-length", "60")
    line = next(line for line in stderr.splitlines() if message in line)
    assert line.startswith(f"{path}{where}: ")
    assert fix in line
    assert "nothing was written" in stderr


def test_every_bad_row_is_reported_at_once(tmp_path):
    text = "coder,category,begin,end\nann,x,1,4\nann,x,9,2\nben,x,0,99\nben,y,a,4\n"
    path, stderr = problems_of(tmp_path, text, "--continuum-length", "60")
    assert [line.split(": ")[0] for line in stderr.splitlines()[:3]] == [
        f"{path}:3",
        f"{path}:4",
        f"{path}:5",
    ]
    assert "3 problems found" in stderr


def test_many_bad_rows_are_summed_up(tmp_path):
    text = "coder,category,begin,end\n" + "ann,x,5,1\n" * 30
    _, stderr = problems_of(tmp_path, text, "--continuum-length", "60")
    assert "10 more rows have problems" in stderr
    assert "21 problems found" in stderr


def test_missing_file(tmp_path):
    result = run("--spans", str(tmp_path / "nowhere.csv"), "--continuum-length", "5")
    assert result.exit_code == USER_ERROR
    assert "nowhere.csv: file not found — check the path" in result.stderr


@pytest.mark.parametrize(
    ("spans", "options", "lengths", "message", "fix"),
    [
        ("coder,category,begin,end\nann,x,0,4\n", [], None,
         "the length of the continuum is not given", "--continuum-length L"),
        ("coder,category,begin,end,document\nann,x,0,4,int1\n", ["--continuum-length", "9"],
         None, "the spans name documents, so each needs its own length", "--lengths FILE"),
        ("coder,category,begin,end\nann,x,0,4\n", ["--continuum-length", "9"],
         "document,length\nint1,9\n", "--lengths was given but the spans have no document",
         "add a document column"),
        ("coder,category,begin,end,document\nann,x,0,4,int2\n", [], "document,length\nint1,9\n",
         "document 'int2' has no length in the lengths file", "add a row int2,LENGTH"),
        ("coder,category,begin,end,document\nann,x,0,12,int1\n", [], "document,length\nint1,9\n",
         "lies outside the continuum of int1, [0, 9)", "the document's length"),
        ("coder,category,begin,end,document\nann,x,0,4,int1\n", [], "document,len\nint1,9\n",
         "the header has no 'length' column", "name the columns document,length"),
        ("coder,category,begin,end,document\nann,x,0,4,int1\n", [], "document,length\nint1,0\n",
         "length 0 is not positive", "1 position or more"),
        ("coder,category,begin,end,document\nann,x,0,4,int1\n", [],
         "document,length\nint1,9\nint1,9\n", "document 'int1' is listed twice", "list it once"),
    ],
)  # fmt: skip
def test_continuum_and_lengths_problems(tmp_path, spans, options, lengths, message, fix):
    _, stderr = problems_of(tmp_path, spans, *options, lengths=lengths)
    line = next(line for line in stderr.splitlines() if message in line)
    assert fix in line


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--continuum-length", "0"], "--continuum-length 0 is not a usable length"),
        (["--continuum-length", str(10**13)], "is not a usable length"),
        (["--continuum-length", "9", "--continuum-begin", str(-(10**13))], "is too far out"),
    ],
)
def test_unusable_continuum_options(tmp_path, options, message):
    _, stderr = problems_of(tmp_path, "coder,category,begin,end\nann,x,0,4\n", *options)
    assert message in stderr


def test_spans_and_ratings_together_are_refused(tmp_path):
    path = write(tmp_path, figure_csv())
    result = run("--spans", str(path), "--ratings", str(path), "--continuum-length", "60")
    assert result.exit_code == USER_ERROR
    assert "not both" in result.stderr


def test_the_library_function_raises_every_problem(tmp_path):
    path = write(tmp_path, "coder,category,begin,end\nann,x,4,1\n")
    with pytest.raises(InvalidInput) as error:
        unitizing_for_file(path, 10)
    assert [(p.line, p.message) for p in error.value.problems] == [
        (2, "begin 4 is not before end 1")
    ]


SPAN_HEADERS = ["coder,category,begin,end", "coder,category,begin,end,document", "end,begin,coder"]
span_cells = st.sampled_from([*CELLS, "int01", "0", "3", "7", "60", "-2", "12"])
span_rows = st.lists(span_cells, min_size=3, max_size=6).map(",".join)
span_tables = st.one_of(
    st.builds(
        lambda header, rows: "\n".join([header, *rows]).encode("utf-8", "surrogatepass"),
        st.sampled_from(SPAN_HEADERS),
        st.lists(span_rows, max_size=15),
    ),
    st.binary(max_size=200),
)


@FUZZ
@given(
    data=span_tables,
    lengths=st.one_of(st.none(), st.sampled_from([b"document,length\nint01,60\n", b"x\n\xff"])),
    length=st.one_of(st.none(), st.integers(1, 100)),
)
def test_hostile_spans_tables_give_a_result_or_located_problems(tmp_path_factory, data, lengths,
                                                                length):  # fmt: skip
    """Whatever the bytes: coefficients, or InvalidInput naming the files; nothing else."""
    folder = tmp_path_factory.mktemp("spans")
    spans = as_file(folder, "spans.csv", data)
    lengths_path = None if lengths is None else as_file(folder, "lengths.csv", lengths)
    try:
        result = unitizing_for_file(spans, length, 0, lengths_path, bootstrap=20)
    except InvalidInput as error:
        assert all(p.path in (str(spans), str(lengths_path)) for p in error.problems)
    else:
        json.dumps(result)


def test_numbers_with_signs_spaces_and_leading_zeros_are_read(tmp_path):
    path = write(tmp_path, "coder,category,begin,end\nann,x, 0003 ,+00007\nben,x,3,7\n")
    assert unitizing_for_file(path, 10, bootstrap=0)["alpha_U"]["overall"] == 1.0


@pytest.mark.parametrize(
    ("arguments", "refused"),
    [
        (["--spans", "SPANS", "--continuum-length", "100", "--metric", "fleiss"], "--metric"),
        (
            ["--spans", "SPANS", "--continuum-length", "100", "--unit", "turn", "--by", "pair"],
            "--by, --unit",
        ),
        (["--ratings", "SPANS", "--coder", "lena"], "--coder"),
        (["--continuum-length", "100"], "--continuum-length"),
    ],
)
def test_an_option_the_input_does_not_read_is_refused(tmp_path, arguments, refused):
    spans = tmp_path / "spans.csv"
    spans.write_text("coder,category,begin,end\na,x,0,10\nb,x,0,10\n")
    argv = ["agreement", *[str(spans) if a == "SPANS" else a for a in arguments]]
    result = CliRunner().invoke(main, ["--project", str(tmp_path), *argv])
    assert result.exit_code == 2
    assert f"{refused} do" in result.stderr and "not apply to agreement on" in result.stderr
