"""Hostile project files (issues 19 and 20): YAML alias bombs, deep nesting, huge and
infinite numbers, and symlinks out of the project get a located message, exit code 2 and
nothing written; none of them hangs or prints a traceback."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlmodel import SQLModel

from hrd_coder.cli import main
from hrd_coder.services import Project
from hrd_coder.yaml_source import MAX_DEPTH

# Nine lists of nine aliases of the list before: 9**9 (387 million) strings once expanded.
ALIAS_BOMB = "\n".join(
    [
        'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]" for i in range(1, 9)),
    ]
)
HUGE = "9" * 5000


def cli(root: Path, db_url: str | None, *args: str) -> Result:
    """Run hrd-coder on the project at `root` (and the test's database)."""
    db = ["--db", db_url] if db_url else []
    return CliRunner().invoke(main, ["--project", str(root), *db, *args])


def assert_refused(result: Result, *expected: str) -> None:
    """Exit code 2, each expected text in the message, and no traceback."""
    assert result.exit_code == 2, result.output + repr(result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output


def row_counts(root: Path, db_url: str | None) -> dict[str, int]:
    """Rows in every table of the project's database."""
    with Project.open(root, db_url) as project, project.database.reading() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }


def line_of(path: Path, text: str) -> int:
    """The 1-based line of `path` where `text` first appears."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def add_to_front_matter(path: Path, lines: str) -> None:
    """Insert YAML lines just after the opening '---' of a case or transcript."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", f"---\n{lines}\n", 1), encoding="utf-8")


@pytest.fixture
def imported(demo_root: Path, db_url: str | None) -> tuple[Path, str | None, dict[str, int]]:
    """The demo, imported: (root, database URL, row counts after the import)."""
    assert cli(demo_root, db_url, "import").exit_code == 0
    return demo_root, db_url, row_counts(demo_root, db_url)


def test_an_alias_bomb_in_the_codebook_is_refused_before_it_expands(demo_root: Path):
    book = demo_root / "codebook.yaml"
    book.write_text(
        book.read_text(encoding="utf-8") + "extra:\n  " + ALIAS_BOMB.replace("\n", "\n  "),
        encoding="utf-8",
    )
    line = line_of(book, "lol1:")
    result = cli(demo_root, None, "codebook", "check", str(book))
    assert_refused(result, f"codebook.yaml:{line}:", "aliases ('*lol0') are not allowed")


def test_an_alias_bomb_in_front_matter_is_refused_and_nothing_is_written(imported):
    root, db_url, before = imported
    case = root / "cases" / "c03.md"
    add_to_front_matter(case, "bomb:\n  " + ALIAS_BOMB.replace("\n", "\n  "))
    transcript = root / "transcripts" / "int01.md"
    add_to_front_matter(transcript, "same: &name x\nagain: *name")
    result = cli(root, db_url, "import")
    assert_refused(
        result,
        f"cases/c03.md:{line_of(case, 'lol1:')}:",
        f"transcripts/int01.md:{line_of(transcript, 'again:')}:8: YAML aliases ('*name')",
        "nothing was written",
    )
    assert row_counts(root, db_url) == before


def test_an_alias_in_analysis_yaml_is_refused(demo_root: Path):
    plan = demo_root / "analysis.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "campaign_date: 2015-09-01", "campaign_date: &start 2015-09-01\nother: *start"
        ),
        encoding="utf-8",
    )
    assert cli(demo_root, None, "import").exit_code == 0
    result = cli(demo_root, None, "report", "featured_vs_considered")
    assert_refused(result, f"analysis.yaml:{line_of(plan, 'other:')}:8: YAML aliases")


