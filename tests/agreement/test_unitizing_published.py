"""The unitizing coefficients against the worked examples that implementations transcribe.

Sources, each cited at its test:
- Krippendorff (2004), Content Analysis, 2nd ed., p. 254 (two coders, categories c and k on
  [150, 450)), as transcribed in DKPro Agreement's
  dkpro-statistics-agreement/src/test/java/org/dkpro/statistics/agreement/unitizing/
  Krippendorff2004Test.java and, in the older package, de/tudarmstadt/ukp/dkpro/statistics/
  unitizing/TestAlphaUnitizedAgreement.java;
- Krippendorff (1995), Sociological Methodology 25, p. 57 (four two-coder examples A-D on a
  continuum of 24), as transcribed in DKPro's .../unitizing/Krippendorff1995Test.java;
- DKPro's own synthetic cases, .../unitizing/UnitizingAgreementTest.java;
- Krippendorff (2019), Content Analysis, 4th ed., Fig. 12.11 (three coders on a continuum of
  60), as transcribed in quallmer's tests/testthat/test-alpha_u.R.

Where the sources disagree the test says so and checks our exact value, computed by hand
from the formulas, rather than tuning to a rounded figure.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from hrd_coder.agreement import alpha_unitizing
from hrd_coder.agreement.continuum import Text, Unit, unitizations
from hrd_coder.agreement.unitizing import unitizing_agreement

# Krippendorff 2004 p. 254: observer i is coder "i", observer j is coder "j".
KRIPPENDORFF_2004 = [
    Unit("i", "c", 225, 295),
    Unit("i", "c", 370, 400),
    Unit("j", "c", 220, 300),
    Unit("j", "c", 355, 375),
    Unit("j", "c", 400, 420),
    Unit("i", "k", 180, 240),
    Unit("i", "k", 300, 350),
    Unit("j", "k", 180, 240),
    Unit("j", "k", 300, 350),
]
TEXT_2004 = Text("", length=300, begin=150)

# Krippendorff 1995 p. 57, as (begin, length, coder) on a continuum of 24 (Bertha/Bill,
# John/Jill, Gerret/Gill, Heather/Hill are coders 0 and 1 of A, B, C, D).
KRIPPENDORFF_1995 = {
    "A": [(2, 8, 0), (14, 6, 0), (4, 4, 1), (15, 2, 1)],
    "B": [(0, 18, 0), (0, 2, 1), (2, 1, 1), (3, 1, 1), (4, 1, 1), (5, 1, 1), (6, 3, 1), (9, 1, 1)],
    "C": [(2, 6, 0), (10, 2, 0), (14, 4, 0), (20, 2, 0)]
    + [(0, 2, 1), (4, 4, 1), (10, 4, 1), (16, 2, 1), (20, 2, 1)],
    "D": [(0, 2, 0), (2, 8, 0), (10, 4, 0), (14, 6, 0), (20, 4, 0)]
    + [(0, 4, 1), (4, 4, 1), (8, 7, 1), (15, 2, 1), (17, 7, 1)],
}

# Krippendorff 2019 Fig. 12.11, from quallmer's 1-based inclusive (start, end, value) rows,
# here as [start - 1, end).
FIGURE_12_11 = {
    "Alex": [(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"), (45, 60, "7")],
    "Paul": [(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")],
    "Suzan": [
        (1, 7, "1"),
        (8, 13, "4"),
        (14, 21, "5"),
        (33, 37, "6"),
        (38, 41, "6"),
        (42, 44, "6"),
    ],
}


def figure_12_11() -> list[Unit]:
    return [
        Unit(coder, value, start - 1, end)
        for coder, rows in FIGURE_12_11.items()
        for start, end, value in rows
    ]


def category_disagreements(units, text, category=0) -> tuple[float, float]:
    data = unitizations(units, [text])
    tallies = alpha_unitizing.tallies(data, category)
    return alpha_unitizing.disagreements(
        tallies, np.ones(1), len(data.coders), np.array([float(text.length)])
    )


def example_1995(name: str, stretch: float) -> tuple[list[Unit], Text]:
    """One 1995 example with every position multiplied by `stretch` and truncated, as
    DKPro's createExample does (a finer grid approaches the 1995 continuous reading)."""
    units = [
        Unit(str(coder), name, int(begin * stretch), int(begin * stretch) + int(length * stretch))
        for begin, length, coder in KRIPPENDORFF_1995[name]
    ]
    return units, Text("", int(24 * stretch))


