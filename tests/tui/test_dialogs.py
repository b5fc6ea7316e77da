"""Pilot tests of the dialogs: each one pushed on a bare app, driven by keys, its result kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea

from hrd_coder.codebook import parse_codebook
from hrd_coder.services.records import CaseInfo, CodingRecord, DocumentInfo
from hrd_coder.tui.dialogs.case_picker import CasePicker
from hrd_coder.tui.dialogs.code_picker import CodePicker
from hrd_coder.tui.dialogs.coder_prompt import CoderPrompt
from hrd_coder.tui.dialogs.dialog import KeyHint
from hrd_coder.tui.dialogs.document_browser import DocumentBrowser
from hrd_coder.tui.dialogs.help import HelpScreen
from hrd_coder.tui.dialogs.memo import MemoDialog
from hrd_coder.tui.dialogs.retrieval import RetrievalScreen

SIZE = (80, 24)

CODEBOOK = parse_codebook(
    """\
name: Dialog study
version: "1"
case_groups:
  featured: Named by the campaign
  comparison: Not named
codes:
  - id: reputational_costs
    label: Reputational costs
    definition: The target fears damage to its standing.
    include: Worry about how the government looks abroad.
    exclude: Concrete offers tied to the release.
    examples: ["They were hosting the investment forum that spring."]
    hotkey: r
  - id: mobilizing
    label: Mobilizing foreign actors
    definition: Others join the pressure.
  - id: mobilizing.ngos
    label: NGOs
    definition: Non-governmental organisations press for release.
    hotkey: n
  - id: release
    label: Release process
    definition: How the release came about.
    level: case
"""
)


def case(case_id: str, name: str, country: str, group: str) -> CaseInfo:
    """A case with only what the dialogs show."""
    return CaseInfo(
        id=case_id,
        name=name,
        country=country,
        groups=(group,),
        detained_on="2012-05-14",
        featured_on=None,
        released_on=None,
        release_type=None,
        censored_on=None,
        sources=(),
        covariates={},
    )


CASES = [
    case("c01", "Ana Morresk", "Vedoria", "featured"),
    case("c02", "Bea Quorrin", "Vedoria", "comparison"),
    case("c03", "Cora Tulvessa", "Kestrava", "featured"),
]


def document(doc_id: str, kind: str, title: str, cases: tuple[str, ...]) -> DocumentInfo:
    """A document without text."""
    return DocumentInfo(
        id=doc_id, kind=kind, title=title, path=f"{doc_id}.md", length=100, case_ids=cases
    )


DOCUMENTS = [
    document("c01", "case_history", "Case history: Ana Morresk", ("c01",)),
    document("c02", "case_history", "Case history: Bea Quorrin", ("c02",)),
    document("int01", "transcript", "Interview with a desk officer", ("c01", "c02")),
    document("int02", "transcript", "Interview with an envoy", ("c03",)),
]


def coding(coding_id: str, document_id: str, coder: str, quote: str) -> CodingRecord:
    """A reputational-costs coding with a little context."""
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return CodingRecord(
        id=coding_id,
        document_id=document_id,
        coder=coder,
        code_id="reputational_costs",
        start=0,
        end=len(quote),
        quote=quote,
        prefix="Before that,\n  the",
        suffix="and after.",
        case_id=None,
        memo=None,
        codebook_hash=CODEBOOK.hash,
        created_at=now,
        updated_at=now,
    )


SEGMENTS = [
    coding("k1", "int01", "lena", "Naming her raised the reputational cost."),
    coding("k2", "int01", "tomas", "They did not want\n\nher face on every screen."),
    coding("k3", "c01", "lena", "The forum was coming in March."),
]
TITLES = {doc.id: doc.title for doc in DOCUMENTS}


class Host(App[None]):
    """A bare app that shows one dialog and keeps what it is dismissed with."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text."""
    return str(widget.content)


def options(dialog: Screen[Any]) -> list[str]:
    """The prompts of the dialog's option list, as plain text."""
    choices = dialog.query_one("#choices", OptionList)
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


