"""One design's Cox model fitted on each layer, side by side: do results depend on who coded?

Each layer is named with its kind (human, consensus, model) and, for a machine coder, its
validation verdict; a model layer whose codes are refused is listed, not fitted. Each hazard
ratio carries its E-value, and with a released-by-t model the group's row its robustness
values (layer_sensitivity.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.cox import CoxResult
from hrd_coder.analysis.design_report import design_cox
from hrd_coder.analysis.designs import Design
from hrd_coder.analysis.fit_warnings import warnings_as_notes
from hrd_coder.analysis.layer_sensitivity import (
    HUMAN,
    LayerSource,
    Sensitivity,
    hazard_evalue,
    layer_sensitivity,
    outcome_share,
)
from hrd_coder.analysis.result_text import CANNOT_TEST
from hrd_coder.analysis.tables import cell, render_table

if TYPE_CHECKING:
    import pandas as pd

LAYER_COLUMNS = (
    "layer",
    "covariate",
    "hr",
    "hr_low",
    "hr_high",
    "p",
    "n",
    "events",
    "evalue",
    "evalue_ci",
    "rv_q",
    "rv_qa",
)
SOURCE_COLUMNS = ("layer", "kind", "verdict", "evalue", "evalue_ci", "rv_q", "rv_qa")
REFUSED = "refused"


@dataclass(frozen=True, eq=False)
class LayerComparison:
    """The design's hazard ratios per layer: `summary` has one row per (layer, covariate)
    fitted; `sources` says whose each layer is (refused ones included), `sensitivity` the
    featured effect's E-value and robustness values per fitted layer."""

    design: Design
    layers: tuple[str, ...]
    summary: pd.DataFrame
    notes: tuple[str, ...]
    sources: tuple[LayerSource, ...] = ()
    sensitivity: Mapping[str, Sensitivity] | None = None
    released_by: float | None = None

    def source(self, layer: str) -> LayerSource:
        """Whose codings the layer holds (a person's when not told)."""
        return next((s for s in self.sources if s.layer == layer), LayerSource(layer, HUMAN))

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
                {
                    "covariate": name,
                    **{layer: self._cell(text, name, layer) for layer in self.layers},
                }
                for name in covariates
            ],
            columns=["covariate", *self.layers],
        )

    def _cell(self, text: dict, covariate: str, layer: str) -> str:
        return REFUSED if self.source(layer).refused else text.get((covariate, layer), "")

    def layer_table(self) -> pd.DataFrame:
        """One row per layer: its kind, a model's verdict, and the featured effect's
        E-value (and its CI limit's) and robustness values."""
        import pandas as pd

        rows = []
        for layer in self.layers:
            found = (self.sensitivity or {}).get(layer)
            values = found.as_dict() if found else dict.fromkeys(SOURCE_COLUMNS[3:])
            source = self.source(layer)
            verdict = refused_verdict(source)
            rows.append({"layer": layer, "kind": source.kind, "verdict": verdict, **values})
        columns = list(SOURCE_COLUMNS if self.released_by is not None else SOURCE_COLUMNS[:5])
        return pd.DataFrame(rows, columns=columns)

    def csv_tables(self) -> dict[str, str]:
        """The CSV files of the comparison by name suffix: the numeric summary, and the
        layers with their kind, verdict and the featured effect's sensitivity."""
        return {
            "by_layer": render_table(self.summary, "csv"),
            "by_layer_kinds": render_table(self.layer_table(), "csv"),
        }

    def render(self, fmt: str) -> str:
        """Markdown or LaTeX: the covariate x layer table, then the layers with their
        sensitivity; csv: the numeric summary."""
        if fmt == "csv":
            return render_table(self.summary, "csv")
        caption = f"{self.design.name}: Cox hazard ratios [95% CI] and p by coder layer"
        text = render_table(self.table(), fmt, caption)
        text += "\n" + render_table(self.layer_table(), fmt, self._layer_caption())
        if self.notes and fmt == "markdown":
            text += "\n" + "\n".join(f"- note: {note}" for note in self.notes) + "\n"
        return text

    def _layer_caption(self) -> str:
        caption = f"{self.design.name}: each layer's kind and the {self.design.group} E-value"
        if self.released_by is not None:
            caption += f" and robustness values (released by day {self.released_by:g})"
        return caption

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: per layer, the coefficients keyed by covariate (None when no model);
        `by_layer`, per layer, its kind, verdict and the featured effect's sensitivity."""
        layers: dict[str, Any] = {}
        for layer in self.layers:
            rows = self.summary[self.summary["layer"] == layer]
            layers[layer] = {
                row.covariate: {
                    column: _json(getattr(row, column)) for column in LAYER_COLUMNS[2:6]
                }
                | {column: _json(getattr(row, column)) for column in LAYER_COLUMNS[8:]}
                for row in rows.itertuples()
            } or None
        sensitivity = self.sensitivity or {}
        return {
            "design": self.design.name,
            "effect": self.design.group,
            "released_by": self.released_by,
            "layers": layers,
            "by_layer": {
                layer: self.source(layer).as_dict()
                | sensitivity.get(layer, Sensitivity(None)).as_dict()
                for layer in self.layers
            },
            "notes": list(self.notes),
        }


