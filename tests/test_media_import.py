"""`hrd-coder media import`: a CSV list of articles becomes media files, checked first,
repeats skipped, and a second run writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.conftest import write

HEADER = "date,outlet,outlet_type,title,cases,url,text\n"
GOOD = (
    "2015-09-02,The Meridian Herald,international,Campaign names reporter,c01,"
    'https://meridian.example/a,"The campaign named her, today."\n'
)


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), "media", "import", *args])


def test_a_csv_list_becomes_media_files_and_documents(mini_root: Path):
    write(mini_root / "list.csv", HEADER + GOOD)
    result = run(mini_root, str(mini_root / "list.csv"))
    assert result.exit_code == 0, result.output
    (written,) = (mini_root / "media").iterdir()
    assert f"media/{written.name}" in result.output
    text = written.read_text()
    assert text.startswith("---\nid: m20150902-") and "cases: [c01]" in text
    with Project.open(mini_root) as project:
        (item,) = project.documents(kind="media")
        assert item.metadata["url"] == "https://meridian.example/a"
        assert project.document(item.id).text == "The campaign named her, today.\n"


def test_running_the_same_list_again_writes_nothing(mini_root: Path):
    write(mini_root / "list.csv", HEADER + GOOD)
    assert run(mini_root, str(mini_root / "list.csv")).exit_code == 0
    again = run(mini_root, str(mini_root / "list.csv"), "--format", "json")
    report = json.loads(again.output)
    assert report["written"] == [] and len(report["skipped"]) == 1
    assert report["import"]["added"] == {}
    assert len(list((mini_root / "media").iterdir())) == 1


def test_repeats_in_the_list_are_skipped_with_their_line(mini_root: Path):
    repeat = GOOD.replace("https://meridian.example/a", "https://www.meridian.example/a/")
    repeat = repeat.replace("Campaign names reporter", "Another title")
    write(mini_root / "list.csv", HEADER + GOOD + repeat)
    result = run(mini_root, str(mini_root / "list.csv"))
    assert result.exit_code == 0, result.output
    assert "list.csv:3: the same url as list.csv line 2: skipped" in result.output
    assert len(list((mini_root / "media").iterdir())) == 1


def test_bad_rows_are_listed_with_their_line_and_nothing_is_written(mini_root: Path):
    rows = [
        GOOD,
        GOOD.replace("2015-09-02", "2015-02-30").replace("names", "hails"),
        GOOD.replace(",c01,", ",c01;c99,").replace("names", "frees"),
        # A text cell spanning two lines: the next row's line number counts them.
        '2015-09-03,Wire,wire,Two lines,c01,,"first\nsecond"\n',
        "2015-09-04,,wire,No outlet,c01,,text\n",
        "2015-09-05,Wire,wire,No text,c01,,\n",
    ]
    write(mini_root / "list.csv", HEADER + "".join(rows))
    result = run(mini_root, str(mini_root / "list.csv"))
    assert result.exit_code == 2
    assert "list.csv:3: date: '2015-02-30' is not a real date" in result.output
    assert "list.csv:4: case 'c99' does not exist" in result.output
    assert "list.csv:7: outlet: empty" in result.output
    assert "list.csv:8: no text — fill the 'text' cell or a 'path' to a file" in result.output
    assert "nothing was written" in result.output
    assert not (mini_root / "media").exists()
    with Project.open(mini_root) as project:
        assert project.is_empty()


def test_a_missing_column_is_named_before_any_row(mini_root: Path):
    write(mini_root / "list.csv", "date,outlet,title,text\n2015-09-02,X,Y,Z\n")
    result = run(mini_root, str(mini_root / "list.csv"))
    assert result.exit_code == 2
    assert "list.csv:1: no column 'outlet_type' — add a 'outlet_type' column" in result.output


def test_the_demo_list_adds_three_articles_and_skips_a_known_one(demo_root: Path):
    dry = run(demo_root, str(demo_root / "demo" / "articles.csv"), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would write 3 media files, skipped 1" in dry.output
    assert len(list((demo_root / "media").iterdir())) == 17  # a dry run writes nothing
    result = run(demo_root, str(demo_root / "demo" / "articles.csv"))
    assert "as media/m03.md: skipped" in result.output
    with Project.open(demo_root) as project:
        statement = project.document("sardessa-mfa-2015-10")
        assert statement.info.case_ids == ("c19",)
        assert statement.text.startswith("The ministry of foreign affairs of Sardessa")
        assert len(project.documents(kind="media")) == 20


def test_the_timeline_command_lists_items_and_draws_the_weeks(demo_root: Path, tmp_path: Path):
    assert CliRunner().invoke(main, ["--project", str(demo_root), "import"]).exit_code == 0
    base = ["--project", str(demo_root), "media", "timeline"]
    result = CliRunner().invoke(main, [*base, "c06", "--out", str(tmp_path / "c06.png")])
    assert result.exit_code == 0, result.output
    assert "c06 Kasia Vorrend: 4 media items" in result.output
    assert "dates: campaign 2015-09-01, featured 2015-09-08, released 2016-01-15" in result.output
    assert (tmp_path / "c06.png").stat().st_size > 10_000
    data = json.loads(CliRunner().invoke(main, [*base, "c07", "--format", "json"]).output)
    assert [a["date"] for a in data["articles"]] == ["2015-11", "2015-11-20"]
    assert sum(week["total"] for week in data["weeks"]) == 2
    unknown = CliRunner().invoke(main, [*base, "c99"])
    assert unknown.exit_code == 2 and "there is no case 'c99'" in unknown.output


def test_init_lays_out_a_media_folder(tmp_path: Path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "study")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "study" / "media").is_dir()
