"""A coverage timeline drawn in the terminal: media items per week as bars, key dates below."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from hrd_coder.analysis.coverage import Week, monday_of

EIGHTHS = " ▁▂▃▄▅▆▇█"
MARKS = {
    "campaign": ("C", "$text-accent"),
    "featured": ("F", "$text-warning"),
    "released": ("R", "$text-success"),
}
"""The letter and theme colour of each key date under the bars."""
LABEL_GAP = 2
WIDEST_BAR = 3
"""Few weeks get bars up to this many cells wide, so a short timeline fills the chart."""


def bucket(weeks: Sequence[Week], columns: int) -> tuple[list[int], int]:
    """Totals per terminal column and the number of weeks each column holds."""
    per_column = max(1, math.ceil(len(weeks) / max(columns, 1)))
    totals = [
        sum(week.total for week in weeks[start : start + per_column])
        for start in range(0, len(weeks), per_column)
    ]
    return totals, per_column


def bar_rows(totals: Sequence[int], height: int) -> list[str]:
    """Rows of block characters (top row first): each bar in eighths of a row, scaled to the
    largest total; a column with any item shows at least one eighth. Hand-written: the
    Sparkline widget resamples on its own, so the date marks below could not line up."""
    top = max([*totals, 1])
    levels = [0 if n == 0 else max(1, round(n / top * height * 8)) for n in totals]
    rows = []
    for row in range(height - 1, -1, -1):
        rows.append("".join(EIGHTHS[min(8, max(0, level - row * 8))] for level in levels))
    return rows


def mark_columns(
    marks: Sequence[tuple[str, dt.date]],
    first: dt.date,
    per_column: int,
    columns: int,
    cells: int = 1,
) -> list[tuple[int, str]]:
    """(column, what) for each key date inside the chart, each bar `cells` wide; marks
    sharing a column move right."""
    placed: list[tuple[int, str]] = []
    taken: set[int] = set()
    for what, day in marks:
        column = (monday_of(day) - first).days // 7 // per_column * cells
        while column in taken:
            column += 1
        if 0 <= column < columns:
            placed.append((column, what))
            taken.add(column)
    return placed


class CoverageChart(Widget):
    """Weekly media items of one case as bars, with campaign, feature and release marked."""

    DEFAULT_CSS = """
    CoverageChart { height: 10; }
    """

    weeks: reactive[tuple[Week, ...]] = reactive(())
    marks: reactive[tuple[tuple[str, dt.date], ...]] = reactive(())

    def render(self) -> Content:
        """Bars, a row of date marks, month labels and a legend."""
        if not self.weeks:
            return Content.styled("No media item mentions this case.", "dim")
        top = max(week.total for week in self.weeks)
        gutter = len(str(top)) + 1
        width = max(1, self.size.width - gutter)
        totals, per_column = bucket(self.weeks, width)
        cells = max(1, min(WIDEST_BAR, width // len(totals)))
        wide = [total for total in totals for _ in range(cells)]
        height = max(1, self.size.height - 3)
        lines = []
        for index, row in enumerate(bar_rows(wide, height)):
            label = str(top) if index == 0 and top else ("0" if index == height - 1 else "")
            lines.append(Content.assemble(label.rjust(gutter - 1) + "│", (row, "$text-primary")))
        lines.append(self._mark_line(gutter, per_column, len(wide), cells))
        lines.append(Content(" " * gutter + self._month_labels(per_column, len(wide), cells)))
        lines.append(self._legend(per_column))
        return Content("\n").join(lines)

    def _mark_line(self, gutter: int, per_column: int, columns: int, cells: int) -> Content:
        parts: list[str | tuple[str, str]] = [" " * (gutter - 1) + "└"]
        at = 0
        first = self.weeks[0].monday
        for column, what in mark_columns(self.marks, first, per_column, columns, cells):
            letter, style = MARKS.get(what, ("?", "bold"))
            parts += ["─" * (column - at), (letter, f"bold {style}")]
            at = column + 1
        parts.append("─" * max(0, columns - at))
        return Content.assemble(*parts)

    def _month_labels(self, per_column: int, columns: int, cells: int) -> str:
        line = [" "] * columns
        free_from, month = 0, None
        for column in range(0, columns, cells):
            day = self.weeks[min(column // cells * per_column, len(self.weeks) - 1)].monday
            label = f"{day:%Y-%m}"
            if label != month and column >= free_from and column + len(label) <= columns:
                line[column : column + len(label)] = label
                free_from = column + len(label) + LABEL_GAP
            month = label
        return "".join(line)

    def _legend(self, per_column: int) -> Content:
        parts: list[str | tuple[str, str]] = []
        for what, day in self.marks:
            letter, style = MARKS.get(what, ("?", "bold"))
            parts += [(letter, f"bold {style}"), f" {what} {day}   "]
        scale = "1 week" if per_column == 1 else f"{per_column} weeks"
        parts.append((f"one column = {scale}", "dim"))
        return Content.assemble(*parts).truncate(self.size.width, ellipsis=True)
