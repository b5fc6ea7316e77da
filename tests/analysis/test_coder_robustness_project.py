"""`report DESIGN --robustness coders` on a project (issue 18): each layer's featured effect
as a direct lifelines fit gives it, and a bootstrap in which a case takes its values only
from the coders who coded it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.analysis.layered_project import CASES, LENA, TOMAS, direct_hazard_ratios


def featured_hr(coded: set[str]) -> float:
    """The featured hazard ratio with reputational_costs = 1 on `coded`, fitted directly."""
    return direct_hazard_ratios(coded)["featured"]


def robustness(project: Project, *options: str) -> dict:
    result = CliRunner().invoke(
        main,
        ["--project", str(project.root), "report", "named", "--robustness", "coders", *options],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_each_layer_is_a_direct_fit_and_cases_draw_only_from_their_coders(layered):
    data = robustness(layered, "--bootstrap", "20", "--format", "json")
    assert set(data["by_layer"]) == {"lena", "tomas"}
    assert data["by_layer"]["lena"]["hr"] == pytest.approx(featured_hr(set(LENA)), rel=1e-5)
    assert data["by_layer"]["tomas"]["hr"] == pytest.approx(featured_hr(set(TOMAS)), rel=1e-5)
    # Each case history only one of them coded takes that coder's value in every draw, and
    # both coded c01 and c05 alike: so every draw is the union of their codings.
    union = featured_hr(set(LENA) | set(TOMAS))
    boot = data["bootstrap"]
    assert boot["fitted"] == 20 and boot["varying_cases"] == 4
    assert boot["quantiles"]["2.5%"] == pytest.approx(union, rel=1e-5)
    assert boot["quantiles"]["97.5%"] == pytest.approx(union, rel=1e-5)
    assert data["sentence"].startswith("The featured effect (hazard ratio) keeps its sign")


def test_coders_who_both_saw_a_case_but_read_it_differently_spread_the_draws(layered):
    # tomas reads c03 too (marks it done, codes nothing there): c03 is now coded by both,
    # lena saying reputational costs and tomas saying absent
    layered.mark_done(["c03"], coder="tomas")
    data = robustness(layered, "--bootstrap", "40", "--seed", "3", "--format", "json")
    quantiles = data["bootstrap"]["quantiles"]
    with_c03 = featured_hr(set(LENA) | set(TOMAS))
    without_c03 = featured_hr((set(LENA) | set(TOMAS)) - {"c03"})
    assert quantiles["2.5%"] == pytest.approx(min(with_c03, without_c03), rel=1e-5)
    assert quantiles["97.5%"] == pytest.approx(max(with_c03, without_c03), rel=1e-5)


def test_the_table_prints_layers_quantiles_and_the_sentence(layered):
    result = CliRunner().invoke(
        main,
        ["--project", str(layered.root), "report", "named", "--robustness", "coders"]
        + ["--bootstrap", "5"],
    )
    assert result.exit_code == 0, result.output
    assert "lena" in result.output and "evalue" in result.output
    assert "featured hazard ratio (5 of 5 draws fitted, seed 0, 4 cases" in result.output
    assert "keeps its sign and stays within" in result.output


def test_it_fits_every_layer_so_a_layer_or_a_design_without_codes_is_refused(layered):
    runner = CliRunner()
    base = ["--project", str(layered.root), "report", "named", "--robustness", "coders"]
    mixed = runner.invoke(main, [*base, "--layer", "lena"])
    assert mixed.exit_code == 2 and "fits every layer" in mixed.output
    text = (layered.root / "analysis.yaml").read_text()
    (layered.root / "analysis.yaml").write_text(text.replace("[reputational_costs]", "[]"))
    plain = runner.invoke(main, base)
    assert plain.exit_code == 2 and "uses no code variable" in plain.output
    assert "without --robustness coders" in plain.output


def test_a_coder_who_never_applied_the_code_gets_a_plain_note(layered):
    """Found walking the study path: the note was lifelines' "delta contains nan value(s).
    Convergence halted. Please see the following tips ..." with a link."""
    for coding in layered.codings(coder="tomas"):
        layered.remove_coding(coding.id, coder="tomas")
    layered.add_coding(document="c01", code="mobilizing", start=0, end=20, coder="tomas")
    data = robustness(layered, "--bootstrap", "5", "--format", "json")
    assert data["by_layer"]["tomas"]["hr"] is None
    [note] = [n for n in data["notes"] if n.startswith("layer tomas")]
    assert note.startswith(
        "layer tomas: no Cox model: reputational_costs is 0 in every case (a code applied to "
        "no case), so its effect cannot be estimated: leave it out of the design"
    )
    assert note.endswith("(lifelines: delta contains nan value(s). Convergence halted)")
    assert "http" not in note


def test_a_coder_whose_code_separates_the_released_cases_gets_a_note(layered):
    """tomas applies the code to every released case and to no other: the fit "works" with
    a hazard ratio in the millions; the layer's note says why not to trust it."""
    for coding in layered.codings(coder="tomas"):
        layered.remove_coding(coding.id, coder="tomas")
    for case_id, _, released in CASES:
        if released:
            layered.add_coding(
                document=case_id, code="reputational_costs", start=0, end=20, coder="tomas"
            )
    data = robustness(layered, "--bootstrap", "5", "--format", "json")
    notes = [n for n in data["notes"] if n.startswith("layer tomas")]
    assert any("reputational_costs hardly varies among the released cases" in n for n in notes)
