"""Who you are (issue 13): --coder and $HRD_CODER_CODER act for one run and are never
remembered; `whoami` says who you are and why; only `whoami --set` (and the workbench's
first-run prompt, tested with Pilot) remember a name."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from hrd_coder.settings import remember_coder, remembered_coder
from tests.coded_mini import code_mini


def run(root: Path, *args: str, env: dict[str, str] | None = None, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["-p", str(root), *args], env=env or {})
    assert result.exit_code == code, result.output
    return result.output


def test_whoami_names_the_source_and_a_name_given_for_a_run_is_not_remembered(mini_root: Path):
    assert run(mini_root, "whoami").startswith("nobody yet: give --coder NAME")
    assert run(mini_root, "--coder", "lena", "whoami") == (
        "lena (from --coder, for this run only; none remembered)\n"
    )
    from_env = run(mini_root, "whoami", env={"HRD_CODER_CODER": "ana"})
    assert from_env == "ana (from $HRD_CODER_CODER, for this run only; none remembered)\n"
    run(mini_root, "--coder", "lena", "import")  # a command that opens the project
    assert remembered_coder(mini_root) is None

    remembered = run(mini_root, "whoami", "--set", "tomas").splitlines()
    assert remembered[0].startswith("remembered tomas for this project (in ")
    assert remembered[1] == "tomas (remembered for this project)"
    assert run(mini_root, "--coder", "lena", "whoami") == (
        "lena (from --coder, for this run only; remembered for this project: tomas)\n"
    )
    run(mini_root, "--coder", "lena", "status")
    run(mini_root, "status", env={"HRD_CODER_CODER": "ana"})
    assert remembered_coder(mini_root) == "tomas"  # neither run replaced it


def test_whoami_set_checks_the_name_and_writes_nothing_when_refused(mini_root: Path):
    refused = run(mini_root, "whoami", "--set", "two words", code=2)
    assert "coder name 'two words' is not valid" in refused
    assert "'consensus' is the adjudicated layer" in run(
        mini_root, "whoami", "--set", "consensus", code=2
    )
    assert remembered_coder(mini_root) is None
    assert not (mini_root / ".hrd_coder" / "settings.yaml").exists()


def test_the_remembered_name_reads_as_you_and_a_given_name_only_for_its_run(mini: Project):
    """With blind coding on: the remembered coder sees their layer; --coder another, once."""
    code_mini(mini)
    mini.viewer = "lena"
    mini.set_role("lena", "lead")
    mini.set_role("tomas", "coder")
    mini.set_layers("blind")
    remember_coder(mini.root, "tomas")
    url = mini.database.url.render_as_string(hide_password=False)

    def coders_seen(*args: str) -> set[str]:
        listed = run(mini.root, "--db", url, *args, "codings", "list", "--format", "json")
        return {row["coder"] for row in json.loads(listed)}

    assert coders_seen() == {"tomas"}
    assert coders_seen("--coder", "lena") == {"lena", "tomas"}
    assert coders_seen() == {"tomas"}
    assert remembered_coder(mini.root) == "tomas"
