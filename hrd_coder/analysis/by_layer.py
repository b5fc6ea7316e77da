"""One design's Cox model fitted on each coder layer, side by side: do results depend on
who coded?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.cox import CoxResult
from hrd_coder.analysis.design_report import design_cox
from hrd_coder.analysis.designs import Design
from hrd_coder.analysis.fit_warnings import warnings_as_notes
from hrd_coder.analysis.result_text import CANNOT_TEST
from hrd_coder.analysis.tables import cell, render_table

if TYPE_CHECKING:
    import pandas as pd

LAYER_COLUMNS = ("layer", "covariate", "hr", "hr_low", "hr_high", "p", "n", "events")


@dataclass(frozen=True, eq=False)
class LayerComparison:
    """The design's hazard ratios per layer: `summary` has one row per (layer, covariate)."""

    design: Design
    layers: tuple[str, ...]
    summary: pd.DataFrame
    notes: tuple[str, ...]

    def table(self) -> pd.DataFrame:
        """Covariate x layer, each cell "HR [low, high] p", for reading at a glance."""
        import pandas as pd

        text = {
            (row.covariate, row.layer): f"{cell(row.hr)} [{cell(row.hr_low)}, "
            f"{cell(row.hr_high)}] {_p_cell(row.p)}"
            for row in self.summary.itertuples()
        }
        covariates = list(dict.fromkeys(self.summary["covariate"]))
        return pd.DataFrame(
            [
                {"covariate": name, **{layer: text.get((name, layer), "") for layer in self.layers}}
                for name in covariates
            ],
            columns=["covariate", *self.layers],
        )

    def render(self, fmt: str) -> str:
        """Markdown or LaTeX: the covariate x layer table; csv: the numeric summary."""
        if fmt == "csv":
            return render_table(self.summary, "csv")
        caption = f"{self.design.name}: Cox hazard ratios [95% CI] and p by coder layer"
        text = render_table(self.table(), fmt, caption)
        if self.notes and fmt == "markdown":
            text += "\n" + "\n".join(f"- note: {note}" for note in self.notes) + "\n"
        return text

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: per layer, the coefficients keyed by covariate (None when no model)."""
        layers: dict[str, Any] = {}
        for layer in self.layers:
            rows = self.summary[self.summary["layer"] == layer]
            layers[layer] = {
                row.covariate: {
                    "hr": _json(row.hr),
                    "hr_low": _json(row.hr_low),
                    "hr_high": _json(row.hr_high),
                    "p": _json(row.p),
                }
                for row in rows.itertuples()
            } or None
        return {"design": self.design.name, "layers": layers, "notes": list(self.notes)}


def compare_layers(design: Design, tables: Mapping[str, pd.DataFrame]) -> LayerComparison:
    """Fit the design's Cox model on each layer's survival table (layer -> table)."""
    import pandas as pd

    rows, notes = [], []
    for layer, table in tables.items():
        found: list[str] = []
        with warnings_as_notes(found):
            cox: CoxResult | None = design_cox(design, table, found)
        notes += [f"layer {layer}: {note}" for note in [*found, *(cox.notes if cox else ())]]
        if cox is None:
            continue
        for name, row in cox.summary.iterrows():
            rows.append(
                {
                    "layer": layer,
                    "covariate": name,
                    **{c: float(row[c]) for c in ("hr", "hr_low", "hr_high", "p")},
                    "n": cox.n,
                    "events": cox.events,
                }
            )
    summary = pd.DataFrame(rows, columns=list(LAYER_COLUMNS))
    return LayerComparison(design, tuple(tables), summary, tuple(notes))


def _p_cell(p: float) -> str:
    return CANNOT_TEST if math.isnan(p) else f"p={cell(p)}"


def _json(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else value
