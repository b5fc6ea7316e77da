"""Hostile CSV tables and command-line values (issues 19 and 20): each is a located message,
exit code 2 and nothing written, never a traceback; the limits are the documented ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from hrd_coder.agreement.ratings_file import MAX_COUNTS, MAX_VALUES
from hrd_coder.cli import main
from hrd_coder.services import Project
from hrd_coder.sources.csv_cells import MAX_CELL_CHARS, MAX_NAME_CHARS
from hrd_coder.storage.tables import SQLModel
from tests.conftest import write

CODINGS_HEADER = "id,document,coder,code,start,end\n"
MEDIA_HEADER = "date,outlet,outlet_type,title,path\n"


def run(project: Project, *args: str):
    """Run hrd-coder on the project's folder and database, as a user would."""
    database = ["--db", project.database.url.render_as_string(hide_password=False)]
    return CliRunner().invoke(main, ["--project", str(project.root), *database, *args])


def row_counts(project: Project) -> dict[str, int]:
    """Rows in every table of the database."""
    with project.database.reading() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }


def refused(result, where: str) -> None:
    """Exit code 2, the message located at `where`, and no traceback."""
    assert result.exit_code == 2, result.output
    assert where in result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


# -- codings load ------------------------------------------------------------------------


HUGE_MEMO = 'q1,int01,lena,mobilizing,0,5,\nq2,int01,lena,mobilizing,0,5,"' + "x" * MAX_CELL_CHARS


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        (HUGE_MEMO + 'x"', 3),
        ("i" * (MAX_NAME_CHARS + 1) + ",int01,lena,mobilizing,0,5,", 2),
        ("q1," + "d" * 5000 + ",lena,mobilizing,0,5,", 2),
        ("q1,int01,lena,mobilizing,0," + "9" * 5000 + ",", 2),
        ("q1\x1b[31m,int01,lena,mobilizing,0,5,", 2),
    ],
    ids=["huge cell", "long id", "long document", "huge offset", "escape in id"],
)
def test_codings_load_refuses_huge_and_broken_cells(
    mini: Project, tmp_path: Path, rows: str, line: int
):
    path = write(tmp_path / "codings.csv", f"id,document,coder,code,start,end,memo\n{rows}\n")
    before = row_counts(mini)
    result = run(mini, "codings", "load", str(path))
    refused(result, f"{path}:{line}:")
    assert "\x1b" not in result.output
    assert len(result.output) < 2000  # the cell is never echoed whole
    assert row_counts(mini) == before


def test_a_cell_at_the_limit_is_read(mini: Project, tmp_path: Path):
    path = write(tmp_path / "codings.csv", f'id,document,coder,code,start,end,memo\n{HUGE_MEMO}"\n')
    result = run(mini, "codings", "load", str(path))
    assert result.exit_code == 0, result.output
    assert len(mini.codings()) == 1  # the same span twice: the second is already present


def test_the_longest_id_allowed_loads_on_every_database(mini: Project, tmp_path: Path):
    # 200 four-byte characters: 800 bytes, within PostgreSQL's 2,704-byte index entries.
    long_id = "𝄞" * MAX_NAME_CHARS
    path = write(tmp_path / "codings.csv", f"{CODINGS_HEADER}{long_id},int01,lena,mobilizing,0,5\n")
    result = run(mini, "codings", "load", str(path))
    assert result.exit_code == 0, result.output
    assert [c.id for c in mini.codings()] == [long_id]


# -- media import ------------------------------------------------------------------------


