"""Estimates on a machine coder's layer, corrected with a random human-coded sample (DSL).

`report DESIGN --layer model:RUN --released-by T --dsl-sample CODER` fits the released-by-T
linear probability model on the machine coder's case table (naive) and corrects it with the
cases CODER coded in the random sample `hrd-coder sample CODER --share S --seed N` drew for
them (analysis/dsl.py: Egami, Hinck, Stewart & Wei 2023). A case counts as human-coded when
its case history was drawn into that sample and CODER marked it done; its values are CODER's
layer's. The sample's share is each case history's chance of being drawn (a simple random
sample of round(share x documents): exact up to that rounding).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.model_layers import is_model_layer

if TYPE_CHECKING:
    from hrd_coder.analysis.dsl import DslFit
    from hrd_coder.services.analysis_inputs import AnalysisInputs

SAMPLE_EVENT, CLEAR_EVENT = "sample.assign", "sample.clear"


@dataclass(frozen=True)
class HumanSample:
    """The random sample of documents a coder was given to code."""

    coder: str
    name: str
    share: float
    seed: int
    documents: frozenset[str]


@dataclass(frozen=True, eq=False)
class CorrectedModel:
    """The released-by-t model on a model layer: naive and DSL-corrected, with its sample."""

    design: str
    layer: str
    t: float
    sample: HumanSample
    fit: DslFit
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "design": self.design,
            "layer": self.layer,
            "t": self.t,
            "sample": {
                "coder": self.sample.coder,
                "name": self.sample.name,
                "share": self.sample.share,
                "seed": self.sample.seed,
                "documents": len(self.sample.documents),
            },
            **self.fit.as_dict(),
            "notes": list(self.notes),
        }


def corrected_released_by(
    inputs: AnalysisInputs, name: str, layer: str, t: float, coder: str
) -> CorrectedModel:
    """The design's released-by-t model on `layer`, corrected with `coder`'s random sample."""
    from hrd_coder.analysis.dsl import released_by_dsl
    from hrd_coder.services.analysis import case_variables, survival_table

    if t <= 0:
        raise ProjectError(f"--released-by must be a number of days above 0, not {t:g}")
    if not is_model_layer(layer):
        raise ProjectError(
            f"--dsl-sample corrects estimates from a machine coder's layer, and '{layer}' is "
            "not one: give --layer model:RUN (see 'hrd-coder suggest list')"
        )
    try:
        design = inputs.plan.design(name)
    except ValueError as error:
        raise ProjectError(str(error)) from None
    sample = human_sample(inputs, coder)
    done = inputs.project.coverage().covered(coder)
    histories = {d.id for d in inputs.project.documents(kind="case_history")}
    predicted = survival_table(inputs, name, case_variables(inputs, layer))
    human = survival_table(inputs, name, case_variables(inputs, coder))
    coded = {c for c in predicted["id"] if c in histories & sample.documents & done}
    if not coded:
        raise ProjectError(
            f"{coder} has marked done none of the case histories of design '{name}' in their "
            f"random sample ({len(sample.documents)} documents, seed {sample.seed}): code them "
            "and mark them done ('hrd-coder done DOC --coder " + coder + "') first"
        )
    labelled = predicted.set_index("id").index.to_series().isin(coded)
    try:
        fit, notes = released_by_dsl(
            predicted, human, labelled, sample.share, t, design.group, design.covariates
        )
    except ValueError as error:  # numpy's LinAlgError too: a column constant, or collinear
        raise ProjectError(f"no corrected model for design '{name}' on {layer}: {error}") from None
    if design.strata:
        notes += (f"strata ({', '.join(design.strata)}) are not in the corrected model",)
    return CorrectedModel(name, layer, t, sample, fit, notes)


def human_sample(inputs: AnalysisInputs, coder: str) -> HumanSample:
    """The one random sample drawn for `coder` (refused when there is none, or several:
    then no single known probability describes how a document came to be coded)."""
    from hrd_coder.services.audit import LogFilter, event_log

    project = inputs.project
    drawn: list[dict] = []
    for entry in event_log(project, LogFilter(action="sample")):  # oldest first
        if entry.entity_id != coder:
            continue
        if entry.action == CLEAR_EVENT:
            drawn = []  # the samples before a clear are no longer the coder's
        elif entry.action == SAMPLE_EVENT:
            drawn.append(json.loads(entry.after or "{}"))
    kinds = {(d.get("sample"), d.get("share"), d.get("seed")) for d in drawn}
    if not kinds:
        raise ProjectError(
            f"no random human sample for {coder}: DSL needs one, drawn with a known "
            f"probability: 'hrd-coder sample {coder} --share 0.2 --seed 2026', then {coder} "
            "codes those documents and marks them done"
        )
    if len(kinds) > 1:
        raise ProjectError(
            f"{len(kinds)} samples were drawn for {coder} with different shares or seeds: "
            "DSL needs one random sample of known probability ('hrd-coder sample clear' and "
            "draw one)"
        )
    ((name, share, seed),) = kinds
    documents = frozenset(a.document_id for a in project.assignments(coder) if a.sample == name)
    return HumanSample(coder, name, float(share), int(seed), documents)
