"""Whose codings a layer holds, and how sensitive its estimates are to an unmeasured
confounder: the pieces every by-layer table shares (issue 18).

A layer is a person's (human), the consensus, or a machine coder's (model, `model:<run>`),
whose codes may be refused until a validation finds them usable. For each layer that is fitted,
each hazard ratio gets its E-value (VanderWeele & Ding 2017, evalue.py) and, with a
released-by-t model, the group coefficient its robustness values (Cinelli & Hazlett 2020,
sensitivity.py): a reader sees at once whether one coder's finding is also the fragile one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.designs import DURATION, EVENT, Design
from hrd_coder.analysis.evalue import EValue, evalue_hr

if TYPE_CHECKING:
    import pandas as pd

HUMAN, CONSENSUS_KIND, MODEL = "human", "consensus", "model"


@dataclass(frozen=True)
class LayerSource:
    """Whose codings a layer holds (`kind`: human, consensus or model); for a machine coder,
    its validation verdict on the codes the design reads, and why its estimates are refused
    (None: they are shown)."""

    layer: str
    kind: str
    verdict: str | None = None
    refused: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "verdict": self.verdict, "refused": self.refused}


def outcome_share(table: pd.DataFrame) -> float:
    """The share of cases with the outcome by the end of follow-up (rare or common)."""
    return float(table[EVENT].mean()) if len(table) else 0.0


def hazard_evalue(hr: float, low: float, high: float, share: float, covariate: str):
    """The E-values of a hazard ratio with its CI, or None where they are undefined (a ratio
    or limit of 0 or infinity, as a covariate constant in one group gives)."""
    values = (hr, low, high)
    if not all(math.isfinite(v) and v > 0 for v in values) or not low <= hr <= high:
        return None
    return evalue_hr(hr, low, high, share, covariate)


def robustness_values(design: Design, table: pd.DataFrame, t: float) -> tuple[float, float] | None:
    """The robustness values (rv_q, rv_qa) of the group's coefficient in the released-by-`t`
    linear probability model on this table, or None where that model cannot be fitted."""
    import warnings

    from hrd_coder.analysis.linear_probability import released_by_model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the layer's own report says what the fit warns
        fit = released_by_model(
            table, DURATION, EVENT, t, design.group, [*design.covariates, *design.strata]
        )
    if fit.sensitivity is None:
        return None
    return fit.sensitivity.rv_q, fit.sensitivity.rv_qa


@dataclass(frozen=True)
class Sensitivity:
    """One layer's featured effect against an unmeasured confounder: the E-value of its hazard
    ratio and its CI limit nearer 1, and (with a released-by-t model) the robustness values."""

    evalue: EValue | None
    rv_q: float | None = None
    rv_qa: float | None = None

    def as_dict(self) -> dict[str, Any]:
        found = self.evalue
        return {
            "evalue": None if found is None else found.evalue,
            "evalue_ci": None if found is None else found.evalue_ci,
            "rv_q": self.rv_q,
            "rv_qa": self.rv_qa,
        }


def layer_sensitivity(
    design: Design,
    table: pd.DataFrame,
    hr: tuple[float, float, float] | None,
    released_by: float | None,
) -> Sensitivity:
    """The featured effect's sensitivity on one layer's table (`hr`: its hazard ratio, low,
    high from the layer's Cox model, None if none was fitted)."""
    found = None if hr is None else hazard_evalue(*hr, outcome_share(table), design.group)
    rv = None if released_by is None else robustness_values(design, table, released_by)
    return Sensitivity(found, *(rv or (None, None)))
