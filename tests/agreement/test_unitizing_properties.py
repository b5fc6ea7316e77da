"""Properties every unitizing coefficient must have, on random unitizations: coders who
agree perfectly get 1; the coders' order and where the continuum starts change nothing;
several texts resample reproducibly under one seed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_coder.agreement.continuum import Text, Unit
from hrd_coder.agreement.unitizing import unitizing_agreement

CATEGORIES = ("deadlock", "inducement", "private")


@st.composite
def partitions(draw, length: int) -> list[tuple[int, int, str]]:
    """One coder's units: disjoint stretches of [0, length) with a category each."""
    cuts = sorted(draw(st.sets(st.integers(0, length), min_size=2, max_size=12)))
    units = []
    for begin, end in zip(cuts, cuts[1:], strict=False):
        if draw(st.booleans()):
            units.append((begin, end, draw(st.sampled_from(CATEGORIES))))
    return units


@st.composite
def studies(draw):
    """A continuum and 2-4 coders' units on it."""
    length = draw(st.integers(5, 120))
    coders = draw(st.integers(2, 4))
    return length, [draw(partitions(length)) for _ in range(coders)]


def units_of(coders: list[list[tuple[int, int, str]]], names, shift: int = 0) -> list[Unit]:
    return [
        Unit(name, category, begin + shift, end + shift)
        for name, units in zip(names, coders, strict=True)
        for begin, end, category in units
    ]


def coefficients(result) -> dict[str, float | None]:
    """Every coefficient in one flat dict, to compare two results."""
    flat = {
        "alpha_U": result.alpha_U,
        "u_alpha": result.u_alpha,
        "binary_u_alpha": result.binary_u_alpha,
        "cu_alpha": result.cu_alpha,
        "cu_coverage": result.cu_coverage,
    }
    for name in ("alpha_U_by_category", "k_u_alpha", "coverage"):
        flat |= {f"{name}:{c}": v for c, v in getattr(result, name).items()}
    return flat