def nested_flow(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_blocks(depth: int) -> str:
    """`depth` mappings, each indented one space more than the last."""
    return "\n".join(" " * (level + 1) + f"k{level}:" for level in range(depth)) + " x"


def test_deep_nesting_in_the_codebook_is_refused_with_its_line(demo_root: Path):
    book = demo_root / "codebook.yaml"
    book.write_text(
        book.read_text(encoding="utf-8") + f"deep: {nested_flow(5000)}\n", encoding="utf-8"
    )
    result = cli(demo_root, None, "codebook", "check", str(book))
    assert_refused(
        result,
        f"codebook.yaml:{line_of(book, 'deep:')}:",
        f"nested more than {MAX_DEPTH} levels deep",
    )


def test_deep_nesting_and_huge_indentation_in_front_matter_are_refused(imported):
    root, db_url, before = imported
    case = root / "cases" / "c04.md"
    add_to_front_matter(case, "deep:\n" + nested_blocks(3000))
    transcript = root / "transcripts" / "int02.md"
    add_to_front_matter(transcript, f"deep: {nested_flow(900)}")
    result = cli(root, db_url, "import")
    # The first block nested too deep: the 50th key, under the top-level mapping.
    assert_refused(
        result,
        f"cases/c04.md:{line_of(case, ' k49:')}:",
        f"transcripts/int02.md:{line_of(transcript, 'deep:')}:",
        "nested more than",
    )
    assert row_counts(root, db_url) == before


def test_deep_nesting_in_analysis_yaml_is_refused(demo_root: Path):
    plan = demo_root / "analysis.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8") + f"deep: {nested_flow(3000)}\n", encoding="utf-8"
    )
    assert cli(demo_root, None, "import").exit_code == 0
    result = cli(demo_root, None, "report", "featured_vs_considered")
    assert_refused(result, f"analysis.yaml:{line_of(plan, 'deep:')}:", "nested more than")


def test_a_5000_digit_codebook_version_is_refused(demo_root: Path):
    book = demo_root / "codebook.yaml"
    book.write_text(
        book.read_text(encoding="utf-8").replace('version: "1.0"', f"version: {HUGE}"),
        encoding="utf-8",
    )
    result = cli(demo_root, None, "codebook", "check", str(book))
    assert_refused(
        result, f"codebook.yaml:{line_of(book, 'version:')}:10: the whole number 9999", "64 bits"
    )


@pytest.mark.parametrize("value", [HUGE, str(2**63), str(-(2**63) - 1)])
def test_a_covariate_beyond_64_bits_is_refused_and_nothing_is_written(imported, value: str):
    root, db_url, before = imported
    case = root / "cases" / "c05.md"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("covariates:\n", f"covariates:\n  big: {value}\n"), "utf-8")
    result = cli(root, db_url, "import")
    assert_refused(
        result,
        f"cases/c05.md:{line_of(case, 'big:')}:8: the whole number",
        "must fit in 64 bits",
        "as a decimal number",
    )
    assert row_counts(root, db_url) == before


def test_the_largest_64_bit_covariate_is_kept(imported):
    root, db_url, _ = imported
    case = root / "cases" / "c05.md"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("covariates:\n", f"covariates:\n  big: {2**63 - 1}\n"), "utf-8")
    assert cli(root, db_url, "import").exit_code == 0
    with Project.open(root, db_url) as project:
        assert next(c for c in project.cases() if c.id == "c05").covariates["big"] == 2**63 - 1


def test_a_5000_digit_number_in_analysis_yaml_is_refused(demo_root: Path):
    plan = demo_root / "analysis.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "censor_date: 2017-09-01", f"censor_date: {HUGE}", 1
        ),
        encoding="utf-8",
    )
    assert cli(demo_root, None, "import").exit_code == 0
    result = cli(demo_root, None, "report", "featured_vs_considered")
    assert_refused(result, f"analysis.yaml:{line_of(plan, 'censor_date: 9')}:18: the whole")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e+999"])
def test_an_infinite_covariate_is_refused_at_import(imported, value: str):
    root, db_url, before = imported
    case = root / "cases" / "c06.md"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("covariates:\n", f"covariates:\n  odd: {value}\n"), "utf-8")
    result = cli(root, db_url, "import")
    assert_refused(
        result, f"cases/c06.md:{line_of(case, 'odd:')}:8: covariate value", "not a finite number"
    )
    assert row_counts(root, db_url) == before


