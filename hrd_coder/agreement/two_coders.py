"""Cohen's kappa and Scott's pi: two coders, on the units both of them rated."""

from __future__ import annotations

import numpy as np

from hrd_coder.agreement.estimate import Estimate, within_range
from hrd_coder.agreement.gwet import t_interval
from hrd_coder.agreement.reliability_data import two_coders

WEIGHTS = (None, "linear", "quadratic")
TWO_CODER_STATISTICS = {"cohen": "Cohen's kappa", "scott": "Scott's pi"}
"""The statistics that compare exactly two coders, by name, with the name people know."""
_Z_975 = 1.959963984540054  # standard normal 97.5% point


def cohens_kappa(ratings, weights: str | None = None) -> Estimate:
    """Cohen's kappa (1960), or weighted kappa (Cohen 1968) for ordered codes, with its SE.

    Units either coder left unrated are dropped. `weights` "linear" or "quadratic" weigh a
    disagreement by the distance between the two codes' values (not their ranks), scaled to
    the widest distance observed. The standard error is the large-sample one of Fleiss, Cohen
    & Everitt (1969), computed by statsmodels; the 95% interval is kappa +/- 1.96 se, as in SAS
    PROC FREQ and statsmodels, clipped to [-1, 1] (flagged) where it reaches past them.
    """
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    data = two_coders(ratings, TWO_CODER_STATISTICS["cohen"])
    level = weights or "nominal"
    table, categories = _contingency_table(data)
    units = int(table.sum())
    if categories.size < 2:
        # Both coders used one and the same category (or rated nothing in common): 0/0.
        return Estimate("cohen", np.nan, units, 2, level, np.nan, np.nan, np.nan)
    from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_kappa

    # statsmodels also computes the z test of kappa = 0, which is not reported here: when one
    # coder used a single category its variance under H0 is 0 and z is 0/0, a RuntimeWarning
    # about a number nobody sees. Kappa and its own variance are unaffected.
    with np.errstate(divide="ignore", invalid="ignore"):
        if weights is None:
            result = statsmodels_kappa(table)
        else:
            result = statsmodels_kappa(table, weights=categories, wt=weights)
    kappa = float(result.kappa)
    se = float(np.sqrt(max(result.var_kappa, 0.0)))
    low, high = kappa - _Z_975 * se, kappa + _Z_975 * se
    return within_range(Estimate("cohen", kappa, units, 2, level, se, low, high))


def scotts_pi(ratings) -> Estimate:
    """Scott's pi (1955) for two coders, with the two-coder standard error of Gwet (2014).

    Chance agreement uses the categories' shares pooled over both coders. The variance is
    Gwet's (2014; the scott2.table formula in his irrCAC) and the 95% interval is
    pi +/- t(0.975, n - 1) se clipped to [-1, 1], as for the other Gwet statistics.
    """
    data = two_coders(ratings, TWO_CODER_STATISTICS["scott"])
    table, categories = _contingency_table(data)
    n = int(table.sum())
    if categories.size < 2:
        return Estimate("scott", np.nan, n, 2, "nominal", np.nan, np.nan, np.nan)
    p = table / n
    pa = float(np.trace(p))
    pi = (p.sum(axis=0) + p.sum(axis=1)) / 2
    pe = float(np.sum(pi**2))
    value = (pa - pe) / (1 - pe)
    # Gwet (2014): var = [sum_kl p_kl (d_kl - (1 - pi)(pi_k + pi_l))^2 - (pa - 2 (1 - pi) pe)^2]
    #                    / (n (1 - pe)^2)
    spread = np.eye(pi.size) - (1 - value) * (pi[:, None] + pi[None, :])
    variance = (np.sum(p * spread**2) - (pa - 2 * (1 - value) * pe) ** 2) / (n * (1 - pe) ** 2)
    se = float(np.sqrt(max(variance, 0.0)))
    low, high = t_interval(value, se, n)
    return within_range(Estimate("scott", float(value), n, 2, "nominal", se, low, high))


def _contingency_table(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of (first coder's code, second coder's code) over units both rated."""
    both = data[:, ~np.isnan(data).any(axis=0)]
    categories, codes = np.unique(both, return_inverse=True)
    q = categories.size
    first, second = codes.reshape(2, -1)
    table = np.bincount(first * q + second, minlength=q * q).reshape(q, q)
    return table.astype(float), categories
