"""The one codebook.yaml writer: every writer's output is edited by every other writer.

A project's codebook starts as `hrd-coder init` writes it, as an import writes it (today's
layout, or the column-0 lists older imports wrote), or by hand with comments and an unusual
layout. Each then goes through the REFI-QDA append, rename, merge, split and a second append,
on a real database; after each step the file reads back, the database agrees with it, and
every comment of the start is still there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hrd_coder.codebook import parse_codebook
from hrd_coder.codebook.yaml_file import CodebookFile, new_codebook_text
from hrd_coder.problems import ProjectError
from hrd_coder.scaffold import create_project
from hrd_coder.services import Project
from hrd_coder.services.exchange import export_qdc, import_qdc, import_qdpx
from hrd_coder.yaml_source import dump_yaml
from tests.conftest import MINI_CODEBOOK, make_mini_project, reopen
from tests.interop.test_import import foreign
from tests.test_reanchoring import NAMING, NGOS, PRIVATE, code

HAND_WRITTEN = """\
# Mini study codebook, written by hand.
name: Mini study   # the study's name
version: "1"
case_groups:
    featured: Named by the campaign   # named publicly
    comparison: Not named
codes:
    # ---- segment codes
    -   id: reputational_costs   # the first mechanism
        label: Reputational costs
        definition: >
            The target fears damage
            to its standing.
        examples:
        - "Naming her raised the cost."
        color: "#d62728"
        hotkey: r
    -   id: mobilizing
        label: Mobilizing foreign actors
        definition: Others join the pressure.
    # children of mobilizing
    -   id: mobilizing.ngos
        label: NGOs
        definition: Non-governmental organisations press for release.
        hotkey: n
    # ---- case codes
    -   id: release
        label: Release process
        definition: How the release came about.
        level: case
# end of the codebook
"""

# Codes a REFI-QDA file brings: a parent with a child, and codes to merge and split.
APPENDED = """\
name: Source
version: "1"
case_groups:
  featured: Named
codes:
  - id: pressure
    label: Pressure
    definition: Pressure of any kind.
  - id: pressure.ngos
    label: NGO pressure
    definition: |
      NGOs press.
      Two lines.
  - id: shaming
    label: 'yes'
    definition: Naming and shaming.
  - id: talks
    label: Talks
    definition: Talks of any kind.
    case_variable: none
  - id: talks_public
    label: Public talks
    definition: Talks in public.
  - id: talks_private
    label: Private talks
    definition: Talks in private.
"""
LATER = APPENDED.split("codes:")[0] + (
    "codes:\n  - id: backlash\n    label: Backlash\n    definition: The target digs in.\n"
)


def init_made(tmp_path: Path) -> str:
    create_project(tmp_path / "made_by_init")
    return (tmp_path / "made_by_init" / "codebook.yaml").read_text(encoding="utf-8")


def column_0_import(_tmp_path: Path) -> str:
    """The layout imports wrote before the one writer: PyYAML's, lists at column 0."""
    data = parse_codebook(MINI_CODEBOOK).model_dump(mode="json", exclude_defaults=True)
    return dump_yaml(data, allow_unicode=True, sort_keys=False, width=100)


def import_made(_tmp_path: Path) -> str:
    return new_codebook_text(parse_codebook(MINI_CODEBOOK))


def hand_written(_tmp_path: Path) -> str:
    return HAND_WRITTEN


STARTS = [init_made, column_0_import, import_made, hand_written]


def comments(text: str) -> list[str]:
    lines = text.splitlines()
    return [line.split("#", 1)[1].strip() for line in lines if re.search(r"(^|\s)#\s", line)]


def dashes(text: str) -> set[int]:
    """The columns the codes' `- id:` lines start at."""
    return {len(m.group(1)) for m in re.finditer(r"^( *)-\s+id:", text, re.M)}


def codes_file(tmp_path: Path, name: str, text: str) -> Path:
    """A .qdc file holding the codes of a codebook written as `text`."""
    root = tmp_path / name
    root.mkdir()
    (root / "codebook.yaml").write_text(text, encoding="utf-8")
    with Project.open(root) as source:
        source.import_files()
        return export_qdc(source, tmp_path / f"{name}.qdc").path


def settled(project: Project) -> str:
    """The codebook as the file and the database now hold it, checked to agree."""
    text = (project.root / "codebook.yaml").read_text(encoding="utf-8")
    with reopen(project) as again:
        assert again.codebook_text == text
        assert not again.status().codebook_changed
        assert not again.import_files().changed
    return text


@pytest.mark.parametrize("start", STARTS, ids=lambda f: f.__name__)
def test_every_writer_edits_every_writers_codebook(start, tmp_path, db_url):
    root = make_mini_project(tmp_path / "project")
    first = start(tmp_path)
    (root / "codebook.yaml").write_text(first, encoding="utf-8")
    kept_comments, layout = comments(first), dashes(first)
    appended = codes_file(tmp_path, "appended", APPENDED)
    later = codes_file(tmp_path, "later", LATER)
    with Project.open(root, db_url) as project:
        project.import_files()
        import_qdc(appended, project=project)
        steps = [settled(project)]
        naming = code(project, NAMING, "shaming")
        ngos = code(project, NGOS, "pressure.ngos")
        private = code(project, PRIVATE, "talks")
        project.rename_code("pressure", "campaign")
        steps.append(settled(project))
        project.merge_codes(["shaming"], "campaign")
        steps.append(settled(project))
        change = project.split_code("talks", ["talks_public", "talks_private"], "talks_private", {})
        assert [c.id for c in change.to_review] == [private]
        steps.append(settled(project))
        import_qdc(later, project=project)
        steps.append(settled(project))
        codings = {c.id: c.code_id for c in project.codings()}
    assert codings == {naming: "campaign", ngos: "campaign.ngos", private: "talks_private"}
    book = parse_codebook(steps[-1])
    ids = [c.id for c in book.codes]
    assert ids[-5:] == ["campaign", "campaign.ngos", "talks_public", "talks_private", "backlash"]
    assert book.code("campaign.ngos").definition == "NGOs press.\nTwo lines."
    assert book.code("talks_public").case_variable == ("presence",)
    for text in steps:
        assert all(comment in comments(text) for comment in kept_comments), text
        assert dashes(text) == layout or not layout, text
    assert comments(steps[-1]).count("imported from a REFI-QDA file") == 2


