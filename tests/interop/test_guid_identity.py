"""Identity on the way back (issue 14): a project imported from another program goes back
with the GUIDs its codes, documents, users and selections came with; only new objects get
ours; no two objects ever share a GUID; every export stays valid. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
import xmlschema
import yaml
from click.testing import CliRunner
from sqlalchemy import text

from hrd_coder.cli import main
from hrd_coder.codebook.model import Code
from hrd_coder.interop.qdc import NO_DESCRIPTION, code_fields, code_guid, describe
from hrd_coder.interop.refi import guid
from hrd_coder.services import Project
from hrd_coder.services.exchange import export_qdc, export_qdpx, import_qdc, import_qdpx
from hrd_coder.services.merging import merge_database
from hrd_coder.storage.foreign_guids import read_foreign_guids
from tests.conftest import make_mini_project
from tests.interop.test_import import FOREIGN_QDE, FOREIGN_TEXT, archive

SAMPLES = Path("/work/shared/schemas/samples")
SCHEMAS = Path("/work/shared/schemas")
KINDS = ("User", "Code", "TextSource", "PlainTextSelection", "Coding")
PROJECT_SAMPLES = [
    "qc1.2.0_demo.qdpx",
    "nvivo_mac15.0_qc_nvivo_project.qdpx",
    "atlasti23_win_target-atlas-project.qdpx",
    "atlasti23_win_target-atlas-project.project.qde",
    "atlasti23_win_blank-atlas-project.qdpx",
    "atlasti84_mac_standard-project.project.qde",
]
# What each sample brings over (texts, selections, codings): not every sample carries its
# texts (ATLAS.ti 8.4's are not in the file; NVivo's two are one byte, empty).
BROUGHT_OVER = {"qc1.2.0_demo.qdpx": (3, 168, 213)}


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd"))


@pytest.fixture(scope="module")
def codebook_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))


def qde_of(path: Path) -> bytes:
    if path.suffix == ".qde":
        return path.read_bytes()
    with zipfile.ZipFile(path) as zipped:
        return zipped.read("project.qde")


def local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def guids(qde: bytes) -> dict[str, set[str]]:
    """The GUID of every user, code, text source, selection and coding, as written."""
    found: dict[str, set[str]] = defaultdict(set)
    for element in ET.fromstring(qde).iter():
        if local(element) in KINDS and element.get("guid"):
            found[local(element)].add(element.get("guid"))
    return found


def selections(qde: bytes) -> dict[str, set[str]]:
    """Each selection's GUID -> the GUIDs of the codings in it (compared without case)."""
    return {
        node.get("guid").lower(): {c.get("guid").lower() for c in node if local(c) == "Coding"}
        for node in ET.fromstring(qde).iter()
        if local(node) == "PlainTextSelection"
    }


def described(qde: bytes) -> dict[str, bool]:
    """Each code's GUID -> whether it has a Description."""
    return {
        node.get("guid"): any(local(child) == "Description" for child in node)
        for node in ET.fromstring(qde).iter()
        if local(node) == "Code"
    }


def code_named(qde: bytes, name: str) -> str:
    return next(
        n.get("guid")
        for n in ET.fromstring(qde).iter()
        if local(n) == "Code" and n.get("name") == name
    )


def exported(project: Project, path: Path) -> tuple[bytes, list[str]]:
    outcome = export_qdpx(project, path)
    return qde_of(outcome.path), outcome.lines()


@pytest.mark.parametrize("name", PROJECT_SAMPLES)
def test_each_sample_goes_back_with_its_own_guids(name, tmp_path, db_url, project_schema):
    original = qde_of(SAMPLES / name)
    import_qdpx(SAMPLES / name, into=tmp_path / "p", db_url=db_url)
    with Project.open(tmp_path / "p", db_url) as project:
        back, lines = exported(project, tmp_path / "back.qdpx")
        counts = (len(project.documents()), len(project.codings()))
        yaml_text = (tmp_path / "p" / "codebook.yaml").read_text(encoding="utf-8")
    project_schema.validate(io.BytesIO(back))
    assert lines == []
    before, after = guids(original), guids(back)
    # Every user (those without codings too: NVivo's two have none) and every code, exactly
    # as the file wrote them (ATLAS.ti writes upper case).
    assert after["User"] == before["User"]
    assert after["Code"] == before["Code"]
    # Every document, selection and coding that came over, and nothing of ours.
    for kind in ("TextSource", "PlainTextSelection", "Coding"):
        assert after[kind] <= before[kind], kind
    assert len(after["TextSource"]) == counts[0]
    assert len(after["Coding"]) == counts[1]
    if name in BROUGHT_OVER:
        assert (len(after["TextSource"]), len(after["PlainTextSelection"]), counts[1]) == (
            BROUGHT_OVER[name]
        )
    # Each selection goes back holding the codings it came with.
    theirs = selections(original)
    for selection, codings in selections(back).items():
        assert codings == theirs[selection]
    # A code without a description goes back without one (none invented); ours keeps it.
    kept = described(original)
    assert described(back) == kept
    assert "imported without a description" not in back.decode()
    if not all(kept.values()):
        assert NO_DESCRIPTION in yaml_text


