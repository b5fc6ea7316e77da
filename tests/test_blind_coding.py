"""Roles and blind coding: a coder cannot read another coder's codings through any command
until a lead reveals the layers; adjudicators and leads see all (issue 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder import api
from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services.agreement import AgreementRequest
from tests.coded_mini import code_mini
from tests.conftest import reopen


def as_viewer(project: Project, name: str | None) -> Project:
    opened = reopen(project)
    opened.viewer = name
    return opened


@pytest.fixture
def team(mini: Project) -> Project:
    """The coded mini project with lena as lead, tomas as coder, blind coding on."""
    code_mini(mini)
    mini.viewer = "lena"
    mini.set_role("lena", "lead")
    mini.set_role("tomas", "coder")
    mini.set_role("ana", "adjudicator")
    mini.set_layers("blind")
    return mini


def test_roles_start_with_a_lead_and_only_the_lead_changes_them(mini: Project) -> None:
    code_mini(mini)
    mini.viewer = "tomas"
    with pytest.raises(ProjectError, match="name a lead first"):
        mini.set_role("tomas", "adjudicator")
    with pytest.raises(ProjectError, match="only a lead can turn blind coding on"):
        mini.set_layers("blind")
    mini.set_role("lena", "lead")  # anyone may name the first lead
    with pytest.raises(ProjectError, match=r"only a lead \(lena\) can change roles"):
        mini.set_role("tomas", "lead")
    with pytest.raises(ProjectError, match="unknown role"):
        as_viewer(mini, "lena").set_role("tomas", "boss")
    assert as_viewer(mini, "lena").set_role("tomas", "adjudicator") == "coder"
    assert dict(mini.team()) == {"lena": "lead", "tomas": "adjudicator"}
    assert mini.access().layers == "open"  # roles alone change nothing until blind is on


def test_the_consensus_layer_takes_no_role(mini: Project) -> None:
    mini.viewer = "lena"
    mini.set_role("lena", "lead")
    with pytest.raises(ProjectError, match="'consensus' is the adjudicated layer, not a coder"):
        mini.set_role("consensus", "coder")
    assert dict(mini.team()) == {"lena": "lead"}


def test_a_blind_coder_sees_only_their_own_layer(team: Project) -> None:
    tomas = as_viewer(team, "tomas")
    assert {c.coder for c in tomas.codings()} == {"tomas"}
    with pytest.raises(ProjectError, match="only their own layer, not 'lena'"):
        tomas.codings(coder="lena")
    counts = tomas.code_counts("tomas")
    assert counts["reputational_costs"] == (1, 1)  # lena's coding is not counted
    with pytest.raises(ProjectError, match="agreement shows every coder's layer"):
        tomas.agreement(AgreementRequest(unit="sentence"))
    with pytest.raises(ProjectError, match="adjudication needs the adjudicator or lead role"):
        tomas.disagreements()
    with pytest.raises(ProjectError, match="only their own layer"):
        tomas.case_variables("lena")
    with pytest.raises(ProjectError, match="say who you are"):
        as_viewer(team, None).codings()
    with pytest.raises(ProjectError, match="renaming a code needs the lead role"):
        tomas.rename_code("mobilizing.ngos", "mobilizing.civil_society")


def test_the_layers_with_codings_are_only_those_the_viewer_may_see(team: Project) -> None:
    assert as_viewer(team, "tomas").layers() == ["tomas"]
    assert as_viewer(team, "ana").layers() == ["lena", "tomas"]
    assert as_viewer(team, "nadia").layers() == []  # a coder who has not coded yet


def test_adjudicators_and_leads_see_every_layer_and_reveal_opens_them(team: Project) -> None:
    every = {"lena", "tomas"}
    assert {c.coder for c in as_viewer(team, "ana").codings()} == every
    assert {c.coder for c in as_viewer(team, "lena").codings()} == every
    assert as_viewer(team, "ana").agreement(AgreementRequest(unit="sentence"))
    with pytest.raises(ProjectError, match="only a lead"):
        as_viewer(team, "tomas").set_layers("revealed")
    as_viewer(team, "lena").set_layers("revealed")
    tomas = as_viewer(team, "tomas")
    assert {c.coder for c in tomas.codings()} == every
    assert tomas.agreement(AgreementRequest(unit="sentence"))
    with pytest.raises(ProjectError, match="adjudication needs"):  # a role, not visibility
        tomas.disagreements()


def run(project: Project, *args: str) -> object:
    url = project.database.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["-p", str(project.root), "--db", url, "--coder", *args])


def test_no_command_shows_a_blind_coder_another_layer(team: Project, tmp_path: Path) -> None:
    """Every command that reads codings: refused, or only tomas's own codings come out."""
    lena_ids = {c.id for c in as_viewer(team, "lena").codings(coder="lena")}
    lena_quotes = {c.quote for c in as_viewer(team, "lena").codings(coder="lena")}
    tomas_ids = {c.id for c in as_viewer(team, "tomas").codings()}
    lena_quotes -= {c.quote for c in as_viewer(team, "tomas").codings()}  # same passages
    assert lena_quotes  # lena coded passages tomas did not: they must not show
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        ["codings", "list", "--format", "json", "--with-quotes"],
        ["codings", "list", "--coder", "lena"],
        ["export", "codings", "--layer", "lena", "--out", str(out / "a.csv")],
        ["export", "codings", "--with-quotes", "--out", str(out / "b.csv")],
        ["export", "cases", "--layer", "lena", "--out", str(out / "c.csv")],
        ["export", "matrix", "--layer", "lena", "--out", str(out / "d.csv")],
        ["export", "cooccurrence", "--layer", "lena", "--out", str(out / "e.csv")],
        ["explain", "c01", "reputational_costs", "--layer", "lena"],
        ["agreement"],
        ["sample", "tomas", "--share", "0.5", "--seed", "7"],
        ["export", "qdpx", "--out", str(out / "p.qdpx")],
        ["log", "--format", "json"],
        ["log", "--coder", "lena", "--format", "csv"],
    ]
    for args in commands:
        result = run(team, "tomas", *args)
        written = "".join(p.read_text(errors="replace") for p in out.glob("*.csv"))
        seen = result.output + written
        for archive in out.glob("*.qdpx"):  # holds whole documents, so no quote check
            assert "lena" not in _qdpx_text(archive)  # no codings or memos by her
        if result.exit_code != 0:
            assert result.exit_code == 2, (args, result.output)
            assert "blind coding is on" in result.output or "role" in result.output, args
        leaked = {i for i in lena_ids if i in seen} | {q for q in lena_quotes if q in seen}
        assert not leaked, (args, leaked)
        for path in out.iterdir():
            path.unlink()
    own = json.loads(run(team, "tomas", "codings", "list", "--format", "json").output)
    assert {row["id"] for row in own} == tomas_ids


