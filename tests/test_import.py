"""`import`: checked first, written in one transaction, and idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import SQLModel

from hrd_coder.problems import InvalidInput
from hrd_coder.services import Project
from tests.conftest import reopen


def snapshot(project: Project) -> dict[str, list[dict]]:
    """Every row of every table, for before/after comparisons."""
    with project.database.reading() as conn:
        return {
            name: [
                dict(r)
                for r in conn.execute(
                    table.select().order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for name, table in SQLModel.metadata.tables.items()
        }


def test_importing_twice_changes_nothing(mini_root: Path, db_url: str | None):
    with Project.open(mini_root, db_url) as project:
        first = project.import_files()
        assert first.added == {"codebook": 1, "code": 4, "case": 2, "document": 3}
        before = snapshot(project)
        second = project.import_files()
        assert not second.changed
        assert second.unchanged == {"codebook": 1, "case": 2, "document": 3}
        assert snapshot(project) == before


def test_the_demo_imports_twice_without_change(demo_root: Path, db_url: str | None):
    with Project.open(demo_root, db_url) as project:
        project.import_files()
        before = snapshot(project)
        assert not project.import_files().changed
        assert snapshot(project) == before


def test_a_bad_file_means_nothing_is_written(mini_root: Path, db_url: str | None):
    (mini_root / "cases" / "c03.md").write_text("---\nid: c03\n---\n")
    with Project.open(mini_root, db_url) as project:
        with pytest.raises(InvalidInput):
            project.import_files()
        assert project.is_empty()
        assert all(rows == [] for name, rows in snapshot(project).items() if name != "setting")


def test_edited_metadata_and_uncoded_text_are_updated(mini: Project):
    case = mini.root / "cases" / "c02.md"
    case.write_text(case.read_text().replace("Bea Two", "Bea Second"))
    transcript = mini.root / "transcripts" / "int01.md"
    transcript.write_text(transcript.read_text().replace("Anything else?", "What else?"))
    report = mini.import_files()
    assert report.updated == {"case": 1, "document": 2}
    assert [c.name for c in mini.cases()] == ["Ana One", "Bea Second"]
    assert "What else?" in mini.document("int01").text


def test_a_coded_document_that_changed_on_disk_is_re_anchored_in_the_same_transaction(
    mini: Project,
):
    mini.add_coding(document="int01", code="reputational_costs", start=0, end=5, coder="lena")
    before = snapshot(mini)
    transcript = mini.root / "transcripts" / "int01.md"
    transcript.write_text(transcript.read_text().replace("Anything else?", "What else?"))
    assert mini.status().changed_on_disk == ("transcripts/int01.md",)
    (mini.root / "cases" / "c03.md").write_text("---\nid: c03\n---\n")
    with pytest.raises(InvalidInput):
        mini.import_files()
    assert snapshot(mini) == before  # a bad case file: the re-anchoring was not half-written
    (mini.root / "cases" / "c03.md").unlink()
    [anchoring] = mini.import_files().anchoring  # see tests/test_reanchoring.py
    assert (anchoring.document_id, anchoring.unchanged) == ("int01", 1)


def test_deleting_a_file_removes_it_unless_codings_point_at_it(mini: Project):
    mini.add_coding(document="c01", code="release", start=0, end=3, coder="lena")
    (mini.root / "cases" / "c02.md").unlink()
    transcript = mini.root / "transcripts" / "int01.md"
    transcript.write_text(transcript.read_text().replace("[c01, c02]", "[c01]"))
    assert mini.import_files().removed == {"document": 1, "case": 1}
    assert [c.id for c in mini.cases()] == ["c01"]
    (mini.root / "cases" / "c01.md").unlink()
    transcript.write_text(transcript.read_text().replace("[c01]", "[]"))
    with pytest.raises(InvalidInput) as caught:
        mini.import_files()
    assert [p.message for p in caught.value.problems] == [
        "document 'c01' was deleted from disk but 1 coding refers to it",
        "case 'c01' was deleted from disk but 1 coding refers to it",
    ]


def test_a_code_removed_while_in_use_is_an_error_with_advice(mini: Project):
    mini.add_coding(document="int01", code="mobilizing.ngos", start=0, end=5, coder="lena")
    codebook = mini.root / "codebook.yaml"
    text = codebook.read_text()
    codebook.write_text(
        text[: text.index("  - id: mobilizing.ngos")] + text[text.index("  - id: release") :]
    )
    with reopen(mini) as reopened:
        assert reopened.status().codebook_changed
        with pytest.raises(InvalidInput) as caught:
            reopened.import_files()
    assert [str(p) for p in caught.value.problems] == [
        "codebook.yaml: code 'mobilizing.ngos' is no longer in the codebook but 1 coding or "
        "decision uses it — put 'mobilizing.ngos' back into codebook.yaml, then move its "
        "codings with 'hrd-coder codebook rename mobilizing.ngos NEW', 'hrd-coder codebook "
        "merge mobilizing.ngos INTO TARGET' or 'hrd-coder codebook split mobilizing.ngos "
        "--into A B' (these edit the codebook too; see docs/codebook.md)"
    ]


def test_a_new_codebook_version_is_recorded_and_used_by_new_codings(mini: Project):
    old = mini.add_coding(document="int01", code="reputational_costs", start=0, end=5, coder="lena")
    codebook = mini.root / "codebook.yaml"
    codebook.write_text(
        codebook.read_text().replace("Others join the pressure.", "Other actors join the pressure.")
    )
    with reopen(mini) as reopened:
        from hrd_coder.problems import ProjectError

        with pytest.raises(ProjectError, match="changed since the last import"):
            reopened.add_coding(document="int01", code="mobilizing", start=0, end=5, coder="lena")
        assert reopened.import_files().updated == {"codebook": 1, "code": 1}
        new = reopened.add_coding(document="int01", code="mobilizing", start=0, end=5, coder="lena")
        versions = snapshot(reopened)["codebook_version"]
    assert new.codebook_hash != old.codebook_hash
    assert {v["hash"] for v in versions} == {old.codebook_hash, new.codebook_hash}
