"""Opening a project reads the whole codebook model only when it may have changed: a
codebook.yaml holding the very text of the last import was checked whole by that import, so
status, codings and log take its name, hash and codes from the database (issue 15). An
edited codebook, valid or broken, is still read and checked in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_coder.codebook import parse_codebook
from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.services import Project


def open_for_a_command(project: Project) -> Project:
    """Open the project as every command but the importing ones does (create=False)."""
    url = project.database.url.render_as_string(hide_password=False)
    return Project.open(project.root, url, create=False)


def test_an_unchanged_codebook_is_not_read_again(mini: Project):
    whole = parse_codebook((mini.root / "codebook.yaml").read_text(), "codebook.yaml")
    with open_for_a_command(mini) as project:
        status = project.status()
        assert project._codebook is None  # the model was never built
        assert (status.codebook_name, status.codebook_hash) == (whole.name, whole.hash)
        assert not status.codebook_changed
        assert project.codebook_hash_for_new_codings() == whole.hash
        # Anything that needs the model still gets it, the same as a full read.
        assert project.codebook.hash == whole.hash
        assert project.codebook.by_hotkey().keys() == whole.by_hotkey().keys()


def test_codes_are_checked_against_the_imported_codebook(mini: Project):
    with open_for_a_command(mini) as project:
        coding = project.add_coding(
            document="int01", code="mobilizing.ngos", start=0, end=5, coder="ana"
        )
        assert coding.code_id == "mobilizing.ngos"
        with pytest.raises(ProjectError, match="there is no code 'pressure' in the codebook"):
            project.add_coding(document="int01", code="pressure", start=0, end=5, coder="ana")
        assert project._codebook is None


def test_an_edited_codebook_is_read_whole_and_reported_changed(mini: Project):
    path: Path = mini.root / "codebook.yaml"
    path.write_text(path.read_text().replace("Others join the pressure.", "Others join in."))
    with open_for_a_command(mini) as project:
        assert project._codebook is not None  # checked in full
        assert project.status().codebook_changed
        with pytest.raises(ProjectError, match="codebook.yaml changed since the last import"):
            project.add_coding(document="int01", code="mobilizing", start=0, end=5, coder="ana")


def test_new_comments_are_read_once_then_kept_by_the_next_import(mini: Project):
    path: Path = mini.root / "codebook.yaml"
    path.write_text("# Reviewed by the team in March.\n" + path.read_text())
    with open_for_a_command(mini) as project:
        assert project._codebook is not None  # another text: checked in full
        assert not project.status().codebook_changed  # the same codes: the same hash
        assert project.import_files().unchanged["codebook"] == 1
    with open_for_a_command(mini) as project:
        assert project._codebook is None


def test_an_edited_broken_codebook_is_still_reported(mini: Project):
    path: Path = mini.root / "codebook.yaml"
    path.write_text(path.read_text().replace("  - id: mobilizing\n", "  - id: Mobilizing!\n"))
    with pytest.raises(InvalidInput) as caught:
        open_for_a_command(mini)
    shown = "\n".join(str(problem) for problem in caught.value.problems)
    assert "codebook.yaml:12:9:" in shown and "'Mobilizing!' is not a valid id" in shown


def test_a_broken_codebook_is_reported_before_a_missing_database(mini_root: Path):
    path = mini_root / "codebook.yaml"
    path.write_text(path.read_text().replace("name: Mini study", "name: [Mini"))
    with pytest.raises(InvalidInput, match="not valid YAML"):
        Project.open(mini_root, create=False)
    assert not (mini_root / ".hrd_coder").exists()
