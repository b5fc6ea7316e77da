"""Pilot tests of the agreement table and the adjudication queue: keys in, decisions and
consensus codings in the database out, the coders' own codings untouched."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sqlalchemy import select
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from hrd_coder.services import Project
from hrd_coder.services.agreement import AgreementRequest
from hrd_coder.storage.decisions import DECISIONS
from hrd_coder.tui.screens.adjudication import AdjudicationScreen
from hrd_coder.tui.screens.agreement import AgreementScreen
from tests.conftest import finish_coding
from tests.tui.helpers import settle, stored_codings

SIZE = (110, 30)  # wide enough for the id and alpha_U columns beside the labels
CODES = ["reputational_costs", "mobilizing", "mobilizing.ngos", "release"]

# The mini transcript's five sentences, in order.
Q1 = "How did the campaign matter?"
S1 = "Naming her raised the reputational cost for the government."
S2 = "The NGOs kept pushing too."
Q2 = "Anything else?"
S3 = "Private talks did the rest."

# Who marked each code in each sentence (Q1, S1, S2, Q2, S3), a parent counting where a child
# is coded: what the agreement table must be computed on.
BY_SENTENCE = {
    "reputational_costs": [[0, 1, 0, 0, 1], [0, 1, 0, 0, 0]],
    "mobilizing": [[0, 1, 1, 0, 0], [1, 0, 1, 0, 0]],
    "mobilizing.ngos": [[0, 0, 1, 0, 0], [0, 0, 1, 0, 0]],
}
# The same by paragraph (the two interviewer turns, the two official turns).
REPUTATION_BY_PARAGRAPH = [[0, 1, 0, 1], [0, 1, 0, 0]]


def span(text: str, quote: str) -> tuple[int, int]:
    """Where a quote is in the text."""
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def coded_root(mini_root: Path) -> Path:
    """The mini project coded by lena and tomas: they agree on some sentences, not on others.

    Three disagreements (in queue order): tomas alone codes mobilizing on Q1; lena codes
    mobilizing on S1 (her coding spans S1 and S2), tomas's mobilizing coding starts late in
    S1 and counts only for S2; lena alone codes reputational costs on S3.
    """
    with Project.open(mini_root) as project:
        project.import_files()
        text = project.text_of("int01")
        late = text.index("the government.")
        for coder, code, (start, end) in [
            ("lena", "reputational_costs", span(text, S1)),
            ("lena", "reputational_costs", span(text, S3)),
            ("lena", "mobilizing", (span(text, S1)[0], span(text, S2)[1])),
            ("lena", "mobilizing.ngos", span(text, S2)),
            ("tomas", "reputational_costs", span(text, S1)),
            ("tomas", "mobilizing", (late, span(text, S2)[1])),
            ("tomas", "mobilizing.ngos", span(text, S2)),
            ("tomas", "mobilizing", span(text, Q1)),
        ]:
            project.add_coding(document="int01", code=code, start=start, end=end, coder=coder)
        finish_coding(project)
    return mini_root


@pytest.fixture
def project(coded_root: Path) -> Iterator[Project]:
    """The coded mini project, open."""
    with Project.open(coded_root) as opened:
        yield opened


class Host(App):
    """A bare app that shows one screen."""

    def __init__(self, make: Callable[[], Screen]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        """Show the screen under test."""
        self.push_screen(self.make())


def agreement_app(project: Project, **request: object) -> Host:
    request.setdefault("bootstrap", 0)
    return Host(lambda: AgreementScreen(project, AgreementRequest(**request), "ana"))  # type: ignore[arg-type]


def queue_app(project: Project, **request: object) -> Host:
    return Host(lambda: AdjudicationScreen(project, AgreementRequest(**request), "ana"))  # type: ignore[arg-type]


def alpha(matrix: list[list[int]]) -> float:
    """Nominal alpha by the independent `krippendorff` package."""
    return float(krippendorff.alpha(reliability_data=np.array(matrix, dtype=float)))


def verdict(value: float, coded: int) -> str:
    """The verdict shown for alpha over `coded` units some coder marked (and another coded)."""
    if coded < 10:
        return "too few to judge"
    if value >= 0.8:
        return "✓ reliable"
    return "~ tentative" if value >= 0.667 else "✗ not reliable"


def table_rows(screen: AgreementScreen) -> dict[str, list[str]]:
    """Code id -> the row's cells as plain text, in table order."""
    table = screen.query_one(DataTable)
    return {
        key.value: [str(cell).strip() for cell in table.get_row(key)]
        for key in (
            table.coordinate_to_cell_key((row, 0)).row_key for row in range(table.row_count)
        )
    }


