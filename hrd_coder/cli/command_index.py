"""Every top-level command's name, the module that defines it and its one-line help.

`hrd-coder --help` lists the commands from here, and a command's module is imported only
when that command runs, so `hrd-coder status` does not pay for importing the analysis,
interop or workbench commands (issue 15). This is the one place to add a top-level command:
define it in its module with `@main.command()` or `@main.group()`, then add its line here
(tests/test_command_index.py fails, naming the command, until the two agree). A module
that adds subcommands to another module's group is named in that group's line.
"""

from __future__ import annotations

from typing import NamedTuple


class IndexedCommand(NamedTuple):
    """Where a command lives (a module of hrd_coder/cli/), its help's first sentence, and
    any other modules that add subcommands to it (all imported before it runs)."""

    module: str
    summary: str
    subcommands_from: tuple[str, ...] = ()

    def modules(self) -> tuple[str, ...]:
        """Every module to import for this command, its own first."""
        return (self.module, *self.subcommands_from)


COMMANDS: dict[str, IndexedCommand] = {
    "adjudicate": IndexedCommand(
        "consensus",
        "The adjudication queue: list disagreements, decide them (builds consensus).",
    ),
    "agreement": IndexedCommand(
        "agreement",
        "Agreement between coders: alpha, kappas, AC1, pi or percent, with intervals.",
    ),
    "assign": IndexedCommand(
        "coverage", "Give CODER the DOCUMENTS to code (lead only once roles are given)."
    ),
    "code": IndexedCommand(
        "workbench",
        "Open the coding workbench, the terminal app (also: hrd-coder with no command).",
    ),
    "codebook": IndexedCommand(
        "codebook",
        "Check the codebook (codebook.yaml); rename, merge and split codes with their codings.",
    ),
    "codings": IndexedCommand("project", "List, load, add and remove codings."),
    "consensus": IndexedCommand(
        "consensus",
        "The consensus layer: how complete it is, and rebuilding it from the layers.",
    ),
    # click ends the first sentence at "e.g." (the real help goes on).
    "docs": IndexedCommand("workbench", "Print the user guide's PAGE (e.g."),
    "done": IndexedCommand(
        "coverage", 'Mark DOCUMENTS as coded in full: blank units there then count as "absent".'
    ),
    "explain": IndexedCommand(
        "analysis",
        "Show the codings behind the value of case VARIABLE for CASE, with their quotes.",
    ),
    "export": IndexedCommand(
        "exports",
        "Write project data out for Stata, R or pandas.",
        subcommands_from=("interop",),  # export qdc, export qdpx
    ),
    "import": IndexedCommand(
        "project",
        "Check and import codebook, cases and transcripts (running it twice changes nothing).",
    ),
    "import-qdc": IndexedCommand(
        "interop",
        "Add the codes of a REFI-QDA .qdc FILE to this project (or a new one with --into).",
    ),
    "import-qdpx": IndexedCommand(
        "interop",
        "Bring a REFI-QDA .qdpx FILE into this project (or a new one with --into).",
    ),
    "init": IndexedCommand("workbench", "Create a new, empty project in DIRECTORY."),
    "km": IndexedCommand(
        "analysis", "Kaplan-Meier medians per group and the log-rank test, on any CSV."
    ),
    "log": IndexedCommand(
        "team", "Show the event log: every change, who made it and when, oldest first."
    ),
    "media": IndexedCommand(
        "media", "Media items (news articles, press releases, statements) in media/."
    ),
    "merge": IndexedCommand(
        "team",
        "Merge OTHER (a copy's .hrd_coder/project.sqlite, or a URL) into this database.",
    ),
    "report": IndexedCommand(
        "analysis",
        "Kaplan-Meier, log-rank, Cox model and PH checks for DESIGN of analysis.yaml.",
    ),
    "sample": IndexedCommand(
        "samples",
        "Double-coding samples: assign documents to a coder (the default), list, clear.",
    ),
    "setting": IndexedCommand(
        "coverage", "Show or set a project setting: agreement_coverage (done | any_coding)."
    ),
    "status": IndexedCommand(
        "project",
        "Count documents (by kind), cases, codes, codings and coders; list files changed on disk.",
    ),
    "suggest": IndexedCommand(
        "suggest",
        "Machine suggestions in their own layer model:RUN, validated against the humans.",
    ),
    "survival": IndexedCommand(
        "analysis",
        "Fit a Cox proportional-hazards model to any CSV, with the PH test per covariate.",
    ),
    "team": IndexedCommand(
        "team", "Roles and blind coding: who sees which layers (see docs/teams.md)."
    ),
    "whoami": IndexedCommand(
        "workbench", "Say who you are in this project, and where that name comes from."
    ),
}
