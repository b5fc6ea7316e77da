"""Agreement between coders: reliability statistics on (coders, units) arrays and rating files.

Never imports textual, rich or click; pandas, SciPy, statsmodels and krippendorff are
imported only inside the functions that need them, so importing this package stays cheap.
"""

from hrd_coder.agreement.ratings_file import RatingsTable, agreement_for_file, read_ratings
from hrd_coder.agreement.statistics import (
    LEVELS,
    STATISTICS,
    TWO_CODER_STATISTICS,
    Estimate,
    bootstrap_alpha,
    check_level,
    cohens_kappa,
    compute,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    levels_for,
    percent_agreement,
    scotts_pi,
    value_range,
)

__all__ = [
    "LEVELS",
    "STATISTICS",
    "TWO_CODER_STATISTICS",
    "Estimate",
    "RatingsTable",
    "agreement_for_file",
    "bootstrap_alpha",
    "check_level",
    "cohens_kappa",
    "compute",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "levels_for",
    "percent_agreement",
    "read_ratings",
    "scotts_pi",
    "value_range",
]
