"""Case variables: one row per case, its attributes and what the codings of one layer say.

Pure pandas: cases come as a case frame (CASE_COLUMNS, one row per case) or as plain
mappings (the fields of a case file), codings as a DataFrame; the service in
`hrd_coder.services.analysis` loads both from the project.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.stata_names import unique_names
from hrd_coder.problems import ProjectError
from hrd_coder.sources.dates import parse_partial_date

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.codebook import Codebook

DATES = ("detained_on", "featured_on", "released_on", "censored_on")
# A case frame: text columns, `groups` as lists, `covariates` as dicts, each date as its
# first day (datetime64, NaT when not known) with its precision (None when not known).
CASE_COLUMNS = (
    "id",
    "name",
    "country",
    "release_type",
    "groups",
    "covariates",
    *DATES,
    *(f"{key.replace('_on', '')}_precision" for key in DATES),
)
CODING_COLUMNS = ("code_id", "case_id", "document_id", "document_date")
SUFFIXES = {"presence": "", "count": "_n", "first_date": "_first", "strength": "_strength"}
PRESENCE_LABELS = {0: "absent", 1: "present"}
GROUP_LABELS = {0: "no", 1: "yes"}
STRENGTH_LABELS = {0: "not coded", 1: "one document", 2: "two or more documents"}


@dataclass(frozen=True)
class Variable:
    """One column of the case table: its name, label, type and where its values come from.

    `kind` is "attribute", "date", "group", "covariate", or the case_variable rule
    ("presence", "count", "first_date", "strength") for code variables, whose `code` names
    the code.
    """

    name: str
    label: str
    kind: str
    type: str
    source: str
    code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields, for the data dictionary."""
        return asdict(self)


@dataclass(frozen=True, eq=False)
class CaseVariables:
    """The case x variable table (rows in case id order) and a description of each column."""

    table: pd.DataFrame
    variables: tuple[Variable, ...]
    layer: str | None

    def variable(self, name: str) -> Variable:
        """The variable with this name; KeyError lists the names when there is none."""
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(name)

    def value_labels(self) -> dict[str, dict[int, str]]:
        """Labels of the values of code presence, evidence strength and group membership."""
        labels = {"presence": PRESENCE_LABELS, "strength": STRENGTH_LABELS, "group": GROUP_LABELS}
        return {v.name: labels[v.kind] for v in self.variables if v.kind in labels}


def case_variables(
    cases: pd.DataFrame | Iterable[Mapping[str, Any]],
    codebook: Codebook,
    codings: pd.DataFrame | None = None,
    layer: str | None = None,
    ancestors: Mapping[str, tuple[str, ...]] | None = None,
) -> CaseVariables:
    """Build the case table from the cases and (optionally) one layer's codings.

    `cases` is a case frame (CASE_COLUMNS, as `case_frame` makes it) or plain mappings of
    case fields. `codings` has CODING_COLUMNS: a coding counts for the case in `case_id`,
    for its code and every ancestor of it (`ancestors`: code id -> its ancestors, as
    `Codebook.ancestors` gives them); `document_date` (NaT when
    the document has no date) gives the `first_date` variables. Without codings, only the
    case attributes are built.
    """
    import pandas as pd

    if not isinstance(cases, pd.DataFrame):
        cases = case_frame(cases)
    cases = cases.sort_values("id", kind="stable", ignore_index=True)
    table, variables = _columns_table(_attribute_columns(cases, codebook))
    found = CaseVariables(table, variables, layer)
    if codings is None:
        return found
    return with_code_variables(found, codebook, codings, layer, ancestors)


def with_code_variables(
    attributes: CaseVariables,
    codebook: Codebook,
    codings: pd.DataFrame,
    layer: str | None,
    ancestors: Mapping[str, tuple[str, ...]] | None = None,
) -> CaseVariables:
    """The case table of `attributes` (as `case_variables` builds it without codings) with
    the code variables of one layer's codings added, as `case_variables` would add them."""
    import pandas as pd

    ids = attributes.table["id"].tolist()
    codes = list(_code_columns(ids, codebook, codings, ancestors or {}))
    if not codes:
        return replace(attributes, layer=layer)
    table, variables = _columns_table(codes, list(attributes.table.columns))
    table.index = attributes.table.index
    return CaseVariables(
        pd.concat([attributes.table, table], axis=1), (*attributes.variables, *variables), layer
    )


