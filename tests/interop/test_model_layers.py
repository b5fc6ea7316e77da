"""A machine coder's suggestions do not leave as a person's codings (issues 14, 17).

REFI-QDA has no way to mark a user as a model: exported, `model:classifier-1` came back from our
own import as a human coder `model_classifier_1`, its 150 suggestions counted as codings, in
coverage and agreement. An export now leaves model layers out and says so; a suggestion a
coder accepted is that coder's coding and goes out with them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from hrd_coder.services.exchange import export_qdpx, import_qdpx
from tests.planted import code_planted, planted_files


def test_suggestions_stay_home_and_accepted_ones_travel_as_the_coders(tmp_path: Path):
    root = tmp_path / "planted"
    plan = planted_files(root)
    with Project.open(root) as project:
        project.import_files()
        code_planted(project, {d: rows for d, rows in plan.items() if d != "int01"}, "ana")
        run = project.suggest(train="ana")
        _, pending = project.pending_suggestions("ana", document="int01")
        accepted = project.accept_suggestion(pending[0].id, coder="ana")
        human = sorted((c.coder, c.code_id, c.start, c.end) for c in project.codings(coder="ana"))
        suggested = len(project.codings(coder=run.layer))
        outcome = export_qdpx(project, tmp_path / "out.qdpx")
    assert suggested > 0
    assert any(
        f"left out {suggested} suggestions of {run.layer}" in line for line in outcome.lines()
    )
    with zipfile.ZipFile(outcome.path) as archive:
        assert "model:" not in archive.read("project.qde").decode()

    import_qdpx(outcome.path, into=tmp_path / "back")
    with Project.open(tmp_path / "back") as back:
        assert back.layers() == ["ana"]
        mine = sorted((c.coder, c.code_id, c.start, c.end) for c in back.codings())
    assert mine == human
    assert ("ana", accepted.code_id, accepted.start, accepted.end) in mine


def test_the_command_says_what_it_left_out(tmp_path: Path, monkeypatch):
    root = tmp_path / "planted"
    plan = planted_files(root)
    with Project.open(root) as project:
        project.import_files()
        code_planted(project, plan, "ana")
        project.suggest(train="ana")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["export", "qdpx", "--out", str(tmp_path / "o.qdpx")])
    assert result.exit_code == 0, result.output
    assert "left out" in result.output and "model:classifier-1" in result.output
    assert "suggest review" in result.output
