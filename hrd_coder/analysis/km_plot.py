"""A Kaplan–Meier figure: curves per group, 95% bands, censoring ticks, numbers at risk."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.figure_files import save_figure
from hrd_coder.analysis.kaplan_meier import KMResult, kaplan_meier

if TYPE_CHECKING:
    import pandas as pd

TITLE_COLUMNS = 64
"""Characters of a figure's bold title per line (the 8-inch figure holds about 72)."""

DRAWN_COLUMNS = (
    "time",
    "entered",
    "events",
    "censored",
    "survival",
    "survival_low",
    "survival_high",
)


@dataclass(frozen=True)
class DrawnCurve:
    """One group's curve as plain numbers (numpy arrays of DRAWN_COLUMNS): what drawing
    needs, and no pandas, so a figure process need not import it."""

    label: str
    """The legend's words: the group (or "all cases") and its size."""
    name: str
    """The row's name under "number at risk"."""
    columns: dict[str, Any]


def curves_to_draw(data: KMResult) -> tuple[DrawnCurve, ...]:
    """The Kaplan–Meier curves of a result, as plain numbers."""
    drawn = []
    for curve in data.curves:
        name = curve.group if data.group is not None else "all cases"
        columns = {column: curve.table[column].to_numpy() for column in DRAWN_COLUMNS}
        drawn.append(DrawnCurve(f"{name} (n = {curve.n})", name, columns))
    return tuple(drawn)


def km_plot(
    data: KMResult | pd.DataFrame,
    path: str | Path,
    *,
    duration: str | None = None,
    event: str | None = None,
    group: str | None = None,
    entry: str | None = None,
    title: str = "Time to release",
    xlabel: str = "days since campaign launch",
    ylabel: str = "share still detained",
) -> tuple[Path, Path]:
    """Draw Kaplan–Meier curves and save them as PNG and SVG; return the two paths.

    `data` is a KMResult, or a DataFrame with `duration`, `event` (and optionally `group`,
    `entry`) named, in which case the curves are estimated here. `path` is the file name
    without (or with any) suffix: ".png" and ".svg" are put in its place.
    """
    if not isinstance(data, KMResult):
        if duration is None or event is None:
            raise ValueError("name the duration and event columns to plot a DataFrame")
        data = kaplan_meier(data, duration, event, group=group, entry=entry)
    return draw_km(curves_to_draw(data), path, title=title, xlabel=xlabel, ylabel=ylabel)


def draw_km(
    curves: tuple[DrawnCurve, ...],
    path: str | Path,
    *,
    title: str = "Time to release",
    xlabel: str = "days since campaign launch",
    ylabel: str = "share still detained",
) -> tuple[Path, Path]:
    """Draw curves given as plain numbers (`curves_to_draw`) as `km_plot` does; return
    the PNG's and the SVG's paths."""
    # The Agg canvas on a bare Figure: no pyplot, so no global backend switch and no state
    # shared between threads (the TUI draws from worker threads).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    figure = Figure(figsize=(8, 5.6), layout="constrained")
    FigureCanvasAgg(figure)
    curves_axes, risk_axes = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 0.35 + 0.3 * len(curves)]}
    )
    colours = [f"C{i}" for i in range(len(curves))]
    for curve, colour in zip(curves, colours, strict=True):
        _draw_curve(curves_axes, curve, colour)
    curves_axes.set_ylim(0, 1.04)
    curves_axes.set_xlim(left=0)
    curves_axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    curves_axes.set_ylabel(ylabel)
    # A design's description is the title: a long one ran off the figure's right edge
    # (the contour plot wraps its title the same way).
    curves_axes.set_title(textwrap.fill(title, TITLE_COLUMNS), loc="left", fontweight="bold")
    curves_axes.grid(alpha=0.3)
    curves_axes.spines[["top", "right"]].set_visible(False)
    curves_axes.legend(
        handles=[*curves_axes.get_legend_handles_labels()[0], _censor_handle()],
        frameon=False,
        loc="best",
    )
    curves_axes.set_xlabel(xlabel)
    curves_axes.tick_params(labelbottom=True)
    _draw_at_risk(risk_axes, curves, colours, curves_axes.get_xticks(), curves_axes.get_xlim())
    base = Path(path)
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    save_figure(figure, png, svg)
    return png, svg


def _draw_curve(axes, curve: DrawnCurve, colour: str) -> None:
    import numpy as np

    table = curve.columns
    times = np.concatenate([[0.0], table["time"]])
    survival = np.concatenate([[1.0], table["survival"]])
    low = np.concatenate([[1.0], table["survival_low"]])
    high = np.concatenate([[1.0], table["survival_high"]])
    axes.step(times, survival, where="post", color=colour, linewidth=1.8, label=curve.label)
    axes.fill_between(times, low, high, step="post", color=colour, alpha=0.15, linewidth=0)
    censored = table["censored"] > 0
    axes.plot(
        table["time"][censored],
        table["survival"][censored],
        linestyle="none",
        marker="|",
        markersize=8,
        markeredgewidth=1.3,
        color=colour,
    )


def _censor_handle():
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker="|", markersize=8, color="0.3", label="censored")


def _draw_at_risk(axes, curves: tuple[DrawnCurve, ...], colours: list[str], ticks, limits) -> None:
    ticks = [tick for tick in ticks if limits[0] <= tick <= limits[1]]
    rows = len(curves)
    for row, (curve, colour) in enumerate(zip(curves, colours, strict=True)):
        y = rows - row - 1
        axes.annotate(
            curve.name,
            xy=(0, y),
            xycoords=("axes fraction", "data"),
            xytext=(-16, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            color=colour,
            fontsize=9,
        )
        for tick in ticks:
            count = _at_risk(curve.columns, tick)
            axes.text(tick, y, str(count), ha="center", va="center", fontsize=9)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_yticks([])
    axes.tick_params(axis="x", length=0, labelbottom=False)
    axes.set_title("number at risk", loc="left", fontsize=9, color="0.3")
    axes.spines[["top", "right", "left", "bottom"]].set_visible(False)


def _at_risk(table, time: float) -> int:
    """Cases under observation and not yet released or censored at `time` (`table`: a
    curve's DataFrame or its columns as arrays)."""
    import numpy as np

    times = np.asarray(table["time"])
    entered = np.asarray(table["entered"])[times <= time].sum()
    left = (np.asarray(table["events"]) + np.asarray(table["censored"]))[times < time].sum()
    return int(entered - left)
