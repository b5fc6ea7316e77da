"""Import: real `.qdpx` files that other programs wrote (issue 14), and their conventions.

The samples are in `../shared/schemas/samples/` (see its README for where each came from).
Every coding's quote is compared with the text its original offsets point at in the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hrd_coder.interop.refi import canonical_guid, kids, local, parse_xml
from hrd_coder.services import Project
from hrd_coder.services.exchange import import_qdc, import_qdpx
from tests.interop.test_import import archive
from tests.interop.test_import_sources import qde, source

SAMPLES = Path("/work/shared/schemas/samples")
QC = SAMPLES / "qc1.2.0_demo.qdpx"
NVIVO_MAC = SAMPLES / "nvivo_mac15.0_qc_nvivo_project.qdpx"

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared samples are not here")


def expected_quotes(path: Path) -> dict[str, str]:
    """Coding GUID -> the text its selection's offsets point at, read straight from the zip."""
    with zipfile.ZipFile(path) as zipped:
        root = parse_xml(zipped.read("project.qde"), str(path))
        by_folded_name = {n.casefold(): n for n in zipped.namelist()}
        quotes = {}
        for node in root.iter():
            if local(node) != "TextSource":
                continue
            name = by_folded_name[f"sources/{node.get('plainTextPath')}".casefold()]
            text = zipped.read(name).decode("utf-8")
            for selection in kids(node, "PlainTextSelection"):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                for coding in kids(selection, "Coding"):
                    quotes[canonical_guid(coding.get("guid"))] = text[start:end]
    return quotes


def test_qc_project_with_bare_text_paths_comes_over_whole(tmp_path, db_url):
    outcome = import_qdpx(QC, into=tmp_path / "new", db_url=db_url)
    status = outcome.status
    assert (status.documents, status.codes, status.codings, status.coders) == (3, 112, 213, 1)
    (warning,) = outcome.report.warnings
    assert "3 text sources give plainTextPath without internal:// or relative://" in warning
    assert "as qc writes it" in warning
    assert outcome.report.dropped == []
    with Project.open(tmp_path / "new", db_url) as project:
        quotes = {c.id: c.quote for c in project.codings()}
        titles = sorted(d.title for d in project.documents())
    assert quotes == expected_quotes(QC)
    assert titles == ["admin", "board_member", "teacher"]  # qc gives no names: the file's


def test_nvivo_for_mac_project_with_lower_case_sources_folder(tmp_path):
    outcome = import_qdpx(NVIVO_MAC, into=tmp_path / "new")
    assert outcome.status.codes == 262
    # Its two texts are one line break each: they are found, and dropped as empty.
    assert len(outcome.report.dropped) == 2
    assert all(line.endswith("its text is empty") for line in outcome.report.dropped)
    assert not any("not in the archive" in line for line in outcome.report.lines())
    with Project.open(tmp_path / "new") as project:
        codebook = project.codebook
    assert max(levels(codebook, code.id) for code in codebook.codes) == 7


def levels(codebook, code_id: str | None) -> int:
    return (
        0 if code_id is None else 1 + levels(codebook, codebook.parent_of(codebook.code(code_id)))
    )


@pytest.mark.parametrize("folder", ["Sources", "sources", "SOURCES", "sOuRcEs"])
def test_the_sources_folder_is_found_in_any_case(tmp_path, folder):
    project = qde(
        source(1, "internal://AB12.txt", 6, 10, "beta"),  # the entry is in lower case
        source(2, "plain.txt", 0, 5, "gamma"),
    )
    files = {f"{folder}/ab12.txt": b"alpha beta\n", f"{folder}/plain.txt": b"gamma\n"}
    path = tmp_path / "cased.qdpx"
    path.write_bytes(archive({"project.qde": project, **files}))
    outcome = import_qdpx(path, into=tmp_path / "new")
    assert outcome.report.dropped == []
    with Project.open(tmp_path / "new") as imported:
        assert sorted(c.quote for c in imported.codings()) == ["beta", "gamma"]


def test_a_bare_path_is_looked_up_in_sources_then_beside_project_qde(tmp_path):
    project = qde(
        source(1, "in_sources.txt", 0, 5, "first"),
        source(2, "at_top.txt", 0, 6, "second"),
        source(3, "nowhere.txt", 0, 5, "third"),
    )
    files = {
        "sources/in_sources.txt": b"first\n",
        "in_sources.txt": b"wrong\n",  # Sources/ comes first
        "at_top.txt": b"second\n",
    }
    path = tmp_path / "bare.qdpx"
    path.write_bytes(archive({"project.qde": project, **files}))
    outcome = import_qdpx(path, into=tmp_path / "new")
    with Project.open(tmp_path / "new") as imported:
        assert sorted(c.quote for c in imported.codings()) == ["first", "second"]
    (line,) = outcome.report.dropped
    assert "nowhere.txt is not in the archive (neither in Sources/ nor beside project.qde)" in line


def test_an_unpacked_archive_is_read_as_a_bare_project_qde(tmp_path):
    """A `.qde` beside its `Sources/` folder: the texts are read from there (the base folder)."""
    project = qde(
        source(1, "internal://one.txt", 0, 5, "alpha"),
        source(2, "two.txt", 0, 4, "beta"),
        source(3, "internal://three.txt", 0, 4, "gone"),
    )
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "one.txt").write_bytes(b"alpha\n")
    (tmp_path / "two.txt").write_bytes(b"beta\n")
    (tmp_path / "project.qde").write_bytes(project)
    outcome = import_qdpx(tmp_path / "project.qde", into=tmp_path / "new")
    (line,) = outcome.report.dropped
    assert f"internal://three.txt is not in the folder '{tmp_path}'" in line
    with Project.open(tmp_path / "new") as imported:
        assert sorted(c.quote for c in imported.codings()) == ["alpha", "beta"]


def test_empty_sets_give_no_report_line(tmp_path):
    project = qde(source(1, "internal://one.txt", 0, 5, "alpha"))
    project = project.replace(b"</Project>", b"<Sets/><Links></Links></Project>")
    path = tmp_path / "sets.qdpx"
    path.write_bytes(archive({"project.qde": project, "Sources/one.txt": b"alpha\n"}))
    outcome = import_qdpx(path, into=tmp_path / "new")
    assert outcome.report.lines() == []
    assert "" not in outcome.report.lines()


def test_empty_sets_in_a_codebook_give_no_report_line(tmp_path):
    path = tmp_path / "sets.qdc"
    path.write_bytes(
        b'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        b'<Code guid="bbbbbbbb-0000-4000-8000-000000000001" name="Shame" isCodable="true"/>'
        b"</Codes><Sets/></CodeBook>"
    )
    outcome = import_qdc(path, into=tmp_path / "new")
    assert outcome.status.codes == 1 and outcome.report.lines() == []
