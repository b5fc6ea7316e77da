"""A Kaplan–Meier chart drawn in the terminal: one braille step line per group, axes, legend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

GROUP_STYLES = (
    "$text-primary",
    "$text-warning",
    "$text-success",
    "$text-error",
    "$text-secondary",
    "$text-accent",
)
"""Theme colours for the groups, in curve order: they follow the light and dark themes."""
BRAILLE = 0x2800
# Braille dot bits by (column, row) inside a cell of 2 x 4 dots (Unicode's dot numbering).
DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
BLANK = -1
GUTTER = 5
"""Columns left of the plot: a y label of four characters and the axis."""
HALF_LINE = "┈"


@dataclass(frozen=True)
class StepCurve:
    """One group's survival steps: `survival[i]` holds from `times[i]` to the next time."""

    label: str
    times: tuple[float, ...]
    survival: tuple[float, ...]


Cell = tuple[str, int]
"""A character and the index of the curve that drew it last (BLANK for none)."""


def plot_curves(
    curves: Sequence[StepCurve], width: int, height: int, x_max: float
) -> list[list[Cell]]:
    """Rows of cells (top row first) with every curve drawn as a step line in braille dots.

    Each cell holds 2 x 4 dots; x runs from 0 to `x_max` over the dot columns, survival from
    1 (top dot row) to 0 (bottom). Curves are drawn in order, so where two share a cell the
    dots of both are shown and the later curve owns the colour. Hand-written because no
    plotting library we depend on draws into terminal cells.
    """
    if width <= 0 or height <= 0:
        return []
    bits = [[0] * width for _ in range(height)]
    owners = [[BLANK] * width for _ in range(height)]
    columns, rows = 2 * width, 4 * height

    def x_dot(time: float) -> int:
        share = time / x_max if x_max > 0 else 0.0
        return min(columns - 1, max(0, round(share * (columns - 1))))

    def y_dot(survival: float) -> int:
        return min(rows - 1, max(0, round((1.0 - survival) * (rows - 1))))

    def dot(index: int, x: int, y: int) -> None:
        bits[y // 4][x // 2] |= DOT_BITS[x % 2][y % 4]
        owners[y // 4][x // 2] = index

    for index, curve in enumerate(curves):
        steps = list(zip(curve.times, curve.survival, strict=True))
        for step, (time, survival) in enumerate(steps):
            last = step == len(steps) - 1
            start, end = x_dot(time), x_dot(x_max if last else steps[step + 1][0])
            level = y_dot(survival)
            for x in range(start, end + 1):
                dot(index, x, level)
            if not last:
                below = y_dot(steps[step + 1][1])
                for y in range(min(level, below), max(level, below) + 1):
                    dot(index, end, y)
    return [
        [
            (chr(BRAILLE + value) if value else " ", owner)
            for value, owner in zip(bit_row, owner_row, strict=True)
        ]
        for bit_row, owner_row in zip(bits, owners, strict=True)
    ]


def tick_label(value: float) -> str:
    """A number on the x axis: whole days."""
    return f"{value:.0f}"


class KMChart(Widget):
    """Survival curves per group against time, with a legend in the groups' theme colours."""

    DEFAULT_CSS = """
    KMChart { height: 15; padding: 0 1; }
    """

    curves: reactive[tuple[StepCurve, ...]] = reactive((), layout=False)
    x_max: reactive[float] = reactive(0.0)
    x_label: reactive[str] = reactive("days")
    y_label: reactive[str] = reactive("share still detained")
    empty_text: reactive[str] = reactive("No curves to draw.")
    """What shows without curves (the results screen says they are on their way)."""

    def render(self) -> Content:
        """The chart fitted to the widget's size."""
        width = self.content_size.width - GUTTER - 1
        legend = self._legend()
        # The legend shares the y title's line when both fit.
        beside = len(self.y_label) + 3 + legend.cell_length <= self.content_size.width
        height = self.content_size.height - (4 if beside else 5)  # titles, x axis, x ticks
        if not self.curves:
            return Content.styled(self.empty_text, "dim")
        if width < 10 or height < 3:
            return Content.styled("Too small to draw the curves: make the window larger.", "dim")
        x_max = self.x_max or max((max(c.times, default=0.0) for c in self.curves), default=1.0)
        grid = plot_curves(self.curves, width, height, x_max)
        title = Content.styled(self.y_label, "bold")
        lines = [Content.assemble(title, "   ", legend) if beside else title]
        if not beside:
            lines.append(Content.assemble(" " * GUTTER, legend))
        half_row = round(0.5 * (4 * height - 1)) // 4
        labels = {0: "1.0", half_row: "0.5", height - 1: "0.0"}
        for row, cells in enumerate(grid):
            axis = "┤" if row in labels else "│"
            parts: list[str | tuple[str, str]] = [
                (f"{labels.get(row, ''):>4}{axis}", "$text-muted")
            ]
            for char, owner in cells:
                if owner == BLANK:
                    parts.append((HALF_LINE, "dim $text-muted") if row == half_row else char)
                else:
                    parts.append((char, GROUP_STYLES[owner % len(GROUP_STYLES)]))
            lines.append(Content.assemble(*parts))
        lines += self._x_axis(width, x_max)
        return Content("\n").join(lines)

    def _x_axis(self, width: int, x_max: float) -> list[Content]:
        """The axis line with ticks, the tick labels, and the axis title."""
        count = 4 if width >= 40 else 2
        positions = [round(i * (width - 1) / count) for i in range(count + 1)]
        axis = [*("─" * width)]
        labels = [" "] * width
        for i, position in enumerate(positions):
            axis[position] = "┬"
            text = tick_label(x_max * i / count)
            start = min(max(0, position - len(text) // 2), width - len(text))
            labels[start : start + len(text)] = text
        title = self.x_label[:width].rjust(width)
        return [
            Content.styled(" " * (GUTTER - 1) + "└" + "".join(axis), "$text-muted"),
            Content.styled(" " * GUTTER + "".join(labels), "$text-muted"),
            Content.styled(" " * GUTTER + title, "bold"),
        ]

    def _legend(self) -> Content:
        """Each group's line sample in its colour and its name."""
        parts: list[str | tuple[str, str]] = []
        for index, curve in enumerate(self.curves):
            style = GROUP_STYLES[index % len(GROUP_STYLES)]
            parts += ["   " if parts else "", ("━━ ", f"bold {style}"), (curve.label, style)]
        return Content.assemble(*parts)


def step_curve(label: str, times: Sequence[float], survival: Sequence[float]) -> StepCurve:
    """A StepCurve from a survival table's columns, starting at 1 at time 0."""
    pairs = [(float(t), float(s)) for t, s in zip(times, survival, strict=True)]
    pairs = [(t, s) for t, s in pairs if not (math.isnan(t) or math.isnan(s))]
    if not pairs or pairs[0][0] > 0:
        pairs.insert(0, (0.0, 1.0))
    return StepCurve(label, tuple(t for t, _ in pairs), tuple(s for _, s in pairs))