def test_a_codebook_goes_back_with_its_own_guids(tmp_path, db_url, codebook_schema):
    file = SAMPLES / "refi_spec_annexA1_example_codebook.qdc"
    import_qdc(file, into=tmp_path / "cb", db_url=db_url)
    with Project.open(tmp_path / "cb", db_url) as project:
        path = export_qdc(project, tmp_path / "back.qdc").path
    codebook_schema.validate(str(path))
    original, back = file.read_bytes(), path.read_bytes()
    assert guids(back)["Code"] == guids(original)["Code"]
    assert described(back) == described(original)


def test_merging_into_a_project_keeps_its_own_guids_and_theirs(mini, tmp_path, project_schema):
    qc = SAMPLES / "qc1.2.0_demo.qdpx"
    import_qdpx(qc, project=mini)
    back, lines = exported(mini, tmp_path / "back.qdpx")
    project_schema.validate(io.BytesIO(back))
    assert lines == []
    theirs, after = guids(qde_of(qc)), guids(back)
    ours = {
        code_guid(c) for c in ("reputational_costs", "mobilizing", "mobilizing.ngos", "release")
    }
    assert after["Code"] == theirs["Code"] | ours  # the project's own codes keep ours
    assert theirs["TextSource"] < after["TextSource"]  # and its own documents get ours
    assert theirs["PlainTextSelection"] == after["PlainTextSelection"]
    recorded = dict(read_foreign_guids_of(mini))
    merged = import_qdpx(qc, project=mini)  # again: nothing new, nothing refused
    assert not [w for w in merged.report.warnings if "GUID" in w]
    assert dict(read_foreign_guids_of(mini)) == recorded


def read_foreign_guids_of(project: Project) -> dict:
    with project.database.reading() as conn:
        return read_foreign_guids(conn)


def foreign_file(tmp_path: Path, qde: str, name: str = "foreign.qdpx") -> Path:
    path = tmp_path / name
    path.write_bytes(
        archive(
            {
                "project.qde": qde.encode(),
                "Sources/cccccccc-0000-4000-8000-000000000001.txt": FOREIGN_TEXT.encode(),
            }
        )
    )
    return path


def test_a_guid_the_file_uses_twice_names_nothing(tmp_path, db_url, project_schema):
    # The user and the code "Naming" share a GUID in the file.
    qde = FOREIGN_QDE.replace(
        "{AAAAAAAA-0000-4000-8000-000000000001}", "bbbbbbbb-0000-4000-8000-000000000002"
    ).replace("aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002")
    outcome = import_qdpx(foreign_file(tmp_path, qde), into=tmp_path / "p", db_url=db_url)
    said = [w for w in outcome.report.warnings if "GUID" in w]
    assert said == [
        "GUID bbbbbbbb-0000-4000-8000-000000000002 is on 2 elements of the file (the user "
        "'zoe_ortiz' among them): it names none of them here, and each gets a GUID of its "
        "own on export"
    ]
    with Project.open(tmp_path / "p", db_url) as project:
        back, _ = exported(project, tmp_path / "back.qdpx")
    project_schema.validate(io.BytesIO(back))
    after = guids(back)
    assert after["User"] == {guid("coder", "zoe_ortiz")}
    assert "bbbbbbbb-0000-4000-8000-000000000002" not in back.decode().lower()
    # What the file named once keeps its GUID as written.
    assert "{BBBBBBBB-0000-4000-8000-000000000001}" in after["Code"]
    assert after["TextSource"] == {"CCCCCCCC-0000-4000-8000-000000000001"}


