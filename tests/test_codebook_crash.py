"""A rename, merge or split killed at any step: the next open finishes or undoes it, so
codebook.yaml and the database always agree again (issue 21, item 3).

Each test runs the change in a child process that `os._exit`s at one step: after the new
file and the journal are written, inside the database transaction, after the commit
(before codebook.yaml is replaced), and after the swap (before the journal is removed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project, codebook_changes
from hrd_coder.services.codebook_journal import ASIDE, JOURNAL, _locked, finish_interrupted_change
from tests.conftest import REPO, reopen
from tests.test_codebook_changes import add_codes
from tests.test_reanchoring import NAMING, NGOS, code

KILLED_AT = """
import os, sys
from hrd_coder.services import Project, codebook_changes, codebook_journal
root, url, operation, point = sys.argv[1:5]

def die(*args, **kwargs):
    os._exit(9)

def then_die(step):
    def run(*args, **kwargs):
        step(*args, **kwargs)
        os._exit(9)
    return run

if point == "aside":  # the new file and the journal are written, nothing committed
    codebook_journal._write_journal = then_die(codebook_journal._write_journal)
elif point == "transaction":  # codings moved, the transaction not committed
    codebook_changes._recode_all = then_die(codebook_changes._recode_all)
elif point == "commit":  # committed; codebook.yaml not replaced yet
    codebook_journal._swap = die
elif point == "swap":  # codebook.yaml replaced; the journal not removed yet
    codebook_journal._forget = die
project = Project.open(root, url or None)
if operation == "rename":
    project.rename_code("mobilizing", "mobilization")
elif operation == "merge":
    project.merge_codes(["mobilizing.ngos"], "mobilizing")
else:
    project.split_code("reputational_costs", ["rep_public", "rep_private"], "rep_public", {})
print("not killed")
"""

# What each operation leaves in the codebook and the codings once done.
DONE = {
    "rename": ({"mobilization", "mobilization.ngos"}, {"mobilizing", "mobilizing.ngos"}),
    "merge": ({"mobilizing"}, {"mobilizing.ngos"}),
    "split": ({"rep_public"}, {"reputational_costs"}),
}
UNDONE_AT = ("aside", "transaction")
FINISHED_AT = ("commit", "swap")


def url_of(project: Project) -> str:
    return project.database.url.render_as_string(hide_password=False)


def coded(mini: Project) -> Project:
    """Two codings, and the split's new codes in the codebook (imported)."""
    code(mini, NGOS, "mobilizing.ngos")
    code(mini, NAMING, "reputational_costs")
    add_codes(mini, "rep_public", "rep_private")
    again = reopen(mini)
    again.import_files()
    return again


