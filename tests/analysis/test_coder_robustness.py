"""The featured effect under every coder, and the coder bootstrap (issue 18).

Each layer's hazard ratio is checked against lifelines fitted straight on that layer's table
(an independent fit of the same model); the bootstrap against planted coder disagreement:
none gives no spread, more gives more, and a case only one coder coded never varies.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter

from hrd_coder.analysis.coder_robustness import coder_bootstrap, coder_robustness
from hrd_coder.analysis.designs import Design

DESIGN = Design(
    name="named",
    cases=("featured", "comparison"),
    group="featured",
    censor_date=dt.date(2017, 9, 1),
    events=("pardon",),
    covariates=("reputational_costs",),
)


def cases(n: int = 80, seed: int = 1) -> pd.DataFrame:
    """A survival table with a featured effect (HR about 2) and a mechanism variable."""
    rng = np.random.default_rng(seed)
    featured = rng.integers(0, 2, n)
    mechanism = rng.integers(0, 2, n)
    days = rng.exponential(400 / np.exp(0.7 * featured + 0.4 * mechanism))
    released = (days < 730).astype(int)
    return pd.DataFrame(
        {
            "id": [f"c{i:03d}" for i in range(n)],
            "days": np.minimum(days, 730).round() + 1,
            "released": released,
            "featured": featured,
            "reputational_costs": mechanism,
        }
    )


def recoded(table: pd.DataFrame, flipped: int, seed: int) -> pd.DataFrame:
    """Another coder's table: the mechanism read the other way on `flipped` cases."""
    other = table.copy()
    rows = np.random.default_rng(seed).choice(len(table), flipped, replace=False)
    other.loc[rows, "reputational_costs"] = 1 - other.loc[rows, "reputational_costs"]
    return other


def everyone(table: pd.DataFrame, layers: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {case: layers for case in table["id"]}


def lifelines_hr(table: pd.DataFrame) -> float:
    data = table[["days", "released", "featured", "reputational_costs"]]
    return float(CoxPHFitter().fit(data, "days", "released").hazard_ratios_["featured"])


def test_each_layer_matches_a_direct_lifelines_fit():
    lena = cases()
    tomas = recoded(lena, 25, seed=2)
    found = coder_robustness(
        DESIGN, {"lena": lena, "tomas": tomas}, everyone(lena, ("lena", "tomas")), "lena", 20
    )
    by_layer = {e.layer: e for e in found.by_layer}
    assert by_layer["lena"].hr == pytest.approx(lifelines_hr(lena), rel=1e-5)
    assert by_layer["tomas"].hr == pytest.approx(lifelines_hr(tomas), rel=1e-5)
    assert by_layer["lena"].hr != pytest.approx(by_layer["tomas"].hr, rel=1e-3)
    assert by_layer["lena"].evalue is not None and by_layer["lena"].evalue.evalue > 1


def test_coders_who_agree_give_no_spread():
    lena = cases()
    boot = coder_bootstrap(
        DESIGN, {"lena": lena, "tomas": lena.copy()}, everyone(lena, ("lena", "tomas")), 15, 3
    )
    assert boot.varying_cases == 0 and boot.failed == 0
    assert np.ptp(boot.hazard_ratios) == pytest.approx(0, abs=1e-9)
    assert boot.hazard_ratios[0] == pytest.approx(lifelines_hr(lena), rel=1e-5)


def test_more_planted_disagreement_gives_more_spread():
    lena = cases(n=120)
    spreads = []
    for flipped in (6, 40):
        tomas = recoded(lena, flipped, seed=4)
        boot = coder_bootstrap(
            DESIGN, {"lena": lena, "tomas": tomas}, everyone(lena, ("lena", "tomas")), 60, 5
        )
        assert boot.varying_cases == flipped
        q = boot.quantiles()
        spreads.append(q["97.5%"] - q["2.5%"])
    assert 0 < spreads[0] < spreads[1]


def test_a_case_is_drawn_only_from_the_coders_who_coded_it():
    lena = cases()
    tomas = recoded(lena, 30, seed=6)
    # each case coded by one coder only: every draw is the same table, so no spread
    single = {case: (("lena",) if i % 2 else ("tomas",)) for i, case in enumerate(lena["id"])}
    boot = coder_bootstrap(DESIGN, {"lena": lena, "tomas": tomas}, single, 10, 7)
    assert np.ptp(boot.hazard_ratios) == pytest.approx(0, abs=1e-9)
    mixed = lena.copy()
    odd = [i % 2 == 0 for i in range(len(lena))]
    mixed.loc[odd, "reputational_costs"] = tomas.loc[odd, "reputational_costs"]
    assert boot.hazard_ratios[0] == pytest.approx(lifelines_hr(mixed), rel=1e-5)


def test_the_same_seed_gives_the_same_draws_and_another_seed_others():
    lena = cases()
    tables = {"lena": lena, "tomas": recoded(lena, 20, seed=8)}
    coded = everyone(lena, ("lena", "tomas"))
    first = coder_bootstrap(DESIGN, tables, coded, 12, 9).hazard_ratios
    again = coder_bootstrap(DESIGN, tables, coded, 12, 9).hazard_ratios
    other = coder_bootstrap(DESIGN, tables, coded, 12, 10).hazard_ratios
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_the_sentence_says_sign_and_range_and_json_carries_the_quantiles():
    lena = cases()
    tables = {"lena": lena, "tomas": recoded(lena, 10, seed=11)}
    found = coder_robustness(DESIGN, tables, everyone(lena, ("lena", "tomas")), "lena", 30, 12)
    low = min(e.hr for e in found.by_layer)
    assert found.sentence().startswith(
        f"The featured effect (hazard ratio) keeps its sign and stays within [{low:.2f}, "
    )
    assert "30 draws" in found.sentence()
    data = found.as_dict()
    assert set(data["by_layer"]) == {"lena", "tomas"}
    assert data["bootstrap"]["fitted"] == 30
    assert set(data["bootstrap"]["quantiles"]) == {"2.5%", "25%", "50%", "75%", "97.5%"}


def test_tables_of_different_cases_are_refused():
    lena = cases()
    with pytest.raises(ValueError, match="same cases"):
        coder_bootstrap(DESIGN, {"lena": lena, "tomas": lena.iloc[1:]}, {}, 2, 0)


def test_every_draw_is_its_own_tables_fit_when_draws_repeat_a_table():
    """Two cases read differently make four possible tables: twelve draws repeat them, and a
    repeated table reuses its fit. Each draw is replayed here with the same random choices
    and fitted with lifelines directly."""
    lena = cases()
    tomas = recoded(lena, 2, seed=11)
    tables = {"lena": lena, "tomas": tomas}
    boot = coder_bootstrap(DESIGN, tables, everyone(lena, ("lena", "tomas")), 12, 5)
    rng = np.random.default_rng(5)
    ordered = [t.sort_values("id").reset_index(drop=True) for t in (lena, tomas)]
    expected = []
    for _ in range(12):
        chosen = [rng.choice([0, 1]) for _ in range(len(lena))]
        mixed = ordered[0].copy()
        mixed["reputational_costs"] = [
            ordered[c].loc[i, "reputational_costs"] for i, c in enumerate(chosen)
        ]
        expected.append(lifelines_hr(mixed))
    assert len(set(np.round(expected, 12))) < 12  # some tables did repeat
    assert boot.hazard_ratios == pytest.approx(expected, rel=1e-5)