def test_media_import_refuses_a_huge_text_cell(mini: Project):
    text = "word " * (MAX_CELL_CHARS // 5 + 1)
    path = write(
        mini.root / "list.csv",
        f'date,outlet,outlet_type,title,url,text\n2015-09-02,Herald,wire,Big,,"{text}"\n',
    )
    before = row_counts(mini)
    refused(run(mini, "media", "import", str(path)), "list.csv:2: a cell of this row is longer")
    assert not (mini.root / "media").exists()
    assert row_counts(mini) == before


def test_media_import_reads_no_file_outside_the_lists_folder(mini: Project, tmp_path: Path):
    outside = write(tmp_path / "elsewhere" / "secret.txt", "The text of a private file.\n")
    folder = mini.root / "lists"
    (folder / "inside").mkdir(parents=True)
    (folder / "inside" / "link.txt").symlink_to(outside)
    rows = [
        "2015-09-02,Herald,wire,Up,../../elsewhere/secret.txt",
        f"2015-09-03,Herald,wire,Absolute,{outside}",
        "2015-09-04,Herald,wire,Symlink,inside/link.txt",
    ]
    path = write(folder / "list.csv", MEDIA_HEADER + "\n".join(rows) + "\n")
    before = row_counts(mini)
    result = run(mini, "media", "import", str(path))
    for line in (2, 3, 4):
        refused(result, f"lists/list.csv:{line}: file ")
    assert result.output.count("is outside the CSV's folder") == 3
    assert not (mini.root / "media").exists()
    assert row_counts(mini) == before

    allowed = run(mini, "media", "import", str(path), "--allow-outside", str(outside.parent))
    assert allowed.exit_code == 0, allowed.output
    assert len(list((mini.root / "media").iterdir())) == 1  # the same article, three times


# -- agreement --ratings -----------------------------------------------------------------


def ratings_file(path: Path, rows: list[str]) -> Path:
    return write(path, "a,b\n" + "\n".join(rows) + "\n")


def test_ratings_with_too_many_different_values_are_refused_at_their_line(tmp_path: Path):
    path = ratings_file(tmp_path / "r.csv", [f"{i}.5,{i}" for i in range(MAX_VALUES)])
    result = CliRunner().invoke(main, ["agreement", "--ratings", str(path), "--metric", "fleiss"])
    refused(result, f"r.csv:{MAX_VALUES // 2 + 2}: more than {MAX_VALUES:,} different values")


@pytest.mark.parametrize(("metric", "values"), [("alpha", 100), ("fleiss", 2000)])
def test_ratings_too_large_to_count_are_refused_at_their_line(
    tmp_path: Path, metric: str, values: int
):
    per_unit = values**2 if metric == "alpha" else values
    units = MAX_COUNTS // per_unit + 1
    rows = [f"{u % values},{u % values}" for u in range(units)]
    path = ratings_file(tmp_path / "r.csv", rows)
    result = CliRunner().invoke(main, ["agreement", "--ratings", str(path), "--metric", metric])
    refused(result, f"r.csv:{units + 1}: from here on the table has more than")


@pytest.mark.parametrize("metric", ["alpha", "fleiss", "ac1"])
def test_many_rows_of_few_categories_work(tmp_path: Path, metric: str):
    rows = [f"{u % 2},{(u // 3) % 2}" for u in range(200_000)]
    path = ratings_file(tmp_path / "r.csv", rows)
    args = ["agreement", "--ratings", str(path), "--metric", metric, "--bootstrap", "200"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "200000" in result.output


def test_a_ratings_cell_over_the_limit_is_located(tmp_path: Path):
    path = write(tmp_path / "r.csv", 'a,b\n1,2\n1,"' + "9" * (MAX_CELL_CHARS + 1) + '"\n')
    result = CliRunner().invoke(main, ["agreement", "--ratings", str(path)])
    refused(result, "r.csv:3: a cell of this row is longer")


# -- survival ----------------------------------------------------------------------------


def survival(path: Path):
    args = ["survival", "--data", str(path), "--duration", "days", "--event", "released"]
    return CliRunner().invoke(main, [*args, "--covariates", "x"])


def test_survival_on_durations_all_the_same_is_refused(tmp_path: Path):
    rows = "".join(f"10,1,{x}\n" for x in (1, 2, 3, 1, 2))
    result = survival(write(tmp_path / "same.csv", "days,released,x\n" + rows))
    refused(result, "same.csv: every duration in 'days' is 10")


@pytest.mark.parametrize(
    ("cells", "where"),
    [("1e308,1,1", "huge.csv:2:1: duration 1e308 is too large"), ("5,1,1e308", "huge.csv:2:3:")],
)
def test_survival_on_huge_values_is_refused_without_a_warning(
    tmp_path: Path, cells: str, where: str
):
    rows = f"{cells}\n4,0,2\n7,1,3\n3,1,1\n9,0,2\n6,1,4\n"
    result = survival(write(tmp_path / "huge.csv", "days,released,x\n" + rows))
    refused(result, where)
    assert "RuntimeWarning" not in result.output and "overflow encountered" not in result.output


def test_km_on_huge_durations_is_refused(tmp_path: Path):
    rows = "1e308,1,a\n4,0,b\n7,1,a\n3,1,b\n"
    path = write(tmp_path / "huge.csv", "days,released,g\n" + rows)
    args = ["km", "--data", str(path), "--duration", "days", "--event", "released"]
    refused(CliRunner().invoke(main, [*args, "--group", "g"]), "huge.csv:2:1: duration 1e308")


# -- sample --seed -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [str(2**31), str(2**63), "99999999999999999999999", "-2147483649"])
def test_a_seed_beyond_64_bits_is_a_usage_error(mini: Project, seed: str):
    before = row_counts(mini)
    result = run(mini, "--coder", "lena", "sample", "lena", "--seed", seed)
    refused(result, "Invalid value for '--seed'")
    assert row_counts(mini) == before


@pytest.mark.parametrize("seed", [2**31 - 1, -(2**31)])
def test_the_extreme_seeds_are_stored_on_every_database(mini: Project, seed: int):
    result = run(mini, "sample", "assign", "lena", "--share", "1", "--seed", str(seed))
    assert result.exit_code == 0, result.output
    assert {a.seed for a in mini.assignments()} == {seed}


# -- codebook split --file ---------------------------------------------------------------


@pytest.mark.parametrize("content", ["long id", "binary"])
def test_codebook_split_refuses_a_broken_choices_file(mini: Project, tmp_path: Path, content):
    path = tmp_path / "choices.csv"
    if content == "binary":
        path.write_bytes(b"coding_id,new_code\n\x00\x01\x02\xff")
        where = f"{path}: this is a binary file"
    else:
        write(path, "coding_id,new_code,quote\nc1,a,x\n" + "z" * 200_000 + ",b,\n")
        where = f"{path}:3: the coding_id is 200,000 characters long"
    before = row_counts(mini)
    yaml_before = (mini.root / "codebook.yaml").read_text()
    args = ["codebook", "split", "mobilizing", "--into", "a,b", "--file", str(path)]
    result = run(mini, *args)
    refused(result, where)
    assert len(result.output) < 2000
    assert row_counts(mini) == before
    assert (mini.root / "codebook.yaml").read_text() == yaml_before


def test_a_200_kb_quote_in_the_choices_file_is_read(mini: Project, tmp_path: Path):
    # A list made with 'codings list --with-quotes' may carry long quotes: they are ignored.
    path = write(tmp_path / "choices.csv", f'coding_id,new_code,quote\nnone,a,"{"q" * 200_000}"\n')
    args = ["codebook", "split", "mobilizing", "--into", "a,b", "--file", str(path)]
    result = run(mini, *args)
    assert "longer than" not in result.output and "Traceback" not in result.output


# -- names and user text in the terminal -------------------------------------------------


def test_a_file_name_with_control_characters_is_shown_escaped(mini: Project):
    name = mini.root / "transcripts" / "int\x1b[31mred\nline.md"
    write(name, (mini.root / "transcripts" / "int01.md").read_text().replace("int01", "int02"))
    result = run(mini, "status")
    assert "\x1b" not in result.output
    assert "int\\x1b[31mred\\x0aline.md" in result.output


def test_a_title_with_an_escape_sequence_is_shown_escaped(mini: Project):
    path = write(
        mini.root / "list.csv",
        "date,outlet,outlet_type,title,cases,url,text\n2015-09-02,Herald\x1b]0;owned\x07,wire,"
        '"Title\x1b[2J",c01,https://h.example/a,"Some text."\n',
    )
    assert run(mini, "media", "import", str(path)).exit_code == 0
    result = run(mini, "media", "timeline", "c01")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Title\\x1b[2J" in result.output


@pytest.mark.parametrize(
    "option", [("--seed", "-1"), ("--bootstrap", "100000000000"), ("--bootstrap", "-5")]
)
def test_agreement_options_out_of_range_are_usage_errors(tmp_path: Path, option):
    path = ratings_file(tmp_path / "r.csv", ["1,1", "0,1", "1,1", "0,0"])
    result = CliRunner().invoke(main, ["agreement", "--ratings", str(path), *option])
    refused(result, f"Invalid value for '{option[0]}'")
