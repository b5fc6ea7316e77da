"""Rename, merge and split codes: codebook.yaml and every coding change together."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.storage import tables
from tests.conftest import reopen
from tests.test_import import snapshot
from tests.test_reanchoring import NAMING, NGOS, PRIVATE, code, edit


def events(project: Project, action: str) -> list[dict]:
    table = tables.Event.__table__
    with project.database.reading() as conn:
        query = table.select().where(table.c.action == action).order_by(table.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def yaml(project: Project) -> str:
    return (project.root / "codebook.yaml").read_text(encoding="utf-8")


def test_rename_moves_codings_children_and_orphans_and_keeps_the_yaml_layout(mini: Project):
    ngos = code(mini, NGOS, "mobilizing.ngos")
    parent = code(mini, NAMING, "mobilizing")
    lost = code(mini, PRIVATE, "mobilizing")
    edit(mini, PRIVATE, "Nothing else.")
    (mini.root / "codebook.yaml").write_text(
        yaml(mini).replace("  - id: mobilizing\n", "  - id: mobilizing   # the mechanism\n")
    )
    with reopen(mini) as project:
        project.import_files()  # `lost` is now an orphan
        change = project.rename_code("mobilizing", "mobilization")
        assert change.moves == {
            "mobilizing": "mobilization",
            "mobilizing.ngos": "mobilization.ngos",
        }
        assert (change.codings, change.orphans, change.yaml_edited) == (2, 1, True)
    assert "  - id: mobilization   # the mechanism\n" in yaml(mini)
    assert "mobilizing" not in yaml(mini)
    with reopen(mini) as again:
        codes = {c.id: c.code_id for c in again.codings()}
        assert codes == {ngos: "mobilization.ngos", parent: "mobilization"}
        assert [o.code_id for o in again.orphaned_codings()] == ["mobilization"]
        assert not again.status().codebook_changed
        assert not again.import_files().changed  # the database agrees with the new YAML
    recodes = events(mini, "coding.recode")
    assert {e["entity_id"] for e in recodes} == {ngos, parent, lost}
    assert [e["after"]["moves"] for e in events(mini, "code.rename")] == [change.moves]


def test_rename_is_refused_when_the_new_code_exists_and_nothing_changes(mini: Project):
    code(mini, NGOS, "mobilizing.ngos")
    before, text = snapshot(mini), yaml(mini)
    with pytest.raises(ProjectError, match="already a code 'reputational_costs'.*merge"):
        mini.rename_code("mobilizing.ngos", "reputational_costs")
    with pytest.raises(ProjectError, match="no code 'nothing'"):
        mini.rename_code("nothing", "something")
    assert (snapshot(mini), yaml(mini)) == (before, text)


def test_merge_moves_every_coding_to_the_target_and_drops_the_source(mini: Project):
    ngos = code(mini, NGOS, "mobilizing.ngos")
    other = code(mini, NAMING, "reputational_costs")
    change = mini.merge_codes(["mobilizing.ngos"], "mobilizing")
    assert (change.codings, change.yaml_edited) == (1, True)
    assert "mobilizing.ngos" not in yaml(mini)
    assert {c.id: c.code_id for c in mini.codings()} == {
        ngos: "mobilizing",
        other: "reputational_costs",
    }
    assert mini.codebook.code("mobilizing.ngos") is None
    assert not mini.import_files().changed


def test_merge_refuses_a_code_with_children(mini: Project):
    with pytest.raises(ProjectError, match="child codes \\(mobilizing.ngos\\)"):
        mini.merge_codes(["mobilizing"], "reputational_costs")


def add_codes(project: Project, *ids: str) -> None:
    entries = "".join(f"  - id: {i}\n    label: {i}\n    definition: Part of it.\n" for i in ids)
    (project.root / "codebook.yaml").write_text(yaml(project) + entries)


def test_split_by_a_file_and_a_default_lists_the_defaulted_codings(mini: Project):
    first = code(mini, NAMING, "reputational_costs")
    second = code(mini, PRIVATE, "reputational_costs", coder="tomas")
    add_codes(mini, "rep_public", "rep_private")
    with reopen(mini) as project:
        project.import_files()
        change = project.split_code(
            "reputational_costs",
            ["rep_public", "rep_private"],
            "rep_public",
            {second: "rep_private"},
        )
        assert [c.id for c in change.to_review] == [first]
        assert {c.id: c.code_id for c in project.codings()} == {
            first: "rep_public",
            second: "rep_private",
        }
        assert "id: reputational_costs" not in yaml(project)
        assert not project.import_files().changed


def test_split_without_a_choice_for_every_coding_is_refused(mini: Project):
    code(mini, NAMING, "reputational_costs")
    add_codes(mini, "rep_public", "rep_private")
    with reopen(mini) as project:
        project.import_files()
        before, text = snapshot(project), yaml(project)
        with pytest.raises(ProjectError, match="1 coding of 'reputational_costs' has no"):
            project.split_code("reputational_costs", ["rep_public", "rep_private"], None, {})
        with pytest.raises(ProjectError, match="not one of rep_public rep_private"):
            project.split_code(
                "reputational_costs", ["rep_public", "rep_private"], None, {"x": "other"}
            )
        assert (snapshot(project), yaml(project)) == (before, text)


def test_the_command_line_renames_merges_splits_and_exits_2_on_bad_input(mini: Project, tmp_path):
    coding = code(mini, NAMING, "reputational_costs")
    url = mini.database.url.render_as_string(hide_password=False)
    base = ["--project", str(mini.root), "--db", url, "codebook"]
    run = lambda *args: CliRunner().invoke(main, [*base, *args])  # noqa: E731
    done = run("rename", "reputational_costs", "reputation")
    assert done.exit_code == 0, done.output
    assert "rename: reputational_costs → reputation; 1 coding," in done.output
    bad = run("merge", "reputation", "mobilizing")
    assert bad.exit_code == 2 and "INTO" in bad.output
    add_codes(mini, "rep_a", "rep_b")
    CliRunner().invoke(main, ["--project", str(mini.root), "--db", url, "import"])
    choices = tmp_path / "split.csv"
    choices.write_text(f"coding_id,new_code\n{coding},rep_b\n")
    split = run("split", "reputation", "--into", "rep_a rep_b", "--file", str(choices))
    assert split.exit_code == 0, split.output
    with reopen(mini) as again:
        assert [c.code_id for c in again.codings()] == ["rep_b"]
    missing = run("split", "rep_b", "--into", "rep_a")
    assert missing.exit_code == 2 and "at least two codes" in missing.output
