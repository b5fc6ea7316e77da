"""`hrd-coder agreement --spans FILE` and `--unitizing`: unitizing agreement on a spans
table or on the project, printed as one JSON object, a CSV of coefficients, or a table with
its notes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from hrd_coder.cli.base import print_rows

COLUMNS = ["coefficient", "category", "value", "ci_low", "ci_high", "coverage"]


def print_unitizing_for_file(
    spans: Path,
    continuum_begin: int,
    continuum_length: int | None,
    lengths: Path | None,
    bootstrap: int,
    seed: int,
    fmt: str,
) -> None:
    """Compute the coefficients of a spans file and print them in the chosen format."""
    from hrd_coder.agreement.spans_file import unitizing_for_file

    result = unitizing_for_file(spans, continuum_length, continuum_begin, lengths, bootstrap, seed)
    print_unitizing(result, fmt)


def print_unitizing(result: dict, fmt: str) -> None:
    """Print unitizing coefficients: one JSON object, or a row per coefficient with notes."""
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    print_rows(coefficient_rows(result), fmt, COLUMNS)
    for note in result["notes"]:  # on stderr for csv, so the table stays one table
        click.echo(f"note: {note}", err=fmt == "csv")


def coefficient_rows(result: dict) -> list[dict]:
    """One row per coefficient (and per category for alpha_U and (k)u-alpha)."""
    intervals = result["intervals"]

    def row(name: str, category: str, value, interval, coverage=None) -> dict:
        return {
            "coefficient": name,
            "category": category,
            "value": value,
            "ci_low": None if interval is None else interval["low"],
            "ci_high": None if interval is None else interval["high"],
            "coverage": coverage,
        }

    rows = [row("alpha_U", "(all)", result["alpha_U"]["overall"], intervals.get("alpha_U"))]
    for category, value in result["alpha_U"]["by_category"].items():
        interval = intervals.get("alpha_U_by_category", {}).get(category)
        rows.append(row("alpha_U", category, value, interval))
    rows.append(row("u_alpha", "(all)", result["u_alpha"], intervals.get("u_alpha")))
    rows.append(
        row("binary_u_alpha", "(all)", result["binary_u_alpha"], intervals.get("binary_u_alpha"))
    )
    rows.append(
        row(
            "cu_alpha",
            "(all)",
            result["cu_alpha"],
            intervals.get("cu_alpha"),
            result["cu_coverage"],
        )
    )
    for category, value in result["k_u_alpha"].items():
        if value is None and result["coverage"][category] is None:
            continue  # the family was left out (a note says why)
        interval = intervals.get("k_u_alpha", {}).get(category)
        rows.append(row("k_u_alpha", category, value, interval, result["coverage"][category]))
    return rows


DOCUMENT_COLUMNS = [
    "document",
    "code",
    "coders",
    "spans",
    "alpha_U",
    "u_alpha",
    "binary_u_alpha",
    "cu_alpha",
    "k_u_alpha",
    "coverage",
]


def unitizing_scope(scope: str) -> str:
    """The --by of unitizing agreement: code and pooled give the one pooled table (alpha_U
    per code and overall); document gives a row per document; the others have no meaning."""
    from hrd_coder.problems import ProjectError

    if scope in ("group", "pair"):
        raise ProjectError(
            f"--by {scope} does not apply to --unitizing: use --by code (or pooled) for the "
            "coefficients over all documents, or --by document for a row per document"
        )
    return scope


def print_unitizing_by_document(rows: list, notes: tuple[str, ...], fmt: str) -> None:
    """A row per document (code "(all)") and per code marked in it, then the notes."""
    shown = [row.as_dict() for row in rows]
    if fmt == "json":
        click.echo(json.dumps({"rows": shown, "notes": list(notes)}, indent=2))
        return
    print_rows(shown, fmt, DOCUMENT_COLUMNS)
    for note in notes:  # on stderr for csv, so the table stays one table
        click.echo(f"note: {note}", err=fmt == "csv")