def test_krippendorff_2004_page_254():
    """Krippendorff (2004) p. 254 prints D_o(c) = .0144, D_e(c) = .0532, alpha_c = .7286,
    D_e(k) = .0490, alpha_k = 1 and overall .8591; DKPro's Krippendorff2004Test checks
    these to 4 decimals (overall to .0005)."""
    result = unitizing_agreement(KRIPPENDORFF_2004, [TEXT_2004], bootstrap=0)
    observed_c, expected_c = category_disagreements(KRIPPENDORFF_2004, TEXT_2004, 0)
    observed_k, expected_k = category_disagreements(KRIPPENDORFF_2004, TEXT_2004, 1)
    # D_o(c) by hand: (5^2 + 5^2) + (15^2 + 25^2) for the overlapping units, 20^2 for j's
    # unit [400, 420) inside i's gap [400, 450); both orders of the pair, over 2 * 1 * 300^2.
    assert observed_c == pytest.approx(2 * (50 + 850 + 400) / (2 * 300**2), abs=1e-15)
    assert round(observed_c, 4) == 0.0144
    assert round(expected_c, 4) == 0.0532
    assert (observed_k, round(expected_k, 4)) == (0.0, 0.0490)
    assert round(result.alpha_U_by_category["c"], 4) == 0.7286
    assert result.alpha_U_by_category["k"] == 1.0
    # The book's overall .8591 is 1 - .0144 / (.0532 + .0490), from rounded intermediates;
    # unrounded it is .8587 (the value DKPro's older TestAlphaUnitizedAgreement asserts).
    assert round(1 - 0.0144 / (0.0532 + 0.0490), 4) == 0.8591
    assert round(result.alpha_U, 4) == 0.8587
    assert result.alpha_U == pytest.approx(1 - observed_c / (expected_c + expected_k))


@pytest.mark.parametrize(
    ("name", "observed"),
    # DKPro's Krippendorff1995Test.testAgreement, to 5 decimals (the grid of 24 itself).
    [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)],
)
def test_krippendorff_1995_observed_disagreement(name, observed):
    units, text = example_1995(name, 1)
    found, _ = category_disagreements(units, text)
    assert found == pytest.approx(observed, abs=1e-5)


def test_krippendorff_1995_example_c_on_a_grid_of_12():
    """DKPro's testVaryingLengths at stretch 12/24: D_e(C) = .05494 to 5 decimals."""
    units, text = example_1995("C", 0.5)
    observed, expected = category_disagreements(units, text)
    assert (round(observed, 5), round(expected, 5)) == (0.02778, 0.05494)
    assert round(1 - observed / expected, 3) == 0.494


@pytest.mark.parametrize(
    ("name", "printed", "ours"),
    # Krippendorff 1995 p. 57 prints .553, -.926, .679, .066. DKPro's test notes a small
    # error in the 1995 D_e (possibly a + where 2004 has l' - l + 1); with the 2004 D_e on
    # a grid refined 50,000 times (DKPro's stretch 1,200,000/24) we get the values below,
    # within .02 of the print (the tolerance DKPro allows), but .014 off for C.
    [("A", 0.553, 0.5529), ("B", -0.926, -0.9284), ("C", 0.679, 0.6931), ("D", 0.066, 0.0659)],
)
def test_krippendorff_1995_alphas_approach_the_print(name, printed, ours):
    units, text = example_1995(name, 50_000)
    observed, expected = category_disagreements(units, text)
    alpha = 1 - observed / expected
    assert round(alpha, 4) == ours
    assert abs(alpha - printed) < 0.02


def test_dkpro_synthetic_cases():
    """DKPro's UnitizingAgreementTest: one coder marks [1, 9), the other [2, 3), [4, 5) and
    [6, 7) of 10: D_o = .9100, D_e = .5351, alpha = -.7003; a single unit among three coders
    gives 0; no unit at all leaves alpha undefined."""
    units = [Unit("r0", "A", 1, 9)] + [Unit("r1", "A", b, b + 1) for b in (2, 4, 6)]
    observed, expected = category_disagreements(units, Text("", 10))
    # DKPro asserts .5351 within .0001; it is 289/540 = .535185 (rounded, .5352).
    assert observed == pytest.approx(0.91, abs=1e-15)
    assert expected == pytest.approx(289 / 540, abs=1e-15)
    assert abs(expected - 0.5351) <= 1e-4
    assert round(1 - observed / expected, 4) == -0.7003
    single = unitizing_agreement([Unit("r0", "X", 0, 1)], [Text("", 20)], ["r1", "r2"], 0)
    assert single.alpha_U_by_category["X"] == pytest.approx(0.0, abs=1e-12)
    empty = unitizing_agreement([], [Text("", 20)], ["r0", "r1", "r2"], bootstrap=0)
    assert empty.alpha_U is None and empty.u_alpha is None
    assert any("no coder marked any unit" in note for note in empty.notes)


