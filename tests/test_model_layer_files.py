"""Default export file names of a machine coder's layer hold no colon (found walking the
study path of issue 17: `export cases --layer model:llm-5` wrote `cases_model:llm-5.csv`, a
name Windows refuses and macOS shows with a slash)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.conftest import copy_demo


def test_a_model_layer_exports_under_a_name_without_a_colon(tmp_path: Path):
    root = copy_demo(tmp_path / "demo")
    with Project.open(root) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        layer = project.suggest(train="lena").layer
    run = layer.removeprefix("model:")
    for command in (
        ["export", "codings", "--layer", layer],
        ["export", "cases", "--layer", layer, "--allow-unvalidated"],
    ):
        result = CliRunner().invoke(main, ["--project", str(root), *command])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (root / "exports").iterdir())
    assert names == [
        f"cases_model+{run}.csv",
        f"cases_model+{run}.csv.dictionary.json",
        f"codings_model+{run}.csv",
    ]


def test_the_layer_options_say_a_model_layer_is_one():
    for command in (["report"], ["explain"], ["export", "codings"]):
        result = CliRunner().invoke(main, [*command, "--help"])
        assert "model:RUN" in " ".join(result.output.split()), command