def test_a_guid_already_naming_something_here_is_not_taken_again(tmp_path, db_url):
    import_qdpx(foreign_file(tmp_path, FOREIGN_QDE), into=tmp_path / "p", db_url=db_url)
    # A second program's file gives its new document the GUID our code "pressure_shame" has.
    second = (
        FOREIGN_QDE.replace(
            "BBBBBBBB-0000-4000-8000-000000000001", "BBBBBBBB-0000-4000-8000-0000000000F1"
        )
        .replace("bbbbbbbb-0000-4000-8000-000000000002", "bbbbbbbb-0000-4000-8000-0000000000f2")
        .replace("CCCCCCCC-0000-4000-8000-000000000001", "BBBBBBBB-0000-4000-8000-000000000001")
        .replace("internal://cccccccc", "internal://bbbbbbbb")
        .replace('name="Interview é.txt"', 'name="Other interview.txt"')
        .replace("DDDDDDDD", "DDDDDDDE")
        .replace("EEEEEEEE", "EEEEEEEF")
    )
    path = tmp_path / "second.qdpx"
    path.write_bytes(
        archive(
            {
                "project.qde": second.encode(),
                "Sources/bbbbbbbb-0000-4000-8000-000000000001.txt": b"another text, other words",
            }
        )
    )
    with Project.open(tmp_path / "p", db_url) as project:
        outcome = import_qdpx(path, project=project)
        assert (
            "GUID BBBBBBBB-0000-4000-8000-000000000001 of document 'other_interview' already "
            "names the code 'pressure_shame' in this project: 'other_interview' gets a GUID "
            "of its own on export"
        ) in outcome.report.warnings
        back, lines = exported(project, tmp_path / "back.qdpx")
    after = guids(back)
    assert "{BBBBBBBB-0000-4000-8000-000000000001}" in after["Code"]
    assert guid("document", "other_interview") in after["TextSource"]
    assert lines == []


def test_renamed_merged_and_removed_objects(tmp_path, db_url):
    qde = FOREIGN_QDE.replace(
        "</Sources>",
        '<TextSource guid="ffffffff-0000-4000-8000-000000000001" name="Spare.txt">'
        "<PlainTextContent>Nothing coded here.</PlainTextContent></TextSource></Sources>",
    )
    import_qdpx(foreign_file(tmp_path, qde), into=tmp_path / "p", db_url=db_url)
    with Project.open(tmp_path / "p", db_url) as project:
        before = read_foreign_guids_of(project)
        assert before[("source", "spare")] == "ffffffff-0000-4000-8000-000000000001"
        # A renamed code keeps its GUID (and its child, renamed with it).
        project.rename_code("pressure_shame", "shame")
        after = read_foreign_guids_of(project)
        assert after[("code", "shame")] == "{BBBBBBBB-0000-4000-8000-000000000001}"
        assert after[("code", "shame.naming")] == "bbbbbbbb-0000-4000-8000-000000000002"
        assert ("code", "pressure_shame") not in after
        back, _ = exported(project, tmp_path / "renamed.qdpx")
        assert code_named(back, "Naming") == "bbbbbbbb-0000-4000-8000-000000000002"
        # A document whose file is gone takes its GUID with it.
        next((tmp_path / "p" / "transcripts").glob("spare.md")).unlink()
        project.import_files()
        assert ("source", "spare") not in read_foreign_guids_of(project)


def test_a_merged_away_code_loses_its_guid(tmp_path, db_url):
    qde = FOREIGN_QDE.replace(
        '<Code guid="bbbbbbbb-0000-4000-8000-000000000002" name="Naming" isCodable="true"/>',
        '<Code guid="bbbbbbbb-0000-4000-8000-000000000002" name="Naming" isCodable="true"/>'
        '<Code guid="bbbbbbbb-0000-4000-8000-000000000003" name="Shaming" isCodable="true"/>',
    )
    import_qdpx(foreign_file(tmp_path, qde), into=tmp_path / "p", db_url=db_url)
    with Project.open(tmp_path / "p", db_url) as project:
        project.merge_codes(["pressure_shame.naming"], "pressure_shame.shaming")
        recorded = read_foreign_guids_of(project)
        assert ("code", "pressure_shame.naming") not in recorded
        assert recorded[("code", "pressure_shame.shaming")].endswith("000000000003")
        back, lines = exported(project, tmp_path / "back.qdpx")
    assert lines == []
    assert "bbbbbbbb-0000-4000-8000-000000000002" not in back.decode()


