"""One `import` or `codebook check` run lists every problem in every file (issue 15): a broken
codebook does not hide the case and transcript files' problems, a broken case file does not
add a "does not exist" to every document naming it, and a wrong key whose value says what
was meant (`release: pardon`) suggests that key."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from hrd_coder.cli import main


def cli(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(root), *args])


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def break_codebook(root: Path) -> None:
    replace(root / "codebook.yaml", "hotkey: r", "hotkey: [1, 2]")


def test_a_broken_codebook_does_not_hide_the_files_problems(mini_root: Path):
    break_codebook(mini_root)
    replace(mini_root / "cases" / "c02.md", "censored_on:", "censored:")
    for command in (["import"], ["codebook", "check"], ["status"]):
        result = cli(mini_root, *command)
        assert result.exit_code == 2, result.output
        assert "'hotkey'" in result.output, command
        assert "cases/c02.md" in result.output and "unknown key 'censored'" in result.output
        assert "2 problems found" in result.output
    assert not (mini_root / ".hrd_coder" / "project.sqlite").exists()  # nothing written


def test_without_a_codebook_groups_and_release_types_are_not_judged(mini_root: Path):
    """The files are checked as far as they can be: a group is only unknown to a codebook."""
    break_codebook(mini_root)
    replace(mini_root / "cases" / "c01.md", "groups: [featured]", "groups: [nowhere]")
    result = cli(mini_root, "import")
    assert result.exit_code == 2
    assert "1 problem found" in result.output and "nowhere" not in result.output
    (mini_root / "codebook.yaml").write_text(
        (mini_root / "codebook.yaml").read_text().replace("hotkey: [1, 2]", "hotkey: r")
    )
    result = cli(mini_root, "import")
    assert result.exit_code == 2 and "group 'nowhere' is not declared" in result.output


def test_codebook_check_of_a_named_file_checks_only_that_file(mini_root: Path):
    replace(mini_root / "cases" / "c02.md", "censored_on:", "censored:")
    result = cli(mini_root, "codebook", "check", str(mini_root / "codebook.yaml"))
    assert result.exit_code == 0, result.output
    result = cli(mini_root, "codebook", "check")
    assert result.exit_code == 2 and "unknown key 'censored'" in result.output


def test_a_broken_case_file_is_not_reported_again_by_the_documents_naming_it(mini_root: Path):
    replace(mini_root / "cases" / "c01.md", "released_on:", "released:")
    replace(mini_root / "transcripts" / "int01.md", "cases: [c01, c02]", "cases: [c01, c02, c09]")
    result = cli(mini_root, "import")
    assert result.exit_code == 2
    assert "cases/c01.md" in result.output
    assert "case 'c01' does not exist" not in result.output
    assert "case 'c09' does not exist" in result.output  # no file at all: still said


def test_a_wrong_key_is_matched_to_the_key_its_value_fits(mini_root: Path):
    case = mini_root / "cases" / "c01.md"
    replace(case, "release_type: pardon", "release: pardon")
    result = cli(mini_root, "import")
    assert "unknown key 'release' — did you mean 'release_type'?" in result.output
    replace(case, "release: pardon", "release_type: pardon")
    replace(case, "released_on: 2016-02-18", "release: 2016-02-18")
    result = cli(mini_root, "import")
    assert "unknown key 'release' — did you mean 'released_on'?" in result.output
