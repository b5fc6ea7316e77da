"""The document view: a long text drawn row by row (Textual's Line API), with coded
spans in code colours, a gutter naming the codes on each row, speaker turns, the
current sentence, a keyboard and mouse selection, and a focused coding."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hrd_coder.sources.unit_finder import UnitFinder
from hrd_coder.tui.keys import key
from hrd_coder.tui.text_layout import Mark, MarkIndex, TextLayout, flowing

GUTTER = 5  # one cell for the speaker bar, three for code blocks, one space
CODE_CELLS = 3
SPEAKER_COLORS = ("accent", "secondary", "success", "warning", "primary")
# A document's control characters never reach the terminal (an ESC byte would start an
# escape sequence): each is drawn as one replacement character, a tab as one space, so
# offsets and columns stay one to one.
SHOWN_AS = {
    **{code: "\ufffd" for code in (*range(0x20), *range(0x7F, 0xA0)) if code != 0x0A},
    0x09: " ",
}


@dataclass(frozen=True)
class Palette:
    """Rich styles derived from the theme and the code colours."""

    base: Style
    codes: dict[str, Style]
    gutter: dict[str, Style]
    speakers: tuple[Style, ...]
    label: Style
    unit: Style
    selection: Style
    cursor: Style
    focused: Style
    overlap: Style


class DocumentView(ScrollView, can_focus=True):
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
    def selection(self) -> tuple[int, int] | None:
        """The selected span [start, end), or None when nothing is selected."""
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    @property
    def marks(self) -> list[Mark]:
        """The marks shown."""
        return list(self._marks)

    # -- layout ------------------------------------------------------------------------------

    def _text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - GUTTER)

    def _relayout(self) -> None:
        self.text_layout = TextLayout(self.shown_text, self._text_width())
        self.index = MarkIndex(self._marks, self.text_layout)
        self.virtual_size = Size(self._text_width() + GUTTER, self.text_layout.rows)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width, keeping the cursor in view."""
        if self.text_layout.width != self._text_width():
            self._relayout()
            self._scroll_to_cursor()

    def _index_turns(self) -> None:
        turns = self.finder.labelled_turns()
        self._turn_starts = [start for start, _ in turns]
        speakers: dict[str, int] = {}
        self._turn_speakers, self._label_ends = [], {}
        for start, _ in turns:
            colon = self.text.find(":", start)
            speaker = self.text[start:colon]
            self._turn_speakers.append(speakers.setdefault(speaker, len(speakers)))
            self._label_ends[start] = colon + 1

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The theme changed: rebuild colours."""
        super().notify_style_update()
        self._palette = None

    def _make_palette(self) -> Palette:
        base = self.rich_style
        background = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
        foreground = Color.from_rich_color(base.color) if base.color else Color(255, 255, 255)
        variables = self.app.get_css_variables()

        def theme(name: str) -> Color:
            return Color.parse(variables.get(name, "#888888"))

        codes, gutter = {}, {}
        for code, hex_color in self.code_colors.items():
            color = Color.parse(hex_color) if hex_color else theme("primary")
            tint = background.blend(color, 0.45)
            codes[code] = base + Style(
                bgcolor=tint.rich_color, color=tint.get_contrast_text(0.95).rich_color
            )
            gutter[code] = base + Style(color=color.rich_color)
        speakers = tuple(base + Style(color=theme(n).rich_color) for n in SPEAKER_COLORS)
        return Palette(
            base=base,
            codes=codes,
            gutter=gutter,
            speakers=speakers,
            label=Style(bold=True, color=theme("accent").rich_color),
            unit=Style(bold=True),
            selection=Style(reverse=True),
            cursor=Style(reverse=True, blink=False, underline=True),
            focused=Style(underline=True, bold=True),
            overlap=Style(underline=True, color=foreground.rich_color),
        )

    def render_line(self, y: int) -> Strip:
        """Draw one visible row (only visible rows are ever drawn)."""
        if self._palette is None:
            self._palette = self._make_palette()
            self._styles.clear()
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        if row >= self.text_layout.rows:
            return Strip.blank(width, self._palette.base)
        segments = [*self._gutter(row), *self._row_text(row)]
        # No apply_offsets: the view maps mouse positions itself, and skipping it saves
        # a third of the drawing time.
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, self._palette.base)

    def _gutter(self, row: int) -> list[Segment]:
        palette = self._palette
        assert palette is not None
        start = self.text_layout.starts[row]
        turn = bisect.bisect_right(self._turn_starts, start) - 1
        if turn >= 0 and start <= self._turn_end(turn):
            speaker = palette.speakers[self._turn_speakers[turn] % len(palette.speakers)]
            bar = Segment("\u258e", speaker)
        else:
            bar = Segment(" ", palette.base)
        codes = sorted(
            {m.code_id for m in self.index.on_row(row)},
            key=lambda c: self.code_order.get(c, 10_000),
        )
        cells = [Segment("\u2588", palette.gutter.get(c, palette.base)) for c in codes]
        if len(cells) > CODE_CELLS:
            cells = [*cells[: CODE_CELLS - 1], Segment("+", palette.base)]
        cells += [Segment(" ", palette.base)] * (CODE_CELLS - len(cells))
        return [bar, *cells, Segment(" ", palette.base)]

    def _turn_end(self, turn: int) -> int:
        following = self._turn_starts[turn + 1] if turn + 1 < len(self._turn_starts) else None
        return following - 1 if following is not None else len(self.text)

    def _row_text(self, row: int) -> list[Segment]:
        palette = self._palette
        assert palette is not None
        start, end = self.text_layout.starts[row], self.text_layout.ends[row]
        marks = self.index.on_row(row)
        selection = self.selection
        unit = self._current_unit()
        label_end = self._label_ends.get(start, start)
        cuts = {start, end, label_end}
        for mark in marks:
            cuts.update((mark.start, mark.end))
        for span in (selection or (start, start), unit, (self.cursor, self.cursor + 1)):
            cuts.update(span)
        points = sorted(p for p in cuts if start <= p <= end)
        segments = []
        for left, right in zip(points, points[1:], strict=False):
            style = self._style_at(left, marks, selection, unit, label_end)
            segments.append(Segment(self.shown_text[left:right].translate(SHOWN_AS), style))
        if self.cursor == end and (end == len(self.text) or self.shown_text[end] == "\n"):
            segments.append(Segment(" ", palette.base + palette.cursor))
        return segments

    def _current_unit(self) -> tuple[int, int]:
        """The sentence around the cursor, found once per cursor position."""
        if self._unit_cache[0] != self.cursor:
            found = self.finder.at("sentence", self.cursor) or (self.cursor, self.cursor)
            self._unit_cache = (self.cursor, found)
        return self._unit_cache[1]

    def _style_at(
        self,
        offset: int,
        marks: list[Mark],
        selection: tuple[int, int] | None,
        unit: tuple[int, int],
        label_end: int,
    ) -> Style:
        covering = [m for m in marks if m.start <= offset < m.end]
        inner = min(covering, key=lambda m: (m.end - m.start, m.start)) if covering else None
        look = (
            inner.code_id if inner else None,
            len(covering) > 1,
            any(m.coding_id == self.focused_coding for m in covering),
            offset < label_end,  # turns start at a line start, so at a row start
            unit[0] <= offset < unit[1],
            bool(selection and selection[0] <= offset < selection[1]),
            offset == self.cursor,
        )
        if look not in self._styles:
            self._styles[look] = self._compose_style(*look)
        return self._styles[look]

    def _compose_style(
        self,
        code: str | None,
        overlap: bool,
        focused: bool,
        label: bool,
        unit: bool,
        selected: bool,
        cursor: bool,
    ) -> Style:
        """Combine the layers of one character's look (cached: few combinations occur)."""
        palette = self._palette
        assert palette is not None
        style = palette.codes.get(code, palette.base) if code else palette.base
        layers = (
            (overlap, palette.overlap),
            (focused, palette.focused),
            (label, palette.label),
            (unit, palette.unit),
            (selected, palette.selection),
            (cursor and not selected, palette.cursor),
        )
        for wanted, layer in layers:
            if wanted:
                style += layer
        return style

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
        if not self._marks:
            return
        ordered = sorted(self._marks, key=lambda m: (m.start, m.end, m.coding_id))
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