def code_variable_names(codebook: Codebook, attributes: Sequence[str]) -> list[str]:
    """The names the code variables get in a case table whose attribute columns are
    `attributes` (a clash with one of them gets _2, as `case_variables` names it)."""
    wanted = [(stem, suffix) for stem, suffix, _, _ in _code_rules(codebook)]
    return _names(wanted, attributes)


def _names(wanted: Sequence[tuple[str, str]], taken: Sequence[str] = ()) -> list[str]:
    """Valid, unique names for (stem, suffix) pairs placed after the columns `taken`."""
    before = [(name, "") for name in taken]
    return unique_names([*before, *wanted])[len(before) :]


def _columns_table(
    columns: Iterable[tuple[str, str, Any, dict[str, Any]]], taken: Sequence[str] = ()
) -> tuple[pd.DataFrame, tuple[Variable, ...]]:
    """The columns (stem, suffix, values, meta) as a typed table and their variables."""
    import pandas as pd

    specs = list(columns)
    names = _names([(stem, suffix) for stem, suffix, _, _ in specs], taken)
    table = pd.DataFrame(
        {
            name: _typed(pd.Series(values), meta["type"])
            for name, (_, _, values, meta) in zip(names, specs, strict=True)
        }
    )
    variables = tuple(
        Variable(name=name, **meta) for name, (_, _, _, meta) in zip(names, specs, strict=True)
    )
    return table, variables


def _attribute_columns(cases: pd.DataFrame, codebook: Codebook):
    """(stem, suffix, values, meta) for the case file's fields, in table order: id, name and
    country, the codebook's case groups, each date and its precision, release type and
    covariates."""
    for key, label in (("id", "case id"), ("name", "name"), ("country", "country")):
        yield _text_attribute(cases, key, label)
    groups = cases["groups"].tolist()
    for group, meaning in codebook.case_groups.items():
        yield (
            group,
            "",
            [int(group in listed) for listed in groups],
            dict(
                label=meaning,
                kind="group",
                type="int",
                source=f"case file: groups contains {group}",
            ),
        )
    for key in DATES:
        yield from _date_columns(cases, key)
    yield _text_attribute(cases, "release_type", "how she was released")
    yield from _covariate_columns(cases)


def _text_attribute(cases: pd.DataFrame, key: str, label: str):
    meta = dict(label=label, kind="attribute", type="text", source=f"case file: {key}")
    return key, "", cases[key].to_numpy(), meta


def _date_columns(cases: pd.DataFrame, key: str):
    """The date's first day and its precision."""
    stem = key.replace("_on", "")
    yield (
        key,
        "",
        cases[key].to_numpy(),
        dict(
            label=stem + " date (first day of the period written)",
            kind="date",
            type="date",
            source=f"case file: {key}",
        ),
    )
    yield (
        stem,
        "_precision",
        cases[f"{stem}_precision"].to_numpy(),
        dict(
            label=f"precision of {key}: day, month or year",
            kind="attribute",
            type="text",
            source=f"case file: {key}",
        ),
    )


def _covariate_columns(cases: pd.DataFrame):
    """One column per covariate any case has, in name order."""
    covariates = cases["covariates"].tolist()
    for name in sorted({key for found in covariates for key in found}):
        values = [found.get(name) for found in covariates]
        _refuse_not_finite(name, values, cases["id"])
        yield (
            name,
            "",
            values,
            dict(
                label=f"covariate {name}",
                kind="covariate",
                type=_covariate_type(values),
                source=f"case file: covariates.{name}",
            ),
        )


