"""REFI-QDA exchange: `export qdc|qdpx`, `import-qdc` and `import-qdpx`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from hrd_coder.cli.base import main, open_project, reports_errors
from hrd_coder.cli.exports import export
from hrd_coder.wording import plural

OUT_OPTION = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
INTO_OPTION = click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="Create a new project in this (new or empty) folder instead of merging into "
    "the current project.",
)

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the import report: lines of text, or one JSON object "
    "(root, status, warnings, not_imported).",
)
UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3}


class Size(click.ParamType):
    """A number of bytes, optionally with a K, M or G suffix (binary: 1K = 1024)."""

    name = "size"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        text = str(value).strip().upper().removesuffix("B")
        factor = UNITS.get(text[-1:], 1)
        number = text[:-1] if text[-1:] in UNITS else text
        try:
            size = int(float(number) * factor)
        except ValueError:
            self.fail(f"{value!r} is not a size; write e.g. 2G, 800M or 1048576", param, ctx)
        if size <= 0:
            self.fail(f"{value!r}: a size must be more than 0", param, ctx)
        return size


@export.command("qdc")
@OUT_OPTION
@click.pass_context
@reports_errors
def export_qdc(ctx: click.Context, out: Path | None) -> None:
    """Write the codebook as a REFI-QDA .qdc file (default: <project>.qdc)."""
    _print_export(open_project(ctx).export_qdc(out))


@export.command("qdpx")
@OUT_OPTION
@click.pass_context
@reports_errors
def export_qdpx(ctx: click.Context, out: Path | None) -> None:
    """Write the project (codes, documents, cases, codings, memos) as a REFI-QDA .qdpx."""
    _print_export(open_project(ctx).export_qdpx(out))


def _print_export(outcome: Any) -> None:
    click.echo(f"wrote {outcome.path}")
    for line in outcome.lines():
        click.echo(line)


@main.command("import-qdc")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@INTO_OPTION
@click.option(
    "--max-bytes",
    type=Size(),
    help="Refuse a file larger than this (e.g. 512M; default 256M).",
)
@FORMAT_OPTION
@click.pass_context
@reports_errors
def import_qdc(
    ctx: click.Context, file: Path, into: Path | None, max_bytes: int | None, fmt: str
) -> None:
    """Add the codes of a REFI-QDA .qdc FILE to this project (or a new one with --into)."""
    _print(_bring_in(ctx, "qdc", file, into, max_bytes=max_bytes), fmt)


@main.command("import-qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@INTO_OPTION
@click.option(
    "--max-bytes",
    type=Size(),
    help="Refuse an archive larger than this, packed, unpacked or per entry "
    "(e.g. 2G; default 500M packed, 1G unpacked, 256M per entry).",
)
@click.option(
    "--max-entries",
    type=click.IntRange(min=1),
    help="Refuse an archive with more entries than this (default 20000).",
)
@click.option(
    "--max-ratio",
    type=click.IntRange(min=1),
    help="Refuse an entry over 1 MB compressed more than this many times, as zip bombs "
    "are (default 200).",
)
@click.option(
    "--base",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The only folder relative:// texts are read from (default: the folder FILE is "
    "in). The file's own basePath is never used.",
)
@FORMAT_OPTION
@click.pass_context
@reports_errors
def import_qdpx(
    ctx: click.Context,
    file: Path,
    into: Path | None,
    max_bytes: int | None,
    max_entries: int | None,
    max_ratio: int | None,
    base: Path | None,
    fmt: str,
) -> None:
    """Bring a REFI-QDA .qdpx FILE into this project (or a new one with --into)."""
    options = {"max_bytes": max_bytes, "max_entries": max_entries, "max_ratio": max_ratio}
    _print(_bring_in(ctx, "qdpx", file, into, base=base, **options), fmt)


def _bring_in(ctx: click.Context, kind: str, file: Path, into: Path | None, **options: Any) -> Any:
    """Into a new project in the folder `into`, or merged into the current project."""
    from hrd_coder.services import Project

    if into is not None:
        db_url = ctx.find_root().params.get("db")
        new = Project.new_from_qdpx if kind == "qdpx" else Project.new_from_qdc
        return new(file, into, db_url=db_url, **options)
    project = open_project(ctx)
    return (project.import_qdpx if kind == "qdpx" else project.import_qdc)(file, **options)


def _print(outcome: Any, fmt: str) -> None:
    status = outcome.status
    if fmt == "json":
        data = {"root": str(outcome.root), "status": status.as_json()}
        click.echo(json.dumps(data | outcome.report.as_json(), indent=2, ensure_ascii=False))
        return
    click.echo(
        f"imported into {outcome.root}: {status.documents} documents, {status.cases} cases, "
        f"{status.codes} codes, {status.codings} codings by {plural(status.coders, 'coder')}"
    )
    for line in outcome.report.lines():
        click.echo(line)
