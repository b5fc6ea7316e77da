"""The case table written out for Stata, R or pandas, with a JSON data dictionary beside it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from hrd_coder.analysis.case_variables import CaseVariables, Variable
from hrd_coder.analysis.designs import DURATION, ENTRY, EVENT, Design
from hrd_coder.analysis.stata_names import stata_name, unique_names
from hrd_coder.spreadsheet_cells import neutralise_frame
from hrd_coder.whole_file import writing_all_whole, writing_whole

if TYPE_CHECKING:
    import pandas as pd

FORMATS = {"csv": ".csv", "parquet": ".parquet", "stata": ".dta", "json": ".json"}
STATA_LABEL_LENGTH = 80
OUTCOMES = {
    DURATION: ("_days", "days from the origin to release or end of follow-up", "int"),
    EVENT: ("_event", "1 if released (a release type counted as event), 0 if censored", "int"),
    ENTRY: ("_entry", "days from detention to the campaign date (delayed entry)", "int"),
}


def with_outcomes(found: CaseVariables, outcomes: Mapping[str, pd.DataFrame]) -> CaseVariables:
    """Add each design's days, event (and entry) as columns; empty for cases outside it."""
    table = found.table.copy()
    wanted, sources = [], []
    for design, survival in outcomes.items():
        for column, (suffix, label, kind) in OUTCOMES.items():
            if column in survival.columns:
                wanted.append((design, suffix))
                sources.append((design, survival.set_index("id")[column], label, kind))
    taken = [(v.name, "") for v in found.variables]
    names = unique_names([*taken, *wanted])[len(taken) :]
    variables = list(found.variables)
    for name, (design, values, label, kind) in zip(names, sources, strict=True):
        column = table[found.variables[0].name].map(values)
        table[name] = column.astype("int64") if column.notna().all() else column.astype(float)
        variables.append(Variable(name, f"{design}: {label}", "outcome", kind, f"design {design}"))
    return replace(found, table=table, variables=tuple(variables))


def outcome_columns(designs: Sequence[Design], header: Sequence[str]) -> dict[str, dict]:
    """Each design's outcome columns in an exported case table: {design: {role: column}}.

    Roles are DURATION, EVENT and (origin detained_on) ENTRY. The names are found again
    the way `with_outcomes` made them, from the columns before the outcomes; when the
    header does not end with those names (the file was exported under another
    analysis.yaml, or edited), each is the plain `<design>_days` form.
    """
    wanted = [
        (design.name, role)
        for design in designs
        for role in OUTCOMES
        if role != ENTRY or design.origin == "detained_on"
    ]
    pairs = [(name, OUTCOMES[role][0]) for name, role in wanted]
    before = [(str(name), "") for name in header[: max(len(header) - len(wanted), 0)]]
    names = unique_names([*before, *pairs])[len(before) :]
    if list(header[len(before) :]) != names:
        names = [stata_name(name, suffix) for name, suffix in pairs]
    found: dict[str, dict] = {}
    for (design, role), name in zip(wanted, names, strict=True):
        found.setdefault(design, {})[role] = name
    return found


def export_cases(
    found: CaseVariables, path: str | Path, fmt: str, raw_cells: bool = False
) -> tuple[Path, Path]:
    """Write the table as csv, parquet, stata (.dta) or json, and PATH.dictionary.json.

    In csv, text cells a spreadsheet would run as formulas are neutralised unless
    `raw_cells` (see `spreadsheet_cells`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    path = Path(path)
    dates = [v.name for v in found.variables if v.type == "date"]
    table = found.table
    dictionary = path.with_name(path.name + ".dictionary.json")
    # Both files whole or neither: each is renamed into place only when both are written.
    with writing_all_whole([path, dictionary]) as (temporary, temporary_dictionary):
        if fmt == "csv":
            shown = table if raw_cells else neutralise_frame(table)
            shown.to_csv(temporary, index=False, date_format="%Y-%m-%d")
        elif fmt == "parquet":
            table.to_parquet(temporary, index=False)
        elif fmt == "json":
            text = json.dumps(_records(table, dates), indent=2, ensure_ascii=False)
            temporary.write_text(text + "\n")
        else:
            _write_stata(found, temporary, dates)
        described = json.dumps(data_dictionary(found, path.name), indent=2)
        temporary_dictionary.write_text(described + "\n")
    return path, dictionary


def data_dictionary(found: CaseVariables, table_name: str) -> dict:
    """Each variable's name, label, type, kind and source rule, with value labels."""
    labels = found.value_labels()
    return {
        "table": table_name,
        "layer": found.layer,
        "variables": [
            {**v.as_dict(), "values": {str(k): t for k, t in labels[v.name].items()}}
            if v.name in labels
            else v.as_dict()
            for v in found.variables
        ],
    }


def _records(table: pd.DataFrame, dates: list[str]) -> list[dict]:
    import pandas as pd

    plain = table.astype(object).where(table.notna(), None)
    for name in dates:
        plain[name] = [
            None if d is None else pd.Timestamp(d).date().isoformat() for d in plain[name]
        ]
    return plain.to_dict("records")


def _write_stata(found: CaseVariables, path: Path, dates: list[str]) -> None:
    table = found.table.copy()
    for v in found.variables:
        if v.type == "text":
            table[v.name] = table[v.name].fillna("").astype(str)
    table.to_stata(
        path,
        write_index=False,
        version=118,  # Unicode text (names with diacritics)
        convert_dates={name: "td" for name in dates},
        variable_labels={v.name: v.label[:STATA_LABEL_LENGTH] for v in found.variables},
        value_labels=found.value_labels(),
    )


def write_table(table: pd.DataFrame, path: str | Path, fmt: str, raw_cells: bool = False) -> Path:
    """Write a plain table (no data dictionary) as csv, parquet, stata or json.

    In csv, text cells a spreadsheet would run as formulas are neutralised unless
    `raw_cells` (see `spreadsheet_cells`).

    For Stata, column names become valid Stata names (see `stata_names`) and text cells
    are never missing (Stata strings cannot be).
    """
    import pandas as pd

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    path = Path(path)
    with writing_whole(path) as temporary:
        if fmt == "csv":
            (table if raw_cells else neutralise_frame(table)).to_csv(temporary, index=False)
        elif fmt == "parquet":
            table.to_parquet(temporary, index=False)
        elif fmt == "json":
            dates = [c for c in table.columns if pd.api.types.is_datetime64_any_dtype(table[c])]
            plain = table.copy()
            for name in dates:
                plain[name] = plain[name].map(lambda t: None if pd.isna(t) else t.isoformat())
            text = json.dumps(_records(plain, []), indent=2, ensure_ascii=False, default=str)
            temporary.write_text(text + "\n")
        else:
            names = unique_names((str(c), "") for c in table.columns)
            stata = table.set_axis(names, axis=1)
            for name in stata.columns:
                if stata[name].dtype == object:
                    stata[name] = stata[name].fillna("").astype(str)
            stata.to_stata(temporary, write_index=False, version=118)
    return path
