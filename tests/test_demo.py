"""The bundled demo project: fictional, complete, and loadable as the README says."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hrd_coder.services import Project


def test_the_demo_has_the_study_structure(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
        cases = project.cases()
        groups = Counter(g for case in cases for g in case.groups)
        assert len(cases) == 30 and groups == {"featured": 10, "considered": 10, "comparison": 10}
        assert len({case.country for case in cases}) in range(6, 9)
        never_released = [c for c in cases if c.released_on is None]
        assert len(never_released) >= 6 and all(c.censored_on for c in never_released)
        assert all(c.featured_on for c in cases if "featured" in c.groups)
        assert any(len(c.detained_on) < 10 for c in cases)  # some dates known to the month/year
        assert len(project.documents(kind="transcript")) in range(6, 9)


def test_the_demo_codings_load_and_exercise_every_code(demo_root: Path, db_url: str | None):
    with Project.open(demo_root, db_url) as project:
        project.import_files()
        report = project.load_codings(demo_root / "demo" / "codings.csv")
        assert report.added > 200 and report.already_present == 0
        assert project.load_codings(demo_root / "demo" / "codings.csv").added == 0
        codings = project.codings()
        assert {c.coder for c in codings} == {"lena", "tomas"}
        used = {c.code_id for c in codings}
        segment_codes = {c.id for c in project.codebook.codes if c.level == "segment"}
        assert segment_codes <= used
        both = {c.document_id for c in codings if c.coder == "lena"} & {
            c.document_id for c in codings if c.coder == "tomas"
        }
        assert len(both) >= 10  # a double-coded sample for agreement
