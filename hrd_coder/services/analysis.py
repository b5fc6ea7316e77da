"""Case variables, their traceability, designs and exports for a project: the loading side
of `hrd_coder.analysis`, which stays pure pandas.

Each use case takes the `AnalysisInputs` of its request (services/analysis_inputs.py), which
reads analysis.yaml, the cases and the media items at most once, however many steps use them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select

from hrd_coder.problems import ProjectError
from hrd_coder.services.analysis_inputs import ANALYSIS_FILE, AnalysisInputs
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.services.media import add_coverage, coverage_names
from hrd_coder.services.model_layers import file_part, is_model_layer
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage import core_tables

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.analysis.case_variables import CaseVariables
    from hrd_coder.analysis.design_report import DesignReport
    from hrd_coder.analysis.designs import Design
    from hrd_coder.services.project import Project

CODINGS: Table = core_tables.CODING


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


def resolve_layer(project: Project, layer: str | None) -> str:
    """The layer to read: the one asked for, or consensus when it has codings."""
    project.access().check_layer(layer)  # blind coding: say so, not "no codings"
    coders = project.layers()
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


def case_variables(inputs: AnalysisInputs, layer: str | None = None) -> CaseVariables:
    """The case table from the project's cases and one layer's codings."""
    from hrd_coder.analysis.case_variables import with_code_variables

    project = inputs.project
    layer = resolve_layer(project, layer)  # checks that the viewer may read it
    found = with_code_variables(
        inputs.attributes,
        project.codebook,
        _layer_codings(inputs, layer),
        layer,
        project.codebook.ancestors,
    )
    return add_coverage(inputs, found, layer)


def _layer_codings(inputs: AnalysisInputs, layer: str) -> pd.DataFrame:
    """The codings of a layer tied to a case (CODING_COLUMNS), with their documents' dates."""
    import pandas as pd

    from hrd_coder.analysis.case_variables import CODING_COLUMNS

    # Only the three columns the table needs, straight into pandas: building a full
    # CodingRecord per coding took most of the time with a million codings.
    query = select(CODINGS.c.code_id, CODINGS.c.case_id, CODINGS.c.document_id).where(
        (CODINGS.c.coder == layer) & CODINGS.c.case_id.is_not(None)
    )
    with inputs.project.database.reading() as conn:
        result = conn.execute(query)
        # Tuples straight from the driver: a Row object per coding cost half as much again
        # as reading the 200,000 codings of a layer at L.
        rows = result.cursor.fetchall()
        result.close()
    codings = pd.DataFrame(rows, columns=list(CODING_COLUMNS[:3]))
    codings["document_date"] = pd.to_datetime(codings["document_id"].map(inputs.document_dates))
    return codings


def _variable_names(inputs: AnalysisInputs) -> list[str]:
    """Every case variable's name, code variables included, without reading any layer."""
    from hrd_coder.analysis.case_variables import code_variable_names

    attributes = list(inputs.attributes.table.columns)
    codes = code_variable_names(inputs.project.codebook, attributes)
    return attributes + codes + coverage_names(inputs.optional_plan)


def case_attributes(inputs: AnalysisInputs) -> CaseVariables:
    """The case table without code variables (no layer needed)."""
    return add_coverage(inputs, inputs.attributes, None)


def explain(
    inputs: AnalysisInputs, case_id: str, variable: str, layer: str | None = None
) -> Explanation:
    """The codings behind one case variable's value for one case."""
    project = inputs.project
    project.require_case(case_id)
    found = case_variables(inputs, layer)
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
        code for code, above in project.codebook.ancestors.items() if described.code in above
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


def analyze(
    inputs: AnalysisInputs,
    name: str,
    layer: str | None = None,
    out: str | Path | None = None,
    released_by: float | None = None,
    run: Callable[..., Any] | None = None,
) -> DesignReport:
    """Report on one design of analysis.yaml; the KM figure goes into `out` (if given).

    `released_by` (days) adds the share released by then and its linear probability model.
    The case table is built here; the models are fitted by `run` (a ChildProcess's `call`)
    if given, else here.
    """
    from hrd_coder.analysis.child_process import call_here
    from hrd_coder.analysis.design_report import report_design

    design, table, used = design_table(inputs, name, layer)
    if released_by is not None and released_by <= 0:
        raise ProjectError(f"--released-by must be a number of days above 0, not {released_by:g}")
    found = (run or call_here)(report_design, design, table, out, used, released_by)
    if is_model_layer(used):
        found = dataclasses.replace(found, notes=(*found.notes, machine_coded_note(used)))
    return found


