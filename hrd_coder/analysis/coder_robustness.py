"""Does a design's finding survive a change of coder? (issue 18)

Two answers, both on the design's Cox model and its featured effect (the hazard ratio of the
design's group, with the code variables as covariates):

- by layer: the model refitted on each coder's case table, on the consensus and on any
  machine coder's layer (listed with its validation verdict, refused until its codes are
  validated as usable), side by side, each with its E-value (how strong an unmeasured
  confounder would have to be) and, with a released-by-t model, its robustness values;
- the coder bootstrap: many case tables in which each case's mechanism values come from one
  of the coders who coded that case, drawn at random; the spread of the hazard ratio over the
  draws is the part of the uncertainty that comes from who coded, which no single layer's
  confidence interval shows. Only people's layers are drawn from: a machine coder's labels
  are not one more reading of the case.

Everything here works on survival tables already built (one per layer); which coders coded
which case is handed in. No SQL, no project.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.design_report import design_cox
from hrd_coder.analysis.designs import EVENT, Design
from hrd_coder.analysis.evalue import EValue
from hrd_coder.analysis.fit_warnings import warnings_as_notes
from hrd_coder.analysis.layer_sensitivity import (
    CONSENSUS_KIND,
    HUMAN,
    MODEL,
    LayerSource,
    layer_sensitivity,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

QUANTILES = (0.025, 0.25, 0.5, 0.75, 0.975)
DEFAULT_DRAWS = 200


@dataclass(frozen=True)
class LayerEstimate:
    """The featured effect on one layer's case table (None where no model could be fitted,
    or the layer is refused), its sensitivity, and whose codings the layer holds."""

    layer: str
    hr: float | None
    hr_low: float | None
    hr_high: float | None
    p: float | None
    evalue: EValue | None
    source: LayerSource | None = None
    rv_q: float | None = None
    rv_qa: float | None = None

    @property
    def kind(self) -> str:
        """human, consensus or model."""
        return HUMAN if self.source is None else self.source.kind

    @property
    def refused(self) -> str | None:
        """Why the layer is not fitted (a model layer's codes not validated as usable)."""
        return None if self.source is None else self.source.refused

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "verdict": None if self.source is None else self.source.verdict,
            "refused": self.refused,
            "hr": self.hr,
            "hr_low": self.hr_low,
            "hr_high": self.hr_high,
            "p": self.p,
            "evalue": None if self.evalue is None else self.evalue.evalue,
            "evalue_ci": None if self.evalue is None else self.evalue.evalue_ci,
            "rv_q": self.rv_q,
            "rv_qa": self.rv_qa,
        }


@dataclass(frozen=True, eq=False)
class CoderBootstrap:
    """Hazard ratios of the featured effect over draws that mix coders case by case."""

    draws: int
    seed: int
    hazard_ratios: np.ndarray  # one per draw whose model could be fitted
    failed: int  # draws whose model could not be fitted (a covariate constant, no events)
    varying_cases: int  # cases whose code variables differ between the coders who coded them
    layers: tuple[str, ...] = ()  # the human layers drawn from

    def quantiles(self) -> dict[str, float | None]:
        """The hazard ratio's quantiles over the draws, keyed "2.5%", "50%"..."""
        import numpy as np

        if not len(self.hazard_ratios):
            return {_percent(q): None for q in QUANTILES}
        found = np.quantile(self.hazard_ratios, QUANTILES)
        return {_percent(q): float(v) for q, v in zip(QUANTILES, found, strict=True)}

    def share_beyond_one(self, above: bool) -> float | None:
        """The share of draws whose hazard ratio is on the given side of 1."""
        if not len(self.hazard_ratios):
            return None
        side = self.hazard_ratios > 1 if above else self.hazard_ratios < 1
        return float(side.mean())

    def as_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "fitted": len(self.hazard_ratios),
            "failed": self.failed,
            "varying_cases": self.varying_cases,
            "layers": list(self.layers),
            "quantiles": self.quantiles(),
        }


