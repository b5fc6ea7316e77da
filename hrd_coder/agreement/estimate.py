"""One agreement coefficient with its precision, as every statistic here returns it."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

# The values a statistic can take: a chance-corrected coefficient runs from -1 to 1, a share
# of agreeing pairs from 0 to 1. A normal or t interval knows nothing of these bounds and,
# with few units or a value near an end, reaches past them.
_RANGES = {"percent": (0.0, 1.0)}
_COEFFICIENT_RANGE = (-1.0, 1.0)
# An end past a bound by less than this is rounding, not an interval that needed clipping.
_ROUNDING = 1e-12


@dataclass(frozen=True)
class Estimate:
    """An agreement coefficient, the data it rests on and, where one is standard, its precision.

    `value` is nan when the coefficient is undefined for the data (for example when every
    rating falls in one category); `se`, `ci_low` and `ci_high` are None when the statistic
    has no standard error or interval here, and nan when they are undefined for the data.
    `ci_clipped` is True when the interval reached past the values the statistic can take
    and was cut back to them (see `value_range`).
    """

    statistic: str
    value: float
    units: int
    coders: int
    level: str = "nominal"
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_clipped: bool = False

    def as_dict(self) -> dict:
        """Plain JSON-ready fields: floats stay floats, nan becomes None."""
        return {key: _json_number(value) for key, value in asdict(self).items()}


def value_range(statistic: str) -> tuple[float, float]:
    """The lowest and highest value a statistic can take: (0, 1) for percent, else (-1, 1)."""
    return _RANGES.get(statistic, _COEFFICIENT_RANGE)


def within_range(estimate: Estimate) -> Estimate:
    """The estimate with its interval clipped to the statistic's range, flagged when it was."""
    low, high = estimate.ci_low, estimate.ci_high
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return estimate
    lowest, highest = value_range(estimate.statistic)
    clipped = low < lowest - _ROUNDING or high > highest + _ROUNDING
    return replace(
        estimate,
        ci_low=max(low, lowest),
        ci_high=min(high, highest),
        ci_clipped=estimate.ci_clipped or clipped,
    )


def _json_number(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
