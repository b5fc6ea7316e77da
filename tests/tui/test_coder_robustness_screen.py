"""Pilot tests of robustness to coders on the results screen (issue 18): `c` shows the
current design refitted on every layer, the coder bootstrap and the sentence, each figure
as Project.coder_robustness returns it; readable at 80x24."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.coder_robustness import DRAWS, CoderRobustnessScreen
from hrd_coder.tui.screens.results import ResultsScreen
from tests.analysis.test_model_layer_robustness import demo_with_run
from tests.tui.helpers import settle
from tests.tui.test_results_screen import ON_CODES, Host, rows, text_of

DESIGN = "with_mechanism"  # the first design of the demo with a mechanism added


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    """The demo with lena's and tomas's codings, a design on a mechanism, and a model layer."""
    return demo_with_run(tmp_path_factory.mktemp("f7") / "demo")


@pytest.fixture
def project(demo: tuple[Path, str]) -> Iterator[Project]:
    with Project.open(demo[0]) as opened:
        yield opened


def two(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


async def test_c_shows_every_layer_the_bootstrap_and_the_sentence_at_80x24(
    project: Project, demo: tuple[Path, str]
) -> None:
    layer = demo[1]
    expected = project.coder_robustness(DESIGN, DRAWS, 0)
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = {str(k.key): k for k in app.screen.query("FooterKey")}
        assert footer["c"].description == "Coders" and footer["c"].region.right <= 80
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CoderRobustnessScreen) and screen.design == DESIGN
        shown = rows(screen, "#layers-table")
        assert list(shown) == ["lena", "tomas", layer]
        for found in expected.by_layer:
            row = shown[found.layer]
            assert row[1] == found.kind
            if found.refused:
                assert row[2] == "refused" and row[5] == "—"
                continue
            assert row[2] == two(found.hr)
            assert row[3] == f"{two(found.hr_low)}–{two(found.hr_high)}"
            assert row[4] == f"{found.p:.3g}"
            assert row[5] == two(found.evalue.evalue)
            assert row[6] == two(found.evalue.evalue_ci)
        assert shown["lena"][1] == "human" and shown[layer][1] == "model"
        verdicts = text_of(screen, "#verdicts")
        assert f"{layer}: not validated; refused" in verdicts
        boot = text_of(screen, "#bootstrap")
        assert "human coders only (lena, tomas)" in boot
        assert f"{len(expected.bootstrap.hazard_ratios)} of {DRAWS} draws" in boot
        varying = expected.bootstrap.varying_cases
        assert f"{varying} case{'' if varying == 1 else 's'} whose code" in boot
        for name, value in expected.bootstrap.quantiles().items():
            assert f"{name} {two(value)}" in boot
        sentence = text_of(screen, "#sentence").replace("\n", " ")
        assert " ".join(sentence.split()) == " ".join(expected.sentence().split())
        table = screen.query_one("#layers-table", DataTable)
        assert table.virtual_size.width <= table.region.width  # no column off the screen
        assert table.region.bottom <= 24

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)


async def test_it_says_it_is_computing_until_the_result_comes(project: Project) -> None:
    screen = CoderRobustnessScreen(project, DESIGN, draws=5)
    app = Host(lambda: screen)
    with screen._lock:  # the worker waits on it: the screen is seen while it computes
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert screen.has_class("-busy") and screen.result is None
            assert "Fitting with_mechanism on every layer, then 5 case tables" in text_of(
                screen, "#message"
            )
            assert not screen.query_one("#layers-table").display
            screen._lock.release()
            await settle(pilot)
            screen._lock.acquire()
            assert not screen.has_class("-busy") and screen.result is not None
            assert not screen.query_one("#message").display
            assert screen.query_one("#layers-table").display


async def test_a_design_without_codes_is_a_message_not_a_traceback(project: Project) -> None:
    app = Host(lambda: CoderRobustnessScreen(project, "featured_vs_considered", draws=5))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-failed") and not screen.has_class("-busy")
        message = text_of(screen, "#message")
        assert "uses no code variable" in message and "Escape" in message
        assert f"choose a design that uses one ({DESIGN}, featured_with_deadlock)" in message
        assert screen.result is None
        # Said once, in the panel: no notification repeating it over the panel at 80x24.
        assert not app._notifications
        assert "not done: design 'featured_vs_considered'" in text_of(screen, "#status-line")


async def test_help_lists_the_coders_key(project: Project) -> None:
    app = Host(lambda: ResultsScreen(project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_table = app.screen.query_one(DataTable)
        ids = [str(help_table.get_row_at(i)[2]) for i in range(help_table.row_count)]
        assert "results.coders" in ids
        about = text_of(app.screen, "#about")
        assert "c shows whether the design's finding survives a change of coder" in about


def test_the_figures_are_finite_on_the_demo(project: Project) -> None:
    """The table above is not vacuous: both people's layers have a fitted hazard ratio."""
    found = project.coder_robustness(DESIGN, 5, 0)
    people = [e for e in found.by_layer if e.kind == "human"]
    assert len(people) == 2 and all(e.hr is not None and math.isfinite(e.hr) for e in people)