def test_report_and_stata_export_refuse_an_infinite_covariate_stored_earlier(demo_root: Path):
    # Older versions stored one; only SQLite can hold it (PostgreSQL's JSON has no Infinity).
    assert cli(demo_root, None, "import").exit_code == 0
    assert (
        cli(demo_root, None, "codings", "load", str(demo_root / "demo/codings.csv")).exit_code == 0
    )
    database = sqlite3.connect(demo_root / ".hrd_coder" / "project.sqlite")
    with database:
        database.execute(
            # As Python's json module wrote it: Infinity
            "UPDATE cases SET covariates = replace(covariates,"
            " '\"age_at_detention\": 34', '\"age_at_detention\": Infinity') WHERE id = 'c01'"
        )
    database.close()
    message = "case 'c01': covariate 'age_at_detention' is inf in the database"
    for args in (
        ["report", "featured_vs_considered", "--layer", "lena"],
        ["export", "cases", "--format", "stata", "--layer", "lena"],
    ):
        assert_refused(cli(demo_root, None, *args), message, "hrd-coder import")
    assert not (demo_root / "exports" / "cases_lena.dta").exists()


def test_symlinks_to_files_outside_the_project_are_refused(imported, tmp_path: Path):
    root, db_url, before = imported
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "c99.md"
    secret.write_text((root / "cases" / "c01.md").read_text().replace("id: c01", "id: c99"))
    (root / "cases" / "c99.md").symlink_to(secret)
    (root / "transcripts" / "int99.md").symlink_to(outside / "missing.md")
    result = cli(root, db_url, "import")
    assert_refused(
        result,
        "cases/c99.md: this file leads (through a link) to",
        "transcripts/int99.md: this file leads (through a link) to",
        "outside the project",
    )
    assert row_counts(root, db_url) == before


def test_a_linked_folder_outside_the_project_is_refused(imported, tmp_path: Path):
    root, db_url, before = imported
    moved = tmp_path / "shared-transcripts"
    (root / "transcripts").rename(moved)
    (root / "transcripts").symlink_to(moved)
    result = cli(root, db_url, "import")
    assert_refused(result, "transcripts/int01.md: this file leads (through a link) to", str(moved))
    assert row_counts(root, db_url) == before


def test_symlinks_inside_the_project_are_followed(demo_root: Path):
    kept = demo_root / "originals"
    kept.mkdir()
    (demo_root / "transcripts" / "int01.md").rename(kept / "int01.md")
    os.symlink(Path("..") / "originals" / "int01.md", demo_root / "transcripts" / "int01.md")
    assert cli(demo_root, None, "import").exit_code == 0
    with Project.open(demo_root) as project:
        assert "int01" in {d.id for d in project.documents()}


def test_an_alias_bomb_in_the_settings_file_is_refused(demo_root: Path):
    settings = demo_root / ".hrd_coder" / "settings.yaml"
    settings.parent.mkdir()
    settings.write_text(ALIAS_BOMB + "\ncoder: *lol8\n", encoding="utf-8")
    result = cli(demo_root, None, "whoami")
    assert_refused(result, f"settings.yaml:{line_of(settings, 'lol1:')}:", "YAML aliases")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int x", "'x' is not a valid int"),
        ("!!bool maybe", "'maybe' is not a valid bool"),
        ("!!timestamp 2015-13-45", "'2015-13-45' is not a valid timestamp"),
        ("x\x01y", "character U+0001 is not allowed in YAML"),
    ],
)
def test_explicit_tags_and_control_characters_in_front_matter_are_located(
    demo_root: Path, value: str, message: str
):
    case = demo_root / "cases" / "c07.md"
    add_to_front_matter(case, f"odd: {value}")
    result = cli(demo_root, None, "import")
    assert_refused(result, f"cases/c07.md:{line_of(case, 'odd:')}:", message)


def test_an_alias_bomb_in_a_qdpx_codebook_description_is_refused(tmp_path: Path):
    from xml.sax.saxutils import escape

    yaml_part = f"version: *lol8\n{ALIAS_BOMB}\n"
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Bomb">'
        f"<Description>A study.\n\nhrd_coder codebook:\n{escape(yaml_part)}</Description>"
        "</Project>"
    )
    archive = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("project.qde", qde)
    target = tmp_path / "new"
    result = CliRunner().invoke(main, ["import-qdpx", str(archive), "--into", str(target)])
    assert_refused(
        result, "project.qde <Description> after 'hrd_coder codebook:':1:10: YAML aliases"
    )
    assert not target.exists()
