"""The command index (cli/command_index.py) agrees with the commands themselves, and
`hrd-coder --help` lists them all without importing their modules (issue 15)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from hrd_coder.cli import main
from hrd_coder.cli.command_index import COMMANDS

CLI = Path(__file__).resolve().parents[1] / "hrd_coder" / "cli"

HELP_BEFORE_AND_AFTER_LOADING = """
import sys
from click.testing import CliRunner
from hrd_coder.cli import main
lazy = CliRunner().invoke(main, ["--help"], terminal_width=100).output
loaded = sorted(m for m in sys.modules if m.startswith("hrd_coder.cli."))
main.every_command()
eager = CliRunner().invoke(main, ["--help"], terminal_width=100).output
print("SAME" if lazy == eager else "DIFFERENT\\n" + lazy + "\\n----\\n" + eager)
print("LOADED:", ",".join(loaded))
"""


def defined_commands() -> dict[str, object]:
    """The commands every module of cli/ registers on `main`, found by importing them all."""
    for module in sorted(CLI.glob("*.py")):
        importlib.import_module(f"hrd_coder.cli.{module.stem}")
    return dict(main.commands)


def test_every_command_is_in_the_index():
    missing = sorted(defined_commands().keys() - COMMANDS.keys())
    assert not missing, f"add {missing} to hrd_coder/cli/command_index.py"


def test_every_indexed_command_exists():
    stale = sorted(COMMANDS.keys() - defined_commands().keys())
    assert not stale, f"{stale} in hrd_coder/cli/command_index.py is defined nowhere"


def test_the_index_names_each_command_module_and_help():
    for name, command in defined_commands().items():
        indexed = COMMANDS[name]
        assert command.callback.__module__ == f"hrd_coder.cli.{indexed.module}", name
        summary = command.get_short_help_str(limit=10_000)
        assert indexed.summary == summary, f"{name}: the index says {indexed.summary!r}"


def subcommand_modules(group: click.Group) -> Iterator[tuple[str, str]]:
    """(subcommand name, the module defining it), at every depth below `group`."""
    for name, command in group.commands.items():
        yield name, command.callback.__module__.rsplit(".", 1)[1]
        if isinstance(command, click.Group):
            yield from subcommand_modules(command)


def test_the_index_names_every_module_that_adds_a_subcommand():
    for name, command in defined_commands().items():
        if isinstance(command, click.Group):
            for subcommand, module in subcommand_modules(command):
                assert module in COMMANDS[name].modules(), (
                    f"{name} {subcommand} is defined in cli/{module}.py: add "
                    f"subcommands_from=({module!r},) to {name!r} in cli/command_index.py"
                )


def test_help_lists_every_command_as_the_commands_would_without_importing_them():
    done = subprocess.run(
        [sys.executable, "-c", HELP_BEFORE_AND_AFTER_LOADING],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("SAME"), done.stdout
    loaded = done.stdout.rsplit("LOADED:", 1)[1].split()
    assert loaded == ["hrd_coder.cli.base,hrd_coder.cli.command_index"]


def test_a_command_runs_from_the_index_and_an_unknown_one_is_refused():
    from click.testing import CliRunner

    assert "Usage: main docs" in CliRunner().invoke(main, ["docs", "--help"]).output
    assert (
        "Usage: main export qdpx" in CliRunner().invoke(main, ["export", "qdpx", "--help"]).output
    )
    refused = CliRunner().invoke(main, ["stauts"])
    assert refused.exit_code == 2
    assert "No such command 'stauts'" in refused.output
