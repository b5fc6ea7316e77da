"""A project's SQLite file deleted or replaced while it is open (issue 21, item 4).

SQLite keeps writing into a deleted file through open connections, and a new connection
would create a new, empty file in its place: either way a coding reported as saved would be
lost. Every read and write checks the file is still the one opened, and refuses if not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.storage.database import DatabaseGone


@pytest.fixture
def project(mini_root: Path):
    project = Project.open(mini_root)
    project.import_files()
    yield project
    project.close()


def database_files(root: Path) -> list[Path]:
    return sorted((root / ".hrd_coder").glob("project.sqlite*"))


def add(project: Project):  # type: ignore[no-untyped-def]
    return project.add_coding(
        document="int01", code="reputational_costs", start=0, end=5, coder="lena"
    )


def test_a_write_after_the_file_was_deleted_is_refused_and_recreates_nothing(project):
    add(project)
    for path in database_files(project.root):
        path.unlink()
    with pytest.raises(DatabaseGone) as refused:
        add(project)
    assert "was deleted while this program had it open" in str(refused.value)
    assert "hrd-coder import" in str(refused.value)
    with pytest.raises(DatabaseGone):
        project.codings()
    assert database_files(project.root) == []


def test_a_file_replaced_by_another_is_refused(project, tmp_path: Path):
    add(project)
    database = project.root / ".hrd_coder" / "project.sqlite"
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(database.read_bytes())
    copy.replace(database)
    with pytest.raises(DatabaseGone) as refused:
        add(project)
    assert "replaced by another file" in str(refused.value)


def test_the_same_file_goes_on_working(project):
    assert project.database.file_problem() is None
    add(project)
    add(project)
    assert len(project.codings()) == 2
