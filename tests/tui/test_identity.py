"""The workbench and who is coding (issue 13): a name given for the run is not remembered,
the first-run prompt's answer is, and every screen's title bar names the coder."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.services import Project
from hrd_coder.settings import remember_coder, remembered_coder
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.adjudication import AdjudicationScreen
from hrd_coder.tui.screens.agreement import AgreementScreen
from hrd_coder.tui.screens.coding import CodingScreen
from hrd_coder.tui.screens.results import ResultsScreen
from tests.coded_mini import code_mini
from tests.tui.helpers import settle


def header_name(app: CoderApp) -> str:
    """The coder name in the title bar of the screen on top, checked to be on screen."""
    name = app.screen.query_one("#coder-name")
    title_bar = app.screen.query_one("#title-bar")
    assert name.display and name.region.width > 0
    assert title_bar.region.contains_region(name.region)
    return str(name.render())


async def test_a_coder_given_for_the_run_codes_but_is_not_remembered(mini_root: Path):
    remember_coder(mini_root, "tomas")
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.coder == "lena"
        assert header_name(app) == "coder lena"
    assert remembered_coder(mini_root) == "tomas"
    again = CoderApp(mini_root)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert header_name(again) == "coder tomas"


async def test_the_first_run_prompt_remembers_the_name_it_is_given(mini_root: Path):
    app = CoderApp(mini_root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"ana", "enter")
        await settle(pilot)
        assert header_name(app) == "coder ana"
    assert remembered_coder(mini_root) == "ana"


async def test_every_screen_names_the_coder_in_its_title_bar(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
        code_mini(project)
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=(80, 24)) as pilot:  # the smallest terminal we design for
        await settle(pilot)
        assert header_name(app) == "coder lena"
        for key, screen_type in (
            ("f5", AgreementScreen),
            ("f6", AdjudicationScreen),
            ("f7", ResultsScreen),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            assert header_name(app) == "coder lena", screen_type
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, CodingScreen)
