"""Cox models recover a known hazard ratio from simulated release times.

Exponential times to release with hazard 1/600 per day, 2.5 times that for cases featured
by the campaign (true hazard ratio 2.5), and independent uniform censoring. With delayed
entry (left truncation) time counts from detention and a case is only seen if still held
when observation starts: a case held longer before it is seen has "immortal" time in which
it could not have been released. Ignoring `entry` counts that time as time at risk without
release, and because long-held cases are mostly non-featured (lower hazard), the hazard of
the non-featured is understated and the hazard ratio overstated (Cain et al. 2011, "Bias
due to left truncation and left censoring in longitudinal studies", Am J Epidemiol).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hrd_coder.analysis import fit_cox

TRUE_HR = 2.5


def simulate(seed: int, n: int = 2000, truncated: bool = False) -> pd.DataFrame:
    """`n` observed cases; with `truncated`, only those still held at their entry time."""
    rng = np.random.default_rng(seed)
    size = 4 * n  # enough draws that n survive truncation
    featured = rng.integers(0, 2, size)
    release = rng.exponential(600 / np.where(featured == 1, TRUE_HR, 1.0))
    entry = rng.uniform(0, 730, size) if truncated else np.zeros(size)
    censor = entry + rng.uniform(0, 1500, size)
    cases = pd.DataFrame(
        {
            "featured": featured,
            "entry": entry,
            "days": np.minimum(release, censor),
            "released": (release <= censor).astype(int),
        }
    )
    seen = cases[release > entry] if truncated else cases
    return seen.head(n).reset_index(drop=True)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_the_95_percent_interval_covers_the_true_hazard_ratio(ties):
    cases = simulate(seed=2015)
    assert len(cases) == 2000 and 0.6 < cases["released"].mean() < 0.95
    row = fit_cox(cases, "days", "released", ["featured"], ties=ties).summary.loc["featured"]
    assert row["hr_low"] < TRUE_HR < row["hr_high"]
    assert row["hr"] == pytest.approx(TRUE_HR, rel=0.1)


def test_delayed_entry_unbiased_when_given_and_biased_upward_when_ignored():
    """Six samples of 2,000, so that bias shows apart from one sample's luck."""
    with_entry, ignored, covered = [], [], 0
    for seed in range(6):
        cases = simulate(seed, truncated=True)
        assert (cases["entry"] > 0).all()
        given = fit_cox(cases, "days", "released", ["featured"], entry="entry").summary
        naive = fit_cox(cases, "days", "released", ["featured"]).summary
        with_entry.append(given.loc["featured", "coef"])
        ignored.append(naive.loc["featured", "coef"])
        covered += given.loc["featured", "hr_low"] < TRUE_HR < given.loc["featured", "hr_high"]
    # The mean log hazard ratio has a standard error near 0.05 / sqrt(6) = 0.02.
    assert np.mean(with_entry) == pytest.approx(np.log(TRUE_HR), abs=0.05)
    assert np.mean(ignored) > np.log(TRUE_HR) + 0.1
    assert covered >= 5
