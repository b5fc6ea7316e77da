"""Import: real exports from other programs, tolerated deviations, and refused archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from hrd_coder.interop.archive import ArchiveLimits
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services.exchange import import_qdc, import_qdpx

SAMPLES = Path("/work/shared/schemas/samples")

FOREIGN_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Caf&#233; &amp; Co" origin="Other QDA">
  <Users><User guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Zoë Ortiz"/></Users>
  <CodeBook><Codes>
    <Code guid="{BBBBBBBB-0000-4000-8000-000000000001}" name="Pressure &amp; shame"
          isCodable="true" color="#F00">
      <Code guid="bbbbbbbb-0000-4000-8000-000000000002" name="Naming" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="CCCCCCCC-0000-4000-8000-000000000001" name="Interview é.txt"
                plainTextPath="internal://cccccccc-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="DDDDDDDD-0000-4000-8000-000000000001" name="second line"
                          startPosition="12" endPosition="23">
        <Coding guid="EEEEEEEE-0000-4000-8000-000000000001"
                creatingUser="aaaaaaaa-0000-4000-8000-000000000001"
                creationDateTime="2024-01-02T03:04:05Z">
          <CodeRef targetGUID="{bbbbbbbb-0000-4000-8000-000000000002}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
FOREIGN_TEXT = "first line\r\nsecond line\r\nthird — ünïcode\r\n"


def archive(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in entries.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def foreign(tmp_path: Path, inner: str = "project.qde") -> Path:
    path = tmp_path / "foreign.qdpx"
    path.write_bytes(
        archive(
            {
                inner: FOREIGN_QDE.encode(),
                "Sources/cccccccc-0000-4000-8000-000000000001.txt": FOREIGN_TEXT.encode(),
            }
        )
    )
    return path


def test_foreign_project_with_crlf_offsets_braces_and_entities(tmp_path):
    outcome = import_qdpx(foreign(tmp_path, "Other Name.qde"), into=tmp_path / "new")
    assert any("not 'project.qde'" in line for line in outcome.report.lines())
    assert any("CRLF" in line for line in outcome.report.lines())
    with Project.open(tmp_path / "new") as project:
        assert project.codebook.name == "Café & Co"
        assert [c.id for c in project.codebook.codes] == ["pressure_shame", "pressure_shame.naming"]
        (coding,) = project.codings()
        assert coding.quote == "second line"
        assert coding.coder == "zoe_ortiz"
        assert coding.created_at.year == 2024
        assert project.document(coding.document_id).info.title == "Interview é.txt"


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("atlasti23_win_blank-atlas-project.qdpx", 0),
        ("atlasti23_win_target-atlas-project.qdpx", 3),
        ("atlasti84_mac_standard-project.project.qde", 14),
    ],
)
def test_atlas_ti_samples(tmp_path, name, codes):
    outcome = import_qdpx(SAMPLES / name, into=tmp_path / "new")
    assert outcome.status.codes == codes
    if name.startswith("atlasti84"):
        dropped = "\n".join(outcome.report.dropped)
        assert "PDFSource" in dropped and "note 'Research Plan'" in dropped
        assert "'Simon.docx' and its 3 selections" in dropped  # text not in the sample


def test_spec_codebook(tmp_path):
    outcome = import_qdc(SAMPLES / "refi_spec_annexA1_example_codebook.qdc", into=tmp_path / "cb")
    assert outcome.status.codes == 6
    with Project.open(tmp_path / "cb") as project:
        assert project.codebook.code("economy").color == "#ffff00"
        assert project.codebook.code("health_care").definition.startswith("Health care issues")


def test_qdc_merges_new_codes_into_a_project(mini, tmp_path):
    outcome = import_qdc(SAMPLES / "refi_spec_annexA1_example_codebook.qdc", project=mini)
    assert outcome.status.codes == 4 + 6
    assert "# imported from a REFI-QDA file" in (mini.root / "codebook.yaml").read_text()


def test_qdpx_merges_into_a_project(mini, tmp_path):
    outcome = import_qdpx(foreign(tmp_path), project=mini)
    assert outcome.status.documents == 4 and outcome.status.codings == 1
    again = import_qdpx(foreign(tmp_path), project=mini)
    assert again.status.codings == 1


def bad(tmp_path: Path, entries: dict[str, bytes]) -> Path:
    path = tmp_path / "bad.qdpx"
    path.write_bytes(archive(entries))
    return path


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"project.qde": b"<Project/>", "../evil.txt": b"x"}, "outside the archive"),
        ({"project.qde": b"<Project/>", "/etc/evil": b"x"}, "outside the archive"),
        ({"project.qde": b"<Project/>", "Sources/big.txt": b"a" * 3_000_000}, "zip bombs"),
        ({"other.txt": b"x"}, "no project.qde"),
        (
            {"project.qde": b'<!DOCTYPE p [<!ENTITY a "aaaa">]><Project name="&a;"/>'},
            "unsafe XML",
        ),
    ],
)
def test_refused_archives_write_nothing(tmp_path, entries, message):
    with pytest.raises(ProjectError, match=message):
        import_qdpx(bad(tmp_path, entries), into=tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_size_limits_are_configurable(tmp_path):
    path = foreign(tmp_path)
    with pytest.raises(ProjectError, match="larger than"):
        import_qdpx(path, into=tmp_path / "new", limits=ArchiveLimits(max_archive_bytes=100))
    with pytest.raises(ProjectError, match="over the limit"):
        import_qdpx(path, into=tmp_path / "new", limits=ArchiveLimits(max_total_bytes=100))
    assert not (tmp_path / "new").exists()


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.qdpx"
    path.write_bytes(b"plain text")
    with pytest.raises(ProjectError, match="not a zip"):
        import_qdpx(path, into=tmp_path / "new")


MEDIA_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Press" origin="Other QDA">
  <Variables>
    <Variable guid="{00000000-0000-4000-8000-00000000000a}" name="kind" typeOfVariable="Text"/>
    <Variable guid="{00000000-0000-4000-8000-00000000000b}" name="outlet" typeOfVariable="Text"/>
  </Variables>
  <Sources>
    <TextSource guid="{00000000-0000-4000-8000-000000000001}" name="Clipping">
      <PlainTextContent>A clipping with no date.</PlainTextContent>
      <VariableValue>
        <VariableRef targetGUID="{00000000-0000-4000-8000-00000000000a}"/>
        <TextValue>media</TextValue>
      </VariableValue>
      <VariableValue>
        <VariableRef targetGUID="{00000000-0000-4000-8000-00000000000b}"/>
        <TextValue>The Daily Example</TextValue>
      </VariableValue>
    </TextSource>
  </Sources>
</Project>
"""


def test_a_media_source_without_its_date_comes_in_as_a_transcript(tmp_path):
    path = tmp_path / "press.qde"
    path.write_text(MEDIA_QDE, encoding="utf-8")
    outcome = import_qdpx(path, into=tmp_path / "press")
    assert outcome.status.transcripts == 1 and outcome.status.media == 0
    assert (tmp_path / "press" / "transcripts" / "clipping.md").is_file()
    lines = outcome.report.lines()
    assert any("media item without outlet_type, date, url or source" in line for line in lines)
    assert "not imported: variable 'outlet' of text source 'Clipping'" in lines
