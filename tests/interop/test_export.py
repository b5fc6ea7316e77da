"""Export: .qdc and .qdpx validate against the REFI-QDA schemas and are byte-stable."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema

from hrd_coder.interop.qdc import code_fields, describe
from hrd_coder.services.exchange import export_qdc, export_qdpx

SCHEMAS = Path("/work/shared/schemas")


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd"))


@pytest.fixture(scope="module")
def codebook_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))


def coded(mini):
    mini.add_coding(document="int01", code="reputational_costs", start=50, end=90, coder="lena")
    mini.add_coding(
        document="int01", code="mobilizing.ngos", start=50, end=90, coder="tomas", memo="NGOs é"
    )
    mini.add_coding(document="c01", code="release", start=0, end=20, coder="lena")
    mini.set_document_memo("int01", coder="lena", text="Memo with <angle> & ünïcode")
    return mini


def test_qdc_validates_and_is_stable(mini, tmp_path, codebook_schema):
    first = export_qdc(mini, tmp_path / "a.qdc").path
    second = export_qdc(mini, tmp_path / "b.qdc").path
    codebook_schema.validate(str(first))
    assert first.read_bytes() == second.read_bytes()
    assert b'name="NGOs"' in first.read_bytes()


def test_qdpx_validates_and_is_stable(mini, tmp_path, project_schema):
    coded(mini)
    first = export_qdpx(mini, tmp_path / "a.qdpx").path
    second = export_qdpx(mini, tmp_path / "b.qdpx").path
    assert first.read_bytes() == second.read_bytes()
    archive = zipfile.ZipFile(first)
    names = archive.namelist()
    assert names[0] == "project.qde"
    assert len([n for n in names if n.startswith("Sources/")]) == 3
    qde = archive.read("project.qde")
    project_schema.validate(io.BytesIO(qde))
    text = qde.decode()
    assert text.count("<User ") == 2 and text.count("<Coding ") == 3
    assert "<Case " in text and "<Note " in text and "creatingUser=" in text


def test_description_sections_parse_back(mini):
    code = mini.codebook.code("release")
    fields = code_fields(describe(code))
    assert fields["id"] == "release"
    assert fields["definition"] == code.definition
    assert fields["case_variable"] == ["presence", "first_date"]
    assert fields["level"] == "case"


def test_plain_description_is_the_definition():
    assert code_fields("Anything about jobs") == {"definition": "Anything about jobs"}
