"""Round trip: demo -> .qdpx -> new project -> .qdpx gives the same bytes and the same data."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace

import xmlschema
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from hrd_coder.services.exchange import export_qdpx, import_qdpx


def trimmed(value):
    """Texts without surrounding whitespace (a folded YAML block ends in a newline)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: trimmed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [trimmed(v) for v in value]
    return value


def test_demo_round_trip(demo_root, tmp_path):
    with Project.open(demo_root) as demo:
        demo.import_files()
        demo.load_codings(demo_root / "demo" / "codings.csv")
        demo.set_document_memo("int01", coder="lena", text="Ask about the folder — again.")
        first = export_qdpx(demo, tmp_path / "first.qdpx").path
        before = (demo.codebook.model_dump(), demo.codings(), demo.cases(), demo.document_memos())
        documents = demo.documents()
    import_qdpx(first, into=tmp_path / "back")
    with Project.open(tmp_path / "back") as back:
        second = export_qdpx(back, tmp_path / "second.qdpx").path
        assert trimmed(back.codebook.model_dump()) == trimmed(before[0])
        key = lambda c: (  # noqa: E731
            (c.document_id, c.coder, c.code_id, c.start, c.end, c.case_id, c.memo, c.created_at)
        )
        assert sorted(map(key, back.codings())) == sorted(map(key, before[1]))
        # Empty (null) covariates are not exported: REFI-QDA has no null value.
        assert back.cases() == [
            replace(c, covariates={k: v for k, v in c.covariates.items() if v is not None})
            for c in before[2]
        ]
        assert back.document_memos() == before[3]
        # Media items come back as media (files in media/), with their outlet metadata.
        assert {d.kind for d in documents} == {"transcript", "case_history", "media"}
        assert {(d.id, d.kind, d.case_ids, str(d.metadata)) for d in back.documents()} == {
            (d.id, d.kind, d.case_ids, str(d.metadata)) for d in documents
        }
        assert (tmp_path / "back" / "media" / "m03.md").is_file()
    assert first.read_bytes() == second.read_bytes()
    # Media metadata travels as the standard's source variables: the file stays valid.
    schema = xmlschema.XMLSchema("/work/shared/schemas/Project-mrt2019.xsd")
    with zipfile.ZipFile(first) as archive:
        qde = archive.read("project.qde")
    schema.validate(qde.decode())
    assert b"<TextValue>The Meridian Herald</TextValue>" in qde
    assert (
        (tmp_path / "back" / "media" / "m03.md")
        .read_text(encoding="utf-8")
        .startswith(
            "---\nid: m03\ntitle: The reporter Vedoria would rather you forgot\n"
            "outlet: The Meridian Herald\noutlet_type: international\ndate: '2015-09-02'\n"
        )
    )


def test_cli_export_and_import_then_status(mini_root, tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    base = ["--project", str(mini_root)]
    assert runner.invoke(main, [*base, "import"]).exit_code == 0
    result = runner.invoke(
        main,
        [*base, "codings", "add", "int01", "release", "0", "10", "--coder", "lena"],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [*base, "export", "qdpx", "--out", "mini.qdpx"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, [*base, "export", "qdc"]).exit_code == 0
    assert (tmp_path / "mini.qdc").is_file()
    result = runner.invoke(main, ["import-qdpx", "mini.qdpx", "--into", "copy"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--project", "copy", "status", "--format", "json"])
    counts = json.loads(result.output)
    assert (counts["documents"], counts["cases"], counts["codes"], counts["codings"]) == (
        3,
        2,
        4,
        1,
    )
    result = runner.invoke(main, ["import-qdpx", "mini.qdpx", "--into", "copy"])
    assert result.exit_code == 2 and "not empty" in result.output


def test_cli_refuses_a_zip_slip(tmp_path, monkeypatch):
    import zipfile

    monkeypatch.chdir(tmp_path)
    with zipfile.ZipFile("evil.qdpx", "w") as zipped:
        zipped.writestr("project.qde", "<Project/>")
        zipped.writestr("../../evil", "x")
    result = CliRunner().invoke(main, ["import-qdpx", "evil.qdpx", "--into", "new"])
    assert result.exit_code == 2 and "outside the archive" in result.output
    assert not (tmp_path / "new").exists()