def test_a_renamed_code_and_a_new_one_never_share_a_guid(tmp_path, db_url, project_schema):
    """Our own export comes back: code 'release' keeps GUID uuid5(code:release). Renamed to
    'freed', it still has it; a new code named 'release' would get the same UUIDv5."""
    source = tmp_path / "mini-export.qdpx"
    mini_root = make_mini_project(tmp_path / "mini")
    with Project.open(mini_root) as mini:
        mini.import_files()
        export_qdpx(mini, source)
    import_qdpx(source, into=tmp_path / "p", db_url=db_url)
    with Project.open(tmp_path / "p", db_url) as project:
        project.rename_code("release", "freed")
    book = tmp_path / "p" / "codebook.yaml"
    data = yaml.safe_load(book.read_text(encoding="utf-8"))
    data["codes"].append({"id": "release", "label": "Release again", "definition": "New."})
    book.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with Project.open(tmp_path / "p", db_url) as project:
        project.import_files()
        back, lines = exported(project, tmp_path / "back.qdpx")
    project_schema.validate(io.BytesIO(back))
    shared = code_guid("release")
    assert lines == [
        f"warning: GUID {shared} is the GUID of more than one object (code 'freed', code "
        "'release'); the one it came with is not used, so no two objects share one"
    ]
    assert code_named(back, "Release again") == shared
    assert code_named(back, "Release process") == code_guid("freed")


def test_a_moved_boundary_splits_a_selection_and_its_guid_stays_with_one_span(tmp_path, db_url):
    qc = SAMPLES / "qc1.2.0_demo.qdpx"
    import_qdpx(qc, into=tmp_path / "p", db_url=db_url)
    shared = {s: c for s, c in selections(qde_of(qc)).items() if len(c) > 1}
    with Project.open(tmp_path / "p", db_url) as project:
        # The selection with most codings: the span most of them stay on keeps its GUID.
        selection, codings = max(sorted(shared.items()), key=lambda item: len(item[1]))
        assert len(codings) >= 3
        moved = project.codings()
        one = next(c for c in moved if c.id in codings)
        project.update_coding(one.id, coder=one.coder, end=one.end - 1)
        back, lines = exported(project, tmp_path / "back.qdpx")
    assert len(lines) == 1 and lines[0].startswith(f"warning: selection {selection.upper()}")
    after = selections(back)
    assert after[selection] == codings - {one.id}
    assert list(after.values()).count({one.id}) == 1  # its own selection, a GUID of ours
    assert len(guids(back)["PlainTextSelection"]) == 169


def test_guids_follow_a_database_merge(tmp_path, db_url):
    """A coder's copy made before the import learns the GUIDs from the team's database."""
    team_root = tmp_path / "team"
    import_qdpx(foreign_file(tmp_path, FOREIGN_QDE), into=team_root, db_url=db_url)
    laptop_root = tmp_path / "laptop"
    shutil.copytree(team_root, laptop_root, ignore=shutil.ignore_patterns(".hrd_coder"))
    with Project.open(team_root, db_url) as team, Project.open(laptop_root) as laptop:
        laptop.import_files()
        assert read_foreign_guids_of(laptop) == {}
        url = team.database.url.render_as_string(hide_password=False)
        report = merge_database(laptop, url)
        assert report.guids_refused == []
        assert read_foreign_guids_of(laptop) == read_foreign_guids_of(team)
        ours, _ = exported(laptop, tmp_path / "laptop.qdpx")
        theirs, _ = exported(team, tmp_path / "team.qdpx")
    assert guids(ours) == guids(theirs)


def test_an_empty_project_exports_valid_and_an_empty_codebook_is_refused(
    tmp_path, monkeypatch, project_schema
):
    import_qdpx(SAMPLES / "atlasti23_win_blank-atlas-project.qdpx", into=tmp_path / "blank")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["-p", "blank", "export", "qdpx", "--out", "blank.qdpx"])
    assert result.exit_code == 0, result.output
    project_schema.validate(io.BytesIO(qde_of(tmp_path / "blank.qdpx")))
    result = runner.invoke(main, ["-p", "blank", "export", "qdc", "--out", "blank.qdc"])
    assert result.exit_code == 2
    assert "the codebook has no codes" in result.output
    assert not (tmp_path / "blank.qdc").exists()