async def test_an_incomplete_consensus_is_refused_with_its_own_reason(tmp_path: Path) -> None:
    """Found walking the study path: the refused consensus row must point to
    --allow-incomplete (its reason), not to --allow-unvalidated, which is for model layers."""
    root, _ = demo_with_run(tmp_path / "demo")
    with Project.open(root) as opened:
        first = opened.disagreements()[0]
        opened.decide(first, next(iter(first.marks)), adjudicator="ana")
        app = Host(lambda: CoderRobustnessScreen(opened, DESIGN, draws=5))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            shown = rows(app.screen, "#layers-table")
            assert shown["consensus"][1:3] == ["consensus", "refused"]
            verdicts = " ".join(text_of(app.screen, "#verdicts").split())
            consensus = verdicts.split("consensus: incomplete; refused (", 1)[1]
            consensus = consensus.split(" model:", 1)[0]
            assert "--allow-incomplete" in consensus and "--allow-unvalidated" not in consensus


async def test_on_the_demo_as_shipped_f7_then_c_shows_each_coder(demo_root: Path) -> None:
    """The tour's path (issue 15 follow-up): import, load the two coders' codings, F7, `d`
    to the demo's design on a mechanism, `c`. No design or run added by hand: the key is
    live on the files the repository ships, and reads at 80x24."""
    with Project.open(demo_root) as project:
        project.import_files()
        project.load_codings(demo_root / "demo" / "codings.csv", mark_done=True)
        expected = project.coder_robustness(ON_CODES, DRAWS, 0)
    app = CoderApp(demo_root, None, "lena")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        results = app.screen
        assert isinstance(results, ResultsScreen) and results.designs[-1] == ON_CODES
        for _ in results.designs[1:]:
            await pilot.press("d")
            await settle(pilot)
        assert results.design == ON_CODES
        assert text_of(results, "#results-title").endswith("design 4 of 4")
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CoderRobustnessScreen) and screen.design == ON_CODES
        shown = rows(screen, "#layers-table")
        assert list(shown) == ["lena", "tomas"]  # no consensus decided, no machine coder
        for found in expected.by_layer:
            row = shown[found.layer]
            assert found.hr is not None and found.evalue is not None
            assert row[1:] == [
                "human",
                two(found.hr),
                f"{two(found.hr_low)}–{two(found.hr_high)}",
                f"{found.p:.3g}",
                two(found.evalue.evalue),
                two(found.evalue.evalue_ci),
            ]
        # The demo's coders read one case differently (c15: only tomas coded deadlock).
        assert expected.bootstrap.varying_cases == 1
        assert "1 case whose code variables differ" in text_of(screen, "#bootstrap")
        sentence = " ".join(text_of(screen, "#sentence").split())
        assert sentence == " ".join(expected.sentence().split())
        table = screen.query_one("#layers-table", DataTable)
        assert table.virtual_size.width <= table.region.width and table.region.bottom <= 24
