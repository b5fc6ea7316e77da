"""Our own .qdpx and .qdc re-import whatever the user text holds (issue 20).

XML 1.0 cannot carry C0 control characters (other than tab, LF, CR), U+FFFE or U+FFFF. A
project seeded with all of them in every text field must export as valid XML, report what
it replaced, and import back equal up to the documented replacement (U+FFFD, one for one).
Documents' texts travel as plain text files and come back exactly, codings with them.
"""

from __future__ import annotations

import io
import zipfile

import pytest
import xmlschema
from click.testing import CliRunner
from sqlalchemy import insert, update

from hrd_coder.cli import main
from hrd_coder.interop.xml_text import REPLACEMENT, xml_safe
from hrd_coder.services import Project
from hrd_coder.storage.tables import Case, Coder, Coding, Document

SCHEMAS = "/work/shared/schemas"
FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
EVIL_CODER = "ev\x1bil"


def forbidden(db_url: str | None) -> str:
    """Every character XML cannot carry; PostgreSQL text cannot hold NUL, so not there."""
    return "".join(c for c in FORBIDDEN if db_url is None or c != "\x00")


def cleaned(text: str) -> str:
    return xml_safe(text)[0]


def seed(project: Project, bad: str) -> None:
    """Put the characters in titles, names, metadata, memos, covariates and a body text."""
    project.add_coding(document="int01", code="release", start=0, end=20, coder="lena")
    text = project.text_of("int01")
    body = text[:30] + bad + text[30:]
    meta = project.documents()[-1].metadata
    with project.database.writing() as conn:
        conn.execute(
            update(Document)
            .where(Document.id == "int01")
            .values(title=f"Interview{bad}", text=body, meta={**meta, "interviewer": f"A{bad}"})
        )
        conn.execute(
            update(Case)
            .where(Case.id == "c01")
            .values(name=f"Ana{bad}", covariates={"profession": f"journalist{bad}"})
        )
        conn.execute(insert(Coder).values(name=EVIL_CODER))
        conn.execute(update(Coding).values(coder=EVIL_CODER, memo=f"why{bad}"))
    # Spans over the characters and after them: their offsets must survive the trip.
    project.add_coding(document="int01", code="mobilizing", start=25, end=50, coder="lena")
    project.add_coding(
        document="int01", code="mobilizing.ngos", start=60, end=90, coder="tomas", memo=bad
    )
    project.set_document_memo("int01", coder="lena", text=f"memo{bad}")
    first = project.codebook.codes[0]
    codes = (
        first.model_copy(update={"label": f"Costs{bad}", "definition": f"Fear{bad}."}),
        *project.codebook.codes[1:],
    )
    project.codebook = project.codebook.model_copy(
        update={"description": f"About{bad}", "codes": codes}
    )


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_export_with_forbidden_characters_validates_and_imports_back(
    mini_root, db_url, tmp_path, request
):
    bad = forbidden(db_url)
    out = tmp_path / "out.qdpx"
    with Project.open(mini_root, db_url) as project:
        project.import_files()
        seed(project, bad)
        before = {
            "documents": {d.id: (d.title, d.metadata) for d in project.documents()},
            "texts": {d.id: project.text_of(d.id) for d in project.documents()},
            "cases": {c.id: (c.name, c.covariates) for c in project.cases()},
            "codings": project.codings(),
            "memos": project.document_memos(),
        }
        from hrd_coder.services.exchange import export_qdc, export_qdpx

        outcome = export_qdpx(project, out)
        qdc = export_qdc(project, tmp_path / "out.qdc")
    per_text = len(bad)
    assert outcome.replaced == {
        "codebook description": per_text,
        "code label": per_text,
        "code description (definition, rules, examples)": per_text,
        "coder name": 1,
        "case name": per_text,
        "document title": per_text,
        "memo title": per_text,  # "Memo by lena on <document title>"
        "memo": 3 * per_text,  # two coding memos and a document memo
        "value of variable 'profession'": per_text,
        "value of variable 'interviewer'": per_text,
    }
    assert "U+FFFD" in outcome.lines()[0] and "coder name 1" in outcome.lines()[0]
    assert qdc.replaced == {
        "code label": per_text,
        "code description (definition, rules, examples)": per_text,
    }

    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde")
    xmlschema.XMLSchema(f"{SCHEMAS}/Project-mrt2019.xsd").validate(io.BytesIO(qde))
    xmlschema.XMLSchema(f"{SCHEMAS}/Codebook.xsd").validate(str(qdc.path))
    assert REPLACEMENT.encode() in qde and b"\x1b" not in qde

    into_db = [] if db_url is None else ["--db", request.getfixturevalue("postgres").new_database()]
    result = run(*into_db, "import-qdpx", out, "--into", tmp_path / "back")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    result = run("import-qdc", qdc.path, "--into", tmp_path / "codes")
    assert result.exit_code == 0, result.output

    with Project.open(tmp_path / "back", into_db[1] if into_db else None) as back:
        # Documents' texts are plain text files, not XML: they come back exactly.
        assert {d.id: back.text_of(d.id) for d in back.documents()} == before["texts"]
        expected = {
            k: (cleaned(t), {m: cleaned(v) if isinstance(v, str) else v for m, v in meta.items()})
            for k, (t, meta) in before["documents"].items()
        }
        # A case history is titled after its case, whose name was seeded too.
        expected["c01"] = (f"Case history: {cleaned('Ana' + bad)}", expected["c01"][1])
        assert {d.id: (d.title, d.metadata) for d in back.documents()} == expected
        assert {c.id: (c.name, c.covariates) for c in back.cases()} == {
            k: (cleaned(n), {v: cleaned(x) for v, x in cov.items()})
            for k, (n, cov) in before["cases"].items()
        }
        # The coder's name is not a valid name once cleaned: renamed, as any foreign user.
        key = lambda c: (c.document_id, c.code_id, c.start, c.end, c.quote, c.memo)  # noqa: E731
        assert sorted(map(key, back.codings())) == sorted(
            (c.document_id, c.code_id, c.start, c.end, c.quote, c.memo and cleaned(c.memo))
            for c in before["codings"]
        )
        assert {c.coder for c in back.codings()} == {"lena", "tomas", "evil"}
        assert back.document_memos() == [(d, c, cleaned(t)) for d, c, t in before["memos"]]
        code = back.codebook.code("reputational_costs")
        assert code.label == cleaned(f"Costs{bad}") and code.definition == cleaned(f"Fear{bad}.")
        assert back.codebook.description == cleaned(f"About{bad}")


def test_the_cli_reports_the_replacements(mini, tmp_path):
    with mini.database.writing() as conn:
        conn.execute(update(Document).where(Document.id == "int01").values(title="A\x1b[31m"))
    args = ["--project", mini.root]
    if mini.database.url.get_backend_name() != "sqlite":
        args += ["--db", mini.database.url.render_as_string(hide_password=False)]
    result = run(*args, "export", "qdpx", "--out", tmp_path / "x.qdpx")
    assert result.exit_code == 0, result.output
    assert "replaced 1 character that XML cannot carry" in result.output
    assert "document title 1" in result.output


@pytest.mark.parametrize("text", ["plain", "tab\tand\nnewline\r", "é ü \u2028 \U0001f600"])
def test_allowed_characters_are_kept(text):
    assert xml_safe(text) == (text, 0)
