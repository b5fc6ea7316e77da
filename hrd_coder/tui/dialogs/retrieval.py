"""Every segment coded with one code, in context: read them together, jump to one."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from hrd_coder.codebook import Code
from hrd_coder.safe_text import safe_text
from hrd_coder.services.records import CodingRecord
from hrd_coder.tui.dialogs.dialog import KeyHint, ListDialog
from hrd_coder.wording import plural

SNIPPET_LINES = 2
"""How many lines of quote and context each segment gets in the list."""
MIN_CONTEXT = 12
"""Characters of context kept on each side of the quote, however long the quote is."""


def collapse(text: str) -> str:
    """Runs of whitespace (newlines included) as single spaces, other control characters
    escaped."""
    return safe_text(" ".join(text.split()))


def head(text: str, size: int) -> str:
    """The start of `text`, at most `size` characters, ending at a word boundary."""
    if len(text) <= size:
        return text
    return text[:size].rpartition(" ")[0] or text[:size]


def tail(text: str, size: int) -> str:
    """The end of `text`, at most `size` characters, starting at a word boundary."""
    if len(text) <= size:
        return text
    cut = text[len(text) - size :] if size else ""
    return cut.partition(" ")[2] or cut


def snippet(record: CodingRecord, width: int) -> Content:
    """The quote emphasised between dimmed context, trimmed to about `width` characters."""
    quote = collapse(record.quote)
    if len(quote) > width - 2 * MIN_CONTEXT:
        # A long quote keeps its start and its end: they show where the coder drew the span.
        keep = max(MIN_CONTEXT, width - 2 * MIN_CONTEXT - 3)
        quote = f"{head(quote, keep * 2 // 3)} … {tail(quote, keep // 3)}"
    room = max(0, width - len(quote) - 4)
    before = tail(collapse(record.prefix), room // 2)
    after = head(collapse(record.suffix), room - len(before))
    return Content.assemble(
        (f"…{before} " if before else "", "dim"),
        (quote, "bold"),
        (f" {after}…" if after else "", "dim"),
    )


class RetrievalScreen(ListDialog[CodingRecord]):
    """The segments coded with one code; dismisses with the one to jump to, or None."""

    CSS_PATH = ["dialog.tcss", "retrieval.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Go to segment",
            tooltip="Open the highlighted segment in its document",
            id="retrieval.jump",
        ),
    ]

    def __init__(self, code: Code, segments: list[CodingRecord], titles: dict[str, str]) -> None:
        super().__init__()
        self.code = code
        self.segments = segments
        self.titles = titles
        self.shown: list[CodingRecord] = list(segments)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Coded segments"
            yield Static(id="summary")
            yield Input(placeholder="Filter by words in the text, document or coder", id="query")
            yield OptionList(id="choices")
            yield KeyHint()

    def on_mount(self) -> None:
        """List the segments once the list's width is known."""
        self.call_after_refresh(self.show_matches)

    def on_resize(self) -> None:
        """Trim the snippets to the new width, keeping the highlighted segment."""
        self.call_after_refresh(self.show_matches, keep_highlight=True)

    @on(Input.Changed, "#query")
    def _filter(self) -> None:
        self.show_matches()

    def show_matches(self, keep_highlight: bool = False) -> None:
        """List the segments containing every word of the filter."""
        choices = self.query_one("#choices", OptionList)
        previous = self._highlighted() if keep_highlight else None
        words = self.query_one("#query", Input).value.lower().split()
        self.shown = [s for s in self.segments if all(w in self._text_of(s) for w in words)]
        width = choices.scrollable_content_region.width or 60
        choices.set_options(Option(self._entry(segment, width)) for segment in self.shown)
        if self.shown:
            choices.highlighted = self.shown.index(previous) if previous in self.shown else 0
        self.query_one("#summary", Static).update(self._summary(filtered=bool(words)))

    @on(Input.Submitted, "#query")
    def action_choose(self) -> None:
        """Dismiss with the highlighted segment."""
        segment = self._highlighted()
        if segment is not None:
            self.dismiss(segment)

    def _highlighted(self) -> CodingRecord | None:
        highlighted = self.query_one("#choices", OptionList).highlighted
        if highlighted is None or highlighted >= len(self.shown):
            return None
        return self.shown[highlighted]

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def _summary(self, *, filtered: bool) -> Content:
        """The code's label and how many segments it has (and how many the filter keeps)."""
        documents = len({segment.document_id for segment in self.segments})
        return Content.assemble(
            (self.code.label, "bold"),
            f"  {plural(len(self.segments), 'segment')} in {plural(documents, 'document')}",
            (f"  ({len(self.shown)} match the filter)" if filtered else "", "dim"),
        )

    def _text_of(self, segment: CodingRecord) -> str:
        """What the filter searches: quote with context, document, coder and memo."""
        parts = (
            segment.prefix,
            segment.quote,
            segment.suffix,
            segment.document_id,
            self.titles.get(segment.document_id, ""),
            segment.coder,
            segment.memo or "",
        )
        return collapse(" ".join(parts)).lower()

    def _entry(self, segment: CodingRecord, width: int) -> Content:
        """A heading line (document, title, coder) over the quote in its context."""
        heading = Content.assemble(
            (segment.document_id, "bold $text-accent"),
            "  ",
            self.titles.get(segment.document_id, ""),
            ("  · ", "dim"),
            (segment.coder, "italic"),
        ).truncate(width, ellipsis=True)
        # Lines wrap at word boundaries, so leave each line some slack.
        budget = (width - width // 8) * SNIPPET_LINES
        return Content("\n").join([heading, snippet(segment, budget)])
