"""Shared fixtures: a small hand-made project on disk, and copies of the bundled demo."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from hrd_coder.services import Project
from tests.postgres_server import REQUIRE_ENV, PostgresServer, find_binaries

REPO = Path(__file__).resolve().parent.parent

MINI_CODEBOOK = """\
name: Mini study
version: "1"
case_groups:
  featured: Named by the campaign
  comparison: Not named
codes:
  - id: reputational_costs
    label: Reputational costs
    definition: The target fears damage to its standing.
    color: "#d62728"
    hotkey: r
  - id: mobilizing
    label: Mobilizing foreign actors
    definition: Others join the pressure.
  - id: mobilizing.ngos
    label: NGOs
    definition: Non-governmental organisations press for release.
    hotkey: n
  - id: release
    label: Release process
    definition: How the release came about.
    level: case
    case_variable: [presence, first_date]
"""

MINI_CASE = """\
---
id: {id}
name: {name}
country: Vedoria
groups: [{group}]
detained_on: 2012-05-14
featured_on: {featured}
released_on: {released}
release_type: {release_type}
censored_on: {censored}
covariates:
  profession: journalist
---
She was detained in May 2012. The campaign named her later.

Her release came after private talks.
"""

MINI_TRANSCRIPT = """\
---
id: int01
title: Interview with a desk officer
date: 2017-03-10
interviewer: Researcher A
interviewee_role: Desk officer (pseudonymous)
cases: [c01, c02]
---
INTERVIEWER: How did the campaign matter?

OFFICIAL: Naming her raised the reputational cost for the government. The NGOs kept \
pushing too.

INTERVIEWER: Anything else?

OFFICIAL: Private talks did the rest.
"""


def write(path: Path, text: str) -> Path:
    """Write UTF-8 text, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return path


def finish_coding(project: Project) -> None:
    """Every coder marks done each document they have a coding in, as `hrd-coder done
    --all-coded` does: their blank units there then count as "absent" in agreement."""
    for coder, documents in project.coverage().coded.items():
        project.mark_done(sorted(documents), coder=coder)


def make_mini_project(root: Path) -> Path:
    """A two-case, one-interview project written to `root`."""
    write(root / "codebook.yaml", MINI_CODEBOOK)
    write(
        root / "cases" / "c01.md",
        MINI_CASE.format(
            id="c01",
            name="Ana One",
            group="featured",
            featured="2015-09-01",
            released="2016-02-18",
            release_type="pardon",
            censored="null",
        ),
    )
    write(
        root / "cases" / "c02.md",
        MINI_CASE.format(
            id="c02",
            name="Bea Two",
            group="comparison",
            featured="null",
            released="null",
            release_type="null",
            censored="2017-09-01",
        ),
    )
    write(root / "transcripts" / "int01.md", MINI_TRANSCRIPT)
    return root


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole run (skipped only where none is installed)."""
    binaries = find_binaries()
    if binaries is None:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but no PostgreSQL binaries (initdb) were found")
        pytest.skip("PostgreSQL is not installed here (no initdb): install it to run these")
    # Not under pytest's temp folder: a second pytest run makes that owner-only, and the
    # server (running as `nobody` under root) could then no longer be stopped.
    folder = Path(tempfile.mkdtemp(prefix="hrd-coder-postgres-"))
    server = PostgresServer(binaries, folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str | None:
    """Each storage and service test runs on SQLite (the project default) and PostgreSQL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A fresh mini project folder (not yet imported)."""
    return make_mini_project(tmp_path / "mini")


@pytest.fixture
def mini(mini_root: Path, db_url: str | None):
    """The mini project, opened and imported, on each database backend."""
    project = Project.open(mini_root, db_url)
    project.import_files()
    yield project
    project.close()


def reopen(project: Project) -> Project:
    """Open the same project and database again, as a second program would."""
    return Project.open(project.root, project.database.url.render_as_string(hide_password=False))


def copy_demo(root: Path) -> Path:
    """Copy the bundled demo project's files (no database) into the new folder `root`."""
    root.mkdir()
    shutil.copy(REPO / "codebook.yaml", root)
    shutil.copy(REPO / "analysis.yaml", root)
    for folder in ("cases", "transcripts", "media", "demo"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def demo_root(tmp_path: Path) -> Path:
    """A copy of the bundled demo project (files only, no database)."""
    return copy_demo(tmp_path / "demo")
