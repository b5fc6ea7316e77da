"""The document view: a long text drawn row by row (Textual's Line API), with coded
spans in code colours, a gutter naming the codes on each row, speaker turns, the
current sentence, a keyboard and mouse selection, and a focused coding.

Here: its keys, messages, moves and mouse; how it is laid out and drawn: document_drawing.py."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.message import Message

from hrd_coder.sources.unit_finder import UnitFinder
from hrd_coder.tui.keys import key
from hrd_coder.tui.text_layout import Mark, MarkIndex, TextLayout, flowing
from hrd_coder.tui.widgets.document_drawing import GUTTER, DocumentDrawing, Palette


class DocumentView(DocumentDrawing, can_focus=True):
    """A document with its codings; selection by keyboard at every grain and by mouse."""

    DEFAULT_CSS = """
    DocumentView {
        background: $surface;
        color: $foreground;
        scrollbar-gutter: stable;
    }
    """

    BINDINGS = [
        key(
            "right_square_bracket",
            "unit('sentence', 1)",
            "Sentence",
            "view.next_sentence",
            show=True,
            tooltip="Select the next sentence",
        ),
        key(
            "left_square_bracket",
            "unit('sentence', -1)",
            "Previous sentence",
            "view.previous_sentence",
        ),
        key(
            "plus",
            "grow",
            "Grow",
            "view.grow",
            show=True,
            tooltip="Grow the selection: word, sentence, paragraph, speaker turn",
        ),
        key("minus", "shrink", "Shrink selection back", "view.shrink"),
        key(
            "tab",
            "cycle_coding(1)",
            "Next coding",
            "view.next_coding",
            show=True,
            tooltip="Focus the next coding (its span becomes the selection)",
        ),
        key("shift+tab", "cycle_coding(-1)", "Focus the previous coding", "view.previous_coding"),
        key("escape", "clear", "Clear selection and focus", "view.clear"),
        key(
            "ctrl+t",
            "swap_ends",
            "Swap the selection's ends (to move the other one)",
            "view.swap_ends",
        ),
        key("right_curly_bracket", "unit('paragraph', 1)", "Next paragraph", "view.next_paragraph"),
        key(
            "left_curly_bracket",
            "unit('paragraph', -1)",
            "Previous paragraph",
            "view.previous_paragraph",
        ),
        key("right_parenthesis", "unit('turn', 1)", "Next speaker turn", "view.next_turn"),
        key("left_parenthesis", "unit('turn', -1)", "Previous speaker turn", "view.previous_turn"),
        key("left", "move(-1, False)", "Back a character", "view.left"),
        key("right", "move(1, False)", "Forward a character", "view.right"),
        key("shift+left", "move(-1, True)", "Extend back a character", "view.extend_left"),
        key("shift+right", "move(1, True)", "Extend forward a character", "view.extend_right"),
        key("ctrl+left", "word(-1, False)", "Back a word", "view.word_left"),
        key("ctrl+right", "word(1, False)", "Forward a word", "view.word_right"),
        key("ctrl+shift+left", "word(-1, True)", "Extend back a word", "view.extend_word_left"),
        key("ctrl+shift+right", "word(1, True)", "Extend forward a word", "view.extend_word_right"),
        key("up", "row(-1, False)", "Up a row", "view.up"),
        key("down", "row(1, False)", "Down a row", "view.down"),
        key("shift+up", "row(-1, True)", "Extend up a row", "view.extend_up"),
        key("shift+down", "row(1, True)", "Extend down a row", "view.extend_down"),
        key("pageup", "page(-1)", "Page up", "view.page_up"),
        key("pagedown", "page(1)", "Page down", "view.page_down"),
        key("home", "row_edge(0)", "Start of row", "view.home"),
        key("end", "row_edge(1)", "End of row", "view.end"),
        key("ctrl+home", "document_edge(0)", "Start of document", "view.top"),
        key("ctrl+end", "document_edge(1)", "End of document", "view.bottom"),
    ]

    class SelectionChanged(Message):
        """The cursor or the selection moved."""

        def __init__(self, view: DocumentView) -> None:
            super().__init__()
            self.view = view

    class CodingFocused(Message):
        """A coding was focused (or unfocused, with None)."""

        def __init__(self, view: DocumentView, coding_id: str | None) -> None:
            super().__init__()
            self.view = view
            self.coding_id = coding_id

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.text = ""
        self.shown_text = ""
        """The text as drawn: paragraphs written with hard line breaks flow (same offsets)."""
        self.code_colors: dict[str, str] = {}
        self.code_order: dict[str, int] = {}
        self._marks: list[Mark] = []
        self._by_id: dict[str, Mark] = {}
        self._speakers: tuple[str, ...] = ()
        self.finder = UnitFinder("")
        self.text_layout = TextLayout("", 80)
        self.index = MarkIndex([], self.text_layout)
        self.cursor = 0
        self.anchor: int | None = None
        self.focused_coding: str | None = None
        self._grow_history: list[tuple[int, int | None]] = []
        self._palette: Palette | None = None
        self._turn_starts: list[int] = []
        self._turn_speakers: list[int] = []
        self._label_ends: dict[int, int] = {}
        self._styles: dict[tuple, Style] = {}
        self._unit_cache: tuple[int, tuple[int, int]] = (-1, (0, 0))
        self._drawn_rows = (0, 0)

    # -- attributes down ---------------------------------------------------------------------

    def load(
        self,
        text: str,
        marks: Sequence[Mark],
        code_colors: dict[str, str],
        speakers: Iterable[str] = (),
        code_order: Sequence[str] = (),
    ) -> None:
        """Show a new document with its marks; the cursor goes to the start."""
        self.text = text
        self.shown_text = flowing(text, tuple(speakers))
        self.code_colors = dict(code_colors)
        self.code_order = {code: i for i, code in enumerate(code_order)}
        self._speakers = tuple(speakers)
        self.finder = UnitFinder(text, self._speakers)
        self._index_turns()
        self._marks = list(marks)
        self._by_id = {m.coding_id: m for m in self._marks}
        self.cursor, self.anchor, self.focused_coding = 0, None, None
        self._grow_history.clear()
        self._palette = None
        self._unit_cache = (-1, (0, 0))
        self._relayout()
        self.scroll_to(0, 0, animate=False)

    def set_marks(self, marks: Sequence[Mark]) -> None:
        """Replace the marks (after a coding action); keeps cursor and selection."""
        self._marks = list(marks)
        self.index = MarkIndex(self._marks, self.text_layout)
        self._by_id = {m.coding_id: m for m in self._marks}
        if self.focused_coding not in self._by_id:
            self.focused_coding = None
        self.refresh()

    def select(self, start: int, end: int) -> None:
        """Select [start, end) and scroll it into view (e.g. after a retrieval jump)."""
        self.anchor, self.cursor = start, end
        self._after_move()

    def focus_coding(self, coding_id: str | None) -> None:
        """Focus a coding by id and select its span."""
        mark = self._by_id.get(coding_id or "")
        self.focused_coding = mark.coding_id if mark else None
        if mark:
            self.anchor, self.cursor = mark.start, mark.end
        self._after_move()
        self.post_message(self.CodingFocused(self, self.focused_coding))

    @property
    def marks(self) -> list[Mark]:
        """The marks shown."""
        return list(self._marks)

    # -- layout ------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width, keeping the cursor in view."""
        if self.text_layout.width != self._text_width():
            self._relayout()
            self._scroll_to_cursor()

    # -- moving ------------------------------------------------------------------------------

    def _set_cursor(self, offset: int, extend: bool) -> None:
        offset = min(max(0, offset), len(self.text))
        if extend and self.anchor is None:
            self.anchor = self.cursor
        if not extend:
            self.anchor = None
        self.cursor = offset
        self._grow_history.clear()
        self._after_move()

    def _after_move(self) -> None:
        """Scroll to the cursor and redraw only the rows whose look changed."""
        before = self.scroll_offset
        self._scroll_to_cursor()
        rows = self._footprint()
        first = min(rows[0], self._drawn_rows[0])
        last = max(rows[1], self._drawn_rows[1])
        if self.scroll_offset != before or last - first > self.size.height:
            self.refresh()
        else:
            self.refresh_lines(first, last - first + 1)
        self._drawn_rows = rows
        self.post_message(self.SelectionChanged(self))

    def _footprint(self) -> tuple[int, int]:
        """First and last rows touched by the cursor, selection, sentence and focus."""
        spans = [(self.cursor, self.cursor + 1), self._current_unit()]
        if self.selection:
            spans.append(self.selection)
        focused = self._by_id.get(self.focused_coding or "")
        if focused:
            spans.append((focused.start, focused.end))
        row_of = self.text_layout.row_of
        return min(row_of(a) for a, _ in spans), max(row_of(max(a, b - 1)) for a, b in spans)

    def _scroll_to_cursor(self) -> None:
        row = self.text_layout.row_of(self.cursor)
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True)

    def action_move(self, step: int, extend: bool) -> None:
        """Move (or extend the selection) by characters."""
        if not extend and self.selection:
            start, end = self.selection
            self._set_cursor(start if step < 0 else end, False)
            return
        self._set_cursor(self.cursor + step, extend)

    def action_word(self, step: int, extend: bool) -> None:
        """Move (or extend) to the next or previous word boundary."""
        if step > 0:
            here = self.finder.at("word", self.cursor)
            target = here[1] if here and here[1] > self.cursor else None
            if target is None:
                following = self.finder.next("word", self.cursor)
                target = following[1] if following else len(self.text)
        else:
            here = self.finder.at("word", max(0, self.cursor - 1))
            target = here[0] if here and here[0] < self.cursor else None
            if target is None:
                before = self.finder.previous("word", self.cursor)
                target = before[0] if before else 0
        self._set_cursor(target, extend)

    def action_row(self, step: int, extend: bool) -> None:
        """Move (or extend) up or down a row, keeping the column."""
        row, column = self.text_layout.row_of(self.cursor), self.text_layout.column_of(self.cursor)
        self._set_cursor(self.text_layout.offset_at(row + step, column), extend)

    def action_page(self, step: int) -> None:
        """Move a page up or down."""
        rows = max(1, self.scrollable_content_region.height - 1)
        row, column = self.text_layout.row_of(self.cursor), self.text_layout.column_of(self.cursor)
        target = self.text_layout.offset_at(row + step * rows, column)
        self.scroll_to(y=self.scroll_y + step * rows, animate=False, immediate=True)
        self._set_cursor(target, False)

    def action_row_edge(self, side: int) -> None:
        """Go to the start or end of the row."""
        row = self.text_layout.row_of(self.cursor)
        self._set_cursor(
            self.text_layout.ends[row] if side else self.text_layout.starts[row], False
        )

    def action_document_edge(self, side: int) -> None:
        """Go to the start or end of the document."""
        self._set_cursor(len(self.text) if side else 0, False)

    def action_unit(self, grain: str, step: int) -> None:
        """Select the next or previous sentence, paragraph or speaker turn."""
        reference = self.selection[0] if self.selection else self.cursor
        found = (
            self.finder.next(grain, reference)
            if step > 0
            else self.finder.previous(grain, reference)
        )
        if step > 0 and not self.selection:
            here = self.finder.at(grain, self.cursor)
            found = here if here and here[0] == self.cursor else found
        if found:
            self._grow_history.clear()
            self.select(*found)

    def action_grow(self) -> None:
        """Grow the selection to the smallest unit around it: word, sentence, paragraph..."""
        start, end = self.selection or (self.cursor, self.cursor)
        found = self.finder.smallest_containing(start, max(end, start + 1) if start == end else end)
        if start == end:
            found = self.finder.at("word", start) or found
        if found:
            self._grow_history.append((self.cursor, self.anchor))
            self.anchor, self.cursor = found
            self._after_move()

    def action_shrink(self) -> None:
        """Undo the last grow."""
        if self._grow_history:
            self.cursor, self.anchor = self._grow_history.pop()
            self._after_move()

    def action_swap_ends(self) -> None:
        """Swap anchor and cursor, so shift+arrows move the other boundary."""
        if self.anchor is not None:
            self.anchor, self.cursor = self.cursor, self.anchor
            self._after_move()

    def action_cycle_coding(self, step: int) -> None:
        """Focus the next or previous coding at or after the cursor."""
        codings = [m for m in self._marks if not m.suggested]  # suggestions are not codings
        if not codings:
            return
        ordered = sorted(codings, key=lambda m: (m.start, m.end, m.coding_id))
        keys = [(m.start, m.end, m.coding_id) for m in ordered]
        current = next(
            (i for i, m in enumerate(ordered) if m.coding_id == self.focused_coding), None
        )
        if current is None:
            position = bisect.bisect_left(keys, (self.cursor, -1, ""))
            current = position - 1 if step > 0 else position
        self.focus_coding(ordered[(current + step) % len(ordered)].coding_id)

    def action_clear(self) -> None:
        """Drop the selection and the focused coding."""
        had_focus = self.focused_coding is not None
        self.anchor, self.focused_coding = None, None
        self._after_move()
        if had_focus:
            self.post_message(self.CodingFocused(self, None))

    # -- mouse -------------------------------------------------------------------------------

    def _offset_at(self, event: events.MouseEvent) -> int:
        row = self.scroll_offset.y + event.y
        return self.text_layout.offset_at(row, self.scroll_offset.x + event.x - GUTTER)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Start a selection where the mouse is pressed."""
        self.focus()
        self.capture_mouse()
        self._set_cursor(self._offset_at(event), False)
        self.anchor = self.cursor

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Extend the selection while the button is held."""
        if event.button and self.anchor is not None:
            self.cursor = self._offset_at(event)
            self._after_move()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """Finish a mouse selection."""
        self.release_mouse()
        if self.anchor == self.cursor:
            self.anchor = None
        self._after_move()
