"""Harness tests for the document view widget on its own."""

from __future__ import annotations

from textual.app import App, ComposeResult

from hrd_coder.tui.text_layout import Mark, MarkIndex, TextLayout
from hrd_coder.tui.widgets.document_view import GUTTER, DocumentView

TEXT = (
    "INTERVIEWER: How did the campaign matter?\n\n"
    "OFFICIAL: Naming her raised the cost. The NGOs kept pushing too. "
    * 3
    + "\n\nINTERVIEWER: Thanks."
)


class Host(App):
    """A bare app holding one document view."""

    def __init__(self, marks: list[Mark]) -> None:
        super().__init__()
        self.marks = marks
        self.events: list[object] = []

    def compose(self) -> ComposeResult:
        yield DocumentView()

    def on_mount(self) -> None:
        view = self.query_one(DocumentView)
        view.load(TEXT, self.marks, {"a": "#d62728", "b": "#1f77b4"}, code_order=["a", "b"])
        view.focus()

    def on_document_view_selection_changed(self, event: DocumentView.SelectionChanged) -> None:
        self.events.append(("selection", event.view.selection))

    def on_document_view_coding_focused(self, event: DocumentView.CodingFocused) -> None:
        self.events.append(("focused", event.coding_id))


def row_text(view: DocumentView, y: int) -> str:
    return view.render_line(y).text


def test_layout_wraps_at_spaces_and_maps_offsets_both_ways():
    layout = TextLayout("alpha beta gamma delta\nshort\n\nlast", 11)
    rows = [layout.text[s:e] for s, e in zip(layout.starts, layout.ends, strict=True)]
    assert rows == ["alpha beta ", "gamma delta", "short", "", "last"]
    assert layout.row_of(layout.text.index("gamma")) == 1
    assert layout.offset_at(1, 100) == layout.ends[1]
    marks = [Mark("m", "a", 3, 14)]
    assert MarkIndex(marks, layout).on_row(1) == marks and MarkIndex(marks, layout).on_row(2) == []


async def test_rows_show_the_text_with_a_gutter_naming_the_codes():
    marks = [Mark("m1", "a", 0, 11), Mark("m2", "b", 0, 40)]
    app = Host(marks)
    async with app.run_test(size=(60, 12)):
        view = app.query_one(DocumentView)
        first = row_text(view, 0)
        assert first[GUTTER:].startswith("INTERVIEWER: How did the campaign")
        assert first[1:3] == "\u2588\u2588"  # two codes on the row: two blocks
        assert row_text(view, 1)[1] == " "  # blank line: no code
        strip = view.render_line(0)
        styles = [segment.style for segment in strip if "VIEW" in segment.text]
        assert styles and styles[0].bgcolor is not None  # coded text is tinted


async def test_keyboard_selection_and_messages():
    app = Host([Mark("m1", "a", 13, 41)])
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(DocumentView)
        await pilot.press("shift+right", "shift+right")
        assert view.selection == (0, 2)
        await pilot.press("ctrl+t", "shift+right")  # swap ends, then move the other one
        assert view.selection == (1, 2)
        await pilot.press("tab")
        assert view.focused_coding == "m1" and view.selection == (13, 41)
        await pilot.press("escape")
        assert view.focused_coding is None and view.selection is None
        await pilot.press("right_parenthesis")
        assert TEXT[slice(*view.selection)].startswith("Naming")  # the turn, not its label
        await pilot.pause()
        assert ("focused", "m1") in app.events and ("focused", None) in app.events


async def test_mouse_drag_selects_text():
    app = Host([])
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(DocumentView)
        await pilot.mouse_down(DocumentView, offset=(GUTTER + 13, 0))
        await pilot.hover(DocumentView, offset=(GUTTER + 16, 0))
        await pilot.mouse_up(DocumentView, offset=(GUTTER + 16, 0))
        assert view.selection is not None
        assert TEXT[view.selection[0] : view.selection[1]].startswith("How")


async def test_a_long_document_renders_only_what_is_visible():
    long_text = ("OFFICIAL: " + "word " * 50 + "\n\n") * 20_000
    app = Host([])
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DocumentView)
        view.load(
            long_text,
            [Mark(str(i), "a", i * 100, i * 100 + 30) for i in range(2000)],
            {"a": "#d62728"},
        )
        await pilot.press("ctrl+end")
        assert view.cursor == len(long_text)
        assert view.text_layout.rows > 80_000
        assert view.scroll_offset.y >= view.text_layout.rows - 24


async def test_control_characters_in_a_document_never_reach_the_terminal():
    app = Host([])
    async with app.run_test(size=(60, 12)):
        view = app.query_one(DocumentView)
        hostile = "OFFICIAL: \x1b]0;owned\x07 red \x1b[31mtext\x9b2J\tend"
        view.load(hostile, [], {}, code_order=[])
        shown = row_text(view, 0)[GUTTER:]
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
        # One cell per character: offsets and columns still line up.
        assert shown.rstrip() == "".join(
            "\ufffd" if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else c
            for c in hostile.replace("\t", " ")
        )