def test_figure_12_11_u_alpha_family():
    """Krippendorff (2019) Fig. 12.11: u-alpha = .510, |u-alpha = .413, cu-alpha = .724
    (quallmer's test-alpha_u.R asserts .510 to 3 decimals and .413 within .002).

    Exactly, by hand (tests below): u-alpha = .50998 and |u-alpha = .41360, which the book
    prints as .413 (truncated, or from rounded intermediates). For cu-alpha the book's .724
    is met by squaring each unit's share w = (its intersections with the other coders'
    units)/(m - 1): .72417. quallmer squares the length covered by any other coder and gets
    .7283 (its test allows .72-.73); squaring each coder pair's intersection apart, as one
    transcription of the 2016 paper's eq. 10 does, gives .7256."""
    result = unitizing_agreement(figure_12_11(), [Text("", 60)], bootstrap=0)
    assert round(result.u_alpha, 3) == 0.510
    assert abs(result.binary_u_alpha - 0.413) < 0.001
    assert round(result.cu_alpha, 3) == 0.724
    # quallmer's per-value checks: 1, 5 and 6 agree perfectly; 2, 3 and 4 are each one
    # coder's, so chance would do as well (0); 7 meets only gaps (coverage 0, alpha
    # undefined); 5 meets another coder's unit in 8 of its 18 pairable characters.
    assert result.k_u_alpha == {
        "1": 1.0, "2": 0.0, "3": 0.0, "4": 0.0, "5": 1.0, "6": 1.0, "7": None,
    }  # fmt: skip
    assert result.coverage["5"] == pytest.approx(8 / 18)
    assert result.coverage["7"] == 0.0
    assert any("(k)u-alpha of 7 is undefined" in note for note in result.notes)


def test_figure_12_11_exact_values_by_hand():
    """The coincidence matrix of Fig. 12.11, counted by hand in exact fractions, and the
    three coefficients from it: an independent check of the numpy code."""
    # Values 0 (gap), 1..7. Pairs of intersecting sections of two coders, both orders, / 2.
    ell = {(0, 0): 45, (0, 5): 10, (0, 7): 16, (1, 1): 21, (5, 5): 8, (6, 6): 36}
    for a, b in [(2, 3), (2, 4), (3, 4)]:
        ell[(a, b)] = 3
    full = [[Fraction(ell.get((min(r, c), max(r, c)), 0)) for c in range(8)] for r in range(8)]
    total = sum(map(sum, full))
    assert total == 3 * 60
    # Units cannot pair with themselves (length squared), gaps can in part (length).
    lengths = {1: [7, 7, 7], 2: [6], 3: [6], 4: [6], 5: [2, 8, 8]}
    lengths |= {6: [5, 7, 12, 5, 4, 3], 7: [16]}
    self_pairs = [Fraction(71)] + [Fraction(sum(x * x for x in lengths[v])) for v in range(1, 8)]
    margins = [sum(row) for row in full]
    pairable = total**2 - sum(self_pairs)

    def expected(r, c):
        return total * (margins[r] * margins[c] - (self_pairs[r] if r == c else 0)) / pairable

    off = [(r, c) for r in range(8) for c in range(8) if r != c]
    u_alpha = 1 - sum(full[r][c] for r, c in off) / sum(expected(r, c) for r, c in off)
    binary = 1 - sum(full[0][1:]) / sum(expected(0, c) for c in range(1, 8))
    # cu-alpha: values 1..6 that meet another coder's unit, w = intersections / 2.
    # Paul's and Suzan's 5 meet each other only: w = (8 + 0) / 2 = 4.
    shares = {1: [7, 7, 7], 2: [6], 3: [6], 4: [6], 5: [4, 4], 6: [5, 7, 12, 5, 4, 3]}
    valued = [[full[r][c] for c in range(1, 8)] for r in range(1, 8)]
    v_total = sum(map(sum, valued))
    v_margins = [sum(row) for row in valued]
    v_self = [Fraction(sum(x * x for x in shares.get(v, []))) for v in range(1, 8)]
    v_pairable = v_total**2 - sum(v_self)
    v_expected_diagonal = sum(
        v_total * (v_margins[v] ** 2 - v_self[v]) / v_pairable for v in range(7)
    )
    cu_alpha = 1 - (v_total - sum(valued[v][v] for v in range(7))) / (v_total - v_expected_diagonal)
    result = unitizing_agreement(figure_12_11(), [Text("", 60)], bootstrap=0)
    assert result.u_alpha == pytest.approx(float(u_alpha), abs=1e-12)
    assert result.binary_u_alpha == pytest.approx(float(binary), abs=1e-12)
    assert result.cu_alpha == pytest.approx(float(cu_alpha), abs=1e-12)
    assert (round(float(u_alpha), 5), round(float(binary), 5), round(float(cu_alpha), 5)) == (
        0.50998,
        0.41360,
        0.72417,
    )
