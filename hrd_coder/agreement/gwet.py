"""Percent agreement, Fleiss' kappa and Gwet's AC1 for any number of coders, missing allowed.

All three follow Gwet's framework (Gwet 2008, British Journal of Mathematical and Statistical
Psychology 61:29-48; Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 2 and 5),
which is also what his R package irrCAC computes:

- n is the number of units rated at least once; n2 the number rated at least twice (pairable).
- Observed agreement pa averages, over pairable units, the share of agreeing ordered pairs
  sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)). Units rated once show no agreement and are left out.
- Classification probabilities pi_k average r_ik / r_i over all n units (single ratings count).
- Fleiss: pe = sum_k pi_k^2, which is Fleiss (1971) when no rating is missing.
  AC1: pe = sum_k pi_k (1 - pi_k) / (q - 1) over the q categories used.
- Variance: Gwet's linearisation, var = sum_i (c_i* - c)^2 / (n (n - 1)); the 95% interval
  is c +/- t(0.975, n - 1) se with the upper end capped at 1, as in Gwet (2014) and irrCAC;
  the lower end is clipped too (at -1, or 0 for percent agreement), which irrCAC does not do,
  and either clipping is flagged (`Estimate.ci_clipped`).

statsmodels' fleiss_kappa needs complete data and gives no standard error, and no maintained
Python library implements these variances (irrCAC pins an old SciPy), so they are written here.
"""

from __future__ import annotations

import numpy as np

from hrd_coder.agreement.estimate import Estimate, within_range
from hrd_coder.agreement.reliability_data import CategoryCounts, category_counts, reliability_data


def percent_agreement(ratings) -> Estimate:
    """Share of agreeing coder pairs, averaged over units rated at least twice (Gwet 2014)."""
    data = reliability_data(ratings)
    found = _Agreement(category_counts(data))
    if found.n2 == 0:
        return _undefined("percent", found.n2, data)
    # Gwet (2014): each unit's agreement rescaled by n / n2, zero for unpairable units.
    per_unit = found.n / found.n2 * found.pa_unit
    se = unit_se(per_unit, found.pa, found.n)
    low, high = t_interval(found.pa, se, found.n)
    return within_range(
        Estimate("percent", found.pa, found.n2, data.shape[0], "nominal", se, low, high)
    )


def fleiss_kappa(ratings) -> Estimate:
    """Fleiss' kappa, generalised by Gwet (2014) to missing ratings, with Gwet's standard error."""
    data = reliability_data(ratings)
    found = _Agreement(category_counts(data))
    if found.n2 == 0:
        return _undefined("fleiss", found.n2, data)
    if found.pi.size == 1:
        # Every rating in one category: chance agreement is 1 and kappa is 0/0.
        return _undefined("fleiss", found.n2, data)
    pe = float(np.sum(found.pi**2))
    # The chance agreement each unit's ratings imply, for the linearised variance.
    pe_unit = found.share @ found.pi
    return found.estimate("fleiss", pe, pe_unit, data.shape[0])


def gwet_ac1(ratings) -> Estimate:
    """Gwet's AC1 (Gwet 2008), any number of coders, missing allowed, with its standard error."""
    data = reliability_data(ratings)
    found = _Agreement(category_counts(data))
    if found.n2 == 0:
        return _undefined("ac1", found.n2, data)
    q = found.pi.size
    if q == 1:
        # Every rating in one category: chance agreement is 0 for any number of possible
        # categories, so AC1 = pa = 1 (Gwet's irrCAC does the same); no variance is defined.
        return Estimate("ac1", found.pa, found.n2, data.shape[0], "nominal", np.nan, np.nan, np.nan)
    pe = float(np.sum(found.pi * (1 - found.pi)) / (q - 1))
    pe_unit = found.share @ (1 - found.pi) / (q - 1)
    return found.estimate("ac1", pe, pe_unit, data.shape[0])


class _Agreement:
    """The per-unit quantities Gwet's coefficients and variances are built from."""

    def __init__(self, found: CategoryCounts):
        counts = found.counts.astype(float)
        per_unit = counts.sum(axis=1)
        self.n = counts.shape[0]
        pairable = per_unit >= 2
        self.pairable = pairable
        self.n2 = int(pairable.sum())
        pairs = per_unit * (per_unit - 1)
        agreeing = np.sum(counts * (counts - 1), axis=1)
        self.pa_unit = np.divide(agreeing, pairs, out=np.zeros(self.n), where=pairable)
        self.pa = float(self.pa_unit.sum() / self.n2) if self.n2 else np.nan
        self.share = counts / per_unit[:, None]
        self.pi = self.share.mean(axis=0) if self.n else np.zeros(counts.shape[1])

    def estimate(self, statistic: str, pe: float, pe_unit: np.ndarray, coders: int) -> Estimate:
        """The coefficient for chance agreement `pe`, with Gwet's variance and interval."""
        value = (self.pa - pe) / (1 - pe)
        unit_value = self.n / self.n2 * (self.pa_unit - pe * self.pairable) / (1 - pe)
        unit_value -= 2 * (1 - value) * (pe_unit - pe) / (1 - pe)
        se = unit_se(unit_value, value, self.n)
        low, high = t_interval(value, se, self.n)
        return within_range(
            Estimate(statistic, float(value), self.n2, coders, "nominal", se, low, high)
        )


def unit_se(unit_values: np.ndarray, value: float, n: int) -> float:
    """Gwet's standard error from each unit's linearised contribution to the coefficient."""
    if n < 2:
        return np.nan
    return float(np.sqrt(np.sum((unit_values - value) ** 2) / (n * (n - 1))))


def t_interval(value: float, se: float, n: int) -> tuple[float, float]:
    """Gwet's 95% interval, t with n - 1 degrees of freedom (`within_range` clips it)."""
    if not np.isfinite(se):
        return np.nan, np.nan
    from scipy.special import stdtrit

    half = float(stdtrit(n - 1, 0.975)) * se
    return float(value - half), float(value + half)


def _undefined(statistic: str, units: int, data: np.ndarray) -> Estimate:
    return Estimate(statistic, np.nan, units, data.shape[0], "nominal", np.nan, np.nan, np.nan)
