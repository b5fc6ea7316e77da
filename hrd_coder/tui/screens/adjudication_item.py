"""One disagreement of the adjudication queue on screen: the passage with the highlighted
coder's spans, each coder's version and key, the code's definition and the decision so far."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from hrd_coder.codebook import Code
from hrd_coder.safe_text import safe_text
from hrd_coder.services.records import AgreementRequest, Disagreement
from hrd_coder.tui.dialogs.retrieval import collapse, head, tail
from hrd_coder.tui.screens.service import ServiceScreen

LETTERS = "abcdefgh"
"""The keys that choose the 1st, 2nd, … coder's version (up to eight coders)."""
CONTEXT = 160
"""Characters of context shown on each side of the unit."""
MAX_REACH = 600
"""How far beyond the unit the passage grows to show a coder's longer coding."""
QUOTE = 180
"""Characters of each coder's coded text quoted under the passage."""
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
HIGHLIGHT = "bold $text-accent on $accent-muted"
HEADING = "bold $text-primary"


def describe_choice(choice: str) -> str:
    """A decision in words: `lena's version`, `union of the versions`, …."""
    return {
        "union": "union of the versions",
        "intersection": "intersection of the versions",
        "neither": "neither (not coded here)",
    }.get(choice, f"{choice}'s version")


def _boundary_words(choice: str, chosen: tuple[int, int] | None) -> str:
    """A boundary decision in words: `lena's extent, 3070–3258`, `union of the extents, …`."""
    what = {
        "union": "union of the extents",
        "intersection": "intersection of the extents",
    }.get(choice, "the extent given" if choice.replace("-", "").isdigit() else f"{choice}'s extent")
    return f"{what}, {chosen[0]}–{chosen[1]}" if chosen else f"{what} (nothing here)"


