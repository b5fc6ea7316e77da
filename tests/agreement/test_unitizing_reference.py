"""The vectorised unitizing code against a plain reference written straight from the
formulas, position by position and section by section, on random studies of several texts
(the published examples are all one continuum)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_coder.agreement.continuum import Text, Unit
from hrd_coder.agreement.unitizing import unitizing_agreement

CATEGORIES = ("a", "b", "c")


@st.composite
def studies(draw):
    """2-4 coders, 1-3 texts of 3-40 positions, each coder one partition per text."""
    n_coders = draw(st.integers(2, 4))
    texts = [Text(f"t{t}", draw(st.integers(3, 40)), draw(st.integers(-5, 5))) for t in
             range(draw(st.integers(1, 3)))]  # fmt: skip
    units = []
    for coder in range(n_coders):
        for text in texts:
            cuts = sorted(draw(st.sets(st.integers(0, text.length), min_size=2, max_size=8)))
            for begin, end in zip(cuts, cuts[1:], strict=False):
                if draw(st.booleans()):
                    category = draw(st.sampled_from(CATEGORIES))
                    units.append(
                        Unit(f"k{coder}", category, text.begin + begin, text.begin + end,
                             text.document)
                    )  # fmt: skip
    return [f"k{c}" for c in range(n_coders)], texts, units


def sections(units, coder, category, text):
    """(begin, end, is_unit) of one coder's units of one category and the gaps between."""
    key = (coder, category, text.document)
    own = sorted((u.begin, u.end) for u in units if (u.coder, u.category, u.document) == key)
    found, position = [], text.begin
    for begin, end in own:
        if begin > position:
            found.append((position, begin, False))
        found.append((begin, end, True))
        position = end
    if position < text.begin + text.length:
        found.append((position, text.begin + text.length, False))
    return found


def distance(first, second) -> int:
    """Krippendorff's (2004, sec. 11.6) squared difference of two coders' sections."""
    (b1, e1, unit1), (b2, e2, unit2) = first, second
    if unit1 and unit2 and b1 < e2 and b2 < e1:
        return (b1 - b2) ** 2 + (e1 - e2) ** 2
    if unit1 and not unit2 and b2 <= b1 and e1 <= e2:
        return (e1 - b1) ** 2
    if unit2 and not unit1 and b1 <= b2 and e2 <= e1:
        return (e2 - b2) ** 2
    return 0


def reference_alpha_u(coders, texts, units, category) -> float:
    m, length = len(coders), sum(t.length for t in texts)
    observed = 0
    unit_lengths, gap_lengths = [], []
    for text in texts:
        by_coder = [sections(units, c, category, text) for c in coders]
        for i in range(m):
            unit_lengths += [e - b for b, e, is_unit in by_coder[i] if is_unit]
            gap_lengths += [e - b for b, e, is_unit in by_coder[i] if not is_unit]
            for j in range(m):
                if i != j:
                    observed += sum(distance(g, h) for g in by_coder[i] for h in by_coder[j])
    d_o = observed / (m * (m - 1) * length**2)
    n = len(unit_lengths)
    total = sum(
        (n - 1) * (2 * x**3 - 3 * x**2 + x) / 3
        + x**2 * sum(g - x + 1 for g in gap_lengths if g >= x)
        for x in unit_lengths
    )
    d_e = (
        (2 / length)
        * total
        / (m * length * (m * length - 1) - sum(x * (x - 1) for x in unit_lengths))
    )
    return 1 - d_o / d_e if d_e > 0 else math.nan


def reference_family(coders, texts, units):
    """u-alpha and cu-alpha counted position by position (value 0 is the gap)."""
    index = {c: i + 1 for i, c in enumerate(sorted({u.category for u in units}))}
    size, m = len(index) + 1, len(coders)
    ell = [[0.0] * size for _ in range(size)]
    self_pairs, valued_self = [0.0] * size, [0.0] * size
    for text in texts:
        at = {c: [0] * text.length for c in coders}
        for u in units:
            if u.document == text.document:
                for p in range(u.begin, u.end):
                    at[u.coder][p - text.begin] = index[u.category]
        for p in range(text.length):
            for i in coders:
                for j in coders:
                    if i != j:
                        ell[at[i][p]][at[j][p]] += 1 / (m - 1)
        for c in coders:
            self_pairs[0] += sum(1 for p in range(text.length) if at[c][p] == 0)
    for u in units:
        self_pairs[index[u.category]] += (u.end - u.begin) ** 2
        at_other = 0
        for other in coders:
            if other != u.coder:
                at_other += sum(
                    max(0, min(u.end, v.end) - max(u.begin, v.begin))
                    for v in units
                    if v.coder == other and v.document == u.document
                )
        valued_self[index[u.category]] += (at_other / (m - 1)) ** 2

    def alpha(matrix, pairs):
        total = sum(map(sum, matrix))
        margins = [sum(row) for row in matrix]
        pairable = total**2 - sum(pairs)
        if total == 0 or pairable <= 0:
            return math.nan
        expected_diagonal = sum(
            total * (margins[v] ** 2 - pairs[v]) / pairable for v in range(len(matrix))
        )
        d_e = total - expected_diagonal
        d_o = total - sum(matrix[v][v] for v in range(len(matrix)))
        return 1 - d_o / d_e if d_e > 1e-12 * max(1, d_o) else math.nan

    valued = [row[1:] for row in ell[1:]]
    return alpha(ell, self_pairs), alpha(valued, valued_self[1:])


def close(found, expected) -> bool:
    if found is None or (isinstance(expected, float) and math.isnan(expected)):
        return found is None and math.isnan(expected)
    return found == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=120, deadline=None)
@given(studies())
def test_against_the_reference(study):
    coders, texts, units = study
    result = unitizing_agreement(units, texts, coders, bootstrap=0)
    for category in result.categories:
        expected = reference_alpha_u(coders, texts, units, category)
        assert close(result.alpha_U_by_category[category], expected), category
    u_alpha, cu_alpha = reference_family(coders, texts, units)
    assert close(result.u_alpha, u_alpha)
    assert close(result.cu_alpha, cu_alpha)