def text_of(screen: Screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def coder_layers(root: Path) -> list[tuple]:
    """Everything about lena's and tomas's codings that could change."""
    return [
        (c.id, c.coder, c.code_id, c.start, c.end, c.memo, c.case_id, c.updated_at)
        for c in stored_codings(root)
        if c.coder != "consensus"
    ]


def consensus(root: Path) -> list[tuple[str, int, int]]:
    """The consensus layer's codings, in text order."""
    found = [(c.code_id, c.start, c.end) for c in stored_codings(root, coder="consensus")]
    return sorted(found, key=lambda c: (c[1], c[2], c[0]))


def agreed(text: str) -> list[tuple[str, int, int]]:
    """What both coders coded alike, which any decision's rebuild carries into consensus:
    reputational costs on S1, mobilizing (each coder's coding counts for S2) and NGOs on S2."""
    return [
        ("reputational_costs", *span(text, S1)),
        ("mobilizing", *span(text, S2)),
        ("mobilizing.ngos", *span(text, S2)),
    ]


def with_agreed(text: str, decided: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    return sorted([*agreed(text), *decided], key=lambda c: (c[1], c[2], c[0]))


def decisions(project: Project) -> list[tuple[str, str, str, str]]:
    with project.database.reading() as conn:
        rows = conn.execute(
            select(
                DECISIONS.c.code_id, DECISIONS.c.choice, DECISIONS.c.reason, DECISIONS.c.adjudicator
            ).order_by(DECISIONS.c.decided_at)
        )
        return [tuple(row) for row in rows]


# -- the agreement table -------------------------------------------------------------------


async def test_a_row_per_code_with_alpha_computed_independently(project: Project):
    app = agreement_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        rows = table_rows(screen)
        assert list(rows) == CODES
        served = {row.name: row for row in project.agreement(AgreementRequest(bootstrap=0))}
        for code, matrix in BY_SENTENCE.items():
            label, code_id, value, _, units, coded, shown_verdict, where = rows[code]
            expected = alpha(matrix)
            assert value == f"{expected:.3f}"
            assert shown_verdict == verdict(expected, int(coded)) == "too few to judge"
            assert code_id == code
            assert (units, coded) == (str(served[code].units), str(served[code].positives))
            assert coded == str(int(np.array(matrix).any(axis=0).sum()))
            unitizing = project.unitizing_agreement(bootstrap=0).alpha_U_by_category
            assert where == ("—" if unitizing.get(code) is None else f"{unitizing[code]:.3f}")
        assert rows["mobilizing.ngos"][0] == "NGOs"  # children are indented under the parent
        assert rows["release"][2] == "—"  # nobody coded it: no variation, no alpha
        assert rows["release"][6] == "n/a"
        settings = text_of(screen, "#settings")
        assert "unit sentence" in settings and "coders lena, tomas" in settings
        assert "min share 0.50" in settings


async def test_s_sorts_by_value_and_back_to_codebook_order(project: Project):
    values = {code: alpha(matrix) for code, matrix in BY_SENTENCE.items()}
    ascending = sorted(values, key=values.__getitem__)
    app = agreement_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("s")
        assert list(table_rows(screen)) == [*ascending, "release"]  # no value: last
        assert "lowest first" in text_of(screen, "#sort-order")
        await pilot.press("s")
        assert list(table_rows(screen)) == [*reversed(ascending), "release"]
        await pilot.press("s")
        assert list(table_rows(screen)) == CODES
        assert "codebook order" in text_of(screen, "#sort-order")


async def test_sorting_keeps_the_highlighted_code(project: Project):
    app = agreement_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("down")
        assert screen.highlighted_code() == "mobilizing"
        await pilot.press("s", "s")
        assert screen.highlighted_code() == "mobilizing"
        assert "Mobilizing foreign actors" in text_of(screen, "#code-detail")


async def test_u_measures_again_on_the_next_unit(project: Project):
    app = agreement_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("u")
        await settle(pilot)
        assert screen.request.unit == "paragraph"
        assert "unit paragraph" in text_of(screen, "#settings")
        assert (
            table_rows(screen)["reputational_costs"][2] == f"{alpha(REPUTATION_BY_PARAGRAPH):.3f}"
        )
        served = project.agreement(AgreementRequest(unit="paragraph", bootstrap=0))
        assert [r[2] for r in table_rows(screen).values()] == [
            "—" if math.isnan(r.value) else f"{r.value:.3f}" for r in served
        ]
        await pilot.press("u", "u", "u")
        await settle(pilot)
        assert screen.request.unit == "case"
        await pilot.press("u")
        await settle(pilot)
        assert screen.request.unit == "sentence"
        assert table_rows(screen)["reputational_costs"][2] == (
            f"{alpha(BY_SENTENCE['reputational_costs']):.3f}"
        )


async def test_a_request_the_service_refuses_is_a_notification(project: Project):
    app = agreement_app(project, coders=("lena",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("at least two coders" in n.message for n in app._notifications)
        assert "not done" in text_of(app.screen, "#status-line")
        assert app.screen.query_one(DataTable).row_count == 0


async def test_with_enough_coded_units_alpha_gets_its_verdict(project: Project):
    """On characters every character a coder marked is a unit: both coders mark S1 with
    reputational costs, only lena S3."""
    both, lena_only = len(S1), len(S3)
    matrix = [[1] * (both + lena_only), [1] * both + [0] * lena_only]
    expected = alpha(matrix)
    app = agreement_app(project, unit="character", codes=("reputational_costs",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = table_rows(app.screen)["reputational_costs"]
        _, _, value, _, units, coded, shown_verdict, where = row
        assert (value, units, coded) == (f"{expected:.3f}", str(both + lena_only), units)
        # alpha_U judges the same marks on the text itself, whatever the unit chosen
        unitizing = project.unitizing_agreement(codes=("reputational_costs",), bootstrap=0)
        assert where == f"{unitizing.alpha_U_by_category['reputational_costs']:.3f}"
        assert shown_verdict == verdict(expected, both + lena_only) != "too few to judge"
        assert "too few" not in text_of(app.screen, "#status-line")


async def test_too_few_to_judge_is_explained_under_the_table(project: Project):
    app = agreement_app(project)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        status = text_of(app.screen, "#status-line")
        assert status.startswith("too few to judge: under 10 coded units · ✓ reliable ≥ 0.800")


async def test_a_clipped_interval_is_marked_and_explained(project: Project):
    """Percent agreement on reputational costs: 4 of 5 sentences agree, and the t interval
    0.8 ± 2.776 × 0.2 reaches past 1."""
    app = agreement_app(project, statistic="percent")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = table_rows(app.screen)
        assert rows["reputational_costs"][2:4] == ["0.800", "0.245–1.000*"]
        assert not rows["release"][3].endswith("*")  # nobody coded it: 1 ± 0, nothing clipped
        assert text_of(app.screen, "#status-line").startswith("* interval clipped to [0, 1] · ")


async def test_a_two_coder_statistic_on_three_coders_is_a_notification(project: Project):
    q1 = span(project.text_of("int01"), Q1)
    project.add_coding(document="int01", code="release", start=q1[0], end=q1[1], coder="ana")
    app = agreement_app(project, statistic="cohen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (message,) = [n.message for n in app._notifications]
        assert message.startswith(
            "Cohen's kappa compares exactly 2 coders, but this project has 3: ana, lena, tomas. "
            "Pick two with --coder A --coder B"
        )
        assert "not done: Cohen's kappa compares exactly 2 coders" in text_of(
            app.screen, "#status-line"
        )
        assert app.screen.query_one(DataTable).row_count == 0


async def test_enter_opens_the_queue_of_the_highlighted_code(project: Project):
    app = agreement_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, AdjudicationScreen)
        assert queue.request.codes == ("mobilizing",)
        assert queue.request.unit == "sentence"
        assert [item.code_id for item in queue.items] == ["mobilizing", "mobilizing"]
        assert "Mobilizing foreign actors" in text_of(queue, "#queue-title")
        assert "0 of 2 decided" in text_of(queue, "#progress")
        await pilot.press("escape")
        assert isinstance(app.screen, AgreementScreen)


# -- the adjudication queue ----------------------------------------------------------------


async def test_queue_shows_the_item_and_which_letter_is_which_coder(project: Project):
    app = queue_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, AdjudicationScreen)
        assert [(i.code_id, i.present) for i in queue.items] == [
            ("mobilizing", {"lena": False, "tomas": True}),
            ("mobilizing", {"lena": True, "tomas": False}),
            ("reputational_costs", {"lena": True, "tomas": False}),
        ]
        assert queue.coders == ("lena", "tomas")
        assert "0 of 3 decided" in text_of(queue, "#progress")
        item_line = text_of(queue, "#item-line")
        assert "1 of 3" in item_line and "Mobilizing foreign actors" in item_line
        assert "int01 Interview with a desk officer" in item_line
        assert Q1 in text_of(queue, "#passage")
        rows = [str(s.render()) for s in queue.query(".coder-key, .coder-text")]
        assert "a  lena" in rows[0] and "did not code it" in rows[1]
        assert "b  tomas" in rows[2] and f"“{Q1}”" in rows[3]
        assert "not decided yet" in text_of(queue, "#decision")


async def test_choosing_a_coder_writes_exactly_their_spans_as_consensus(
    project: Project, coded_root: Path
):
    text = project.text_of("int01")
    before = coder_layers(coded_root)
    app = queue_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        await pilot.press("b")  # tomas's version on Q1
        await settle(pilot)
        assert consensus(coded_root) == with_agreed(text, [("mobilizing", *span(text, Q1))])
        assert "1 of 3 decided" in text_of(queue, "#progress")
        assert queue.index == 1  # on to the next undecided item
        await pilot.press("a")  # lena's version of mobilizing on S1: her coding, clipped to S1
        await settle(pilot)
    assert consensus(coded_root) == with_agreed(
        text, [("mobilizing", *span(text, Q1)), ("mobilizing", *span(text, S1))]
    )
    assert [d[:2] for d in decisions(project)] == [
        ("mobilizing", "tomas"),
        ("mobilizing", "lena"),
    ]
    assert coder_layers(coded_root) == before


async def test_union_intersection_and_neither(project: Project, coded_root: Path):
    text = project.text_of("int01")
    before = coder_layers(coded_root)
    app = queue_app(project, codes=("mobilizing",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        # On S1 only lena's coding counts (tomas's starts in its last words and counts for
        # S2): the intersection is empty, the union is lena's coding clipped to S1.
        for choice, spans in [("i", []), ("u", [span(text, S1)]), ("n", [])]:
            await pilot.press("j", choice)  # S1, the second item
            await settle(pilot)
            assert consensus(coded_root) == with_agreed(text, [("mobilizing", *s) for s in spans])
            assert queue.index == 0  # on to the undecided first item
        await pilot.press("j")
        assert "decided: neither" in text_of(queue, "#decision")
        assert "1 of 2 decided" in text_of(queue, "#progress")
    assert [d[1] for d in decisions(project)] == ["intersection", "union", "neither"]
    assert coder_layers(coded_root) == before


async def test_the_reason_goes_with_the_next_decision(project: Project, coded_root: Path):
    app = queue_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        await pilot.press("r", *"Q1 asks a question", "enter")
        assert queue.focused is None  # the keys decide again
        assert queue.items[0].decision is None  # typing a, s, ... decided nothing
        await pilot.press("n")
        await settle(pilot)
        assert queue.query_one("#reason", Input).value == ""  # used up
        await pilot.press("k")
        assert "Q1 asks a question" in text_of(queue, "#decision")
        await pilot.press("right", "b")  # tomas's version of mobilizing on S1: no reason
        await settle(pilot)
    assert decisions(project) == [
        ("mobilizing", "neither", "Q1 asks a question", "ana"),
        ("mobilizing", "tomas", "", "ana"),
    ]
    # Neither, and tomas's version of S1 (he did not code it there), write no coding: the
    # consensus holds only what the coders agreed on.
    memos = {c.memo for c in stored_codings(coded_root, coder="consensus")}
    assert memos == {"agreed: lena, tomas"}


async def test_escape_in_the_reason_box_restores_it(project: Project):
    app = queue_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        await pilot.press("r", *"kept", "enter", "r", *" and more", "escape")
        assert queue.query_one("#reason", Input).value == "kept"
        assert queue.focused is None
        assert app.screen is queue  # the first Escape only left the box
        await pilot.press("escape")
        assert app.screen is not queue


async def test_progress_counts_decisions_and_x_finds_the_next_undecided(project: Project):
    app = queue_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        await pilot.press("j", "j")
        assert queue.index == 2
        await pilot.press("n")  # decide the last item; the next undecided is the first
        await settle(pilot)
        assert queue.index == 0
        assert "1 of 3 decided" in text_of(queue, "#progress")
        await pilot.press("b")
        await settle(pilot)
        assert queue.index == 1
        await pilot.press("k", "k")
        assert queue.index == 0
        assert "decided: tomas's version" in text_of(queue, "#decision")
        await pilot.press("x")
        assert queue.index == 1
        await pilot.press("u")
        await settle(pilot)
        assert "3 of 3 decided" in text_of(queue, "#progress")
        assert "all 3 decided" in text_of(queue, "#status-line")
        await pilot.press("x")
        assert queue.index == 1
    assert len(decisions(project)) == 3


async def test_decisions_show_when_the_queue_opens_again(project: Project):
    items = project.disagreements()
    project.decide(items[0], "tomas", reason="", adjudicator="ana")
    app = queue_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert "1 of 3 decided" in text_of(queue, "#progress")
        assert queue.index == 1  # it opens on the first undecided item
        await pilot.press("left")
        assert "decided: tomas's version" in text_of(queue, "#decision")


async def test_a_coder_who_did_not_code_the_document_cannot_be_chosen(project: Project):
    app = queue_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert queue.check_action("choose", (2,)) is True
        assert queue.check_action("choose", (3,)) is False  # only two coders
        assert queue.check_action("decide", ("union",)) is True


async def test_an_empty_queue_says_so(project: Project):
    app = queue_app(project, codes=("release",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert "No disagreements" in text_of(queue, "#passage")
        assert "0 of 0 decided" in text_of(queue, "#progress")
        await pilot.press("a", "u", "x", "j")
        await settle(pilot)
        assert decisions(project) == []


# -- small terminals -----------------------------------------------------------------------


async def test_both_screens_fit_80x24(project: Project, tmp_path: Path):
    app = agreement_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert (
            table.virtual_size.width <= table.scrollable_content_region.width
        )  # no sideways scroll
        assert "verdict" in [str(c.label) for c in table.columns.values()]
        app.save_screenshot("agreement.svg", str(tmp_path))
        await pilot.press("down", "enter")
        await settle(pilot)
        queue = app.screen
        for part in ("#item-line", "#passage-box", "#decision", "#reason", "#status-line"):
            region = queue.query_one(part).region
            assert region.height >= 1 and region.bottom <= 24, part
        assert queue.query_one("#passage-box").region.height >= 5
        assert not queue.query_one("#definition-box").display  # `d` shows it when wanted
        await pilot.press("d")
        assert queue.query_one("#definition-box").display
        app.save_screenshot("adjudication.svg", str(tmp_path))
    assert "Mobilizing" in (tmp_path / "adjudication.svg").read_text()


async def test_v_highlights_each_coders_codings_in_turn(project: Project):
    app = queue_app(project, codes=("mobilizing",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        await pilot.press("j")  # S1: both coded something there
        assert "lena's codings highlighted" in text_of(queue, "#passage")  # who marked it
        await pilot.press("v")
        assert "tomas's codings highlighted" in text_of(queue, "#passage")
        await pilot.press("v")
        assert "lena's codings highlighted" in text_of(queue, "#passage")


@pytest.mark.parametrize("screen", [AgreementScreen, AdjudicationScreen])
def test_every_key_has_an_id_a_description_and_a_tooltip(screen: type[Screen]):
    ids = [binding.id for binding in screen.BINDINGS]  # type: ignore[union-attr]
    assert all(ids) and len(set(ids)) == len(ids)
    group = "agreement" if screen is AgreementScreen else "adjudication"
    assert all(binding_id.startswith(f"{group}.") for binding_id in ids)
    assert all(b.description and b.tooltip for b in screen.BINDINGS)  # type: ignore[union-attr]