def first_column(dialog: Screen[Any]) -> list[str]:
    """The first cell of every row of the dialog's table."""
    table = dialog.query_one("#choices", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type into the focused widget, a key per character."""
    await pilot.press(*("space" if c == " " else c for c in text))
    await pilot.pause()


# ---------------------------------------------------------------- code picker


async def test_code_picker_lists_every_code_indented_with_hotkeys_and_counts():
    app = Host(CodePicker(CODEBOOK, counts={"reputational_costs": (2, 5)}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = options(app.dialog)
        assert rows == [
            "r 2/5 Reputational costs",
            "  0/0 Mobilizing foreign actors",
            "n 0/0   NGOs",
            "  0/0 Release process",
        ]


async def test_code_picker_fuzzy_search_and_enter_returns_the_id():
    app = Host(CodePicker(CODEBOOK))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "ngo")
        assert options(app.dialog)[0] == "n NGOs  mobilizing.ngos"
        detail = text_of(app.dialog.query_one("#detail", Static))
        assert "Non-governmental organisations press for release." in detail
        await pilot.press("enter")
    assert app.results == ["mobilizing.ngos"]


async def test_code_picker_finds_a_code_by_its_hotkey_first():
    app = Host(CodePicker(CODEBOOK))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "r")
        await pilot.press("enter")
    assert app.results == ["reputational_costs"]


async def test_code_picker_detail_follows_the_highlight():
    app = Host(CodePicker(CODEBOOK))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = app.dialog.query_one("#detail", Static)
        shown = text_of(detail)
        for part in (
            "Reputational costs",
            "reputational_costs",
            "The target fears damage to its standing.",
            "Worry about how the government looks abroad.",
            "Concrete offers tied to the release.",
            "They were hosting the investment forum that spring.",
        ):
            assert part in shown
        await pilot.press("down")
        assert "Others join the pressure." in text_of(detail)
        assert app.dialog.query_one("#query", Input).has_focus
        await pilot.press("down", "enter")
    assert app.results == ["mobilizing.ngos"]


async def test_code_picker_level_restricts_the_codes():
    app = Host(CodePicker(CODEBOOK, level="case"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert options(app.dialog) == ["  Release process"]


async def test_code_picker_escape_returns_none():
    app = Host(CodePicker(CODEBOOK))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "rep")
        await pilot.press("escape")
    assert app.results == [None]


async def test_code_picker_says_when_nothing_matches():
    app = Host(CodePicker(CODEBOOK))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "zzz")
        assert options(app.dialog) == []
        assert "No code matches" in text_of(app.dialog.query_one("#detail", Static))
        await pilot.press("enter")
        assert app.results == []


# ---------------------------------------------------------------- memo


async def test_memo_ctrl_s_saves_the_new_text():
    app = Host(MemoDialog("Memo on int01", "First idea."))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, " More")
        await pilot.press("ctrl+s")
    assert app.results == ["First idea. More"]


async def test_memo_saved_empty_means_delete():
    app = Host(MemoDialog("Memo", "Old text"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.dialog.query_one(TextArea).clear()
        await pilot.press("ctrl+s")
    assert app.results == [""]


async def test_memo_escape_cancels():
    app = Host(MemoDialog("Memo", "Keep me"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "typed")
        await pilot.press("escape")
    assert app.results == [None]


async def test_memo_save_key_has_an_id_and_follows_the_keymap():
    app = Host(MemoDialog("Memo", "x"))
    app.set_keymap({"memo.save": "f2"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "f2 Save" in str(app.dialog.query_one(KeyHint).content)
        await pilot.press("f2")
    assert app.results == ["x"]


# ---------------------------------------------------------------- case picker


async def test_case_picker_lists_suggested_cases_first_and_marks_the_current():
    app = Host(CasePicker(CASES, suggested=("c03",), current="c02"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = [row.split() for row in options(app.dialog)]
        assert rows[0][:2] == ["(no", "case)"]
        assert rows[1][0] == "Discussed"
        assert rows[2][:4] == ["c03", "Cora", "Tulvessa", "Kestrava"] and rows[2][-1] == "featured"
        assert rows[3][0] == "Other"
        assert rows[4][0] == "c01"
        assert rows[5][:2] == ["●", "c02"]
        assert app.dialog.query_one("#choices", OptionList).highlighted == 5
        await pilot.press("enter")
    assert app.results == ["c02"]


async def test_case_picker_no_case_returns_empty_string():
    app = Host(CasePicker(CASES, suggested=("c01",)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        choices = app.dialog.query_one("#choices", OptionList)
        assert choices.highlighted == 2
        await pilot.press("up", "enter")
    assert app.results == [""]


async def test_case_picker_filters_by_name_country_and_group():
    app = Host(CasePicker(CASES, suggested=("c01",)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "kestrava")
        assert [row.split()[0] for row in options(app.dialog)] == ["Other", "c03"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "comparison")
        await pilot.press("enter")
    assert app.results == ["c02"]


async def test_case_picker_escape_returns_none():
    app = Host(CasePicker(CASES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
    assert app.results == [None]


# ---------------------------------------------------------------- help


HELP_ROWS = [
    ("u", "Undo the last change", "coding.undo"),
    ("ctrl+r", "Redo", "coding.redo"),
    ("?", "Show the keys", "app.help"),
]


async def test_help_lists_every_row_and_explains_the_keys_file():
    app = Host(HelpScreen(HELP_ROWS, about="Press a code's hotkey to code."))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.dialog.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [list(row) for row in HELP_ROWS]
        about = text_of(app.dialog.query_one("#about", Static))
        assert ".hrd_coder/keys.yaml" in about and "coding.undo: ctrl+u" in about
        assert about.startswith("Press a code's hotkey to code. To change a key")


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_help_closes_with_escape_q_or_question_mark(key: str):
    app = Host(HelpScreen(HELP_ROWS, title="Coding keys"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
    assert app.results == [None]


# ---------------------------------------------------------------- coder prompt


async def test_coder_prompt_rejects_two_words_then_accepts_lena():
    app = Host(CoderPrompt())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "two words")
        await pilot.press("enter")
        await pilot.pause()
        error = app.dialog.query_one("#error", Static)
        assert "not valid" in text_of(error) and error.display
        assert app.results == []
        await pilot.press("ctrl+u")
        await type_text(pilot, "lena")
        assert not error.display
        await pilot.press("enter")
    assert app.results == ["lena"]


async def test_coder_prompt_offers_the_suggestion_and_escape_returns_none():
    app = Host(CoderPrompt("tomas"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.dialog.query_one("#name", Input).value == "tomas"
        assert "remembered for this project" in text_of(app.dialog.query_one("#about", Static))
        await pilot.press("escape")
    assert app.results == [None]


# ---------------------------------------------------------------- document browser


def browser(current: str | None = None) -> DocumentBrowser:
    """The four documents; lena coded int01 and c02, someone else coded int02 too."""
    return DocumentBrowser(
        DOCUMENTS,
        CASES,
        mine={"int01": 3, "c02": 1},
        everyone={"int01": 5, "c02": 1, "int02": 2},
        current=current,
    )


async def test_document_browser_lists_all_and_selects_the_current():
    app = Host(browser(current="int01"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_column(app.dialog) == ["c01", "c02", "int01", "int02"]
        table = app.dialog.query_one("#choices", DataTable)
        assert table.cursor_row == 2
        assert [str(cell) for cell in table.get_row_at(2)][1:] == [
            "transcript",
            "Interview with a desk officer",
            "c01, c02",
            "3",
            "5",
            "",
        ]
        assert "4 of 4 documents" in text_of(app.dialog.query_one("#count", Static))
        await pilot.press("enter")
    assert app.results == ["int01"]


async def test_document_browser_filters_by_kind_group_and_coded_by_me():
    app = Host(browser())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.dialog
        dialog.query_one("#kind", Select).value = "transcript"
        await pilot.pause()
        assert first_column(dialog) == ["int01", "int02"]
        dialog.query_one("#group", Select).value = "featured"
        await pilot.pause()
        assert first_column(dialog) == ["int01", "int02"]
        dialog.query_one("#kind", Select).value = ""
        dialog.query_one("#group", Select).value = "comparison"
        await pilot.pause()
        assert first_column(dialog) == ["c02", "int01"]
        dialog.query_one("#group", Select).value = ""
        dialog.query_one("#coded", Select).value = "mine"
        await pilot.pause()
        assert first_column(dialog) == ["c02", "int01"]
        dialog.query_one("#coded", Select).value = "not_mine"
        await pilot.pause()
        assert first_column(dialog) == ["c01", "int02"]
        assert "2 of 4 documents" in text_of(dialog.query_one("#count", Static))


async def test_document_browser_kind_select_works_from_the_keyboard():
    app = Host(browser())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "enter", "down", "down", "enter")
        await pilot.pause()
        assert app.dialog.query_one("#kind", Select).value == "case_history"
        assert first_column(app.dialog) == ["c01", "c02"]


async def test_document_browser_offers_media_items_as_a_kind():
    item = document("m01", "media", "The reporter Vedoria would rather you forgot", ("c01",))
    app = Host(DocumentBrowser([*DOCUMENTS, item], CASES, mine={}, everyone={}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        kind = app.dialog.query_one("#kind", Select)
        assert [label for label, _ in kind._options] == [
            "All kinds",
            "Transcripts",
            "Case histories",
            "Media items",
        ]
        kind.value = "media"
        await pilot.pause()
        assert first_column(app.dialog) == ["m01"]


async def test_document_browser_search_by_case_name_then_enter():
    app = Host(browser(current="c01"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "tulvessa")
        assert first_column(app.dialog) == ["int02"]
        await pilot.press("enter")
    assert app.results == ["int02"]


async def test_document_browser_arrows_move_the_rows_while_typing():
    app = Host(browser())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "interview")
        assert first_column(app.dialog) == ["int01", "int02"]
        await pilot.press("down", "enter")
    assert app.results == ["int02"]


async def test_document_browser_escape_returns_none():
    app = Host(browser())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
    assert app.results == [None]


# ---------------------------------------------------------------- retrieval


async def test_retrieval_shows_the_count_and_the_quotes_in_context():
    code = CODEBOOK.code("reputational_costs")
    assert code is not None
    app = Host(RetrievalScreen(code, SEGMENTS, TITLES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        summary = text_of(app.dialog.query_one("#summary", Static))
        assert "Reputational costs" in summary
        assert "3 segments in 2 documents" in summary
        rows = options(app.dialog)
        assert len(rows) == 3
        assert rows[0].startswith("int01  Interview with a desk officer  · lena")
        assert "…Before that, the Naming her raised the reputational cost. and after.…" in rows[0]
        assert "They did not want her face on every screen." in rows[1]


async def test_retrieval_filter_then_enter_returns_the_record():
    code = CODEBOOK.code("reputational_costs")
    assert code is not None
    app = Host(RetrievalScreen(code, SEGMENTS, TITLES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "face screen")
        assert len(options(app.dialog)) == 1
        assert "1 match the filter" in text_of(app.dialog.query_one("#summary", Static))
        await pilot.press("enter")
    assert app.results == [SEGMENTS[1]]


async def test_retrieval_filters_by_coder_and_arrows_move_the_highlight():
    code = CODEBOOK.code("reputational_costs")
    assert code is not None
    app = Host(RetrievalScreen(code, SEGMENTS, TITLES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "lena")
        assert len(options(app.dialog)) == 2
        await pilot.press("down", "enter")
    assert app.results == [SEGMENTS[2]]


# ---------------------------------------------------------------- every dialog


def every_dialog() -> list[Screen[Any]]:
    code = CODEBOOK.code("reputational_costs")
    assert code is not None
    return [
        CodePicker(CODEBOOK, counts={"reputational_costs": (2, 5)}),
        MemoDialog("Memo on int01", "Text"),
        CasePicker(CASES, suggested=("c01",), current="c01"),
        HelpScreen(HELP_ROWS),
        CoderPrompt("lena"),
        browser(current="int02"),
        RetrievalScreen(code, SEGMENTS, TITLES),
    ]


@pytest.mark.parametrize("index", range(7))
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_dialog_fits_80_by_24_in_light_and_dark(index: int, theme: str):
    app = Host(every_dialog()[index])
    app.theme = theme
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.dialog.query_one("#dialog").region
        assert box.x >= 0 and box.y >= 0 and box.right <= 80 and box.bottom <= 24
        hint = app.dialog.query_one(KeyHint)
        assert hint.region.height == 1 and box.contains_region(hint.region)
        assert "esc" in str(hint.content)