class ItemDisplay(ServiceScreen):
    """Shows the queue's current item; the adjudication screen decides and moves."""

    request: AgreementRequest
    items: list[Disagreement]
    index: int
    coders: tuple[str, ...]
    texts: dict[str, str]
    titles: dict[str, str]
    reasons: dict[tuple[str, int, int, str], str]
    unit: str
    shown_coder: int
    loaded: bool
    _coder_rows: list[tuple[Static, Static]]

    def _label(self, code_id: str) -> str:
        code = self.project.codebook.code(code_id)
        return code.label if code else code_id

    @property
    def current(self) -> Disagreement | None:
        """The item on screen."""
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def go_to(self, index: int) -> None:
        """Show the item at `index`, its first marking coder highlighted."""
        self.index = index
        item = self.current
        marked = [n for n, c in enumerate(self.coders) if item and item.spans.get(c)]
        self.shown_coder = marked[0] if marked else 0
        self.query_one("#passage-box", VerticalScroll).scroll_home(animate=False)
        self.show_item()

    def show_item(self) -> None:
        """Fill every part of the screen from the current item."""
        self._show_progress()
        self.refresh_bindings()
        item = self.current
        if item is None:
            self._show_empty()
            return
        code = self.project.codebook.code(item.code_id)
        title = self.titles.get(item.document_id, "")
        # A queue of one code names it in the title bar; a queue of several, on each item.
        label = "" if len(self.request.codes) == 1 else self._label(item.code_id)
        self.query_one("#item-line", Static).update(
            Content.assemble(
                (f"{self.index + 1} of {len(self.items)}", "bold"),
                (f" · {label}" if label else "", "bold $text-accent"),
                " · ",
                (item.document_id, "bold"),
                f" {safe_text(title)}",
                (f" · {self.unit} at {item.start}–{item.end}", "dim"),
                (" · which cases?" if item.kind == "cases" else "", "bold $text-warning"),
            )
        )
        self.query_one("#passage", Static).update(self._passage(item))
        self.query_one("#definition", Static).update(definition(code) if code else item.code_id)
        self._show_coders(item)
        self.query_one("#decision", Static).update(self._decision(item))

    def _show_progress(self) -> None:
        decided, total = self.project.adjudication_progress(self.items)
        done = self.loaded and decided == total
        self.query_one("#progress", Static).update(
            Content.styled(
                f"{decided} of {total} decided", "bold $text-success" if done else "bold"
            )
        )

    def _show_empty(self) -> None:
        if not self.loaded:
            return
        codes = self.request.codes
        what = f"on {self._label(codes[0])}" if len(codes) == 1 else "on any code"
        self.query_one("#item-line", Static).update("")
        self.query_one("#passage", Static).update(
            f"No disagreements to adjudicate: the coders agree {what} "
            f"in every {self.unit} they all coded."
        )
        for part in ("#definition", "#decision"):
            self.query_one(part, Static).update("")

    def _window(self, item: Disagreement, text: str) -> tuple[int, int]:
        """The passage shown: the unit with context, grown to show the coders' spans, cut
        at spaces so that no word is shown in part."""
        spans = [span for spans in item.spans.values() for span in spans]
        start = max(0, item.start - MAX_REACH, min([item.start - CONTEXT, *(s for s, _ in spans)]))
        end = min(
            len(text), item.end + MAX_REACH, max([item.end + CONTEXT, *(e for _, e in spans)])
        )
        if start > 0:
            space = text.find(" ", start, item.start)
            start = space + 1 if space >= 0 else item.start
        if end < len(text):
            space = text.rfind(" ", item.end, end)
            end = space if space >= 0 else item.end
        return start, end

    def _passage(self, item: Disagreement) -> Content:
        """The unit in full, its context dimmed, the highlighted coder's spans marked."""
        text = self.texts.get(item.document_id, "")
        start, end = self._window(item, text)
        coder = self.coders[self.shown_coder] if self.coders else None
        marked = item.spans.get(coder or "", ())
        # Cut points: the window, the unit and each highlighted span; style each piece.
        cuts = sorted({start, end, item.start, item.end, *(p for s in marked for p in s)})
        cuts = [c for c in cuts if start <= c <= end]
        parts: list[str | tuple[str, str]] = ["… " if start > 0 else ""]
        for a, b in zip(cuts, cuts[1:], strict=False):
            inside_unit = item.start <= a and b <= item.end
            highlighted = any(s <= a and b <= e for s, e in marked)
            style = HIGHLIGHT if highlighted else ("" if inside_unit else "dim")
            parts.append((text[a:b], style))
        parts.append(" …" if end < len(text) else "")
        if coder is not None:
            who = f"{coder}'s codings highlighted" if marked else f"{coder} coded nothing here"
            key = self._key_display("show_coder")
            hint = f" ({key}: next coder)" if len(self.coders) > 1 else ""
            parts = [(f"{who}{hint}\n", "italic $text-muted"), *parts]
        return Content.assemble(*parts)

    def _show_coders(self, item: Disagreement) -> None:
        """Per coder: their key, whether they coded the code here, and what they coded."""
        text = self.texts.get(item.document_id, "")
        for number, (coder, (key, what)) in enumerate(
            zip(self.coders, self._coder_rows, strict=True), 1
        ):
            pointer = "▶" if number - 1 == self.shown_coder else " "
            key.update(
                Content.assemble(
                    (pointer, "$text-accent"),
                    (f" {self._key_of(number)} ", "bold reverse"),
                    (f" {coder}", "bold"),
                )
            )
            spans = item.spans.get(coder, ())
            if coder not in item.present:
                what.update(Content.styled("did not code this document", "dim"))
            elif item.present[coder]:
                cases = ", ".join(sorted({p.case_id or "no case" for p in item.marks[coder]}))
                what.update(
                    Content.assemble(
                        ("✓ coded it ", "$text-success"),
                        (f"[{cases}] ", "bold"),
                        quotes(text, spans),
                    )
                )
            elif spans:
                what.update(
                    Content.assemble(
                        ("✗ not here", "$text-error"),
                        (" (their coding nearby counts elsewhere) ", "dim"),
                        quotes(text, spans),
                    )
                )
            else:
                what.update(Content.styled("✗ did not code it", "$text-error"))

    def _decision(self, item: Disagreement) -> Content:
        if item.decision is None:
            return Content.styled("not decided yet", "italic $text-warning")
        reason = self.reasons.get(item.key) or item.reason
        if item.state == "reopened":
            return Content.assemble(
                ("reopened: ", "bold $text-warning"),
                f"{describe_choice(item.decision)} was decided, then a coder changed their "
                "codings here: decide again",
            )
        if item.boundary is not None:
            return Content.assemble(
                (f"decided by boundary {item.boundary}: ", "bold $text-success"),
                _boundary_words(item.decision, item.chosen),
                (f" — {reason}" if reason else "", "italic"),
                (" (B: the boundary queue; a decision here comes first)", "dim"),
            )
        return Content.assemble(
            ("decided: ", "bold $text-success"),
            describe_choice(item.decision),
            (f" — {reason}" if reason else "", "italic"),
        )

    def _key_of(self, number: int) -> str:
        return self._key_display(f"choose({number})") or LETTERS[number - 1]

    def _key_display(self, action: str) -> str:
        """The key bound to an action as the user's keymap has it (for labels on screen)."""
        for active in self.active_bindings.values():
            if active.binding.action == action:
                return self.app.get_key_display(active.binding)
        return ""


def quotes(text: str, spans: tuple[tuple[int, int], ...]) -> Content:
    """What a coder coded, quoted (long codings keep their start and their end)."""
    pieces = []
    for start, end in spans:
        quote = collapse(text[start:end])
        if len(quote) > QUOTE:
            quote = f"{head(quote, QUOTE * 2 // 3)} … {tail(quote, QUOTE // 3)}"
        pieces.append(f"“{quote}”")
    return Content.styled(" · ".join(pieces), "italic")


def definition(code: Code) -> Content:
    """The code's label, id, definition and rules, for reading beside the passage."""
    parts: list[str | tuple[str, str]] = [(code.label, "bold"), "\n", (code.id, "dim")]
    for heading, body in (
        ("Definition", code.definition),
        ("Include", code.include),
        ("Exclude", code.exclude),
    ):
        if body.strip():
            parts += ["\n\n", (heading, HEADING), "\n", " ".join(body.split())]
    return Content.assemble(*parts)
