"""While blind, `status` counts only the viewer's own layer and `log --coder OTHER` is
refused: neither tells a coder how much a colleague coded, or that they coded nothing
(issue 21, item 8). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.test_blind_coding import as_viewer, run, team  # noqa: F401 (team: a fixture)


def status(project: Project, *args: str) -> Any:
    return run(project, *args, "status", "--format", "json")


def test_a_blind_coder_counts_only_their_own_codings(team: Project) -> None:  # noqa: F811
    own = len(as_viewer(team, "tomas").codings())
    every = len(as_viewer(team, "lena").codings())
    assert 0 < own < every
    result = status(team, "tomas")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["codings"], data["coders"], data["blind_layer"]) == (own, 1, "tomas")
    assert [c["coder"] for c in data["coverage"]["coders"]] == ["tomas"]
    assert data["consensus"] is None

    text = run(team, "tomas", "status").output
    assert f"codings   {own} in your layer (tomas); blind coding is on" in text
    assert "lena" not in text and f" {every} " not in text


def test_leads_and_revealed_layers_count_everything(team: Project) -> None:  # noqa: F811
    every = len(as_viewer(team, "lena").codings())
    # Coders are everyone the project knows: lena, tomas, and ana (no codings yet).
    for viewer in ("lena", "ana"):  # a lead, an adjudicator
        data = json.loads(status(team, viewer).output)
        assert (data["codings"], data["coders"], data["blind_layer"]) == (every, 3, None)
    as_viewer(team, "lena").set_layers("revealed")
    data = json.loads(status(team, "tomas").output)
    assert (data["codings"], data["coders"], data["blind_layer"]) == (every, 3, None)
    assert f"codings   {every} by 3 coders" in run(team, "tomas", "status").output


def test_an_unnamed_viewer_sees_no_counts_while_blind(team: Project) -> None:  # noqa: F811
    shown = as_viewer(team, None).status()
    assert (shown.codings, shown.coders, shown.blind_layer) == (0, 0, "")
    url = team.database.url.render_as_string(hide_password=False)
    result = CliRunner(env={"HRD_CODER_CODER": None}).invoke(
        main, ["-p", str(team.root), "--db", url, "status"]
    )
    assert result.exit_code == 0, result.output
    assert "codings   hidden: blind coding is on; say who you are" in result.output


def test_a_blind_coder_asking_for_another_coders_log_is_refused(team: Project) -> None:  # noqa: F811
    refused = run(team, "tomas", "log", "--coder", "lena")
    assert refused.exit_code == 2
    assert "blind coding is on" in refused.output and "not 'lena'" in refused.output
    own = run(team, "tomas", "log", "--coder", "tomas", "--format", "json")
    assert own.exit_code == 0 and {e["coder"] for e in json.loads(own.output)} == {"tomas"}
    lead = run(team, "lena", "log", "--coder", "tomas", "--format", "json")
    assert json.loads(lead.output) == json.loads(own.output)
    as_viewer(team, "lena").set_layers("revealed")
    opened = run(team, "tomas", "log", "--coder", "lena", "--format", "json")
    assert opened.exit_code == 0 and {e["coder"] for e in json.loads(opened.output)} == {"lena"}
