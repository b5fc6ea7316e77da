"""The agreement statistics in one place, and `compute`, which picks one by name for the CLI."""

from __future__ import annotations

from hrd_coder.agreement.alpha import (
    LEVELS,
    alpha_with_interval,
    bootstrap_alpha,
    krippendorff_alpha,
)
from hrd_coder.agreement.estimate import Estimate, value_range
from hrd_coder.agreement.gwet import fleiss_kappa, gwet_ac1, percent_agreement
from hrd_coder.agreement.two_coders import TWO_CODER_STATISTICS, cohens_kappa, scotts_pi

__all__ = [
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
]

STATISTICS = ("alpha", "cohen", "fleiss", "ac1", "scott", "percent")
_NOMINAL_ONLY = {
    "fleiss": fleiss_kappa,
    "ac1": gwet_ac1,
    "scott": scotts_pi,
    "percent": percent_agreement,
}
_COHEN_LEVELS = ("nominal", "linear", "quadratic")


def levels_for(statistic: str) -> tuple[str, ...]:
    """The levels (or, for Cohen's kappa, weights) a statistic accepts."""
    if statistic == "alpha":
        return LEVELS
    if statistic == "cohen":
        return _COHEN_LEVELS
    if statistic in _NOMINAL_ONLY:
        return ("nominal",)
    raise ValueError(f"statistic must be one of {', '.join(STATISTICS)}; got {statistic!r}")


def compute(
    ratings, statistic: str, level: str = "nominal", bootstrap: int = 1000, seed: int = 0
) -> Estimate:
    """Compute one statistic by name; `bootstrap` resamples give alpha its interval (0: none).

    `level` is the level of measurement for alpha (nominal, ordinal, interval, ratio), the
    weights for Cohen's kappa (nominal = unweighted, linear, quadratic), and must be nominal
    for fleiss, ac1, scott and percent.
    """
    check_level(statistic, level)
    if statistic == "alpha":
        return alpha_with_interval(ratings, level, bootstrap, seed)
    if statistic == "cohen":
        return cohens_kappa(ratings, None if level == "nominal" else level)
    return _NOMINAL_ONLY[statistic](ratings)


def check_level(statistic: str, level: str) -> None:
    """A ValueError with advice unless `statistic` is known and accepts `level`."""
    accepted = levels_for(statistic)
    if level in accepted:
        return
    message = f"{statistic} accepts level {' or '.join(accepted)}, not {level!r}"
    if statistic in _NOMINAL_ONLY:
        message += (
            "; for ordered codes use alpha with level ordinal/interval/ratio, or cohen with "
            "level linear or quadratic (weighted kappa)"
        )
    raise ValueError(message)
