"""How `km`, `survival` and `report` print survival results as text (`--format table`).

Medians read as days ("622 days", "not reached"), p-values as "0.042", "<0.001" or
"cannot test", and a figure without a finite value as "—": no None or NaN reaches the
terminal raw.
"""

from __future__ import annotations

from typing import Any

import click

from hrd_coder.analysis.ph_test import format_p
from hrd_coder.analysis.result_text import days_text, figure_text, p_text
from hrd_coder.cli.base import print_rows

KM_COLUMNS = ["group", "n", "events", "median", "median_low", "median_high"]
COX_COLUMNS = ["covariate", "coef", "se", "hr", "hr_low", "hr_high", "p"]


def print_km(result: dict[str, Any]) -> None:
    """Kaplan–Meier medians per group, the log-rank test and the notes."""
    _print_rows_chosen(result)
    print_groups(result["groups"])
    print_logrank(result["logrank"])
    print_notes(result["notes"])


def print_survival(result: dict[str, Any]) -> None:
    """The Cox model's table, its fit, the proportional-hazards verdicts and the notes."""
    from hrd_coder.analysis.cox import OPTIMISER_WORDS

    _print_rows_chosen(result)
    print_cox(result["coefficients"], COX_COLUMNS)
    click.echo(
        f"n {result['n']}, events {result['events']}, concordance "
        f"{figure_text(result['concordance'])}, log-likelihood "
        f"{figure_text(result['log_likelihood'], 2)} ({result['engine']}, {result['ties']} "
        f"ties, {OPTIMISER_WORDS[result['optimiser']]})"
    )
    checks = {**result["ph_test"], "overall": result["ph_overall"]}
    for name, check in checks.items():
        if check:
            click.echo(f"PH {name}: {check['verdict']}")
    print_notes(result["notes"])


def print_groups(groups: dict[str, dict[str, Any]]) -> None:
    """One row per group: n, events, the median in days and its 95% interval."""
    rows = [
        {
            "group": name,
            "n": values["n"],
            "events": values["events"],
            **{key: days_text(values[key]) for key in KM_COLUMNS[3:]},
        }
        for name, values in groups.items()
    ]
    print_rows(rows, "table", KM_COLUMNS)


def print_logrank(logrank: dict[str, Any] | None) -> None:
    """The log-rank line, if there is a test."""
    if logrank:
        click.echo(
            f"log-rank chi-square {figure_text(logrank['statistic'])} on {logrank['df']} df, "
            f"{format_p(logrank['p'])}"
        )


def print_cox(coefficients: dict[str, dict[str, Any]], columns: list[str]) -> None:
    """One row per covariate with the asked columns (hazard ratios to 3 decimals)."""
    rows = [
        {
            "covariate": name,
            **{key: figure_text(value) for key, value in values.items() if key != "p"},
            "p": p_text(values["p"]),
        }
        for name, values in coefficients.items()
    ]
    print_rows(rows, "table", columns)


def print_notes(notes: list[str]) -> None:
    """Each note on its own line."""
    for note in notes:
        click.echo(f"note: {note}")


def _print_rows_chosen(result: dict[str, Any]) -> None:
    if result["design"] is None and not result["where"]:
        return
    chosen = [f"design {result['design']}"] if result["design"] else []
    chosen += [f"where {expression}" for expression in result["where"]]
    n = sum(g["n"] for g in result["groups"].values()) if "groups" in result else result["n"]
    click.echo(f"{n} of {result['rows_in_file']} rows of {result['file']} ({', '.join(chosen)})")