def machine_coded_note(layer: str) -> str:
    """What a reader of a model on a machine coder's layer must be told (issue 18)."""
    return (
        f"the code variables come from {layer}, a machine coder: its labels are taken as true, "
        "which biases estimates even at high accuracy; the linear model can be corrected with "
        "--released-by DAYS --dsl-sample CODER, the Cox model cannot (read it beside "
        "'--robustness coders' and 'hrd-coder suggest validate')"
    )


def design_table(inputs: AnalysisInputs, name: str, layer: str | None = None):
    """(design, its survival table, the layer read or None) for one design of analysis.yaml.

    Codings are read only when asked for a layer or when the design uses code variables.
    """
    design = _design(inputs, name)
    inputs.plan.check_columns(_variable_names(inputs), only=name)
    if layer is not None or _needs_codings(design, inputs):
        found = case_variables(inputs, layer)
    else:
        found = case_attributes(inputs)
    return design, survival_table(inputs, design.name, found), found.layer


def _design(inputs: AnalysisInputs, name: str) -> Design:
    """The design of analysis.yaml with this name; a ProjectError listing them if none."""
    try:
        return inputs.plan.design(name)
    except ValueError as error:
        raise ProjectError(str(error)) from None


def _needs_codings(design: Design, inputs: AnalysisInputs) -> bool:
    """True when the design's model uses a column the case attributes lack (a code variable,
    or a coverage measure of coded items)."""
    attributes = {
        *inputs.attributes.table.columns,
        *coverage_names(inputs.optional_plan, coded=False),
    }
    return any(n not in attributes for n in (*design.covariates, *design.strata))


def reads_codings(inputs: AnalysisInputs, name: str) -> bool:
    """True when a design's model uses a code variable (so a layer's codings are read)."""
    return _needs_codings(_design(inputs, name), inputs)


def layered_design(inputs: AnalysisInputs, name: str, option: str) -> Design:
    """The design of analysis.yaml with this name, checked, when its model uses a code
    variable (so it can differ between layers); a ProjectError naming `option` if not."""
    design = _design(inputs, name)
    inputs.plan.check_columns(_variable_names(inputs), only=name)
    if not _needs_codings(design, inputs):
        # Name the designs that do read codes: on the demo, F7 opens on a design without
        # any, and `c` there should point to the one that has them.
        others = [d.name for d in inputs.plan.designs if _needs_codings(d, inputs)]
        choose = f"choose a design that uses one ({', '.join(others)}), " if others else ""
        raise ProjectError(
            f"design '{name}' uses no code variable, so its model is the same for every "
            f"layer: {choose}add a code variable (say private_diplomacy) to its covariates "
            f"in {ANALYSIS_FILE}, or run 'hrd-coder report {name}' without {option}"
        )
    return design


def survival_table(inputs: AnalysisInputs, name: str, found: CaseVariables) -> pd.DataFrame:
    """The survival table of one design on a case table."""
    from hrd_coder.analysis.designs import survival_table as build

    plan = inputs.plan
    return build(plan.design(name), plan.campaign_date, found.table, inputs.case_files)


def export_cases(
    inputs: AnalysisInputs,
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
    found = case_variables(inputs, layer)
    plan = inputs.optional_plan
    if plan is not None:
        plan.check_columns(list(found.table.columns))
        outcomes = {d.name: survival_table(inputs, d.name, found) for d in plan.designs}
        found = with_outcomes(found, outcomes)
    # The layer is in the default file name: a table from one coder is never mistaken for
    # the consensus.
    name = f"cases_{file_part(found.layer)}{FORMATS[fmt]}"
    root = Path(inputs.project.root)
    path = Path(out) if out else root / "exports" / name
    return write(found, path, fmt, raw_cells)