def test_a_schema_0004_database_is_upgraded_and_checked_in_one_query(mini_root, db_url):
    from alembic import command

    from hrd_coder.storage.database import Database
    from hrd_coder.storage.schema import (
        _config,
        file_head_revision,
        head_revision,
        schema_is_current,
    )
    from tests.test_migrations import schema_differences

    url = db_url or f"sqlite:///{mini_root / 'team.sqlite'}"
    with Project.open(mini_root, url) as project:  # a project in use...
        project.import_files()
        project.add_coding(document="int01", code="release", start=0, end=10, coder="lena")
    old = Database(url)
    with old.writing() as conn:  # ...as hrd-coder with schema 0004 left it
        config = _config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    assert not schema_is_current(old)
    old.close()
    assert file_head_revision() == head_revision() == "0005"
    with Project.open(mini_root, url) as project:
        upgrade = project.database.upgrade
        assert (upgrade.from_revision, upgrade.to_revision) == ("0004", "0005")
        assert schema_is_current(project.database)
        assert schema_differences(project.database) == []
        assert len(project.codings()) == 1
        import_qdpx(SAMPLES / "qc1.2.0_demo.qdpx", project=project)
        with project.database.reading() as conn:
            rows = conn.execute(text("SELECT count(*) FROM foreign_guid")).scalar()
        assert rows == 112 + 3 + 1 + 213  # codes, documents, user, codings' selections
    with Project.open(mini_root, url) as again:
        assert again.database.upgrade is None


def test_cli_prints_identity_warnings(tmp_path, monkeypatch):
    qc = SAMPLES / "qc1.2.0_demo.qdpx"
    import_qdpx(qc, into=tmp_path / "p")
    shared = {c for codings in selections(qde_of(qc)).values() if len(codings) > 1 for c in codings}
    with Project.open(tmp_path / "p") as project:
        one = next(c for c in project.codings() if c.id in shared)
        project.update_coding(one.id, coder=one.coder, start=one.start + 1)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["-p", "p", "export", "qdpx", "--out", "x.qdpx"])
    assert result.exit_code == 0, result.output
    assert "warning: selection " in result.output
    assert "keeps the GUID, the others get new ones" in result.output


@pytest.mark.parametrize(
    ("extra", "description"),
    [
        ({}, ""),
        ({"hotkey": "h"}, "hrd_coder: id=jobs; level=segment; case_variable=presence; hotkey=h"),
        (
            {"include": "Any job.", "level": "case"},
            "Include:\nAny job.\n\nhrd_coder: id=jobs; level=case; case_variable=presence",
        ),
    ],
)
def test_a_code_without_a_description_keeps_none_and_its_settings_come_back(extra, description):
    code = Code(id="jobs", label="Jobs", definition=NO_DESCRIPTION, **extra)
    assert describe(code) == description
    fields = code_fields(description)
    assert fields.get("definition") is None  # read back: the marker again, nothing invented
    assert {k: v for k, v in fields.items() if k not in ("id", "case_variable", "level")} == {
        k: v for k, v in extra.items() if k != "level"
    }
    assert fields.get("level", "segment") == extra.get("level", "segment")


def test_a_set_member_naming_a_code_by_guid_is_no_second_use(tmp_path):
    # Set members written as a .qdc writes them (guid=, not targetGUID=) point at the code.
    qde = FOREIGN_QDE.replace(
        "</Sources>",
        '</Sources><Sets><Set guid="99999999-0000-4000-8000-000000000001" name="Pressure">'
        '<MemberCode guid="bbbbbbbb-0000-4000-8000-000000000002"/></Set></Sets>',
    )
    outcome = import_qdpx(foreign_file(tmp_path, qde), into=tmp_path / "p")
    assert not [w for w in outcome.report.warnings if "GUID" in w]
    with Project.open(tmp_path / "p") as project:
        back, _ = exported(project, tmp_path / "back.qdpx")
    assert code_named(back, "Naming") == "bbbbbbbb-0000-4000-8000-000000000002"


