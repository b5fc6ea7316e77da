"""Notifications (issue 15): the same message again replaces the one on show instead of
stacking copies; counts in messages read right for one."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from tests.tui.helpers import settle

SIZE = (100, 30)


async def test_the_same_warning_three_times_is_shown_once(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):
            await pilot.press("r")  # nothing selected: the same hint each time
            await settle(pilot)
        hints = [n for n in app._notifications if n.message.startswith("Select some text")]
        assert len(hints) == 1
        await pilot.press("right_square_bracket")
        status = str(app.screen.query_one("#status-line").render())
        assert status.startswith("selected 28 characters, 5 words")


async def test_one_coding_is_one_coding(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
        project.add_coding(document="int01", code="release", start=0, end=3, coder="lena")
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#status-line").render())
        assert status.startswith("opened int01: 1 coding of yours ·")
