"""The figures of a design report, apart from its fitted models: plain data that can be
drawn here or sent to a child process (hrd_coder/analysis/child_process.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hrd_coder.analysis.km_plot import DrawnCurve, draw_km
from hrd_coder.analysis.sensitivity import OmittedVariableSensitivity


@dataclass(frozen=True)
class ContourJob:
    """A released-by model's sensitivity contour: what to draw and how to name it."""

    sensitivity: OmittedVariableSensitivity
    name: str
    title: str
    treatment_words: str


@dataclass(frozen=True)
class FigureJob:
    """One design report's figures: its Kaplan–Meier curves (OUT/NAME.png and .svg) and,
    with a released-by model, that model's sensitivity contour."""

    curves: tuple[DrawnCurve, ...]
    out: Path
    name: str
    title: str
    xlabel: str
    contour: ContourJob | None = None

    def draw(self) -> tuple[Path, ...]:
        """Draw every figure into `out` (made if missing); return the paths written."""
        self.out.mkdir(parents=True, exist_ok=True)
        plots = draw_km(self.curves, self.out / self.name, title=self.title, xlabel=self.xlabel)
        if self.contour is not None:
            from hrd_coder.analysis.contour_plot import contour_plot

            plots += contour_plot(
                self.contour.sensitivity,
                self.out / self.contour.name,
                title=self.contour.title,
                treatment_words=self.contour.treatment_words,
            )
        return plots