def kill_during(project: Project, operation: str, point: str) -> None:
    url = "" if project.database.url.drivername.startswith("sqlite") else url_of(project)
    run = subprocess.run(
        [sys.executable, "-c", KILLED_AT, str(project.root), url, operation, point],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 9, run.stdout + run.stderr


def ids_in(project: Project) -> tuple[set[str], set[str]]:
    """The codebook's code ids and the codings' code ids, as the database holds them."""
    return {c.id for c in project.codebook.codes}, {c.code_id for c in project.codings()}


def assert_agree(project: Project) -> None:
    """codebook.yaml is the codebook the database holds, and no journal is left."""
    assert not (project.root / JOURNAL).exists() and not (project.root / ASIDE).exists()
    assert not project.status().codebook_changed
    assert not project.import_files().changed


@pytest.mark.parametrize("point", [*UNDONE_AT, *FINISHED_AT])
@pytest.mark.parametrize("operation", ["rename", "merge", "split"])
def test_a_change_killed_at_any_step_is_settled_on_open(mini, operation, point):
    project = coded(mini)
    before_text = (project.root / "codebook.yaml").read_text(encoding="utf-8")
    before_ids = ids_in(project)
    project.close()
    kill_during(project, operation, point)
    assert (project.root / JOURNAL).exists()
    on_disk = (project.root / "codebook.yaml").read_text(encoding="utf-8")
    assert (on_disk == before_text) == (point != "swap")  # replaced only after the commit
    added, gone = DONE[operation]
    with reopen(project) as opened:
        codebook_ids, coded_ids = ids_in(opened)
        if point in UNDONE_AT:
            assert (codebook_ids, coded_ids) == before_ids
            assert opened.codebook_text == before_text
        else:
            assert added <= codebook_ids and not gone & codebook_ids
            assert coded_ids <= codebook_ids and not gone & coded_ids
        assert_agree(opened)
        if point in UNDONE_AT:  # the change can simply be made again
            getattr(opened, f"{operation}_code" if operation != "merge" else "merge_codes")(
                *{
                    "rename": ("mobilizing", "mobilization"),
                    "merge": (["mobilizing.ngos"], "mobilizing"),
                    "split": (
                        "reputational_costs",
                        ["rep_public", "rep_private"],
                        "rep_public",
                        {},
                    ),
                }[operation]
            )
            assert_agree(opened)


def test_a_finished_commit_without_the_file_aside_takes_the_text_the_database_stored(mini):
    project = coded(mini)
    project.close()
    kill_during(project, "rename", "commit")
    (project.root / ASIDE).unlink()
    with reopen(project) as opened:
        assert opened.codebook.code("mobilization") is not None
        assert_agree(opened)


def test_a_change_the_database_moved_past_cannot_be_decided_and_says_what_to_do(mini, tmp_path):
    project = coded(mini)
    project.close()
    kill_during(project, "rename", "aside")
    # A teammate's copy of the project imports another codebook into the shared database.
    other = tmp_path / "teammate"
    shutil.copytree(project.root, other, ignore=shutil.ignore_patterns(".hrd_coder"))
    add_codes_at(other, "backlash")
    with Project.open(other, url_of(project)) as teammate:
        teammate.import_files()
    journal = (project.root / JOURNAL).read_text(encoding="utf-8")
    with pytest.raises(ProjectError, match="was interrupted.*neither before nor after") as error:
        reopen(project)
    assert str(project.root / ASIDE) in str(error.value)
    assert (project.root / JOURNAL).read_text(encoding="utf-8") == journal  # nothing changed
    result = CliRunner().invoke(
        main, ["--project", str(project.root), "--db", url_of(project), "status"]
    )
    assert (
        result.exit_code == 2 and "delete" in result.output and "hrd-coder import" in result.output
    )
    (project.root / JOURNAL).unlink()  # the advice: keep codebook.yaml, delete the journal
    with reopen(project) as opened:
        assert opened.status().codebook_changed  # and then 'hrd-coder import' as it says


def add_codes_at(root: Path, *ids: str) -> None:
    text = (root / "codebook.yaml").read_text(encoding="utf-8")
    entries = "".join(f"  - id: {i}\n    label: {i}\n    definition: Part of it.\n" for i in ids)
    (root / "codebook.yaml").write_text(text + entries, encoding="utf-8")


def test_a_change_in_progress_in_another_process_is_left_alone(mini):
    project = coded(mini)
    project.close()
    kill_during(project, "rename", "commit")
    # The lock as the process making the change holds it.
    with _locked(project.root, wait=True), reopen(project) as opened:
        assert not finish_interrupted_change(opened.root, opened.database)
        assert (opened.root / JOURNAL).exists()
    with reopen(project) as opened:
        assert opened.codebook.code("mobilization") is not None
        assert_agree(opened)


def test_a_transaction_that_fails_leaves_the_file_and_no_journal(mini, monkeypatch):
    project = coded(mini)
    before_text, before_ids = project.codebook_text, ids_in(project)

    def failing(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(codebook_changes, "record_event", failing)
    with pytest.raises(RuntimeError):
        project.rename_code("mobilizing", "mobilization")
    assert (project.root / "codebook.yaml").read_text(encoding="utf-8") == before_text
    assert not (project.root / JOURNAL).exists() and not (project.root / ASIDE).exists()
    monkeypatch.undo()
    with reopen(project) as opened:
        assert ids_in(opened) == before_ids
        assert_agree(opened)
