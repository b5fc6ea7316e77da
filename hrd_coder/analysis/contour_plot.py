"""A sensitivity contour figure: the adjusted estimate over the strength of a confounder."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hrd_coder.analysis.figure_files import save_figure
from hrd_coder.analysis.sensitivity import OmittedVariableSensitivity, adjusted_estimate

GRID = 200


def contour_plot(
    result: OmittedVariableSensitivity,
    path: str | Path,
    *,
    title: str = "Sensitivity to an omitted confounder",
    treatment_words: str | None = None,
) -> tuple[Path, Path]:
    """Draw the adjusted-estimate contours with the benchmarks marked; save PNG and SVG.

    The x axis is the confounder's partial R² with the treatment, the y axis with the outcome
    (as sensemakr's `ovb_contour_plot`); the red dashed line is where the estimate reaches 0.
    `path` is the file name without (or with any) suffix.
    """
    import numpy as np

    # The Agg canvas on a bare Figure: no pyplot, no global state (the TUI draws in threads).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    limit = _axis_limit(result)
    axis = np.linspace(0, limit, GRID)
    r2dz, r2yz = np.meshgrid(axis, axis)
    surface = adjusted_estimate(result.estimate, result.se, result.dof, r2dz, r2yz)

    figure = Figure(figsize=(6.4, 6.0), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    _draw_contours(axes, r2dz, r2yz, surface, result.estimate)
    _mark_benchmarks(axes, result, limit)
    _label(figure, axes, limit, title, treatment_words or result.treatment)
    base = Path(path)
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    save_figure(figure, png, svg)
    return png, svg


def _axis_limit(result: OmittedVariableSensitivity) -> float:
    """The largest partial R² on both axes: room for the strongest benchmark, as sensemakr
    leaves, but never R² = 1."""
    bounds = result.bounds
    furthest = max([0.0, *bounds["r2dz_x"], *bounds["r2yz_dx"]])
    return min(0.99, max(0.4, 1.15 * furthest))


def _draw_contours(axes, r2dz, r2yz, surface, estimate: float) -> None:
    """The labelled contours of the adjusted estimate, and its 0 line (red, dashed) when the
    surface crosses 0."""
    lines = axes.contour(
        r2dz,
        r2yz,
        surface,
        levels=_levels(surface, estimate),
        colors="0.35",
        linewidths=0.9,
        negative_linestyles="solid",
    )
    axes.clabel(lines, fontsize=8, fmt=lambda v: f"{v:.2f}")
    if surface.min() < 0 < surface.max():
        zero = axes.contour(
            r2dz, r2yz, surface, levels=[0], colors="firebrick", linestyles="--", linewidths=1.6
        )
        axes.clabel(zero, fontsize=8, fmt=lambda v: "0")


def _mark_benchmarks(axes, result: OmittedVariableSensitivity, limit: float) -> None:
    """The unadjusted estimate at the origin, and each benchmark confounder where its
    partial R² put it, labelled with its adjusted estimate."""
    axes.plot(0, 0, marker="^", color="black", markersize=8, clip_on=False, zorder=5)
    axes.annotate(
        f"unadjusted ({result.estimate:.3f})",
        (0, 0),
        xytext=(8, 6),
        textcoords="offset points",
        fontsize=8,
    )
    on_edge = 0
    for row in result.bounds.to_dict("records"):
        # A benchmark past the axes (a partial R² capped at 100%) sits on their edge, hollow
        # and saying so, rather than vanishing from the figure; such labels stack downwards.
        beyond = max(row["r2dz_x"], row["r2yz_dx"]) > limit
        drop = 11 * on_edge if beyond else 0
        on_edge += beyond
        point = (min(row["r2dz_x"], limit), min(row["r2yz_dx"], limit))
        axes.plot(
            *point,
            marker="D",
            color="firebrick",
            markerfacecolor="white" if beyond else "firebrick",
            markersize=6,
            zorder=5,
            clip_on=False,
        )
        # Labels point inwards so that none runs off the axes and squeezes the figure.
        inward = point[0] > limit / 2
        axes.annotate(
            f"{row['bound']} ({row['adjusted_estimate']:.3f}"
            + (", off the axes)" if beyond else ")"),
            point,
            xytext=(-7 if inward else 7, -3 - drop),
            textcoords="offset points",
            ha="right" if inward else "left",
            va="top",
            fontsize=8,
            color="firebrick",
        )


def _label(figure, axes, limit: float, title: str, treatment: str) -> None:
    """Axes in percent of R², their labels, the title and the legend line under it."""
    from matplotlib.ticker import PercentFormatter

    axes.set_xlim(0, limit)
    axes.set_ylim(0, limit)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel(f"partial R² of the confounder with {treatment}")
    axes.set_ylabel("partial R² of the confounder with the outcome")
    figure.suptitle(textwrap.fill(title, 60), x=0.02, ha="left", fontsize=11, fontweight="bold")
    axes.set_title(
        "contours: the estimate after adjusting for such a confounder; red dashed: 0",
        loc="left",
        fontsize=8,
        color="0.35",
    )
    axes.spines[["top", "right"]].set_visible(False)


def _levels(surface, estimate: float):
    """About eight round contour levels between the surface's extremes, 0 left to its own line."""
    from matplotlib.ticker import MaxNLocator

    low, high = float(surface.min()), float(surface.max())
    if high - low < 1e-12:
        return [estimate]
    found = MaxNLocator(nbins=8).tick_values(low, high)
    return [v for v in found if low < v < high and abs(v) > 1e-12 * max(1.0, abs(high))]
