"""Report tables in Markdown, LaTeX and CSV, and "released by t" in reports."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from hrd_coder.analysis.tables import latex_escape, render_table
from hrd_coder.cli import main

FRAME = pd.DataFrame({"covariate": ["a_b", "c|d"], "hr": [1.23456, float("inf")]})


def test_markdown_latex_and_csv_shapes():
    markdown = render_table(FRAME, "markdown", "HRs").splitlines()
    assert markdown == [
        "**HRs**",
        "",
        "| covariate | hr |",
        "|---|---|",
        "| a_b | 1.23 |",
        r"| c\|d | inf |",
    ]
    latex = render_table(FRAME, "latex", "HR & CI").splitlines()
    assert latex[:5] == [
        r"\begin{table}[htbp]",
        r"\centering",
        r"\caption{HR \& CI}",
        r"\begin{tabular}{lr}",
        r"\toprule",
    ]
    assert latex[5:9] == [r"covariate & hr \\", r"\midrule", r"a\_b & 1.23 \\", r"c|d & inf \\"]
    assert latex[-3:] == [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    assert render_table(FRAME, "csv") == "covariate,hr\na_b,1.23456\nc|d,inf\n"
    assert latex_escape("50% of #1 {x}") == r"50\% of \#1 \{x\}"
    with pytest.raises(ValueError, match="markdown, latex, csv"):
        render_table(FRAME, "html")


def test_released_by_in_the_report(layered, tmp_path):
    report = layered.analyze("named", "lena", tmp_path, released_by=365)
    shares = report.released_by.shares.set_index("group")
    # featured: c01 (170 days), c03 (274) released by a year; c04 held, c07 (446) later
    assert shares.loc["featured", "share"] == pytest.approx(2 / 4)
    # comparison: c05 (182) released; c02, c06 (502), c08 still held at day 365
    assert shares.loc["comparison", "share"] == pytest.approx(1 / 4)
    model = report.released_by.model
    assert list(model.index) == ["const", "featured", "reputational_costs"]
    assert report.as_dict()["released_by"]["t"] == 365
    assert "share released by day 365" in report.markdown()


def test_sensitivity_in_the_report(layered, tmp_path):
    report = layered.analyze("named", "lena", tmp_path, released_by=365)
    sensitivity = report.released_by.sensitivity
    assert sensitivity.treatment == "featured"
    assert list(sensitivity.bounds["bound"])[0] == "1x reputational_costs"
    # Release is common here (far over 15%), so the hazard ratio is converted to a risk ratio.
    assert report.evalue.outcome_share > 0.15 and not report.evalue.rare
    assert report.evalue.hr == report.cox.summary.loc["featured", "hr"]
    contour = tmp_path / "named_sensitivity.png"
    assert contour in report.plots and contour.read_bytes()[:4] == b"\x89PNG"
    markdown = report.markdown()
    assert "E-value of the featured hazard ratio" in markdown and "common outcome" in markdown
    assert f"![sensitivity contours, named]({contour.as_posix()})" in markdown
    data = report.as_dict()
    assert data["evalue"]["conversion"].startswith("common outcome")
    assert data["released_by"]["sensitivity"]["rv_q"] == pytest.approx(sensitivity.rv_q)
    without = layered.analyze("named", "lena", tmp_path / "plain")
    assert without.released_by is None and "sensitivity" not in without.tables()
    assert all(not p.stem.endswith("_sensitivity") for p in without.plots)


def test_report_command_formats(layered, tmp_path):
    runner = CliRunner()
    base = [
        "--project",
        str(layered.root),
        "report",
        "named",
        "--layer",
        "lena",
        "--out",
        str(tmp_path),
        "--released-by",
        "365",
    ]
    plain = runner.invoke(main, base)
    assert plain.exit_code == 0, plain.output
    assert "released by day 365" in plain.output
    latex = runner.invoke(main, [*base, "--format", "latex"]).output
    # groups, cox, evalue, ph, released_by, its model, sensitivity and its bounds
    assert latex.count(r"\begin{tabular}") == 8
    assert r"\caption{named: Cox hazard ratios, 95\% CI}" in latex
    data = json.loads(runner.invoke(main, [*base, "--format", "json"]).output)
    assert data["released_by"]["groups"]["featured"]["share"] == 0.5
    written = runner.invoke(main, [*base, "--format", "csv"])
    assert written.exit_code == 0, written.output
    names = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert names == [
        f"named.{t}.csv"
        for t in (
            "cox",
            "evalue",
            "groups",
            "ph",
            "released_by",
            "released_by_model",
            "sensitivity",
            "sensitivity_bounds",
        )
    ]
    groups = pd.read_csv(tmp_path / "named.groups.csv")
    assert list(groups.columns) == [
        "group",
        "n",
        "released",
        "median_days",
        "median_low",
        "median_high",
    ]
    cox = pd.read_csv(tmp_path / "named.cox.csv")
    assert list(cox["covariate"]) == ["featured", "reputational_costs"]
    bad = runner.invoke(main, [*base[:-1], "0"])
    assert bad.exit_code != 0 and "above 0" in bad.output
