"""Agreement between coders: reliability statistics on (coders, units) arrays and rating files.

Never imports textual, rich or click; pandas, SciPy, statsmodels and krippendorff are
imported only inside the functions that need them. The names below are loaded on first use
(PEP 562), so that importing one module of this package, e.g. coded_units for the
consensus, does not load numpy for every command.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "ratings_file": ("RatingsTable", "agreement_for_file", "read_ratings"),
    "statistics": (
        "LEVELS",
        "STATISTICS",
        "TWO_CODER_STATISTICS",
        "Estimate",
        "bootstrap_alpha",
        "check_level",
        "cohens_kappa",
        "compute",
        "fleiss_kappa",
        "gwet_ac1",
        "krippendorff_alpha",
        "levels_for",
        "percent_agreement",
        "scotts_pi",
        "value_range",
    ),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """Load a public name from its module the first time it is asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
