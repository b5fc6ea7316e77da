"""The command line, through click's runner: thin commands, clear errors, exit code 2."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from tests.conftest import write


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, list(args))
    if ok:
        assert result.exit_code == 0, result.output + str(result.exception)
    return result


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    commands = main.every_command() if group is main else group.commands
    for name, command in commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help_text():
    commands = list(all_commands(main))
    assert len(commands) >= 10
    for path, command in commands:
        assert command.help and len(command.help) > 20, path
        assert run(*path, "--help").output.startswith("Usage:")
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (path, param.name)


def test_python_dash_m_works():
    result = subprocess.run(
        [sys.executable, "-m", "hrd_coder", "--help"], capture_output=True, text=True, check=True
    )
    assert "Code interviews and case histories" in result.stdout


def test_status_json_gives_integer_counts(mini_root: Path):
    run("-p", str(mini_root), "import")
    data = json.loads(run("-p", str(mini_root), "status", "--format", "json").output)
    counts = {k: data[k] for k in ("documents", "cases", "codes", "codings", "coders")}
    assert counts == {"documents": 3, "cases": 2, "codes": 4, "codings": 0, "coders": 0}


def test_without_a_command_the_workbench_opens():
    assert main.invoke_without_command
    assert "Open the coding workbench" in run("code", "--help").output
    result = run("code", "--coder", "two words", ok=False)
    assert result.exit_code == 2 and "coder name 'two words' is not valid" in result.output


def test_import_twice_reports_nothing_to_do(mini_root: Path):
    assert (
        "added: 1 codebook, 4 codes, 2 cases, 3 documents"
        in run("-p", str(mini_root), "import").output
    )
    assert run("-p", str(mini_root), "import").output.startswith("Nothing to import")


def test_codebook_check_lists_every_problem_with_its_line(tmp_path: Path):
    path = write(
        tmp_path / "broken.yaml",
        'name: t\nversion: "1"\ncase_groups: {a: b}\ncodes:\n'
        "  - id: a\n    label: A\n    defintion: d\n    hotkey: x\n"
        "  - id: b\n    label: B\n    definition: d\n    hotkey: x\n    color: red\n",
    )
    result = run("codebook", "check", str(path), ok=False)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert [line.split(":")[1] for line in lines[:-1]] == ["5", "7", "12", "13"]
    assert lines[-1] == "4 problems found; nothing was written."


def test_codebook_check_of_a_good_file(mini_root: Path):
    output = run("codebook", "check", str(mini_root / "codebook.yaml")).output
    assert ": ok — Mini study 1, 4 codes, hash " in output


def test_codebook_check_follows_project(mini_root: Path):
    output = run("-p", str(mini_root), "codebook", "check").output
    assert output.startswith(f"{mini_root / 'codebook.yaml'}: ok — Mini study 1")


def test_outside_a_project_the_error_says_what_to_do(tmp_path: Path):
    result = run("-p", str(tmp_path), "status", ok=False)
    assert result.exit_code == 2
    assert "no codebook.yaml in" in result.output and "hrd-coder init DIR" in result.output


def test_init_creates_a_project_that_imports(tmp_path: Path):
    target = tmp_path / "study"
    run("init", str(target), "--name", "My study")
    assert (
        ": ok — My study 0.1, 1 codes"
        in run("codebook", "check", str(target / "codebook.yaml")).output
    )
    assert "added: 1 codebook, 1 code" in run("-p", str(target), "import").output
    again = run("init", str(target), ok=False)
    assert again.exit_code == 2 and "already holds a codebook.yaml" in again.output


def test_init_writes_a_starter_analysis_that_a_new_study_can_run(tmp_path: Path):
    """Issue 15, first run: init writes a commented analysis.yaml that checks against the
    codebook it wrote; `report` on no cases says what to do (it raised a KeyError), and
    runs once there are cases; the comments point to `hrd-coder docs`, which has the page."""
    target = tmp_path / "study"
    run("init", str(target))
    analysis = (target / "analysis.yaml").read_text(encoding="utf-8")
    assert analysis.startswith("# The survival designs: `hrd-coder docs analysis`")
    codebook = (target / "codebook.yaml").read_text(encoding="utf-8")
    assert codebook.startswith("# The codebook: `hrd-coder docs codebook`")
    for page in ("analysis", "codebook"):
        assert run("docs", page).output.startswith("# ")
    run("-p", str(target), "import")
    empty = run("-p", str(target), "report", "featured_vs_comparison", ok=False)
    assert empty.exit_code == 2 and "Traceback" not in empty.output
    assert "design 'featured_vs_comparison' has no cases" in empty.output
    assert "add case files under cases/" in empty.output

    for number, (group, released, kind) in enumerate(
        [
            ("featured", "2016-02-18", "pardon"),
            ("featured", "2016-09-30", "amnesty"),
            ("featured", "null", "null"),
            ("comparison", "2017-03-01", "sentence_completed"),
            ("comparison", "null", "null"),
            ("comparison", "null", "null"),
        ],
        start=1,
    ):
        write(
            target / "cases" / f"c{number:02}.md",
            f"---\nid: c{number:02}\nname: Person {number}\ncountry: Vedoria\n"
            f"groups: [{group}]\ndetained_on: 2013-01-0{number}\nreleased_on: {released}\n"
            f"release_type: {kind}\ncensored_on: null\n---\nA case history.\n",
        )
    run("-p", str(target), "import")
    report = run("-p", str(target), "report", "featured_vs_comparison")
    assert "featured_vs_comparison" in report.output and "log-rank" in report.output.lower()
    again = run("init", str(target), ok=False)  # never overwrites
    assert again.exit_code == 2
    assert (target / "analysis.yaml").read_text(encoding="utf-8") == analysis


def test_add_list_and_remove_codings(mini_root: Path):
    project = ("-p", str(mini_root))
    run(*project, "import")
    added = run(
        *project,
        "codings",
        "add",
        "int01",
        "mobilizing.ngos",
        "0",
        "11",
        "--coder",
        "lena",
        "--case",
        "c01",
    ).output
    assert added.startswith("saved coding ") and '"INTERVIEWER"' in added
    table = run(*project, "codings", "list", "--with-quotes").output
    assert "mobilizing.ngos" in table and "INTERVIEWER" in table and "(1 coding)" in table
    rows = list(
        csv.DictReader(io.StringIO(run(*project, "codings", "list", "--format", "csv").output))
    )
    assert [(r["document"], r["code"], r["start"], r["end"], r["case"]) for r in rows] == [
        ("int01", "mobilizing.ngos", "0", "11", "c01")
    ]
    assert "quote" not in rows[0]  # quotes only on request: transcripts are confidential
    listed = json.loads(
        run(*project, "codings", "list", "--format", "json", "--with-quotes").output
    )
    assert listed[0]["quote"] == "INTERVIEWER"
    assert run(*project, "codings", "list", "--coder", "tomas").output.endswith("(0 codings)\n")
    run(*project, "codings", "remove", rows[0]["id"], "--coder", "lena")
    assert json.loads(run(*project, "codings", "list", "--format", "json").output) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("codings", "add", "int01", "nope", "0", "5", "--coder", "lena"), "no code 'nope'"),
        (("codings", "add", "int01", "release", "9", "3", "--coder", "lena"), "span [9, 3)"),
        (("codings", "remove", "missing-id", "--coder", "lena"), "no coding with id 'missing-id'"),
        (("codings", "load", "missing.csv"), "missing.csv: file not found"),
    ],
)
def test_user_errors_exit_with_code_2_and_no_traceback(mini_root: Path, args, message):
    run("-p", str(mini_root), "import")
    result = run("-p", str(mini_root), *args, ok=False)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_codings_load_reports_problems_and_exits_2(mini_root: Path, tmp_path: Path):
    run("-p", str(mini_root), "import")
    path = write(tmp_path / "bad.csv", "document,coder,code,quote\nint01,lena,release,zzz\n")
    result = run("-p", str(mini_root), "codings", "load", str(path), ok=False)
    assert result.exit_code == 2
    assert f"{path}:2: quote not found in document 'int01'" in result.output
    assert result.output.endswith("1 problem found; nothing was written.\n")


def test_a_broken_case_file_stops_import_with_located_problems(mini_root: Path):
    (mini_root / "cases" / "c02.md").write_text(
        "---\nid: c02\nname: B\ncountry: V\ngroups: [famous]\ndetained_on: 2015-02-30\n---\n"
    )
    result = run("-p", str(mini_root), "import", ok=False)
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "cases/c02.md:5:9: group 'famous' is not declared in the codebook — use one of: "
        "featured, comparison (or add it under 'case_groups:' in codebook.yaml)",
        "cases/c02.md:6:14: detained_on: '2015-02-30' is not a real date (day is out of range "
        "for month) — check the day and month",
    ]


def test_survival_and_km_on_any_csv(tmp_path: Path):
    from lifelines.datasets import load_rossi, load_waltons

    rossi, waltons = tmp_path / "rossi.csv", tmp_path / "waltons.csv"
    load_rossi().to_csv(rossi, index=False)
    load_waltons().to_csv(waltons, index=False)
    fit = json.loads(
        run(
            "survival",
            "--data",
            str(rossi),
            "--duration",
            "week",
            "--event",
            "arrest",
            "--covariates",
            "fin,age,prio",
            "--format",
            "json",
        ).output
    )
    assert set(fit["coefficients"]) == {"fin", "age", "prio"}
    assert {"coef", "se", "p", "hr"} <= set(fit["coefficients"]["fin"])
    assert 0.5 < fit["concordance"] < 1 and fit["log_likelihood"] < 0
    assert set(fit["ph_test"]) == {"fin", "age", "prio"}
    curves = json.loads(
        run(
            "km",
            "--data",
            str(waltons),
            "--duration",
            "T",
            "--event",
            "E",
            "--group",
            "group",
            "--format",
            "json",
        ).output
    )
    assert set(curves["groups"]) == {"control", "miR-137"}
    assert curves["groups"]["miR-137"]["median"] == 26.0
    assert curves["logrank"]["p"] < 1e-10
    bad = run(
        "km", "--data", str(waltons), "--duration", "T", "--event", "E", "--group", "grup", ok=False
    )
    assert bad.exit_code == 2 and "did you mean 'group'?" in bad.output


def test_import_help_shows_the_fuzzy_threshold_re_anchoring_uses() -> None:
    from hrd_coder.sources.anchoring import FUZZY_THRESHOLD

    shown = CliRunner().invoke(main, ["import", "--help"]).output
    assert f"default: ({FUZZY_THRESHOLD})" in shown  # click brackets a written default
