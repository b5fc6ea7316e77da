"""Media items: `media import` (a CSV list of articles) and `media timeline` (one case)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from hrd_coder.cli.base import main, open_project, print_table, reports_errors, short
from hrd_coder.safe_text import safe_text
from hrd_coder.wording import plural

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


@main.group()
def media() -> None:
    """Media items (news articles, press releases, statements) in media/."""


@media.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check the list and say which files would be written."
)
@click.option(
    "--allow-outside",
    "allow_outside",
    multiple=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also read 'path' files from this folder (repeat for more); without it, paths "
    "must lead (after symlinks) into the CSV's own folder.",
)
@FORMAT_OPTION
@click.pass_context
@reports_errors
def media_import(
    ctx: click.Context, file: Path, dry_run: bool, allow_outside: tuple[Path, ...], fmt: str
) -> None:
    """Write media/ID.md for each new article of a CSV list, then import the project.

    Columns: date, outlet, outlet_type, title, and text (or path to a text file); optional
    id, cases (ids separated by ';'), url, source, language, notes. Articles already in
    media/ or repeated in the list are skipped (see docs/media.md).
    """
    report = open_project(ctx).import_media(file, dry_run=dry_run, allow_outside=allow_outside)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        return
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{verb} {plural(len(report.written), 'media file')}, skipped {len(report.skipped)}")
    for where in report.written:
        click.echo(f"  {safe_text(where)}")
    for reason in report.skipped:
        click.echo(f"  {safe_text(reason)}")
    if report.imported is not None:
        added = report.imported.added.get("document", 0)
        click.echo(f"imported: {plural(added, 'document')} added")


@media.command("timeline")
@click.argument("case")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the timeline (articles per week, key dates marked) into this .png/.svg.",
)
@FORMAT_OPTION
@click.pass_context
@reports_errors
def media_timeline(ctx: click.Context, case: str, out: Path | None, fmt: str) -> None:
    """The media items mentioning CASE, by date, with its campaign, feature and release dates."""
    found = open_project(ctx).media_timeline(case)
    if out is not None:
        from hrd_coder.analysis.timeline_plot import timeline_plot

        out = timeline_plot(found, out)
    if fmt == "json":
        data = found.as_json()
        data["figure"] = str(out) if out else None
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{found.case.id} {short(found.case.name)}: {plural(len(found.articles), 'media item')}"
    )
    if found.marks:
        click.echo("dates: " + ", ".join(f"{what} {day}" for what, day in found.marks))
    if found.articles:
        rows = [
            {
                "date": a.written,
                "id": a.id,
                "outlet": a.outlet,
                "type": a.outlet_type,
                "title": a.title,
            }
            for a in found.articles
        ]
        print_table(rows, ["date", "id", "outlet", "type", "title"], noun="item")
    if out is not None:
        click.echo(f"figure: {out}")
