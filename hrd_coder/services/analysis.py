"""Case variables, their traceability, designs and exports for a project: the loading side
of `hrd_coder.analysis`, which stays pure pandas."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, Text, cast, select

from hrd_coder.problems import ProjectError
from hrd_coder.services.agreement import ancestors_of
from hrd_coder.services.coding import CONSENSUS
from hrd_coder.services.media import add_coverage, coverage_names
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.services.records import CodingRecord
from hrd_coder.sources.dates import parse_partial_date
from hrd_coder.storage import tables

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.analysis.by_layer import LayerComparison
    from hrd_coder.analysis.case_variables import CaseVariables
    from hrd_coder.analysis.design_report import DesignReport
    from hrd_coder.analysis.designs import AnalysisPlan

CASES: Table = tables.Case.__table__
CODINGS: Table = tables.Coding.__table__
DOCUMENTS: Table = tables.Document.__table__
ANALYSIS_FILE = "analysis.yaml"


STATISTICS_MODULES = (
    "hrd_coder.analysis.design_report",
    "hrd_coder.analysis.case_variables",
    "lifelines",
    "lifelines.statistics",
    "statsmodels.api",
    "statsmodels.duration.hazard_regression",
    "scipy.stats",
)
"""What a first `analyze` imports (about 1.2 s of its 1.3 s on the demo; 0.1 s after)."""


def load_statistics() -> None:
    """Import the statistics stack ahead of need (the workbench does it in the background
    after its first paint, so the first F7 does not wait for the imports)."""
    import importlib

    for name in STATISTICS_MODULES:
        importlib.import_module(name)


@dataclass(frozen=True)
class Evidence:
    """One coding behind a case variable: where it is, what it quotes, the document date."""

    coding: CodingRecord
    document_title: str
    document_date: str | None


@dataclass(frozen=True)
class Explanation:
    """The value of one case variable for one case, and the codings that make it."""

    case_id: str
    variable: str
    value: Any
    source: str
    layer: str | None
    evidence: tuple[Evidence, ...]


def resolve_layer(project: Any, layer: str | None) -> str:
    """The layer to read: the one asked for, or consensus when it has codings."""
    project.access().check_layer(layer)  # blind coding: say so, not "no codings"
    coders = sorted(_coders(project))
    people = [c for c in coders if c != CONSENSUS]
    listed = ", ".join(people) if people else "none yet"
    if layer is None:
        if CONSENSUS in coders:
            return CONSENSUS
        raise ProjectError(
            "the consensus layer has no codings yet: build it with 'hrd-coder consensus "
            "rebuild' and decide the disagreements ('hrd-coder adjudicate list', or F6 in the "
            f"workbench), or choose one coder's layer with --layer NAME (coders: {listed})"
        )
    if layer not in coders:
        raise ProjectError(
            f"layer '{layer}' has no codings: choose consensus or a coder's layer "
            f"(coders: {listed})"
        )
    return layer


def case_variables(project: Any, layer: str | None = None) -> CaseVariables:
    """The case table from the project's cases and one layer's codings."""
    import pandas as pd

    from hrd_coder.analysis.case_variables import CODING_COLUMNS
    from hrd_coder.analysis.case_variables import case_variables as build

    layer = resolve_layer(project, layer)  # checks that the viewer may read it
    # Only the three columns the table needs, straight into pandas: building a full
    # CodingRecord per coding took most of the time with a million codings.
    query = select(CODINGS.c.code_id, CODINGS.c.case_id, CODINGS.c.document_id).where(
        (CODINGS.c.coder == layer) & CODINGS.c.case_id.is_not(None)
    )
    with project.database.reading() as conn:
        result = conn.execute(query)
        # Tuples straight from the driver: a Row object per coding cost half as much again
        # as reading the 200,000 codings of a layer at L.
        rows = result.cursor.fetchall()
        result.close()
    codings = pd.DataFrame(rows, columns=list(CODING_COLUMNS[:3]))
    dates = _document_dates(project)
    codings["document_date"] = pd.to_datetime(codings["document_id"].map(dates))
    found = build(
        _case_frame(project), project.codebook, codings, layer, ancestors_of(project.codebook)
    )
    return add_coverage(project, found, layer)


def _variable_names(project: Any) -> list[str]:
    """Every case variable's name, code variables included, without reading any layer."""
    import pandas as pd

    from hrd_coder.analysis.case_variables import CODING_COLUMNS
    from hrd_coder.analysis.case_variables import case_variables as build

    empty = pd.DataFrame(columns=list(CODING_COLUMNS))
    names = list(build(_case_frame(project), project.codebook, empty).table.columns)
    return names + coverage_names(project)


