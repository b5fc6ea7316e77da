"""Case and transcript files: every front-matter mistake named with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_coder.codebook import parse_codebook
from hrd_coder.problems import InvalidInput
from hrd_coder.sources.dates import parse_partial_date
from hrd_coder.sources.project_files import read_project_files
from hrd_coder.text_file import decode
from tests.conftest import MINI_CODEBOOK, make_mini_project, write

CODEBOOK = parse_codebook(MINI_CODEBOOK)


def problems_in(root: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_project_files(root, CODEBOOK)
    return [str(p) for p in caught.value.problems]


def case_file(**changes: str) -> str:
    fields = {
        "id": "c09",
        "name": "Cara",
        "country": "Vedoria",
        "groups": "[featured]",
        "detained_on": "2012-05-14",
        "featured_on": "2015-09-01",
        "released_on": "2016-01-02",
        "release_type": "pardon",
        "censored_on": "null",
    }
    fields.update(changes)
    lines = [f"{k}: {v}" for k, v in fields.items() if v != "DROP"]
    return "---\n" + "\n".join(lines) + "\n---\nHistory.\n"


def test_the_mini_project_reads_cleanly(mini_root: Path):
    files = read_project_files(mini_root, CODEBOOK)
    assert [c.case.id for c in files.cases] == ["c01", "c02"]
    assert files.cases[0].history.text.startswith("She was detained")
    transcript = files.transcripts[0]
    assert transcript.case_ids == ("c01", "c02")
    assert transcript.metadata["date"] == "2017-03-10"
    assert transcript.text.startswith("INTERVIEWER:")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"detained_on": "2012-13-01"},
            "cases/c09.md:6:14: detained_on: '2012-13-01' is not a "
            "real date (month must be in 1..12) — check the day and month",
        ),
        (
            {"detained_on": "last spring"},
            "cases/c09.md:6:14: detained_on: 'last spring' is not a date — write "
            "YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known",
        ),
        (
            {"released_on": "2011-01-01"},
            "cases/c09.md:8:14: released_on 2011-01-01 is before "
            "detained_on 2012-05-14 — check both dates: a prisoner cannot be released before being "
            "detained",
        ),
        (
            {"groups": "[featured, famous]"},
            "cases/c09.md:5:9: group 'famous' is not declared in "
            "the codebook — use one of: featured, comparison (or add it under 'case_groups:' in "
            "codebook.yaml)",
        ),
        ({"id": "DROP"}, "cases/c09.md:2:1: required key 'id' is missing — add a 'id:' line"),
        (
            {"release_type": "escape"},
            "cases/c09.md:9:15: release type 'escape' is not declared in "
            "the codebook — use one of: pardon, amnesty, sentence_completed, acquitted, "
            "conditional_release, house_arrest, exile (or add it under 'release_types:' in "
            "codebook.yaml)",
        ),
        (
            {"release_type": "null"},
            "cases/c09.md:9:15: released_on is set but release_type is "
            "empty — say how she was released, e.g. release_type: pardon",
        ),
        (
            {"released_on": "null"},
            "cases/c09.md:9:15: release_type is set but released_on is empty "
            "— add the release date, or set release_type: null",
        ),
        (
            {"censored_on": "2017-01-01"},
            "cases/c09.md:10:14: censored_on is set although "
            "released_on is too — a released case is not censored: set censored_on: null",
        ),
        (
            {"nationality": "x"},
            "cases/c09.md:11:1: unknown key 'nationality' — allowed keys are: "
            "id, name, country, groups, detained_on, featured_on, released_on, release_type, "
            "censored_on, sources, covariates",
        ),
    ],
)
def test_case_front_matter_problems(tmp_path: Path, change: dict[str, str], expected: str):
    write(tmp_path / "cases" / "c09.md", case_file(**change))
    assert problems_in(tmp_path) == [expected]


def test_partial_dates_keep_their_precision():
    assert str(parse_partial_date("2016-03")) == "2016-03"
    assert parse_partial_date("2016-03").precision == "month"
    assert parse_partial_date("2016-02").latest.isoformat() == "2016-02-29"
    assert parse_partial_date(2016).precision == "year"
    assert parse_partial_date(2016).latest.isoformat() == "2016-12-31"


def test_a_month_precision_release_in_the_detention_month_is_accepted(tmp_path: Path):
    write(
        tmp_path / "cases" / "c09.md",
        case_file(detained_on="2012-05-14", released_on="2012-05", featured_on="null"),
    )
    files = read_project_files(tmp_path, CODEBOOK)
    assert files.cases[0].case.released_on.precision == "month"


def test_duplicate_ids_across_files(mini_root: Path):
    write(mini_root / "cases" / "c03.md", case_file(id="c01"))
    assert problems_in(mini_root) == [
        "cases/c03.md:2:5: id 'c01' is already used by "
        "cases/c01.md — give every case and transcript its own id"
    ]


def test_transcripts_may_only_name_existing_cases(mini_root: Path):
    path = mini_root / "transcripts" / "int01.md"
    path.write_text(path.read_text().replace("[c01, c02]", "[c01, c77]"))
    assert problems_in(mini_root) == [
        "transcripts/int01.md:7:14: case 'c77' does not exist — "
        "add cases/c77.md, or correct the id (known: c01, c02)"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "cases/c09.md:1:1: the file is empty — write its content, or delete the file"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "cases/c09.md: this is a binary file, not text — save it "
            "as plain text (UTF-8) or move it out of the project",
        ),
        (
            b"---\nid: c09\nname: Ren\xe9e\n---\n",
            "cases/c09.md:3:10: byte 0xe9 is not valid UTF-8 "
            "— save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8)",
        ),
        (
            b"Just a story.\n",
            "cases/c09.md:1:1: the file does not start with YAML front matter — "
            "put a line '---', the 'key: value' lines (id: ...), and another '---' line at the top",
        ),
        (
            b"---\nid: c09\nname: x\n",
            "cases/c09.md:1:1: the front matter is never closed — add a "
            "line '---' after the last 'key: value' line",
        ),
        (b"---\nid: c09\nname: [unclosed\n---\n", "cases/c09.md:3:16: this is not valid YAML"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, expected: str):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "c09.md").write_bytes(content)
    assert problems_in(tmp_path)[0].startswith(expected)


def test_problems_from_many_files_are_reported_together(mini_root: Path):
    write(mini_root / "cases" / "c03.md", case_file(id="c03", detained_on="soon"))
    (mini_root / "transcripts" / "int02.txt").write_bytes(b"")
    found = problems_in(mini_root)
    assert [p.split(":")[0] for p in found] == ["cases/c03.md", "transcripts/int02.txt"]


def test_text_is_normalised_to_nfc_and_unix_line_endings():
    decomposed = "---\r\nid: x\r\n---\r\nRene\u0301e said: yes\r\n".encode()
    text = decode(b"\xef\xbb\xbf" + decomposed, "x.md")
    assert text == "---\nid: x\n---\nRen\u00e9e said: yes\n"


def test_crlf_files_give_the_same_offsets_as_lf_files(tmp_path: Path):
    lf = make_mini_project(tmp_path / "lf")
    crlf = make_mini_project(tmp_path / "crlf")
    path = crlf / "transcripts" / "int01.md"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    one = read_project_files(lf, CODEBOOK).transcripts[0]
    two = read_project_files(crlf, CODEBOOK).transcripts[0]
    assert one.text == two.text and one.sha256 == two.sha256