def assert_same(first: dict, second: dict) -> None:
    assert first.keys() == second.keys()
    for key, value in first.items():
        if value is None:
            assert second[key] is None, key
        else:
            assert second[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key


@settings(max_examples=150, deadline=None)
@given(studies(), st.integers(2, 4))
def test_coders_who_agree_perfectly_get_one(study, coders):
    length, drawn = study
    same = [drawn[0]] * coders
    result = unitizing_agreement(
        units_of(same, [f"c{i}" for i in range(coders)]), [Text("", length)], bootstrap=0
    )
    for key, value in coefficients(result).items():
        if value is not None and "coverage" not in key:
            assert value == pytest.approx(1.0), key


@settings(max_examples=150, deadline=None)
@given(studies(), st.randoms(use_true_random=False))
def test_the_order_of_the_coders_changes_nothing(study, random):
    length, drawn = study
    names = [f"coder{i}" for i in range(len(drawn))]
    shuffled = names[:]
    random.shuffle(shuffled)
    first = unitizing_agreement(units_of(drawn, names), [Text("", length)], bootstrap=0)
    second = unitizing_agreement(units_of(drawn, shuffled), [Text("", length)], bootstrap=0)
    assert_same(coefficients(first), coefficients(second))


@settings(max_examples=150, deadline=None)
@given(studies(), st.integers(1, 10**6))
def test_shifting_the_spans_and_the_continuum_together_changes_nothing(study, shift):
    length, drawn = study
    names = [f"coder{i}" for i in range(len(drawn))]
    first = unitizing_agreement(units_of(drawn, names), [Text("", length)], bootstrap=0)
    moved = unitizing_agreement(
        units_of(drawn, names, shift), [Text("", length, begin=shift)], bootstrap=0
    )
    assert_same(coefficients(first), coefficients(moved))


def test_family_is_left_out_with_a_note_when_categories_overlap():
    units = [
        Unit("ann", "deadlock", 0, 10),
        Unit("ann", "private", 5, 15),
        Unit("ben", "deadlock", 0, 10),
        Unit("ben", "private", 10, 15),
    ]
    result = unitizing_agreement(units, [Text("", 30)], bootstrap=0)
    assert result.u_alpha is None and result.cu_alpha is None
    assert result.alpha_U_by_category["deadlock"] == 1.0
    assert any("ann's units overlap at 5" in note for note in result.notes)


def test_overlapping_units_of_one_category_count_as_one():
    joined = [Unit("ann", "deadlock", 0, 10), Unit("ann", "deadlock", 5, 15)]
    result = unitizing_agreement(
        [*joined, Unit("ben", "deadlock", 0, 15)], [Text("", 30)], bootstrap=0
    )
    assert result.alpha_U == 1.0 and result.u_alpha == 1.0
    assert any("2 units were counted as 1" in note for note in result.notes)


def several_texts() -> tuple[list[Unit], list[Text]]:
    units, texts = [], []
    for t in range(12):
        name = f"interview-{t}"
        texts.append(Text(name, 100))
        units += [
            Unit("ann", "deadlock", 10, 40, name),
            Unit("ben", "deadlock", 10 + t, 40 + 2 * t, name),
            Unit("ann", "private", 60, 80, name),
            Unit("ben", "private" if t % 3 else "deadlock", 62, 80, name),
        ]
    return units, texts


def test_bootstrap_over_texts_is_seeded_and_brackets_the_estimate():
    units, texts = several_texts()
    first = unitizing_agreement(units, texts, bootstrap=300, seed=7)
    again = unitizing_agreement(units, texts, bootstrap=300, seed=7)
    other = unitizing_agreement(units, texts, bootstrap=300, seed=8)
    assert first.intervals == again.intervals
    assert first.intervals != other.intervals
    for name in ("alpha_U", "u_alpha", "binary_u_alpha", "cu_alpha"):
        interval = first.intervals[name]
        estimate = getattr(first, name)
        assert interval["low"] <= estimate <= interval["high"], name
        assert interval["low"] < interval["high"], name
    assert set(first.intervals["k_u_alpha"]) == {"deadlock", "private"}


def test_one_text_gets_no_interval_but_a_note():
    result = unitizing_agreement(
        [Unit("ann", "x", 0, 5), Unit("ben", "x", 1, 5)], [Text("", 10)], bootstrap=100
    )
    assert result.intervals == {}
    assert any("only one" in note for note in result.notes)


def test_texts_are_laid_end_to_end_without_gaps_across_borders():
    """Two texts of 50 give the same u-alpha as one of 100 with the same units (a gap's
    share is divisible), while alpha_U sees two shorter gaps instead of one long one."""
    split_units = [Unit("ann", "x", 10, 20, "one"), Unit("ben", "x", 12, 20, "one")]
    split_units += [Unit("ann", "x", 30, 40, "two"), Unit("ben", "x", 30, 40, "two")]
    split = unitizing_agreement(split_units, [Text("one", 50), Text("two", 50)], bootstrap=0)
    moved = {"one": 0, "two": 50}
    whole_units = [
        Unit(u.coder, u.category, u.begin + moved[u.document], u.end + moved[u.document])
        for u in split_units
    ]
    whole = unitizing_agreement(whole_units, [Text("", 100)], bootstrap=0)
    assert split.u_alpha == pytest.approx(whole.u_alpha)
    assert not math.isclose(split.alpha_U, whole.alpha_U)


def test_each_undefined_coefficient_says_why():
    """Both coders mark all of a continuum of 1 as x: no unit or gap could be elsewhere."""
    whole = [Unit("ann", "x", 0, 1), Unit("ben", "x", 0, 1)]
    result = unitizing_agreement(whole, [Text("", 1)], bootstrap=0)
    assert result.alpha_U is None and result.alpha_U_by_category == {"x": None}
    assert result.u_alpha is None
    assert result.binary_u_alpha is None and result.cu_alpha is None
    notes = " | ".join(result.notes)
    assert "alpha_U of x is undefined: no disagreement is expected by chance" in notes
    assert "u-alpha is undefined: no disagreement is expected by chance" in notes
    assert "|u-alpha is undefined: it needs both units and gaps" in notes
    assert "cu-alpha is undefined" in notes and "all carry one category" in notes
    apart = [Unit("ann", "x", 0, 3), Unit("ben", "y", 5, 9)]
    result = unitizing_agreement(apart, [Text("", 10)], bootstrap=0)
    assert result.cu_alpha is None and result.cu_coverage == 0.0
    assert any("no two coders' units intersect" in note for note in result.notes)
    alone = unitizing_agreement([Unit("ann", "x", 0, 3)], [Text("", 10)], bootstrap=0)
    assert alone.alpha_U is None
    assert alone.notes == ("agreement needs at least 2 coders; the data name 1: every "
                           "coefficient is undefined",)  # fmt: skip