@dataclass(frozen=True, eq=False)
class CoderRobustness:
    """A design's featured effect under every layer, and the coder bootstrap."""

    design: Design
    reference: str  # the layer the sentence compares with (consensus when there is one)
    by_layer: tuple[LayerEstimate, ...]
    bootstrap: CoderBootstrap
    notes: tuple[str, ...]
    released_by: float | None = None  # the day of the released-by model behind rv_q, rv_qa

    @property
    def effect(self) -> str:
        return self.design.group

    def sentence(self) -> str:
        """One plain sentence a paper can carry."""
        fitted = [e for e in self.by_layer if e.hr is not None]
        if not fitted:
            return f"No layer supports a Cox model of design '{self.design.name}'."
        low, high = min(e.hr for e in fitted), max(e.hr for e in fitted)  # type: ignore[type-var]
        same_sign = all(e.hr > 1 for e in fitted) or all(e.hr < 1 for e in fitted)  # type: ignore[operator]
        layers = ", ".join(e.layer for e in fitted)
        if refused := [e.layer for e in self.by_layer if e.refused and e.kind == MODEL]:
            layers += f"; {', '.join(refused)} refused: not validated as usable"
        if any(e.refused and e.kind == CONSENSUS_KIND for e in self.by_layer):
            layers += "; consensus refused: incomplete"
        text = (
            f"The {self.effect} effect (hazard ratio) "
            + ("keeps its sign" if same_sign else "changes sign")
            + f" and stays within [{low:.2f}, {high:.2f}] under every layer ({layers})"
        )
        quantiles = self.bootstrap.quantiles()
        if quantiles["2.5%"] is not None:
            text += (
                f"; mixing the human coders case by case ({len(self.bootstrap.hazard_ratios)} "
                "draws), "
                f"95% of hazard ratios lie in [{quantiles['2.5%']:.2f}, "
                f"{quantiles['97.5%']:.2f}]"
            )
        return text + "."

    def as_dict(self) -> dict[str, Any]:
        return {
            "design": self.design.name,
            "effect": self.effect,
            "reference": self.reference,
            "released_by": self.released_by,
            "by_layer": {e.layer: e.as_dict() for e in self.by_layer},
            "bootstrap": self.bootstrap.as_dict(),
            "sentence": self.sentence(),
            "notes": list(self.notes),
        }


def coder_robustness(
    design: Design,
    tables: Mapping[str, pd.DataFrame],
    coded_by: Mapping[str, Sequence[str]],
    reference: str,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    sources: tuple[LayerSource, ...] = (),
    released_by: float | None = None,
) -> CoderRobustness:
    """The featured effect on every layer's survival table (layer -> table, the same cases in
    each), and the coder bootstrap over the human layers in `coded_by` (case id -> the layers
    that coded it; a case no one coded draws from every human layer). `sources` lists every
    layer in order with its kind, refused ones (with no table) too; `released_by` (days) adds
    each layer's robustness values."""
    notes: list[str] = []
    by_layer = tuple(
        LayerEstimate(source.layer, None, None, None, None, None, source)
        if source.refused
        else _estimate(design, source, tables[source.layer], notes, released_by)
        for source in sources or tuple(LayerSource(layer, HUMAN) for layer in tables)
    )
    humans = sorted({layer for layers in coded_by.values() for layer in layers} & set(tables))
    if len(humans) < 2:
        notes.append("the coder bootstrap needs two coders' layers: it has " + str(len(humans)))
        humans = humans or [reference]
    boot = coder_bootstrap(design, {h: tables[h] for h in humans}, coded_by, draws, seed)
    if boot.failed:
        notes.append(f"{boot.failed} of {draws} draws could not be fitted and are left out")
    return CoderRobustness(design, reference, by_layer, boot, tuple(notes), released_by)


