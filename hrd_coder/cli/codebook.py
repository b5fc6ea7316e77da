"""Commands on the codebook: check it; rename, merge and split codes after coding started."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hrd_coder.cli.base import main, open_project, reports_errors, short
from hrd_coder.problems import ProjectError
from hrd_coder.wording import plural


@main.group()
def codebook() -> None:
    """Check the codebook (codebook.yaml); rename, merge and split codes with their codings."""


@codebook.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def codebook_check(ctx: click.Context, path: Path | None) -> None:
    """Check PATH (default: the project's codebook.yaml, and then the project's case,
    transcript and media files against it) and list every problem."""
    from hrd_coder.codebook import load_codebook
    from hrd_coder.problems import InvalidInput
    from hrd_coder.services.project import CODEBOOK_FILE, find_project_root, with_file_problems
    from hrd_coder.sources.project_files import read_project_files

    if path is not None:
        book = load_codebook(path)
    else:  # no database needed: the project is found as every command finds it (--project)
        root = find_project_root(ctx.find_root().params.get("project") or Path("."))
        path = root / CODEBOOK_FILE
        try:
            book = load_codebook(path)
        except InvalidInput as error:
            raise with_file_problems(root, error) from None
        read_project_files(root, book)
    click.echo(
        f"{path}: ok — {book.name} {book.version}, {len(book.codes)} codes, hash {book.hash[:12]}"
    )


@codebook.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
@reports_errors
def codebook_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename code OLD to NEW (children OLD.x too) in codebook.yaml and every coding."""
    _print_change(open_project(ctx).rename_code(old, new))


@codebook.command("merge")
@click.argument("codes", nargs=-1, required=True, metavar="SOURCE... INTO TARGET")
@click.pass_context
@reports_errors
def codebook_merge(ctx: click.Context, codes: tuple[str, ...]) -> None:
    """Move every coding of the SOURCE codes to TARGET and drop the sources."""
    if len(codes) < 3 or codes[-2] != "INTO":
        raise ProjectError(
            "write the codes to merge, then INTO and the code to keep, e.g. "
            "'hrd-coder codebook merge mobilizing.ngos mobilizing.un INTO mobilizing'"
        )
    _print_change(open_project(ctx).merge_codes(list(codes[:-2]), codes[-1]))


@codebook.command("split")
@click.argument("code")
@click.option("--into", "into", required=True, help="The new codes, separated by spaces or commas.")
@click.option("--default", help="The new code for codings the --file does not name.")
@click.option(
    "--file",
    "choices_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV with columns coding_id,new_code: the new code of each coding.",
)
@click.pass_context
@reports_errors
def codebook_split(
    ctx: click.Context, code: str, into: str, default: str | None, choices_file: Path | None
) -> None:
    """Split CODE into new codes (already written into codebook.yaml); drop CODE.

    Each coding needs its new code: from --file (make it with 'hrd-coder codings list
    --code CODE --format csv --with-quotes' and add a new_code column), or --default for
    the rest, which are then listed for review.
    """
    new_codes = [c for c in into.replace(",", " ").split() if c]
    if len(new_codes) < 2:
        raise ProjectError("--into needs at least two codes, e.g. --into rep.public rep.private")
    if default is None and choices_file is None:
        raise ProjectError("say where each coding goes: give --file CSV, --default CODE, or both")
    from hrd_coder.services import Project

    choices = Project.read_split_choices(choices_file) if choices_file else {}
    _print_change(open_project(ctx).split_code(code, new_codes, default, choices))


def _print_change(change: Any) -> None:
    moves = ", ".join(f"{old} → {new.replace('|', ' / ')}" for old, new in change.moves.items())
    click.echo(
        f"{change.operation}: {moves}; {plural(change.codings, 'coding')}, "
        f"{plural(change.orphans, 'orphaned coding')} and "
        f"{plural(change.decisions, 'decision')} moved"
    )
    click.echo("codebook.yaml updated" if change.yaml_edited else "codebook.yaml already agreed")
    if change.to_review:
        click.echo(f"{plural(len(change.to_review), 'coding')} took the default code; review them:")
    for coding in change.to_review:
        where = f"{coding.document_id} [{coding.start}, {coding.end})"
        click.echo(f'  {coding.id} {where} "{short(coding.quote)}"')
