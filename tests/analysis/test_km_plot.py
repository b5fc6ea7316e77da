"""The Kaplan–Meier figure is written as PNG and SVG with the parts a reader needs.

Looked at by eye (the PNG of the remission data): two step curves with shaded 95% bands,
tick marks where cases were censored, a legend with group sizes, axis labels in words and a
"number at risk" table under the axis whose counts match R's n.risk.
"""

from __future__ import annotations

import pytest

from hrd_coder.analysis import kaplan_meier, km_plot
from tests.analysis.examples import remission, rossi


def test_png_and_svg_are_written_from_a_result(tmp_path):
    curves = kaplan_meier(remission(), "weeks", "relapsed", group="group")
    png, svg = km_plot(curves, tmp_path / "figures" / "remission", title="Remission")
    assert (png.name, svg.name) == ("remission.png", "remission.svg")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000
    text = svg.read_text()
    assert svg.stat().st_size > 20_000
    for words in ("days since campaign launch", "share still detained", "number at risk"):
        assert words in text
    for label in ("6-MP (n = 21)", "placebo (n = 21)", "censored", "Remission"):
        assert label in text


def test_a_frame_is_estimated_first_and_labels_can_change(tmp_path):
    png, svg = km_plot(
        rossi(),
        tmp_path / "arrests.png",
        duration="week",
        event="arrest",
        entry="entry",
        xlabel="weeks since release from prison",
        ylabel="share not rearrested",
    )
    assert png.exists() and png.stat().st_size > 10_000
    text = svg.read_text()
    assert "weeks since release from prison" in text and "all cases (n = 432)" in text


def test_a_frame_needs_its_columns_named(tmp_path):
    with pytest.raises(ValueError, match="name the duration and event"):
        km_plot(remission(), tmp_path / "x")


def test_numbers_at_risk_follow_the_table():
    from hrd_coder.analysis.km_plot import _at_risk

    curves = kaplan_meier(remission(), "weeks", "relapsed", group="group")
    treated, placebo = curves.curve("6-MP").table, curves.curve("placebo").table
    # R's n.risk: 6-MP 21 at week 6, 15 at week 10, 11 at week 16; placebo 14 at week 5.
    assert [_at_risk(treated, t) for t in (0, 6, 10, 16)] == [21, 21, 15, 11]
    assert [_at_risk(placebo, t) for t in (0, 5, 25)] == [21, 14, 0]


def test_a_long_title_is_wrapped_not_cut_at_the_edge(tmp_path):
    """The demo's fourth design's description ran off the PNG's right edge."""
    from hrd_coder.analysis.km_plot import curves_to_draw, draw_km

    long = "Featured against considered, with bureaucratic deadlock as the coders read it"
    curves = curves_to_draw(kaplan_meier(remission(), "weeks", "relapsed", group="group"))
    _png, svg = draw_km(curves, tmp_path / "long", title=long)
    text = svg.read_text()
    # matplotlib names each text line in an SVG comment: two lines, nothing dropped.
    assert "<!-- Featured against considered, with bureaucratic deadlock as the -->" in text
    assert "coders read it" in text and f"<!-- {long} -->" not in text
    _png, svg = draw_km(curves, tmp_path / "short", title="Remission")
    assert "<!-- Remission -->" in svg.read_text()
