"""Blind coding in the workbench: a coder's counts leave out other layers, and screens that
show every layer are refused with a message until a lead reveals them (issue 6)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.coding import CodingScreen
from hrd_coder.tui.widgets.codebook_panel import CodebookPanel
from tests.coded_mini import code_mini
from tests.tui.helpers import settle

SIZE = (100, 30)


def blind_project(root: Path) -> None:
    with Project.open(root, viewer="lena") as project:
        project.import_files()
        code_mini(project)
        project.set_role("lena", "lead")
        project.set_layers("blind")


async def test_a_blind_coder_sees_own_counts_and_no_agreement(mini_root: Path) -> None:
    blind_project(mini_root)
    app = CoderApp(mini_root, None, "tomas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        panel = app.screen.query_one(CodebookPanel)
        # lena coded reputational_costs too: only tomas's one coding counts for him.
        assert panel.counts["reputational_costs"] == (1, 1)
        await pilot.press("f5")
        await settle(pilot)
        status = str(app.screen.query_one("#status-line", Static).render())
        assert "blind coding is on" in status


async def test_the_lead_sees_every_layer_in_the_workbench(mini_root: Path) -> None:
    blind_project(mini_root)
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(CodebookPanel)
        assert panel.counts["reputational_costs"] == (1, 2)
        await pilot.press("f5")
        await settle(pilot)
        status = str(app.screen.query_one("#status-line", Static).render())
        assert "not done" not in status


def footer_actions(screen) -> list[str]:  # type: ignore[no-untyped-def]
    return [footer_key.action for footer_key in screen.query("FooterKey")]


async def test_a_refused_screen_offers_only_keys_that_still_act(mini_root: Path) -> None:
    """Issue 15: F5 and F6 refused (blind coding, no adjudicator role) keep help and Back in
    the footer, not sort, unit, union or reason, which would only be refused again."""
    blind_project(mini_root)
    app = CoderApp(mini_root, None, "tomas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, screen_name in (("f5", "AgreementScreen"), ("f6", "AdjudicationScreen")):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == screen_name
            assert footer_actions(app.screen) == ["help", "back", "command_palette"]
            await pilot.press("s", "u")  # hidden keys do nothing, and say nothing new
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, CodingScreen)


async def test_the_lead_keeps_every_key_of_the_agreement_screen(mini_root: Path) -> None:
    blind_project(mini_root)
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert {"drill", "sort", "unit", "back"} <= set(footer_actions(app.screen))
