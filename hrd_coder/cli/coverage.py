"""Who coded what: `done` (a coder finished a document), `assign` (documents to code) and
`setting` (the project's coverage rule). See docs/agreement.md, "Who coded what"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from hrd_coder.cli.base import main, open_project, reports_errors
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.services import Project


def _coder(project: Project, coder: str | None) -> str:
    from hrd_coder.problems import ProjectError

    name = coder or project.viewer
    if not name:
        raise ProjectError(
            "say whose documents these are: --coder NAME (or $HRD_CODER_CODER, or "
            "'hrd-coder whoami --set NAME')"
        )
    return name


@main.command()
@click.argument("documents", nargs=-1)
@click.option("--coder", help="Whose mark (default: who you are, see 'hrd-coder whoami').")
@click.option("--undo", is_flag=True, help="Take the mark back: the documents are not done.")
@click.option(
    "--all-coded", is_flag=True, help="Every document the coder has a coding in (none listed)."
)
@click.pass_context
@reports_errors
def done(
    ctx: click.Context, documents: tuple[str, ...], coder: str | None, undo: bool, all_coded: bool
) -> None:
    """Mark DOCUMENTS as coded in full: blank units there then count as "absent"."""
    from hrd_coder.problems import ProjectError

    project = open_project(ctx)
    name = _coder(project, coder)
    if all_coded == bool(documents):
        raise ProjectError("name the documents, or give --all-coded (not both)")
    if all_coded:
        documents = tuple(sorted(project.coverage().coded.get(name, ())))
    changed = project.mark_done(list(documents), coder=name, undo=undo)
    state = "not done" if undo else "done"
    click.echo(f"{plural(len(changed), 'document')} marked {state} by {name}" + _listed(changed))


def _listed(documents: list[str]) -> str:
    return f": {', '.join(documents)}" if documents else " (no change)"


@main.command()
@click.argument("coder")
@click.argument("documents", nargs=-1, required=True)
@click.option("--undo", is_flag=True, help="Take the documents back from the coder.")
@click.pass_context
@reports_errors
def assign(ctx: click.Context, coder: str, documents: tuple[str, ...], undo: bool) -> None:
    """Give CODER the DOCUMENTS to code (lead only once roles are given)."""
    changed = open_project(ctx).assign(coder, list(documents), undo=undo)
    verb = "taken from" if undo else "assigned to"
    click.echo(f"{plural(len(changed), 'document')} {verb} {coder}" + _listed(changed))


@main.command()
@click.argument("name", type=click.Choice(["agreement_coverage"]))
@click.argument("value", required=False)
@click.pass_context
@reports_errors
def setting(ctx: click.Context, name: str, value: str | None) -> None:
    """Show or set a project setting: agreement_coverage (done | any_coding)."""
    project = open_project(ctx)
    if value is None:
        click.echo(f"{name} = {project.coverage().rule}")
        return
    before = project.set_coverage_rule(value)
    click.echo(f"{name} = {value} (was {before})")


def print_coverage(coverage: Any, coders: list[str] | None = None) -> None:
    """The coverage rule and, per coder, documents assigned, done, not done and stray."""
    click.echo(f"coverage  {coverage.rule_in_words()}")
    for coder in coders or coverage.coders:
        counts = coverage.summary(coder)
        line = f"  {coder}: {counts['done']} done"
        if not coverage.everyone_assigned:
            line += f", {counts['not_done']} assigned and not done"
        if counts["waiting"]:
            line += (
                f"; codings in {plural(counts['waiting'], 'document')} wait for 'hrd-coder done'"
            )
        if counts["stray"]:
            line += f" ({counts['stray']} neither assigned nor done: stray)"
        click.echo(line)
