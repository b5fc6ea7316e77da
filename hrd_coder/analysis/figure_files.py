"""Figures saved whole or not at all (a full disk never leaves half an image)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hrd_coder.whole_file import writing_all_whole

DPI = 150


def save_figure(figure: Any, *paths: Path) -> None:
    """Save a matplotlib figure to each path, in the format its suffix names (PNG if none).

    All are written to temporary files first and renamed together at the end; the format is
    passed explicitly, since the temporary names do not end in the real suffix.
    """
    with writing_all_whole(list(paths)) as temporaries:
        for temporary, path in zip(temporaries, paths, strict=True):
            kind = path.suffix[1:].lower() or "png"
            figure.savefig(temporary, format=kind, dpi="figure" if kind == "svg" else DPI)
            _keep_layout(figure)


def _keep_layout(figure: Any) -> None:
    """Fix the axes where the first save's layout put them: the constrained layout measures
    every label and tick, about half of a save's time, and gives the same positions for the
    next format (benchmarks/bench_results.py)."""
    if figure.get_layout_engine() is not None:
        figure.set_layout_engine("none")
