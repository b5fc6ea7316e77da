"""The adjudication queue: one unit at a time where coders differ on a code (whether it
applies, or which cases it is tied to); a key takes a coder's version, the union, the
intersection or neither, and the consensus layer is rebuilt at once. The same service
serves `hrd-coder adjudicate` (see docs/agreement.md)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Static

from hrd_coder.safe_text import safe_text
from hrd_coder.services import Project
from hrd_coder.services.records import AgreementRequest, Disagreement
from hrd_coder.tui.dialogs.retrieval import plural
from hrd_coder.tui.screens.adjudication_item import (
    LETTERS,
    ORDINALS,
    ItemDisplay,
    describe_choice,
)
from hrd_coder.tui.screens.queue_steps import QueueSteps

WIDE = 100
"""From this terminal width on, the code's definition is shown beside the passage."""


def _choice_key(letter: str, number: int) -> Binding:
    return Binding(
        letter,
        f"choose({number})",
        f"Coder {number}",
        show=False,
        id=f"adjudication.choose_{number}",
        tooltip=f"Take the {ORDINALS[number - 1]} coder's version (the letter beside each name)",
    )


class AdjudicationScreen(QueueSteps, ItemDisplay):
    """Decide each disagreement of a queue by key; decisions build the consensus layer."""

    REFUSAL_ENDS_SCREEN = True
    HELP_TITLE = "Adjudication keys"
    HELP_ABOUT = (
        "One disagreement at a time: a key takes a coder's version, both, the overlap or "
        "neither, and the consensus layer is rebuilt at once."
    )

    CSS_PATH = "adjudication.tcss"
    AUTO_FOCUS = ""  # the keys decide; the reason box is focused only on request
    BINDINGS: ClassVar[list[BindingType]] = [
        *(_choice_key(letter, number) for number, letter in enumerate(LETTERS, 1)),
        Binding(
            "u",
            "decide('union')",
            "Union",
            id="adjudication.union",
            tooltip="Take every span any coder coded here",
        ),
        Binding(
            "i",
            "decide('intersection')",
            "Intersection",
            id="adjudication.intersection",
            tooltip="Take only what every coder coded here",
        ),
        Binding(
            "n",
            "decide('neither')",
            "Neither",
            id="adjudication.neither",
            tooltip="The code does not belong here: the consensus gets no coding",
        ),
        Binding(
            "B",
            "boundaries",
            "Boundaries",
            id="adjudication.boundaries",  # before Reason: in the footer at 80 columns
            tooltip="Switch to the boundary queue: passages every coder gave the code, each "
            "with another extent (Back returns here)",
        ),
        Binding(
            "r",
            "reason",
            "Reason",
            id="adjudication.reason",
            tooltip="Write the reason sent with the next decision",
        ),
        Binding(
            "x",
            "next_undecided",
            "Undecided",
            id="adjudication.next_undecided",
            tooltip="Jump to the next item not decided yet",
        ),
        Binding(
            "right,j",
            "step(1)",
            "Next",
            show=False,  # the footer keeps room for Back at 80 columns
            id="adjudication.next",
            tooltip="Show the next item",
        ),
        Binding(
            "left,k",
            "step(-1)",
            "Previous",
            show=False,
            id="adjudication.previous",
            tooltip="Show the previous item",
        ),
        Binding(
            "v",
            "show_coder",
            "Highlight next coder",
            show=False,
            id="adjudication.show_coder",
            tooltip="Highlight the next coder's codings in the passage",
        ),
        Binding(
            "d",
            "toggle_definition",
            "Definition",
            show=False,
            id="adjudication.definition",
            tooltip="Show or hide the code's definition beside the passage",
        ),
        Binding(
            "pagedown",
            "scroll_passage(1)",
            "Scroll passage down",
            show=False,
            id="adjudication.scroll_down",
            tooltip="Scroll the passage down",
        ),
        Binding(
            "pageup",
            "scroll_passage(-1)",
            "Scroll passage up",
            show=False,
            id="adjudication.scroll_up",
            tooltip="Scroll the passage up",
        ),
        Binding(
            "ctrl+r",
            "rebuild",
            "Rebuild consensus",
            show=False,
            id="adjudication.rebuild",
            tooltip="Rebuild the consensus layer from the coders' layers and the decisions",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="adjudication.back",
            tooltip="Close the queue (decisions are already saved)",
        ),
    ]

    def __init__(self, project: Project, request: AgreementRequest, adjudicator: str) -> None:
        super().__init__(project)
        self.request = request
        self.adjudicator = adjudicator
        self.items: list[Disagreement] = []
        self.index = 0
        self.coders: tuple[str, ...] = ()
        self.texts: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.reasons: dict[tuple[str, int, int, str], str] = {}
        self.unit = "sentence"  # the consensus unit, read with the queue
        self.shown_coder = 0
        self.loaded = False
        self._reason_before = ""
        self._coder_rows: list[tuple[Static, Static]] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static(self._title(), id="queue-title")
            yield Static("", id="progress")
            yield self.coder_name()
        yield Static("", id="consensus-line")
        yield Static("", id="item-line")
        with Horizontal(id="body"):
            with VerticalScroll(id="passage-box", can_focus=False):
                yield Static("loading the disagreements…", id="passage")
            with VerticalScroll(id="definition-box", can_focus=False):
                yield Static("", id="definition")
        yield Vertical(id="coders")
        yield Static("", id="decision")
        with Horizontal(id="reason-row"):
            yield Static("reason", id="reason-label")
            yield Input(placeholder="r: why (sent with the next decision)", id="reason")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        """Load the queue in the background; narrow terminals keep the definition for `d`."""
        self.query_one("#definition-box").display = self.app.size.width >= WIDE
        self.load()

    def _title(self) -> str:
        codes = self.request.codes
        what = self._label(codes[0]) if len(codes) == 1 else "all codes"
        return f"Adjudication · {what} · per {self.unit} · by {self.adjudicator}"

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Find the disagreements (and the texts and titles they need) in a worker."""
        request = self.request

        def find() -> tuple[list[Disagreement], dict[str, str], dict[str, str], Any]:
            items = self.project.disagreements(request.codes)
            titles = {d.id: d.title for d in self.project.documents()}
            texts = {d: self.project.text_of(d) for d in {i.document_id for i in items}}
            return items, texts, titles, self.project.consensus_status()

        def show(result: tuple[list[Disagreement], dict[str, str], dict[str, str], Any]) -> None:
            self.items, self.texts, self.titles, status = result
            self._show_consensus(status)
            present = {coder for item in self.items for coder in item.present}
            self.coders = tuple(c for c in request.coders if c in present) or tuple(sorted(present))
            self._add_coder_rows()
            self.loaded = True
            undecided = self._undecided_after(-1)
            self.go_to(undecided if undecided is not None else 0)
            if not self.items:
                self._status("nothing to adjudicate")
            else:
                decided, total = self.project.adjudication_progress(self.items)
                self._status(
                    f"{plural(total, 'disagreement')}, {decided} decided · the letter beside "
                    "a coder takes their version · →/← next/previous"
                )

        self._service(find, show)

    def _failed(self, message: str) -> None:
        if not self.loaded:
            self.query_one("#passage", Static).update(
                Content(f"The queue could not be made: {safe_text(message)}")
            )
        super()._failed(message)

    def _add_coder_rows(self) -> None:
        """A row per coder: the key that takes their version, then what they coded (a
        reload, back from the boundary queue, replaces the rows it made before)."""
        rows = self.query_one("#coders")
        rows.remove_children()
        self._coder_rows = [
            (Static(classes="coder-key"), Static(classes="coder-text")) for _ in self.coders
        ]
        width = 6 + max((len(coder) for coder in self.coders), default=0)
        for key, _ in self._coder_rows:
            key.styles.width = width  # the coders' texts line up in one column
        rows.mount_all(Horizontal(key, text, classes="coder-row") for key, text in self._coder_rows)

    # -- deciding ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Choices make sense only on an item, and a coder's only where that coder coded;
        on a refused queue none of them is offered."""
        if super().check_action(action, parameters) is False:
            return False
        if action == "choose":
            number = int(parameters[0])  # type: ignore[call-overload]
            if number > len(self.coders):
                return False
            item = self.current
            return True if item and self.coders[number - 1] in item.present else None
        if action in ("decide", "next_undecided", "step", "show_coder"):
            return True if self.current else None
        return True

    def action_choose(self, number: int) -> None:
        """Take the version of the coder with this number."""
        self.decide(self.coders[number - 1])

    def action_decide(self, choice: str) -> None:
        """Take the union, the intersection, or neither."""
        self.decide(choice)

    def decide(self, choice: str) -> None:
        """Record the decision on the current item, then move to the next undecided one."""
        item, index = self.current, self.index
        if item is None:
            return
        reason_box = self.query_one("#reason", Input)
        reason = reason_box.value.strip()

        def record() -> tuple[Any, Any]:
            held = self.project.decide(item, choice, reason=reason, adjudicator=self.adjudicator)
            return held, self.project.consensus_status()

        def made(result: tuple[Any, Any]) -> None:
            codings, status = result
            self._show_consensus(status)
            self.items[index] = dataclasses.replace(
                item, decision=choice, state="decided", boundary=None, chosen=None
            )
            if reason:
                self.reasons[item.key] = reason
                if reason_box.value.strip() == reason:
                    reason_box.value = ""
            following = self._undecided_after(index)
            done = f"all {len(self.items)} decided" if following is None else "decided"
            self._status(
                f"{done}: {item.document_id} {item.start}–{item.end} {describe_choice(choice)}, "
                f"{plural(len(codings), 'consensus coding')} written"
            )
            if following is None:
                self.show_item()
            else:
                self.go_to(following)

        self._service(record, made)

    # -- moving and reading ------------------------------------------------------------------

    def action_show_coder(self) -> None:
        """Highlight the next coder's codings in the passage."""
        if self.coders:
            self.shown_coder = (self.shown_coder + 1) % len(self.coders)
            self.show_item()

    def action_toggle_definition(self) -> None:
        """Show or hide the code's definition beside the passage."""
        box = self.query_one("#definition-box")
        box.display = not box.display

    def action_scroll_passage(self, pages: int) -> None:
        """Scroll a long passage."""
        box = self.query_one("#passage-box", VerticalScroll)
        (box.scroll_page_down if pages > 0 else box.scroll_page_up)(animate=False)

    def action_reason(self) -> None:
        """Put the cursor in the reason box; Enter keeps the reason, Escape restores it."""
        box = self.query_one("#reason", Input)
        self._reason_before = box.value
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Submitted, "#reason")
    def _reason_kept(self) -> None:
        self.set_focus(None)
        reason = self.query_one("#reason", Input).value.strip()
        self._status("reason kept for the next decision" if reason else "no reason given")

    def action_rebuild(self) -> None:
        """Rebuild the consensus layer (after coders changed their codings), then reload."""
        self._status("rebuilding the consensus layer…")
        self._service(
            lambda: self.project.rebuild_consensus(by=self.adjudicator),
            lambda status: (self._show_consensus(status), self.load()),
        )

    def _show_consensus(self, status: Any) -> None:
        """One line: how far the consensus of the queue's codes has come."""
        self.unit = status.unit
        self.query_one("#queue-title", Static).update(self._title())
        codes = set(self.request.codes) or {c.code_id for c in status.codes}
        counts = {
            what: sum(getattr(c, what) for c in status.codes if c.code_id in codes)
            for what in ("agreed", "single", "decided", "reopened", "undecided", "stale")
        }
        parts: list[str | tuple[str, str]] = [("consensus: ", "bold")]
        for what, number in counts.items():
            if number or what in ("agreed", "undecided"):  # zeros elsewhere: room at 80 columns
                style = "bold $text-warning" if number and what in ("reopened", "stale") else ""
                parts += [(f"{number} {what}", style), " · "]
        key = self._key_display("rebuild") or "ctrl+r"
        parts.append((f"{key} rebuilds" if counts["stale"] else "up to date", "dim"))
        self.query_one("#consensus-line", Static).update(Content.assemble(*parts))

    def action_boundaries(self) -> None:
        """Show the boundary queue; back here, reload (a boundary decision settles units)."""
        from hrd_coder.tui.screens.adjudication_boundaries import BoundaryScreen

        screen = BoundaryScreen(self.project, self.request.codes, self.adjudicator)
        self.app.push_screen(screen, lambda _: self.load())

    def action_back(self) -> None:
        """Leave the reason box (restoring it), or close the queue."""
        box = self.query_one("#reason", Input)
        if box.has_focus:
            box.value = self._reason_before
            self.set_focus(None)
            return
        self.dismiss(None)