def refused_verdict(source: LayerSource) -> str | None:
    """A layer's verdict as a table cell: "refused: " before it when the layer is refused
    (the reason, longer, goes into the notes and the JSON)."""
    return f"{REFUSED}: {source.verdict}" if source.refused else source.verdict


def compare_layers(
    design: Design,
    tables: Mapping[str, pd.DataFrame],
    sources: tuple[LayerSource, ...] = (),
    released_by: float | None = None,
) -> LayerComparison:
    """Fit the design's Cox model on each layer's survival table (layer -> table); `sources`
    lists every layer in order, refused ones (with no table) too."""
    import pandas as pd

    rows, notes, sensitivity = [], [], {}
    for layer, table in tables.items():
        found: list[str] = []
        with warnings_as_notes(found):
            cox: CoxResult | None = design_cox(design, table, found)
        notes += [f"layer {layer}: {note}" for note in [*found, *(cox.notes if cox else ())]]
        fitted = _layer_rows(layer, table, cox)
        rows += fitted
        featured = next((r for r in fitted if r["covariate"] == design.group), None)
        hr = None if featured is None else (featured["hr"], featured["hr_low"], featured["hr_high"])
        sensitivity[layer] = found_sensitivity = layer_sensitivity(design, table, hr, released_by)
        if featured is not None and found_sensitivity.rv_q is not None:
            featured["rv_q"], featured["rv_qa"] = found_sensitivity.rv_q, found_sensitivity.rv_qa
    summary = pd.DataFrame(rows, columns=list(LAYER_COLUMNS))
    layers = tuple(s.layer for s in sources) or tuple(tables)
    return LayerComparison(design, layers, summary, tuple(notes), sources, sensitivity, released_by)


def _layer_rows(layer: str, table: pd.DataFrame, cox: CoxResult | None) -> list[dict[str, Any]]:
    """The summary rows of one layer's fit, each hazard ratio with its E-values (the
    robustness values, of the group's row only, are filled in after)."""
    if cox is None:
        return []
    share = outcome_share(table)
    rows = []
    for name, row in cox.summary.iterrows():
        hr, low, high, p = (float(row[c]) for c in ("hr", "hr_low", "hr_high", "p"))
        found = hazard_evalue(hr, low, high, share, str(name))
        rows.append(
            {
                "layer": layer,
                "covariate": name,
                "hr": hr,
                "hr_low": low,
                "hr_high": high,
                "p": p,
                "n": cox.n,
                "events": cox.events,
                "evalue": math.nan if found is None else found.evalue,
                "evalue_ci": math.nan if found is None else found.evalue_ci,
                "rv_q": math.nan,
                "rv_qa": math.nan,
            }
        )
    return rows


def _p_cell(p: float) -> str:
    return CANNOT_TEST if math.isnan(p) else f"p={cell(p)}"


def _json(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else value
