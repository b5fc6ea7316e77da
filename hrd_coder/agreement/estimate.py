"""One agreement coefficient with its precision, as every statistic here returns it."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Estimate:
    """An agreement coefficient, the data it rests on and, where one is standard, its precision.

    `value` is nan when the coefficient is undefined for the data (for example when every
    rating falls in one category); `se`, `ci_low` and `ci_high` are None when the statistic
    has no standard error or interval here, and nan when they are undefined for the data.
    """

    statistic: str
    value: float
    units: int
    coders: int
    level: str = "nominal"
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    def as_dict(self) -> dict:
        """Plain JSON-ready fields: floats stay floats, nan becomes None."""
        return {key: _json_number(value) for key, value in asdict(self).items()}


def _json_number(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
