"""Laying out and drawing the document view: the text wrapped at the view's width, and each
visible row drawn with its gutter (speaker bar, code blocks), code colours, the current
sentence, the selection and the cursor (Textual's Line API: only visible rows are drawn)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hrd_coder.sources.unit_finder import UnitFinder
from hrd_coder.tui.text_layout import Mark, MarkIndex, TextLayout

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
    suggested: dict[str, Style]


class DocumentDrawing(ScrollView):
    """How the document view looks; the view itself (document_view.py) holds the keys, the
    moves and the messages."""

    text: str
    shown_text: str
    code_colors: dict[str, str]
    code_order: dict[str, int]
    finder: UnitFinder
    text_layout: TextLayout
    index: MarkIndex
    cursor: int
    anchor: int | None
    focused_coding: str | None
    _marks: list[Mark]
    _palette: Palette | None
    _turn_starts: list[int]
    _turn_speakers: list[int]
    _label_ends: dict[int, int]
    _styles: dict[tuple, Style]
    _unit_cache: tuple[int, tuple[int, int]]

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span [start, end), or None when nothing is selected."""
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    # -- layout ------------------------------------------------------------------------------

    def _text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - GUTTER)

    def _relayout(self) -> None:
        self.text_layout = TextLayout(self.shown_text, self._text_width())
        self.index = MarkIndex(self._marks, self.text_layout)
        self.virtual_size = Size(self._text_width() + GUTTER, self.text_layout.rows)
        self.refresh()

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

        codes, gutter, suggested = {}, {}, {}
        for code, hex_color in self.code_colors.items():
            color = Color.parse(hex_color) if hex_color else theme("primary")
            tint = background.blend(color, 0.45)
            codes[code] = base + Style(
                bgcolor=tint.rich_color, color=tint.get_contrast_text(0.95).rich_color
            )
            gutter[code] = base + Style(color=color.rich_color)
            # A suggestion is no coding yet: the code's colour as a dotted-looking
            # underline in italics, never the background a coding gets.
            suggested[code] = Style(italic=True, underline=True, color=color.rich_color)
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
            suggested=suggested,
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
            {m.code_id for m in self.index.on_row(row) if not m.suggested},
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
        covering = [m for m in marks if m.start <= offset < m.end and not m.suggested]
        inner = min(covering, key=lambda m: (m.end - m.start, m.start)) if covering else None
        suggested = next(
            (m.code_id for m in marks if m.suggested and m.start <= offset < m.end), None
        )
        look = (
            inner.code_id if inner else None,
            len(covering) > 1,
            any(m.coding_id == self.focused_coding for m in covering),
            offset < label_end,  # turns start at a line start, so at a row start
            unit[0] <= offset < unit[1],
            bool(selection and selection[0] <= offset < selection[1]),
            offset == self.cursor,
            suggested,
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
        suggested: str | None = None,
    ) -> Style:
        """Combine the layers of one character's look (cached: few combinations occur)."""
        palette = self._palette
        assert palette is not None
        style = palette.codes.get(code, palette.base) if code else palette.base
        if suggested:
            style += palette.suggested.get(suggested, Style(italic=True, underline=True))
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