def case_frame(cases: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The case frame of plain case mappings, whose dates are written at their precision.

    Each date becomes its first day (`detained_on`) and its precision (`detained_precision`).
    """
    import pandas as pd

    rows = []
    for case in cases:
        row = {key: case[key] for key in ("id", "name", "country", "release_type")}
        row["groups"] = case["groups"]
        row["covariates"] = case["covariates"]
        for key in DATES:
            date = parse_partial_date(case[key]) if case[key] else None
            row[key] = date.earliest if date else None
            row[f"{key.replace('_on', '')}_precision"] = date.precision if date else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(CASE_COLUMNS), dtype=object)
    for key in DATES:
        frame[key] = pd.to_datetime(frame[key])
    return frame


def _code_rules(codebook: Codebook):
    """(stem, suffix, code, rule) for each case_variable rule of each code, in table order."""
    for code in codebook.codes:
        for rule in code.case_variable:
            yield code.id.replace(".", "_"), SUFFIXES[rule], code, rule


def _code_columns(ids, codebook, codings, ancestors):
    """(stem, suffix, values, meta) for each case_variable rule of each code."""
    import numpy as np

    rules = {rule for code in codebook.codes for rule in code.case_variable}
    counts, firsts, documents = _aggregates(ids, _counted(codings, ids, ancestors), rules)
    for stem, suffix, code, rule in _code_rules(codebook):
        if rule == "first_date":
            values = firsts(code.id)
            label = f"{code.label}: date of the first document coded"
            kind_type = "date"
        elif rule == "strength":
            # 0 not coded, 1 coded in one document, 2 in two or more (a transcript and
            # the case history are two documents): evidence from more than one source.
            values = np.minimum(documents(code.id), 2)
            label = f"{code.label}: evidence strength (0 none, 1 one document, 2 more)"
            kind_type = "int"
        else:
            number = counts(code.id)
            values = (number > 0).astype("int64") if rule == "presence" else number
            label = f"{code.label}: {'coded' if rule == 'presence' else 'number of codings'}"
            kind_type = "int"
        meta = dict(
            label=label,
            kind=rule,
            type=kind_type,
            code=code.id,
            source=f"code {code.id} and its descendants: {rule}",
        )
        yield stem, suffix, values, meta


def _counted(codings: pd.DataFrame, ids: list[str], ancestors) -> pd.DataFrame:
    """The codings tied to the cases in `ids`, one row per code each counts for (`counted`):
    its own and every ancestor."""
    import pandas as pd

    tied = codings[codings["case_id"].isin(ids)]
    # Joined from a small code -> counted table rather than built coding by coding.
    counted = pd.DataFrame(
        [
            (code, above)
            for code in tied["code_id"].unique()
            for above in (code, *ancestors.get(code, ()))
        ],
        columns=["code_id", "counted"],
    )
    if (counted["code_id"] == counted["counted"]).all():  # no coded code has an ancestor
        return tied.assign(counted=tied["code_id"])
    return tied.merge(counted, on="code_id")


def _aggregates(ids: list[str], expanded: pd.DataFrame, rules: set[str]):
    """Functions code -> values per case of `ids`: codings, first document date (None unless
    a first_date rule needs it) and documents coded (None unless a strength rule does)."""
    grouped = expanded.groupby(["counted", "case_id"])
    counts = _by_code(grouped.size(), ids, 0)
    # The other two aggregations cost as much as the counts: only when a rule needs them.
    firsts = _by_code(grouped["document_date"].min(), ids, None) if "first_date" in rules else None
    documents = _by_code(grouped["document_id"].nunique(), ids, 0) if "strength" in rules else None
    return counts, firsts, documents


def _by_code(values: pd.Series, ids: list[str], missing: Any):
    """A function code -> the values of that code for the cases in `ids` (`missing` where
    a case has none; with 0, whole numbers).

    `values` is indexed by (code, case). It is unstacked once into a case x code table:
    looking each cell up in the MultiIndex took minutes with 20,000 cases and 40 codes.
    """
    import numpy as np

    wide = values.unstack(level=0).reindex(ids) if len(values) else None
    if wide is not None and missing == 0:
        wide = wide.fillna(0).astype("int64")

    def column(code: str) -> np.ndarray:
        if wide is None or code not in wide.columns:
            return np.full(len(ids), missing, dtype="int64" if missing == 0 else object)
        return wide[code].to_numpy()

    return column


def _refuse_not_finite(name: str, values: list[Any], ids: Iterable[str]) -> None:
    """Imports refuse infinite and NaN covariates, but an older hrd-coder stored them (and a
    merge can bring them in): refuse them here, before a model or a Stata file fails on one."""
    for case_id, value in zip(ids, values, strict=True):
        if isinstance(value, float) and not math.isfinite(value):
            raise ProjectError(
                f"case '{case_id}': covariate '{name}' is {value} in the database, not a "
                "finite number: correct it in the case file and run 'hrd-coder import'"
            )


def _covariate_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "int"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return (
            "int"
            if all(isinstance(v, int) for v in present) and len(present) == len(values)
            else "float"
        )
    return "text"


def _typed(column: pd.Series, kind: str) -> pd.Series:
    import pandas as pd

    if kind == "date":
        return pd.to_datetime(column)
    if kind == "int":
        return column.astype("int64") if column.notna().all() else column.astype("float64")
    if kind == "float":
        return column.astype("float64")
    if set(map(type, column)) <= {str, type(None)}:
        return column.astype(object)  # already text (mapping str over 20,000 rows is slow)
    return column.map(lambda value: None if value is None else str(value)).astype(object)
