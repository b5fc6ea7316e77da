"""A coding is saved only in the text version its offsets were taken in (issue 21, item 1).

Another shell re-imports a document while a coder works on it: a write that names the old
version is refused with nothing saved, a write without a version counts in the text stored
at that moment (never in a copy cached before the import), and an import that re-anchors a
document waits for a coder's write holding its row, so that coding is moved with the rest.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services import coding as actions
from hrd_coder.storage import codings as stored
from hrd_coder.storage import document_versions as versions
from tests.conftest import reopen

NEW_OPENING = "INTERVIEWER: A note added before the first question.\n\n"
PASSAGE = "Naming her raised the reputational cost for the government."


def insert_paragraph(root: Path) -> None:
    """Put a paragraph before the transcript's first line, as a colleague's edit would."""
    path = root / "transcripts" / "int01.md"
    head, _, body = path.read_text(encoding="utf-8").partition("---\nINTERVIEWER:")
    path.write_text(head + "---\n" + NEW_OPENING + "INTERVIEWER:" + body, encoding="utf-8")


def span_of(text: str, passage: str = PASSAGE) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def reimport_elsewhere(project: Project) -> None:
    insert_paragraph(project.root)
    with reopen(project) as other:
        other.import_files()


def test_a_write_taken_in_an_old_version_is_refused(mini: Project):
    shown = mini.document("int01")
    start, end = span_of(shown.text)
    reimport_elsewhere(mini)

    with pytest.raises(versions.StaleDocument) as refused:
        mini.add_coding(
            document="int01",
            code="reputational_costs",
            start=start,
            end=end,
            coder="lena",
            version=shown.info.sha256,
        )
    assert "int01 changed since it was opened" in str(refused.value)
    assert "nothing was saved" in str(refused.value)
    assert isinstance(refused.value, ProjectError)  # the CLI's exit 2, the TUI's notice
    assert mini.codings() == []

    current = mini.document("int01")
    assert current.info.sha256 != shown.info.sha256
    start, end = span_of(current.text)
    saved = mini.add_coding(
        document="int01",
        code="reputational_costs",
        start=start,
        end=end,
        coder="lena",
        version=current.info.sha256,
    )
    assert saved.quote == PASSAGE
    assert [c.quote for c in reopen(mini).codings()] == [PASSAGE]


def test_without_a_version_offsets_count_in_the_stored_text(mini: Project):
    mini.text_of("int01")  # cached before the other shell's import
    reimport_elsewhere(mini)
    start, end = span_of(mini.document("int01").text)

    saved = mini.add_coding(
        document="int01", code="reputational_costs", start=start, end=end, coder="lena"
    )
    assert saved.quote == PASSAGE  # not the old text's characters at these offsets
    assert mini.text_of("int01").startswith(NEW_OPENING)


def test_moving_a_boundary_in_an_old_version_is_refused(mini: Project):
    shown = mini.document("int01")
    start, end = span_of(shown.text)
    coding = mini.add_coding(
        document="int01", code="reputational_costs", start=start, end=end, coder="lena"
    )
    reimport_elsewhere(mini)

    with pytest.raises(versions.StaleDocument):
        mini.update_coding(
            coding.id, coder="lena", start=start, end=end - 1, version=shown.info.sha256
        )
    (kept,) = reopen(mini).codings()
    assert (kept.quote, kept.start) == (PASSAGE, start + len(NEW_OPENING))  # re-anchored only


def test_the_version_is_cheap_to_ask_and_names_unknown_documents(mini: Project):
    assert mini.document_version("int01") == mini.document("int01").info.sha256
    listed = {d.id: d.sha256 for d in mini.documents()}
    assert listed["int01"] == mini.document("int01").info.sha256
    with pytest.raises(ProjectError, match="there is no document 'int99'"):
        mini.document_version("int99")


def test_an_import_waits_for_a_write_holding_the_document(mini: Project):
    """The write locks the document row (SQLite: the write lock) before it takes its
    offsets; the import must wait for it and then move its coding with the others."""
    text = mini.document("int01").text
    start, end = span_of(text)
    insert_paragraph(mini.root)
    other = reopen(mini)
    imported = threading.Event()

    def import_elsewhere() -> None:
        other.import_files()
        imported.set()

    with mini.database.writing() as conn:
        versions.locked_version(conn, "int01")
        importer = threading.Thread(target=import_elsewhere)
        importer.start()
        time.sleep(1.0)
        assert not imported.is_set()  # it waits for our row
        coding = actions.new_coding(
            text=text,
            document_id="int01",
            coder="lena",
            code_id="reputational_costs",
            start=start,
            end=end,
            case_id=None,
            memo=None,
            codebook_hash=mini.codebook_hash_for_new_codings(),
        )
        stored.ensure_coder(conn, "lena")
        stored.insert_codings(conn, [coding])
    importer.join(timeout=60)
    other.close()

    assert imported.is_set()
    (moved,) = reopen(mini).codings()
    assert moved.quote == PASSAGE
    assert moved.start == start + len(NEW_OPENING)
