"""Merging a second file into a project that `import-qdpx --into` or `import-qdc --into` made.

Issue 14: the codebook.yaml such an import writes has its code list at column 0, and the
merge appended new codes indented by two spaces, so the first merge that brought new codes
failed ("is 'codes:' the last section?"). Each test checks the codes, documents and codings
afterwards, that a second merge adds nothing, and that the project still imports its own files.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from hrd_coder.services.exchange import import_qdc, import_qdpx
from tests.interop.test_import import foreign

SAMPLES = Path("/work/shared/schemas/samples")
QC = SAMPLES / "qc1.2.0_demo.qdpx"
SPEC_QDC = SAMPLES / "refi_spec_annexA1_example_codebook.qdc"

SECOND_QDC = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
  <Code guid="f0000000-0000-4000-8000-000000000001" name="Private diplomacy" isCodable="true">
    <Code guid="f0000000-0000-4000-8000-000000000002" name="Quiet visit" isCodable="true"/>
  </Code>
</Codes></CodeBook>
"""


def counts(project: Project) -> tuple[int, int, int]:
    status = project.status()
    return status.codes, status.documents, status.codings


def second_qdc(tmp_path: Path) -> Path:
    path = tmp_path / "second.qdc"
    path.write_bytes(SECOND_QDC)
    return path


def merged_twice(root: Path, db_url: str | None, bring_in, file: Path) -> tuple[int, int, int]:
    """Merge `file` into the project twice; return the counts after the first merge."""
    with Project.open(root, db_url) as project:
        bring_in(file, project=project)
        after = counts(project)
        bring_in(file, project=project)
        assert counts(project) == after  # the second merge adds nothing
    with Project.open(root, db_url) as project:
        project.import_files()  # the codebook.yaml the merge wrote reads again
        assert counts(project) == after
    return after


def test_a_qdpx_merges_into_a_project_import_qdpx_made(tmp_path, db_url):
    root = tmp_path / "qc"
    import_qdpx(QC, into=root, db_url=db_url)
    after = merged_twice(root, db_url, import_qdpx, foreign(tmp_path))
    assert after == (112 + 2, 3 + 1, 213 + 1)
    with Project.open(root, db_url) as project:
        assert project.codebook.code("pressure_shame.naming") is not None
        assert "imported from a REFI-QDA file" in (root / "codebook.yaml").read_text()


def test_a_qdc_merges_into_a_project_import_qdc_made(tmp_path, db_url):
    root = tmp_path / "spec"
    import_qdc(SPEC_QDC, into=root, db_url=db_url)
    after = merged_twice(root, db_url, import_qdc, second_qdc(tmp_path))
    assert after == (6 + 2, 0, 0)


def test_a_qdc_merges_into_a_project_import_qdpx_made(tmp_path, db_url):
    root = tmp_path / "qc"
    import_qdpx(QC, into=root, db_url=db_url)
    assert merged_twice(root, db_url, import_qdc, second_qdc(tmp_path)) == (112 + 2, 3, 213)


def test_a_qdpx_merges_into_a_project_import_qdc_made(tmp_path, db_url):
    root = tmp_path / "spec"
    import_qdc(SPEC_QDC, into=root, db_url=db_url)
    assert merged_twice(root, db_url, import_qdpx, QC) == (6 + 112, 3, 213)


def test_merging_from_the_command_line(tmp_path):
    """The commands as a researcher types them: import into a new folder, then merge."""
    root = tmp_path / "qc"

    def run(*args: object):
        return CliRunner().invoke(main, [str(a) for a in args])

    assert run("import-qdpx", QC, "--into", root).exit_code == 0
    project_args = ("--project", root, "--coder", "lead")
    result = run(*project_args, "import-qdpx", foreign(tmp_path))
    assert result.exit_code == 0, result.output
    assert "4 documents, 0 cases, 114 codes, 214 codings" in result.output
    result = run(*project_args, "import-qdc", second_qdc(tmp_path))
    assert result.exit_code == 0, result.output
    assert "116 codes" in result.output