def test_a_document_clashing_with_ours_brings_neither_codings_nor_its_guid(mini, tmp_path):
    """The file's text source is named like our int01 but holds another text: its codings'
    offsets count in that text, so they must not land on ours."""
    qde = FOREIGN_QDE.replace('name="Interview é.txt"', 'name="int01.txt"')
    before = mini.codings()
    outcome = import_qdpx(foreign_file(tmp_path, qde), project=mini)
    assert (
        "document 'int01' and its 1 coding: the project has a different document with that "
        "id (the codings' offsets count in the file's text, not ours)"
    ) in outcome.report.dropped
    assert mini.codings() == before
    recorded = read_foreign_guids_of(mini)
    assert ("source", "int01") not in recorded
    assert not [key for key in recorded if key[0] == "selection"]


def test_the_consensus_layer_rebuilt_on_an_imported_project(tmp_path, db_url, project_schema):
    """A second coder codes what the file's coder coded; consensus is rebuilt: the
    consensus codings (new ids) join the imported selection on their span, and once the
    imported coding is removed, its selection GUID is forgotten at the next import."""
    import_qdpx(foreign_file(tmp_path, FOREIGN_QDE), into=tmp_path / "p", db_url=db_url)
    with Project.open(tmp_path / "p", db_url) as project:
        theirs = project.codings()[0]
        project.add_coding(
            document=theirs.document_id,
            code=theirs.code_id,
            start=theirs.start,
            end=theirs.end,
            coder="ana",
        )
        for coder in ("zoe_ortiz", "ana"):  # both read the whole document
            project.mark_done([theirs.document_id], coder=coder)
        project.rebuild_consensus(by="ana")
        assert {c.coder for c in project.codings()} == {"zoe_ortiz", "ana", "consensus"}
        back, lines = exported(project, tmp_path / "back.qdpx")
        project_schema.validate(io.BytesIO(back))
        assert lines == []
        assert set(selections(back)) == {"dddddddd-0000-4000-8000-000000000001"}
        assert len(selections(back)["dddddddd-0000-4000-8000-000000000001"]) == 3
        project.remove_coding(theirs.id, coder="zoe_ortiz")
        import_qdpx(foreign_file(tmp_path, FOREIGN_QDE, "again.qdpx"), project=project)
        # The file's coding came back with its id, and with it its selection's GUID.
        recorded = read_foreign_guids_of(project)
        assert recorded[("selection", theirs.id)] == "DDDDDDDD-0000-4000-8000-000000000001"
        project.remove_coding(theirs.id, coder="zoe_ortiz")
        import_qdc(SAMPLES / "refi_spec_annexA1_example_codebook.qdc", project=project)
        assert ("selection", theirs.id) not in read_foreign_guids_of(project)


def test_a_qc_project_in_coded_here_and_back_out(tmp_path, db_url, project_schema):
    """The whole path (issue 14): qc's file in, a coder here codes with one of its codes and
    a code of ours, out again. Their objects keep their GUIDs, ours get new ones, the export
    is valid, and reading it back into a new project gives every coding with its quote."""
    sample = SAMPLES / "qc1.2.0_demo.qdpx"
    original = guids(qde_of(sample))
    import_qdpx(sample, into=tmp_path / "p", db_url=db_url)
    with Project.open(tmp_path / "p", db_url, viewer="lena") as project:
        document = project.documents()[0]
        text = project.document(document.id).text
        theirs = project.codebook.codes[0].id
        first = project.add_coding(document=document.id, code=theirs, start=0, end=40, coder="lena")
        before = len(project.codings())
        quotes = {(c.document_id, c.start, c.end, c.code_id): c.quote for c in project.codings()}
        back, lines = exported(project, tmp_path / "back.qdpx")
    project_schema.validate(io.BytesIO(back))
    assert lines == []
    after = guids(back)
    assert after["Code"] == original["Code"]  # no new code, every one of theirs as it was
    assert after["TextSource"] <= original["TextSource"]
    new_users = after["User"] - original["User"]
    assert len(new_users) == 1  # lena, with a GUID of ours
    new_codings = after["Coding"] - original["Coding"]
    assert len(new_codings) == 1 and len(after["Coding"]) == before
    assert text[0:40] == quotes[(document.id, 0, 40, theirs)]
    assert first is not None

    import_qdpx(tmp_path / "back.qdpx", into=tmp_path / "again", db_url=None)
    with Project.open(tmp_path / "again") as again:
        read_back = {(c.start, c.end, c.quote) for c in again.codings()}
    assert {(s, e, q) for (_, s, e, _), q in quotes.items()} == read_back