def _qdpx_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_notebook_api_reads_as_the_named_coder(
    team: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = team.database.url.render_as_string(hide_password=False)
    monkeypatch.setenv("HRD_CODER_CODER", "tomas")
    with pytest.raises(ProjectError, match="only their own layer"):
        api.case_table(team.root, layer="lena", db_url=url)
    assert set(api.codings_table(team.root, layer="tomas", db_url=url)["coder"]) == {"tomas"}
    monkeypatch.setenv("HRD_CODER_CODER", "lena")
    assert set(api.codings_table(team.root, layer="tomas", db_url=url)["coder"]) == {"tomas"}


def test_team_commands_and_their_events(mini: Project) -> None:
    code_mini(mini)
    assert run(mini, "tomas", "team", "role", "lena", "lead").exit_code == 0
    refused = run(mini, "tomas", "team", "blind")
    assert refused.exit_code == 2 and "only a lead" in refused.output
    assert run(mini, "lena", "team", "blind").exit_code == 0
    listed = run(mini, "lena", "team", "list").output
    assert "lena   lead" in listed and "layers: blind" in listed
    log = json.loads(run(mini, "lena", "log", "--action", "team", "--format", "json").output)
    assert [(e["action"], e["coder"], e["entity_id"]) for e in log] == [
        ("team.role", "tomas", "lena"),
        ("team.blind", "lena", "layers"),
    ]
