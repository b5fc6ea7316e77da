"""The boundary queue of F6 (`B` there): passages every coder gave a code, each with another
extent. A key takes a coder's extent, the union or the intersection, and the consensus layer
then holds that extent there (the same service serves `hrd-coder adjudicate list
--unitizing`; see docs/agreement.md, "Boundaries")."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from hrd_coder.services import Project
from hrd_coder.services.records import Boundary
from hrd_coder.tui.dialogs.retrieval import plural
from hrd_coder.tui.screens.adjudication_item import HIGHLIGHT, LETTERS, ORDINALS, quotes
from hrd_coder.tui.screens.queue_steps import QueueSteps
from hrd_coder.tui.screens.service import ServiceScreen

CONTEXT = 80
"""Characters of context shown on each side of the coders' extents."""


def _choice_key(letter: str, number: int) -> Binding:
    return Binding(
        letter,
        f"choose({number})",
        f"Coder {number}",
        show=False,
        id=f"boundaries.choose_{number}",
        tooltip=f"Take the {ORDINALS[number - 1]} coder's extent (the letter beside each name)",
    )


class BoundaryScreen(QueueSteps, ServiceScreen):
    """Decide by key where each passage of the boundary queue starts and ends."""

    REFUSAL_ENDS_SCREEN = True
    ITEM = "boundary"
    HELP_TITLE = "Boundary keys"
    HELP_ABOUT = (
        "Passages every coder gave the code, each with another extent: a key takes a "
        "coder's extent, the union or the intersection, and the consensus holds it there."
    )

    CSS_PATH = "adjudication_boundaries.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(_choice_key(letter, number) for number, letter in enumerate(LETTERS, 1)),
        Binding(
            "u",
            "decide('union')",
            "Union",
            id="boundaries.union",
            tooltip="From the first coder's start to the last coder's end",
        ),
        Binding(
            "i",
            "decide('intersection')",
            "Intersection",
            id="boundaries.intersection",
            tooltip="Only the stretch every coder's extent covers",
        ),
        Binding(
            "x",
            "next_undecided",
            "Undecided",
            id="boundaries.next_undecided",
            tooltip="Jump to the next boundary not decided yet",
        ),
        Binding("right,j", "step(1)", "Next", show=False, id="boundaries.next", tooltip="Next"),
        Binding(
            "left,k", "step(-1)", "Previous", show=False, id="boundaries.previous", tooltip="Back"
        ),
        Binding(
            "v",
            "show_coder",
            "Highlight next coder",
            show=False,
            id="boundaries.show_coder",
            tooltip="Highlight the next coder's extent in the passage",
        ),
        Binding(
            "B,escape",
            "back",
            "Units",
            id="boundaries.back",
            tooltip="Back to the queue of units (boundary decisions are already saved)",
        ),
    ]

    def __init__(self, project: Project, codes: tuple[str, ...], adjudicator: str) -> None:
        super().__init__(project)
        self.codes = codes
        self.adjudicator = adjudicator
        self.items: list[Boundary] = []
        self.index = 0
        self.texts: dict[str, str] = {}
        self.shown_coder = 0
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static(f"Boundaries · by {self.adjudicator}", id="queue-title")
            yield Static("", id="progress")
            yield self.coder_name()
        yield Static("", id="item-line")
        with VerticalScroll(id="passage-box", can_focus=False):
            yield Static("loading the boundaries…", id="passage")
        yield Static("", id="extents")
        yield Static("", id="decision")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        """Load the queue in the background."""
        self.load()

    @property
    def current(self) -> Boundary | None:
        """The boundary on screen."""
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def load(self) -> None:
        """Find the boundaries (and their texts) in a worker."""

        def find() -> tuple[list[Boundary], dict[str, str]]:
            items = self.project.boundary_disagreements(self.codes)
            return items, {d: self.project.text_of(d) for d in {i.document_id for i in items}}

        def show(result: tuple[list[Boundary], dict[str, str]]) -> None:
            self.items, self.texts = result
            self.loaded = True
            following = self._undecided_after(-1)
            self.go_to(following if following is not None else 0)
            if self.items:
                self._status(
                    f"{plural(len(self.items), 'boundary', 'boundaries')} · the letter beside "
                    "a coder takes their extent · →/← next/previous"
                )

        self._service(find, show)

    # -- deciding ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A coder's key only for a coder of the boundary; the intersection only when the
        extents share a stretch."""
        if super().check_action(action, parameters) is False:
            return False
        item = self.current
        if action == "choose":
            number = int(parameters[0])  # type: ignore[call-overload]
            return bool(item and number <= len(item.extents))
        if action == "decide" and parameters == ("intersection",):
            return True if item and _common(item) else None
        if action in ("decide", "next_undecided", "step", "show_coder"):
            return True if item else None
        return True

    def action_choose(self, number: int) -> None:
        """Take the extent of the coder with this number."""
        item = self.current
        if item is not None:
            self.decide(list(item.extents)[number - 1])

    def action_decide(self, choice: str) -> None:
        """Take the union or the intersection."""
        self.decide(choice)

    def decide(self, choice: str) -> None:
        """Record the decision on the current boundary, then move to the next undecided."""
        item, index = self.current, self.index
        if item is None:
            return

        def record() -> tuple[int, int]:
            return self.project.decide_boundary(item, choice, adjudicator=self.adjudicator)

        def made(extent: tuple[int, int]) -> None:
            self.items[index] = dataclasses.replace(
                item, decision=choice, state="decided", chosen=extent
            )
            following = self._undecided_after(index)
            done = f"all {len(self.items)} decided" if following is None else "decided"
            self._status(
                f"{done}: {item.code_id} in {item.document_id} is {extent[0]}–{extent[1]} "
                f"({choice}) in the consensus"
            )
            self.go_to(index if following is None else following)

        self._service(record, made)

    # -- moving and reading ------------------------------------------------------------------

    def action_show_coder(self) -> None:
        """Highlight the next coder's extent."""
        item = self.current
        if item is not None:
            self.shown_coder = (self.shown_coder + 1) % len(item.extents)
            self.show_item()

    def action_back(self) -> None:
        """Back to the queue of units."""
        self.dismiss(None)

    def go_to(self, index: int) -> None:
        """Show the boundary at `index`, its first coder highlighted."""
        self.index, self.shown_coder = index, 0
        self.query_one("#passage-box", VerticalScroll).scroll_home(animate=False)
        self.show_item()

    def show_item(self) -> None:
        """Fill the screen from the current boundary."""
        self.refresh_bindings()
        decided = sum(1 for i in self.items if not i.open)
        self.query_one("#progress", Static).update(
            Content.styled(f"{decided} of {len(self.items)} decided", "bold")
        )
        item = self.current
        if item is None:
            if self.loaded:
                self.query_one("#passage", Static).update(
                    "No boundaries to decide: wherever every coder gave a code to a passage, "
                    "they gave it the same extent."
                )
            return
        code = self.project.codebook.code(item.code_id)
        case = f" · case {item.case_id}" if item.case_id else ""
        self.query_one("#item-line", Static).update(
            Content.assemble(
                (f"{self.index + 1} of {len(self.items)} · ", "bold"),
                (code.label if code else item.code_id, "bold $text-accent"),
                " · ",
                (item.document_id, "bold"),
                (f" {item.start}–{item.end}{case}", "dim"),
            )
        )
        self.query_one("#passage", Static).update(self._passage(item))
        self.query_one("#extents", Static).update(self._extents(item))
        self.query_one("#decision", Static).update(_decision(item))

    def _passage(self, item: Boundary) -> Content:
        """The region with some context, the highlighted coder's extent marked."""
        text = self.texts.get(item.document_id, "")
        coder = list(item.extents)[self.shown_coder]
        low, high = item.extents[coder]
        start, end = max(0, item.start - CONTEXT), min(len(text), item.end + CONTEXT)
        cuts = sorted({start, end, item.start, item.end, low, high})
        parts: list[str | tuple[str, str]] = [
            (f"{coder}'s extent highlighted (v: next coder)\n", "italic $text-muted"),
            "… " if start > 0 else "",
        ]
        for a, b in zip(cuts, cuts[1:], strict=False):
            inside = item.start <= a and b <= item.end
            style = HIGHLIGHT if low <= a and b <= high else ("" if inside else "dim")
            parts.append((text[a:b], style))
        parts.append(" …" if end < len(text) else "")
        return Content.assemble(*parts)

    def _extents(self, item: Boundary) -> Content:
        """A line per coder: the key that takes their extent, the extent, its ends quoted."""
        text = self.texts.get(item.document_id, "")
        parts: list[str | tuple[str, str] | Content] = []
        for number, (coder, (start, end)) in enumerate(item.extents.items(), 1):
            pointer = "▶" if number - 1 == self.shown_coder else " "
            parts += [
                "\n" if parts else "",
                (pointer, "$text-accent"),
                (f" {LETTERS[number - 1]} ", "bold reverse"),
                (f" {coder} ", "bold"),
                (f"{start}–{end} ({end - start} characters) ", "dim"),
                quotes(text, ((start, end),)),
            ]
        return Content.assemble(*parts)


def _common(item: Boundary) -> bool:
    return max(s for s, _ in item.extents.values()) < min(e for _, e in item.extents.values())


def _decision(item: Boundary) -> Content:
    if item.decision is None or item.chosen is None:
        return Content.styled("not decided yet", "italic $text-warning")
    where = f"{item.decision}: {item.chosen[0]}–{item.chosen[1]}"
    if item.state == "reopened":
        return Content.assemble(
            ("reopened: ", "bold $text-warning"),
            f"{where} was decided, then a coder changed an extent: decide again",
        )
    reason = f" — {item.reason}" if item.reason else ""
    return Content.assemble(("decided: ", "bold $text-success"), where, (reason, "italic"))
