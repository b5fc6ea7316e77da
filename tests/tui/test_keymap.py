"""A keys file may remap every binding id of the app's screens, dialogs and widgets
(issue 16: the hand-kept list of known ids missed the problem screen's)."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.coding import CodingScreen
from hrd_coder.tui.screens.problem import ProblemScreen
from tests.tui.helpers import settle

SIZE = (100, 30)


async def test_a_keys_file_remaps_the_problem_screens_retry(mini_root: Path):
    keys = mini_root / ".hrd_coder" / "keys.yaml"
    keys.parent.mkdir(parents=True)
    keys.write_text("problem.retry: f12\n")
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)  # the keys file has been read and checked
        assert not [n.message for n in app._notifications if "problem.retry" in n.message]
        answers: list[bool | None] = []
        app.push_screen(ProblemScreen("A problem", "Fix it, then retry."), answers.append)
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert answers == [True]
