"""Does a design's finding depend on who coded? The use cases behind `report DESIGN
--by-layer` and `--robustness coders` (issue 18): the design's survival table on every layer
with codings — people, consensus, machine coders (refused until validated, services/model_use.py)
— handed to `analysis/by_layer.py` and `analysis/coder_robustness.py`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrd_coder.analysis.layer_sensitivity import HUMAN
from hrd_coder.problems import ProjectError
from hrd_coder.services.analysis import case_variables, layered_design, survival_table
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.services.model_layers import is_model_layer

INCOMPLETE = "incomplete"  # the verdict of a consensus layer with units still open

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.analysis.by_layer import LayerComparison
    from hrd_coder.analysis.coder_robustness import CoderRobustness
    from hrd_coder.analysis.designs import Design
    from hrd_coder.analysis.layer_sensitivity import LayerSource
    from hrd_coder.services.analysis_inputs import AnalysisInputs
    from hrd_coder.services.project import Project


def analyze_by_layer(
    inputs: AnalysisInputs,
    name: str,
    released_by: float | None = None,
    allow_unvalidated: bool = False,
    allow_incomplete: bool = False,
) -> LayerComparison:
    """The design's Cox model fitted once per layer (each coder, consensus, each machine
    coder's layer whose codes are usable or allowed), with each layer's sensitivity."""
    from hrd_coder.analysis.by_layer import compare_layers

    allowed = Allowed(allow_unvalidated, allow_incomplete)
    fitted = _layer_tables(inputs, name, "--by-layer", released_by, allowed)
    found = compare_layers(fitted.design, fitted.tables, fitted.sources, released_by)
    return dataclasses.replace(found, notes=(*fitted.notes, *found.notes))


def coder_robustness(
    inputs: AnalysisInputs,
    name: str,
    draws: int,
    seed: int,
    released_by: float | None = None,
    allow_unvalidated: bool = False,
    allow_incomplete: bool = False,
) -> CoderRobustness:
    """The design's featured effect under every layer, and the bootstrap over which human
    coder's version of each case enters the case table (issue 18)."""
    from hrd_coder.analysis.coder_robustness import coder_robustness as compare

    allowed = Allowed(allow_unvalidated, allow_incomplete)
    fitted = _layer_tables(inputs, name, "--robustness coders", released_by, allowed)
    tables = fitted.tables
    humans = [s.layer for s in fitted.sources if s.kind == HUMAN and s.layer in tables]
    reference = CONSENSUS if CONSENSUS in tables else humans[0] if humans else next(iter(tables))
    coded_by = _coders_by_case(inputs.project, humans)
    found = compare(
        fitted.design, tables, coded_by, reference, draws, seed, fitted.sources, released_by
    )
    return dataclasses.replace(found, notes=(*fitted.notes, *found.notes))


@dataclass(frozen=True)
class Allowed:
    """What the user knowingly let through: a model layer not validated as usable, an
    incomplete consensus (each otherwise listed as refused, with the reason)."""

    unvalidated: bool = False
    incomplete: bool = False


@dataclass(frozen=True, eq=False)
class LayerTables:
    """A design's survival table on each layer that may be fitted, every layer's source
    (refused ones too) and the notes on the model layers."""

    design: Design
    tables: dict[str, pd.DataFrame]
    sources: tuple[LayerSource, ...]
    notes: tuple[str, ...]


def _layer_tables(
    inputs: AnalysisInputs,
    name: str,
    option: str,
    released_by: float | None,
    allowed: Allowed,
) -> LayerTables:
    """The design and its survival table on each layer with codings that may be fitted."""
    design = layered_design(inputs, name, option)
    if released_by is not None and released_by <= 0:
        raise ProjectError(f"--released-by must be a number of days above 0, not {released_by:g}")
    found = inputs.project.layers()
    if not found:
        raise ProjectError("no layer has codings yet: code some documents first")
    # People first, then the consensus, then the machine coders: never slipped in among
    # the people, and refused (services/model_use.py) until validated or knowingly allowed.
    ordered = sorted(found, key=lambda layer: (is_model_layer(layer), layer == CONSENSUS))
    sources, notes = [], []
    for layer in ordered:
        source, said = _layer_source(inputs.project, layer, name, allowed)
        sources.append(source)
        notes += said
    tables = {
        s.layer: survival_table(inputs, name, case_variables(inputs, s.layer))
        for s in sources
        if not s.refused
    }
    if not tables:
        raise ProjectError(
            f"every layer with codings is a machine coder's whose codes are refused: {option} "
            "needs a person's layer, or give --allow-unvalidated (logged)"
        )
    return LayerTables(design, tables, tuple(sources), tuple(notes))


def _layer_source(
    project: Project, layer: str, design: str, allowed: Allowed
) -> tuple[LayerSource, list[str]]:
    """Whose codings a layer holds and, for a machine coder's, its verdict on the design's
    codes and why it is refused; with the notes to print about it."""
    from hrd_coder.analysis.layer_sensitivity import MODEL, LayerSource
    from hrd_coder.services.model_use import check_model_layer, design_verdict

    if layer == CONSENSUS:
        return _consensus_source(project, allowed.incomplete)
    if not is_model_layer(layer):
        return LayerSource(layer, HUMAN), []
    verdict, refusal = design_verdict(project, layer, design)
    if refusal is None:
        return LayerSource(layer, MODEL, verdict), []
    if allowed.unvalidated:
        warned = check_model_layer(project, layer, "report", design=design, allow_unvalidated=True)
        return LayerSource(layer, MODEL, verdict), warned
    return LayerSource(layer, MODEL, verdict, refusal), [
        f"{layer} is listed, not fitted: {refusal}; give --allow-unvalidated to fit it "
        "knowingly (logged)"
    ]


def _consensus_source(project: Project, allow_incomplete: bool) -> tuple[LayerSource, list[str]]:
    """The consensus layer, refused while it is incomplete (undecided, reopened or stale
    units would count as not coded), as `report --layer consensus` refuses it."""
    from hrd_coder.analysis.layer_sensitivity import CONSENSUS_KIND, LayerSource
    from hrd_coder.services.consensus import incomplete_message

    status = project.consensus_status()
    if status.complete:
        return LayerSource(CONSENSUS, CONSENSUS_KIND), []
    if allow_incomplete:
        warning = incomplete_message(status, warning=True).removeprefix("warning: ")
        return LayerSource(CONSENSUS, CONSENSUS_KIND), [warning]  # printed as a note
    refusal = incomplete_message(status)
    return LayerSource(CONSENSUS, CONSENSUS_KIND, INCOMPLETE, refusal), [
        f"{CONSENSUS} is listed, not fitted: {refusal}"
    ]


def _coders_by_case(project: Project, coders: list[str]) -> dict[str, tuple[str, ...]]:
    """Case id -> the coders who coded it: who covered, or coded in, a document tied to it
    (a covered document without codings is coded too: its blank units say "absent")."""
    coverage = project.coverage()
    seen = {
        coder: coverage.covered(coder) | coverage.coded.get(coder, frozenset()) for coder in coders
    }
    found: dict[str, set[str]] = {}
    for document in project.documents():
        cases = set(document.case_ids) | (
            {document.id} if document.kind == "case_history" else set()
        )
        for coder in coders:
            if document.id in seen[coder]:
                for case in cases:
                    found.setdefault(case, set()).add(coder)
    return {case: tuple(sorted(who)) for case, who in found.items()}