@pytest.mark.parametrize("start", STARTS[:-1], ids=lambda f: f.__name__)
def test_an_unedited_codebook_is_written_back_byte_for_byte(start, tmp_path):
    text = start(tmp_path)
    assert CodebookFile(text).text() == text


def test_a_nested_list_takes_the_layout_of_the_codes_list():
    """ruamel.yaml writes one layout per file: the only change to an unedited file."""
    expected = HAND_WRITTEN.replace(
        '        - "Naming her raised the cost."', '            -   "Naming her raised the cost."'
    )
    assert CodebookFile(HAND_WRITTEN).text() == expected


def test_merging_into_a_project_made_by_an_import(tmp_path, db_url):
    """Issue 14: a second file brought new codes into an `--into` project and failed."""
    qdc_made = tmp_path / "from_qdc"
    import_qdc(codes_file(tmp_path, "appended", APPENDED), into=qdc_made, db_url=db_url)
    with Project.open(qdc_made, db_url) as project:
        before = [c.id for c in project.codebook.codes]
        outcome = import_qdpx(foreign(tmp_path), project=project)
        assert outcome.status.codings == 1
        assert [c.id for c in project.codebook.codes][: len(before)] == before
        assert len(project.codebook.codes) == len(before) + 2  # the file's two codes
        settled(project)
    qdpx_made = tmp_path / "from_qdpx"
    import_qdpx(foreign(tmp_path), into=qdpx_made, db_url=db_url)
    with Project.open(qdpx_made, db_url) as project:
        before = len(project.codebook.codes)
        import_qdc(codes_file(tmp_path, "more", LATER), project=project)
        assert len(project.codebook.codes) == before + 1
        settled(project)


@pytest.mark.parametrize(
    "value", ["yes", "No", "on", "1:20", "0x1f", "1_000", "~", "null", "2015-09-01", "#x", "a: b"]
)
def test_new_text_is_quoted_where_our_reader_would_read_another_type(value, tmp_path):
    edited = CodebookFile(MINI_CODEBOOK)
    edited.set_name(value)
    assert parse_codebook(edited.text()).name == value
    edited.rename_codes({"release": "yes"})  # a valid code id PyYAML reads as true
    assert parse_codebook(edited.text()).code("yes") is not None


def test_removing_a_code_keeps_the_comments_about_the_codes_after_it():
    edited = CodebookFile(HAND_WRITTEN)
    edited.remove_code("mobilizing")
    text = edited.text()
    assert "    # children of mobilizing\n    -   id: mobilizing.ngos" in text
    edited.remove_code("release")  # the last entry: the file's closing comment stays
    assert edited.text().endswith("# end of the codebook\n")
    assert "# ---- case codes" in edited.text()


def test_a_rename_keeps_the_gap_before_a_trailing_comment():
    edited = CodebookFile(HAND_WRITTEN)
    edited.rename_codes({"reputational_costs": "reputation"})
    assert "    -   id: reputation   # the first mechanism\n" in edited.text()


def test_an_entry_that_is_not_there_is_refused_with_advice():
    with pytest.raises(ProjectError, match="cannot find exactly one entry 'id: nothing'"):
        CodebookFile(MINI_CODEBOOK).remove_code("nothing")


def test_init_writes_any_study_name_so_that_it_reads_back(tmp_path):
    for name in ['A "quoted" study', "yes", "Étude: deux points", "1:20"]:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        create_project(folder, name)
        text = (folder / "codebook.yaml").read_text(encoding="utf-8")
        assert parse_codebook(text).name == name
        assert text.startswith("# The codebook: `hrd-coder docs codebook` prints what every")


def test_imported_codes_that_clash_with_the_project_change_nothing(mini, tmp_path):
    clashing = APPENDED.replace("    label: Pressure\n", "    label: Pressure\n    hotkey: r\n")
    before = (mini.root / "codebook.yaml").read_text(encoding="utf-8")
    with pytest.raises(ProjectError, match="hotkey 'r' is already taken.*nothing was changed"):
        import_qdc(codes_file(tmp_path, "clashing", clashing), project=mini)
    assert (mini.root / "codebook.yaml").read_text(encoding="utf-8") == before
    assert mini.codebook.code("pressure") is None


def test_a_one_line_mapping_does_not_set_the_indentation_of_the_others():
    text = (
        'name: x\nversion: "1"\ncase_groups: {a: b}\nrelease_types:\n   pardon: P\n'
        "codes:\n- id: q\n  label: Q\n  definition: d\n"
    )
    assert CodebookFile(text).text() == text
