"""F6's boundary queue (issue 18): `B` (shift+b) switches the adjudication screen to the
passages every coder coded with another extent; a key takes an extent and the consensus
holds it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from hrd_coder.services import Project
from hrd_coder.services.agreement import AgreementRequest
from hrd_coder.storage.decisions import DECISIONS
from hrd_coder.tui.screens.adjudication import AdjudicationScreen
from hrd_coder.tui.screens.adjudication_boundaries import BoundaryScreen
from tests.conftest import finish_coding
from tests.tui.helpers import settle, stored_codings

SMALL = (80, 24)
FIRST = "Naming her raised the reputational cost for the government."
BOTH_END = "The NGOs kept pushing too."


def span(text: str, first: str, last: str) -> tuple[int, int]:
    start = text.index(first)
    return start, text.index(last, start) + len(last)


@pytest.fixture
def project(mini_root: Path) -> Iterator[Project]:
    """lena codes reputational costs over two sentences, tomas over the first."""
    with Project.open(mini_root) as opened:
        opened.import_files()
        text = opened.text_of("int01")
        first, both = span(text, FIRST, FIRST), span(text, FIRST, BOTH_END)
        for coder, (start, end) in (("lena", both), ("tomas", first)):
            opened.add_coding(
                document="int01", code="reputational_costs", start=start, end=end, coder=coder
            )
        finish_coding(opened)
        yield opened


class Host(App):
    """A bare app that shows one screen."""

    def __init__(self, make: Callable[[], Screen]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        """Show the screen under test."""
        self.push_screen(self.make())


def queue_app(project: Project) -> Host:
    return Host(lambda: AdjudicationScreen(project, AgreementRequest(), "ana"))


def shown(screen: Screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_b_switches_to_the_boundaries_and_a_key_decides_the_extent(project: Project):
    app = queue_app(project)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        units = app.screen
        assert isinstance(units, AdjudicationScreen)
        assert [i.state for i in units.items] == ["undecided"]  # lena alone in the 2nd sentence
        await pilot.press("B")
        await settle(pilot)
        boundaries = app.screen
        assert isinstance(boundaries, BoundaryScreen)
        extents = shown(boundaries, "#extents")
        assert (
            "lena" in extents
            and "tomas" in extents
            and "not decided yet" in shown(boundaries, "#decision")
        )
        await pilot.press("b")  # tomas is the second coder: his extent
        await settle(pilot)
        assert "decided: tomas" in shown(boundaries, "#decision")
        assert "0 of 1" not in shown(boundaries, "#progress")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is units
        # Reloaded: both sentences are settled by the boundary now, the first agreed before.
        assert [(i.state, i.decision) for i in units.items] == [("decided", "tomas")] * 2
        # The item says which boundary settled it and the extent, not "tomas's version".
        decision = shown(units, "#decision")
        assert f"decided by boundary {units.items[0].boundary}: tomas's extent" in decision
        assert "version" not in decision
    text = project.text_of("int01")
    held = [(c.start, c.end) for c in stored_codings(project.root, coder="consensus")]
    assert held == [span(text, FIRST, FIRST)]
    with project.database.reading() as conn:
        [row] = conn.execute(select(DECISIONS)).mappings().all()
    assert (row["unit"], row["choice"], row["adjudicator"]) == ("boundary", "tomas", "ana")


async def test_union_by_key_and_the_screen_at_80_by_24(project: Project, tmp_path: Path):
    app = Host(lambda: BoundaryScreen(project, (), "ana"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert "1 of 1" in shown(screen, "#item-line")
        assert "Reputational costs" in shown(screen, "#item-line")
        await pilot.press("v")
        assert "tomas's extent highlighted" in shown(screen, "#passage")
        await pilot.press("u")
        await settle(pilot)
        assert "decided: union" in shown(screen, "#decision")
        app.save_screenshot("boundaries.svg", str(tmp_path))
    picture = (tmp_path / "boundaries.svg").read_text()
    for words in ("Union", "Intersection", "Units", "lena", "tomas"):
        assert words in picture
    held = sorted((c.start, c.end) for c in stored_codings(project.root, coder="consensus"))
    text = project.text_of("int01")
    assert held[0][0] == text.index(FIRST) and held[-1][1] == span(text, FIRST, BOTH_END)[1]


async def test_the_key_is_in_the_footer_and_in_help(project: Project, tmp_path: Path):
    app = queue_app(project)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        rows = {binding_id: keys for keys, _what, binding_id in app.screen.help_rows()}
        assert rows["adjudication.boundaries"] == "B"
        app.save_screenshot("units.svg", str(tmp_path))
        await pilot.press("B")
        await settle(pilot)
        rows = {binding_id: keys for keys, _what, binding_id in app.screen.help_rows()}
        assert rows["boundaries.union"] == "u" and rows["boundaries.back"] == "B"
    assert "Boundaries" in (tmp_path / "units.svg").read_text()  # seen in the footer at 80


async def test_no_boundaries_says_so(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
        for coder in ("lena", "tomas"):
            project.add_coding(document="int01", code="release", start=0, end=10, coder=coder)
        finish_coding(project)
        app = Host(lambda: BoundaryScreen(project, (), "ana"))
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            assert "No boundaries to decide" in shown(app.screen, "#passage")
            await pilot.press("u")  # nothing to decide: the key does nothing
            await settle(pilot)


def test_every_key_has_an_id_a_description_and_a_tooltip():
    ids = [binding.id for binding in BoundaryScreen.BINDINGS]  # type: ignore[union-attr]
    assert all(ids) and len(set(ids)) == len(ids)
    assert all(binding_id.startswith("boundaries.") for binding_id in ids)
    assert all(b.description and b.tooltip for b in BoundaryScreen.BINDINGS)  # type: ignore[union-attr]


async def test_from_the_workbench_f6_then_b(project: Project):
    from hrd_coder.tui.app import CoderApp

    app = CoderApp(project.root, None, "ana")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, AdjudicationScreen)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BoundaryScreen)
        assert "Reputational costs" in shown(app.screen, "#item-line")
        await pilot.press("a")  # lena's extent: both sentences
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, AdjudicationScreen)
        assert not any(item.open for item in app.screen.items)


async def test_back_from_the_boundaries_the_unit_queue_shows_each_coder_once(project: Project):
    """Found walking the study path: back from `B`, the reloaded queue mounted its coder rows
    again under the old ones, so every coder's line showed twice."""
    app = queue_app(project)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        units = app.screen
        assert len(units.query(".coder-row")) == 2
        for _ in range(2):
            await pilot.press("B")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is units
            assert len(units.query(".coder-row")) == 2
