"""A coverage timeline figure: media items per week by outlet type, key dates marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hrd_coder.analysis.figure_files import save_figure

if TYPE_CHECKING:
    from hrd_coder.analysis.coverage import Week


class _Named(Protocol):
    """A case as the title names it."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class Timeline(Protocol):
    """What the figure draws of a coverage timeline (`Project.media_timeline` gives one):
    described here so that this layer does not import the service that makes it."""

    @property
    def case(self) -> _Named: ...

    @property
    def articles(self) -> Sized: ...

    @property
    def weeks(self) -> Sequence[Week]: ...

    @property
    def marks(self) -> Sequence[tuple[str, dt.date]]: ...


MARK_STYLES = {
    "campaign": ("black", (0, (4, 3))),
    "featured": ("C3", "solid"),
    "released": ("C2", "solid"),
}
"""Colour and line style of each key date's vertical line."""
BAR_COLOURS = ("C0", "C1", "C4", "C5", "C6", "C8", "C9", "C7")
"""Outlet types' colours: the marks' green and red are left out, so no bar looks like a date."""


def timeline_plot(timeline: Timeline, path: str | Path) -> Path:
    """Draw the timeline as stacked weekly bars and save it (PNG, or SVG by the suffix)."""
    # The Agg canvas on a bare Figure, as km_plot does: no pyplot state shared between threads.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        path = path.with_suffix(".png")
    figure = Figure(figsize=(9, 4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    weeks = timeline.weeks
    kinds = sorted({kind for week in weeks for kind in week.counts})
    days = [week.monday for week in weeks]
    bottom = [0] * len(weeks)
    for index, kind in enumerate(kinds):
        heights = [week.counts.get(kind, 0) for week in weeks]
        axes.bar(
            days,
            heights,
            width=6,
            bottom=bottom,
            align="edge",
            color=BAR_COLOURS[index % len(BAR_COLOURS)],
            label=kind,
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for what, day in timeline.marks:
        colour, style = MARK_STYLES.get(what, ("grey", "dotted"))
        # The campaign's dashed line on top: it often falls on a feature date.
        axes.axvline(
            day,
            color=colour,
            linestyle=style,
            linewidth=1.4,
            alpha=0.85,
            zorder=4 if what == "campaign" else 3,
            label=f"{what} {day}",
        )
    if weeks:
        axes.set_xlim(days[0], days[-1] + dt.timedelta(days=7))
    axes.set_ylim(0, max([*bottom, 1]) + 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("media items per week")
    case = timeline.case
    axes.set_title(
        f"Media coverage of {case.id} ({case.name}): {len(timeline.articles)} items",
        loc="left",
        fontweight="bold",
    )
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    figure.autofmt_xdate()
    save_figure(figure, path)
    return path