def case_attributes(project: Any) -> CaseVariables:
    """The case table without code variables (no layer needed)."""
    from hrd_coder.analysis.case_variables import case_variables as build

    return add_coverage(project, build(_case_frame(project), project.codebook), None)


def explain(project: Any, case_id: str, variable: str, layer: str | None = None) -> Explanation:
    """The codings behind one case variable's value for one case."""
    project.require_case(case_id)
    found = case_variables(project, layer)
    try:
        described = found.variable(variable)
    except KeyError:
        names = ", ".join(v.name for v in found.variables if v.code)
        raise ProjectError(
            f"there is no case variable '{variable}': the code variables are {names}"
        ) from None
    row = found.table.set_index(found.table.columns[0]).loc[case_id]
    value = row[variable]
    value = (
        None if _missing(value) else value.date().isoformat() if described.type == "date" else value
    )
    if described.code is None:
        return Explanation(case_id, variable, value, described.source, found.layer, ())
    counted = {described.code} | {
        code for code, above in ancestors_of(project.codebook).items() if described.code in above
    }
    documents = {d.id: d for d in project.documents()}
    evidence = [
        Evidence(
            coding,
            documents[coding.document_id].title,
            documents[coding.document_id].metadata.get("date"),
        )
        for coding in project.codings(coder=found.layer, case=case_id)
        if coding.code_id in counted
    ]
    evidence.sort(key=lambda e: (e.document_date or "9999", e.coding.document_id, e.coding.start))
    return Explanation(case_id, variable, value, described.source, found.layer, tuple(evidence))


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _case_frame(project: Any) -> pd.DataFrame:
    """The cases as a case frame, read column by column (see CASE_COLUMNS)."""
    import pandas as pd

    from hrd_coder.analysis.case_variables import CASE_COLUMNS, DATES

    # The stored dates are already the first day of the period written (the import keeps
    # the precision beside them), so they go in as dates; building CaseInfo objects, writing
    # each date at its precision and parsing it back took most of the time at 20,000 cases.
    query = select(
        *(
            cast(CASES.c[name], Text) if name in _JSON_COLUMNS else CASES.c[name]
            for name in CASE_COLUMNS
        )
    )
    with project.database.reading() as conn:
        rows = conn.execute(query).all()
    columns = dict(zip(CASE_COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}
    # JSON decoded once per column (one array of every case's value), not once per case.
    frame = pd.DataFrame(
        {
            name: _json_column(columns.get(name, ()))
            if name in _JSON_COLUMNS
            else list(columns.get(name, ()))
            for name in CASE_COLUMNS
        },
        dtype=object,
    )
    for name in DATES:
        frame[name] = pd.to_datetime(frame[name])
    return frame


_JSON_COLUMNS = ("groups", "covariates")


def _json_column(texts: Iterable[str]) -> list[Any]:
    """JSON texts decoded in one call, as one array of them all."""
    return json.loads(f"[{','.join(texts)}]")


def _coders(project: Any) -> set[str]:
    """The coders with codings, among the layers the viewer may see."""
    visible = project.access().check_layer(None)
    query = select(CODINGS.c.coder).distinct()
    if visible is not None:
        query = query.where(CODINGS.c.coder == visible)
    with project.database.reading() as conn:
        return set(conn.execute(query).scalars())


def _document_dates(project: Any) -> dict[str, Any]:
    """Document id -> the first day of its `date` (transcripts), for first_date variables."""
    # Only ids and metadata: `project.documents()` also measures every text, which reads
    # them all (100 MB for 1,000 long transcripts).
    with project.database.reading() as conn:
        rows = conn.execute(select(DOCUMENTS.c.id, cast(DOCUMENTS.c.meta, Text))).all()
    if not rows:
        return {}
    keys, metas = zip(*rows, strict=True)
    return {
        key: parse_partial_date(meta["date"]).earliest
        for key, meta in zip(keys, _json_column(metas), strict=True)
        if meta.get("date")
    }


def case_files(project: Any) -> dict[str, str]:
    """Case id -> the case file it was imported from, for messages."""
    with project.database.reading() as conn:
        return dict(conn.execute(select(CASES.c.id, CASES.c.path)).all())


def analysis_plan(project: Any) -> AnalysisPlan:
    """The project's analysis.yaml, checked (raises InvalidInput with every problem)."""
    from hrd_coder.analysis.designs import parse_analysis
    from hrd_coder.text_file import read_text_file

    path = Path(project.root) / ANALYSIS_FILE
    if not path.is_file():
        raise ProjectError(
            f"no {ANALYSIS_FILE} in {project.root}: write one with 'campaign_date:' and "
            "'designs:' (see docs/analysis.md)"
        )
    return parse_analysis(read_text_file(path), ANALYSIS_FILE, project.codebook)


def analyze(
    project: Any,
    name: str,
    layer: str | None = None,
    out: str | Path | None = None,
    released_by: float | None = None,
) -> DesignReport:
    """Report on one design of analysis.yaml; the KM figure goes into `out` (if given).

    `released_by` (days) adds the share released by then and its linear probability model.
    """
    from hrd_coder.analysis.design_report import report_design

    design, table, used = design_table(project, name, layer)
    if released_by is not None and released_by <= 0:
        raise ProjectError(f"--released-by must be a number of days above 0, not {released_by:g}")
    return report_design(design, table, out, used, released_by)


def design_table(project: Any, name: str, layer: str | None = None):
    """(design, its survival table, the layer read or None) for one design of analysis.yaml.

    Codings are read only when asked for a layer or when the design uses code variables.
    """
    plan = analysis_plan(project)
    try:
        design = plan.design(name)
    except ValueError as error:
        raise ProjectError(str(error)) from None
    plan.check_columns(_variable_names(project), only=name)
    found = case_attributes(project)
    if layer is not None or _needs_codings(design, found):
        found = case_variables(project, layer)
    return design, survival_table(project, plan, design.name, found), found.layer


def _needs_codings(design: Any, attributes: CaseVariables) -> bool:
    model = (*design.covariates, *design.strata)
    return any(n not in attributes.table.columns for n in model)


def reads_codings(project: Any, name: str) -> bool:
    """True when a design's model uses a code variable (so a layer's codings are read)."""
    plan = analysis_plan(project)
    try:
        design = plan.design(name)
    except ValueError as error:
        raise ProjectError(str(error)) from None
    return _needs_codings(design, case_attributes(project))


def layers(project: Any) -> list[str]:
    """Every layer with codings: the coders in name order, then consensus."""
    # A model layer is no coder: it is reported by name (--layer), once validated
    # (services/model_use.py), never slipped in among the people.
    coders = {coder for coder in _coders(project) if not is_model_layer(coder)}
    return sorted(coders - {CONSENSUS}) + ([CONSENSUS] if CONSENSUS in coders else [])


def analyze_by_layer(project: Any, name: str) -> LayerComparison:
    """The design's Cox model fitted once per layer (each coder, and consensus)."""
    from hrd_coder.analysis.by_layer import compare_layers

    plan = analysis_plan(project)
    try:
        design = plan.design(name)
    except ValueError as error:
        raise ProjectError(str(error)) from None
    plan.check_columns(_variable_names(project), only=name)
    attributes = set(case_attributes(project).table.columns)
    if all(n in attributes for n in (*design.covariates, *design.strata)):
        raise ProjectError(
            f"design '{name}' uses no code variable, so its model is the same for every "
            "layer: add a code variable (say private_diplomacy) to its covariates in "
            f"{ANALYSIS_FILE}, or run 'hrd-coder report {name}' without --by-layer"
        )
    found = layers(project)
    if not found:
        raise ProjectError("no layer has codings yet: code some documents first")
    tables = {
        layer: survival_table(project, plan, name, case_variables(project, layer))
        for layer in found
    }
    return compare_layers(design, tables)


def survival_table(project: Any, plan: AnalysisPlan, name: str, found: CaseVariables):
    """The survival table of one design on a case table."""
    from hrd_coder.analysis.designs import survival_table as build

    return build(plan.design(name), plan.campaign_date, found.table, case_files(project))


def export_cases(
    project: Any,
    fmt: str,
    layer: str | None = None,
    out: str | Path | None = None,
    raw_cells: bool = False,
) -> tuple[Path, Path]:
    """Write the case table, with every design's outcomes, and its data dictionary (csv
    cells a spreadsheet would run are neutralised unless `raw_cells`)."""
    from hrd_coder.analysis.exports import FORMATS, with_outcomes
    from hrd_coder.analysis.exports import export_cases as write

    if fmt not in FORMATS:
        raise ProjectError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    found = case_variables(project, layer)
    if (Path(project.root) / ANALYSIS_FILE).is_file():
        plan = analysis_plan(project)
        plan.check_columns(list(found.table.columns))
        outcomes = {d.name: survival_table(project, plan, d.name, found) for d in plan.designs}
        found = with_outcomes(found, outcomes)
    # The layer is in the default file name: a table from one coder is never mistaken for
    # the consensus.
    name = f"cases_{found.layer}{FORMATS[fmt]}"
    path = Path(out) if out else Path(project.root) / "exports" / name
    return write(found, path, fmt, raw_cells)
