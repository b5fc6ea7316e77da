"""Figures of survival results as researchers read them: days, p-values, missing values."""

from __future__ import annotations

import math

CANNOT_TEST = "cannot test"
NOT_REACHED = "not reached"


def finite_or_none(value: float) -> float | None:
    """A number for JSON: None when it is infinite or NaN (JSON has neither)."""
    value = float(value)
    return value if math.isfinite(value) else None


def days_text(value: float | None) -> str:
    """A time in days ("622 days"); "not reached" for a median never reached (None, inf)."""
    if value is None or not math.isfinite(value):
        return NOT_REACHED
    shown = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{shown} day" if shown == "1" else f"{shown} days"


def p_text(p: float | None) -> str:
    """A p-value for a table cell ("0.042", "<0.001"); "cannot test" when there is none."""
    if p is None or math.isnan(p):
        return CANNOT_TEST
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def figure_text(value: float | None, digits: int = 3) -> str:
    """A coefficient, ratio or statistic for a table cell; "—" when it has no finite value.

    Beyond a million (a separated covariate's hazard ratio) in scientific notation.
    """
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}g}" if abs(value) >= 1e6 else f"{value:.{digits}f}"
