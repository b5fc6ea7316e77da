"""Layers belong to their coders (issue 19): another coder's coding is changed or removed
only by a lead or adjudicator who says --as-lead (logged); under blind coding another
layer's ids answer as if they did not exist."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.storage import tables

EVENTS = tables.Event.__table__


def run(project: Project, *args: str):
    url = project.database.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["-p", str(project.root), "--db", url, *args])


def as_viewer(project: Project, viewer: str | None) -> Project:
    url = project.database.url.render_as_string(hide_password=False)
    return Project.open(project.root, url, viewer=viewer)


@pytest.fixture
def lenas(mini: Project):
    """lena's coding, in a project whose lead is ana."""
    coding = mini.add_coding(document="int01", code="release", start=0, end=11, coder="lena")
    mini.set_role("ana", "lead")
    return coding


def layers(project: Project, setting: str) -> None:
    with as_viewer(project, "ana") as lead:
        lead.set_layers(setting)


def test_a_coder_cannot_remove_or_change_another_coders_coding(mini, lenas):
    with pytest.raises(ProjectError, match="in lena's layer, not tomas's: only its coder"):
        mini.remove_coding(lenas.id, coder="tomas")
    with pytest.raises(ProjectError, match="only its coder may change it"):
        mini.update_coding(lenas.id, coder="tomas", memo="mine now")
    result = run(mini, "codings", "remove", lenas.id, "--coder", "tomas")
    assert result.exit_code == 2 and "--as-lead" in result.output
    assert [c.id for c in mini.codings()] == [lenas.id]


def test_a_lead_may_with_as_lead_and_it_is_logged(mini, lenas):
    layers(mini, "revealed")  # roles count once the lead has set blind coding up
    with (
        as_viewer(mini, "tomas") as tomas,
        pytest.raises(ProjectError, match="needs the lead or adjudicator role"),
    ):
        tomas.remove_coding(lenas.id, coder="tomas", as_lead=True)
    with as_viewer(mini, "ana") as ana:
        removed = ana.remove_coding(lenas.id, coder="ana", as_lead=True)
        assert removed.coder == "lena" and ana.codings() == []
        with ana.database.reading() as conn:
            event = conn.execute(
                select(EVENTS.c.coder, EVENTS.c.after).where(EVENTS.c.action == "coding.remove")
            ).one()
    assert event == ("ana", {"as_lead": True, "layer": "lena"})


def test_blind_ids_of_another_layer_answer_as_unknown(mini, lenas):
    layers(mini, "blind")
    with as_viewer(mini, "tomas") as tomas:
        for call in (
            lambda: tomas.remove_coding(lenas.id, coder="tomas", as_lead=True),
            lambda: tomas.update_coding(lenas.id, coder="tomas", memo="x"),
        ):
            with pytest.raises(ProjectError, match=f"there is no coding with id '{lenas.id}'"):
                call()
    with as_viewer(mini, "ana") as lead:
        assert [c.id for c in lead.codings()] == [lenas.id]


def codings_file(tmp_path, *coders: str):
    path = tmp_path / "codings.csv"
    rows = [f"int01,{coder},release,0,11" for coder in coders]
    path.write_text("document,coder,code,start,end\n" + "\n".join(rows) + "\n")
    return path


def test_a_coder_loads_only_their_own_layer(mini, lenas, tmp_path):
    layers(mini, "revealed")
    path = codings_file(tmp_path, "tomas", "lena")
    with as_viewer(mini, "tomas") as tomas:
        with pytest.raises(ProjectError, match="rows for lena would write into their layers"):
            tomas.load_codings(path)
        assert tomas.codings(coder="tomas") == []
        own = codings_file(tmp_path, "tomas")
        assert tomas.load_codings(own).added == 1
    with as_viewer(mini, "ana") as lead:
        assert lead.load_codings(codings_file(tmp_path, "mira", "tomas")).added == 1
        with lead.database.reading() as conn:
            event = conn.execute(
                select(EVENTS.c.coder, EVENTS.c.after).where(EVENTS.c.action == "codings.bulk_load")
            ).one()
    assert event[0] == "ana" and event[1]["coders"] == ["mira", "tomas"]