def coder_bootstrap(
    design: Design,
    tables: Mapping[str, pd.DataFrame],
    coded_by: Mapping[str, Sequence[str]],
    draws: int,
    seed: int,
) -> CoderBootstrap:
    """Refit the design's model on `draws` tables mixing the layers case by case."""
    import numpy as np

    if draws < 1:
        raise ValueError(f"the coder bootstrap needs at least 1 draw, not {draws}")
    layers = list(tables)
    base, columns, values = _aligned(design, tables)
    allowed = _allowed_layers(base["id"], layers, coded_by)
    varying = int((values.max(axis=0) != values.min(axis=0)).any(axis=1).sum())
    rng = np.random.default_rng(seed)
    cases = np.arange(len(base))
    found, failed = [], 0
    # Draws that give the same table give the same fit: with few cases read differently
    # (one on the demo) most draws repeat one, and each Cox fit is most of a draw's time.
    fitted: dict[bytes, float | None] = {}
    for _ in range(draws):
        chosen = np.array([rng.choice(options) for options in allowed])
        mixed = values[chosen, cases]
        key = mixed.tobytes()
        if key not in fitted:
            table = base.copy()
            table[columns] = mixed
            fitted[key] = _featured_hr(design, table)
        hr = fitted[key]
        if hr is None:
            failed += 1
        else:
            found.append(hr)
    return CoderBootstrap(draws, seed, np.array(found, dtype=float), failed, varying, tuple(layers))


def _aligned(
    design: Design, tables: Mapping[str, pd.DataFrame]
) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """The first table (its outcome columns are every layer's), the columns that depend on
    the coder, and their values as layer x case x column, the cases in the same order."""
    import numpy as np

    frames = [t.sort_values("id").reset_index(drop=True) for t in tables.values()]
    base = frames[0]
    for frame in frames[1:]:
        if list(frame["id"]) != list(base["id"]) or list(frame[EVENT]) != list(base[EVENT]):
            raise ValueError("the layers' survival tables do not hold the same cases")
    columns = list(dict.fromkeys((*design.covariates, *design.strata)))
    values = np.stack([f[columns].to_numpy(dtype=float) for f in frames])
    return base, columns, values


def _allowed_layers(
    ids: pd.Series, layers: list[str], coded_by: Mapping[str, Sequence[str]]
) -> list[list[int]]:
    """For each case, the indexes of the layers it may be drawn from."""
    everyone = list(range(len(layers)))
    allowed = []
    for case in ids:
        mine = [layers.index(layer) for layer in coded_by.get(case, ()) if layer in layers]
        allowed.append(mine or everyone)
    return allowed


def _featured_hr(design: Design, table: pd.DataFrame) -> float | None:
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each draw's warnings say what the layers' fits say
        cox = design_cox(design, table, notes)
    if cox is None or design.group not in cox.summary.index:
        return None
    hr = float(cox.summary.loc[design.group, "hr"])
    return hr if math.isfinite(hr) else None


def _estimate(
    design: Design,
    source: LayerSource,
    table: pd.DataFrame,
    notes: list[str],
    released_by: float | None,
) -> LayerEstimate:
    found: list[str] = []
    warned: list[str] = []
    # A layer's fit warns when a coder's codes separate the released cases (say, a code
    # applied to every released case): the note says so, as `report --by-layer` does. A
    # fit that failed says why in one note; its warnings on the way would only blur it.
    with warnings_as_notes(warned):
        cox = design_cox(design, table, found)
    notes += [
        f"layer {source.layer}: {note}" for note in (found if cox is None else found + warned)
    ]
    fitted = None
    if cox is not None and design.group in cox.summary.index:
        row = cox.summary.loc[design.group]
        fitted = tuple(float(row[c]) for c in ("hr", "hr_low", "hr_high", "p"))
        if not all(math.isfinite(v) for v in fitted[:3]):
            fitted = None
    sensitivity = layer_sensitivity(
        design, table, None if fitted is None else fitted[:3], released_by
    )
    hr, low, high, p = fitted or (None, None, None, None)
    return LayerEstimate(
        source.layer,
        hr,
        low,
        high,
        p,
        sensitivity.evalue,
        source,
        sensitivity.rv_q,
        sensitivity.rv_qa,
    )


def _percent(q: float) -> str:
    return f"{q * 100:g}%"
