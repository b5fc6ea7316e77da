"""The statistics stack, imported ahead of need: in a child process that fits the results
screen's models (F7), or in the background of this one.

Nothing here imports the database layer: `hrd-coder code` starts the child before
SQLAlchemy and textual load, so that its ~1.1 s of imports (lifelines, pandas, scipy) get
the longest head start on the other core (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrd_coder.analysis.child_process import ChildProcess

RESULTS_MODULES = (
    "pandas",  # imported by none of ours at the top, and 0.35 s at the first F7 otherwise
    "hrd_coder.analysis.design_report",
    "hrd_coder.analysis.case_variables",
)
"""What results need in this process when a child process fits the models: the case table
is built here (pandas), the report read back (its classes)."""

STATISTICS_MODULES = (*RESULTS_MODULES, "lifelines", "lifelines.statistics")
"""What a first `analyze` of a design imports (about 1.1 s of its 1.2 s on the demo)."""

RARELY_FIRST = ("statsmodels.api", "statsmodels.duration.hazard_regression", "scipy.stats")
"""What only some results need (the share released by a day's linear probability model,
robustness values; 0.2 s): a statistics process imports it while it waits for calls,
never before one (a first F7 would wait for it)."""

STATISTICS_NICENESS = 5
"""Less than a figure process's: F7 pressed at the first paint waits for this child's
imports, which a higher niceness starves on a loaded machine (docs/benchmarks.md)."""


def load_statistics(modules: Sequence[str] = (*STATISTICS_MODULES, *RARELY_FIRST)) -> None:
    """Import the statistics stack ahead of need (the workbench does it in the background
    after its first paint, so the first F7 does not wait for the imports)."""
    import importlib

    for name in modules:
        importlib.import_module(name)


def start_statistics() -> ChildProcess:
    """A child process importing the statistics stack now, on another core, to fit models
    in (about 1.1 s of imports that the workbench's first paint then does not wait for)."""
    from hrd_coder.analysis.child_process import ChildProcess

    return ChildProcess(STATISTICS_MODULES, STATISTICS_NICENESS, later=RARELY_FIRST)
