"""The study path through the workbench (issue 13): two coders' layers, F6 decisions by key,
then F7's survival results on the consensus layer, asserted on the model's numbers."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.adjudication import AdjudicationScreen
from hrd_coder.tui.screens.results import ResultsScreen
from tests.tui.helpers import settle

SIZE = (120, 40)
MECHANISM_DESIGN = """
  - name: deadlock
    description: Featured against considered, with bureaucratic deadlock coded
    cases: [featured, considered]
    group: featured
    origin: campaign
    censor_date: 2017-09-01
    events: [pardon, amnesty, sentence_completed, acquitted, conditional_release]
    covariates: [bureaucratic_deadlock]
"""
LEFT_FOR_THE_KEYS = 3


def coded_demo(root: Path) -> None:
    """The demo with both coders' codings, a design on a mechanism, and every disagreement
    but the last few decided (lena's version) through the service."""
    text = (root / "analysis.yaml").read_text()
    head, tail = text.split("\n# Media coverage", 1)
    (root / "analysis.yaml").write_text(
        f"{head.rstrip()}\n{MECHANISM_DESIGN}\n# Media coverage{tail}"
    )
    with Project.open(root) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        queue = project.disagreements()
        early = [(item, "lena", "") for item in queue[:-LEFT_FOR_THE_KEYS]]
        project.decide_many(early, adjudicator="ana")


async def test_f6_decisions_then_f7_results_on_consensus(demo_root: Path) -> None:
    coded_demo(demo_root)
    app = CoderApp(demo_root, None, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, AdjudicationScreen)
        assert sum(item.open for item in queue.items) == LEFT_FOR_THE_KEYS
        for _ in range(LEFT_FOR_THE_KEYS):
            await pilot.press("u")  # the union of the coders' versions
            await settle(pilot)
        assert not any(item.open for item in queue.items)
        line = str(queue.query_one("#consensus-line").render())
        assert "0 undecided" in line and "stale" not in line and "up to date" in line
        await pilot.press("escape", "f7")
        await settle(pilot)
        results = app.screen
        assert isinstance(results, ResultsScreen)
        while results.design != "deadlock":
            await pilot.press("d")
            await settle(pilot)
        while results.chosen_layer != "consensus":
            await pilot.press("l")
            await settle(pilot)
        shown = results.query_one("#cox-table", DataTable)
        hazard = {
            str(r[0]): str(r[1]) for r in (shown.get_row_at(i) for i in range(shown.row_count))
        }
    with Project.open(demo_root) as project:
        assert project.consensus_status().complete
        expected = project.analyze("deadlock", "consensus").cox.summary
        tomas = project.analyze("deadlock", "tomas").cox.summary
    assert hazard["bureaucratic_deadlock"] == f"{expected.loc['bureaucratic_deadlock', 'hr']:.2f}"
    assert list(expected.index) == ["featured", "bureaucratic_deadlock"]
    # The layer matters here: tomas's deadlock codings give another hazard ratio.
    assert hazard["bureaucratic_deadlock"] != f"{tomas.loc['bureaucratic_deadlock', 'hr']:.2f}"
