"""Reviewing machine suggestions in the workbench (issue 17): F4 shows the open document's
suggestions apart from codings; y accepts, n rejects, e adjusts then y accepts, s skips,
shift+F4 orders by code; the review keys win over a code's hotkey only while reviewing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.coding import CodingScreen
from tests.planted import code_planted, planted_files
from tests.tui.helpers import settle, stored_codings

SIZE = (120, 40)


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    """The planted project, where `n` is also the hotkey of the code noise, coded by ana
    but for int01 (the one reviewed), with one run trained on her layer."""
    root = tmp_path / "planted"
    plan = planted_files(root)
    codebook = root / "codebook.yaml"
    text = codebook.read_text()
    codebook.write_text(text.replace("  - id: noise\n", "  - id: noise\n    hotkey: n\n"))
    with Project.open(root) as project:
        project.import_files()
        code_planted(project, {d: rows for d, rows in plan.items() if d != "int01"}, "ana")
        project.add_coding(document="int01", code="noise", start=0, end=10, coder="ana")
        project.suggest(train="ana")
    return root


def decisions(root: Path, action: str) -> list[dict]:
    with Project.open(root) as project:
        found = project.event_log(project.log_filter(action=action))
    return [json.loads(e.after or "{}") | {"coder": e.coder} for e in found]


async def start_review(pilot) -> CodingScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen) and screen.document.info.id == "int01"
    await pilot.press("f4")
    await settle(pilot)
    assert screen.review is not None
    return screen


def status(screen: CodingScreen) -> str:
    return str(screen.query_one("#status-line").render())


async def test_f4_shows_the_suggestions_apart_and_y_accepts_one(reviewed: Path):
    with Project.open(reviewed) as project:
        _, expected = project.pending_suggestions("ana", document="int01")
    app = CoderApp(reviewed, None, "ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        assert [s.id for s in screen.review.queue] == [s.id for s in expected]
        suggested = [m for m in screen.view.marks if m.suggested]
        assert len(suggested) == len(expected) and len(screen.view.marks) > len(suggested)
        first = expected[0]
        assert screen.view.selection == (first.start, first.end)
        assert f"suggestion 1/{len(expected)} of classifier-1" in status(screen)
        before = len(stored_codings(reviewed, coder="ana"))

        await pilot.press("y")
        await settle(pilot)
        mine = stored_codings(reviewed, coder="ana")
        assert len(mine) == before + 1
        (accepted,) = decisions(reviewed, "suggest.accept")
        added = next(c for c in mine if c.id == accepted["coding"])
        assert (added.code_id, added.start, added.end) == (first.code_id, first.start, first.end)
        assert (accepted["run"], accepted["suggestion"]) == ("classifier-1", first.id)
        assert [s.id for s in screen.review.queue] == [s.id for s in expected[1:]]
        assert screen.view.selection == (expected[1].start, expected[1].end)


async def test_n_rejects_rather_than_coding_noise_and_e_adjusts(reviewed: Path):
    app = CoderApp(reviewed, None, "ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        first, second = screen.review.queue[:2]
        before = stored_codings(reviewed, coder="ana")

        await pilot.press("n")  # the review's reject, not noise's hotkey
        await settle(pilot)
        assert stored_codings(reviewed, coder="ana") == before
        assert [d["suggestion"] for d in decisions(reviewed, "suggest.reject")] == [first.id]

        await pilot.press("e", "shift+left", "shift+left", "y")
        await settle(pilot)
        (accepted,) = decisions(reviewed, "suggest.accept")
        assert (accepted["suggestion"], accepted["adjusted"]) == (second.id, True)
        assert (accepted["start"], accepted["end"]) == (second.start, second.end - 2)

        await pilot.press("f4")  # the review ends: n is noise's hotkey again
        await settle(pilot)
        assert screen.review is None and not [m for m in screen.view.marks if m.suggested]
        await pilot.press("ctrl+home", "right_square_bracket", "n")
        await settle(pilot)
        noise = [c for c in stored_codings(reviewed, coder="ana") if c.code_id == "noise"]
        assert len(noise) == len([c for c in before if c.code_id == "noise"]) + 1


async def test_the_queue_by_code_and_skipping(reviewed: Path):
    app = CoderApp(reviewed, None, "ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        chances = [s.probability for s in screen.review.queue]
        assert chances == sorted(chances, reverse=True)
        await pilot.press("shift+f4")
        await settle(pilot)
        codes = [s.code_id for s in screen.review.queue]
        assert screen.review.order == "code"
        assert codes == sorted(codes, key=["sanctions", "noise", "rare"].index)
        assert "order (code)" in status(screen)
        await pilot.press("s")
        await settle(pilot)
        assert screen.review.at == 1
        second = screen.review.queue[1]
        assert screen.view.selection == (second.start, second.end)
        assert decisions(reviewed, "suggest.accept") == decisions(reviewed, "suggest.reject") == []


async def test_a_remapped_review_key_reviews_and_the_old_letter_codes_again(reviewed: Path):
    keys = reviewed / ".hrd_coder" / "keys.yaml"
    keys.parent.mkdir(exist_ok=True)
    keys.write_text("review.reject: x\n")
    app = CoderApp(reviewed, None, "ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        first = screen.review.queue[0]
        await pilot.press("x")
        await settle(pilot)
        assert [d["suggestion"] for d in decisions(reviewed, "suggest.reject")] == [first.id]
        second = screen.review.queue[0]
        before = {c.id for c in stored_codings(reviewed, coder="ana")}
        await pilot.press("n")  # no longer a review key: noise's hotkey, on the selection
        await settle(pilot)
        (added,) = [c for c in stored_codings(reviewed, coder="ana") if c.id not in before]
        assert (added.code_id, added.start, added.end) == ("noise", second.start, second.end)
        assert len(decisions(reviewed, "suggest.reject")) == 1


async def test_the_review_keys_stay_readable_at_80_columns(reviewed: Path):
    """At 80x24 the review's status (which suggestion, then y/n/e/s/F4) is longer than a
    row: it wraps to a second row instead of being cut after 'e' (it was, session 5)."""
    app = CoderApp(reviewed, None, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        line = screen.query_one("#status-line")
        assert len(status(screen)) > line.size.width  # the text does not fit one row
        assert line.size.height == 2
        shown = "".join(strip.text for strip in line.render_lines(line.region.reset_offset))
        assert "F4 ends" in shown
        await pilot.press("f4")
        await settle(pilot)
        assert line.size.height == 1  # a short status takes one row again
