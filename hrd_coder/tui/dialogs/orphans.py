"""The review list: codings whose text is gone from a changed document, to re-place or drop."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hrd_coder.services.records import OrphanRecord
from hrd_coder.tui.dialogs.dialog import Dialog, KeyHint
from hrd_coder.tui.dialogs.retrieval import collapse, head, plural
from hrd_coder.tui.keys import key

GO, PLACE, DISCARD = "go", "place", "discard"


class OrphansDialog(Dialog[tuple[str, OrphanRecord]]):
    """Orphaned codings; dismisses with what to do ('go', 'place', 'discard') and which."""

    CSS_PATH = ["dialog.tcss", "orphans.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        key(
            "enter",
            "choose('go')",
            "Go to document",
            "orphans.go",
            show=True,
            tooltip="Open the orphan's document where its text used to be",
        ),
        key(
            "r",
            "choose('place')",
            "Re-place at selection",
            "orphans.place",
            show=True,
            tooltip="Restore the highlighted orphan on the text selected in the document",
        ),
        key(
            "x",
            "choose('discard')",
            "Discard",
            "orphans.discard",
            show=True,
            tooltip="Drop the highlighted orphan (the event log keeps it whole)",
        ),
    ]

    def __init__(
        self,
        orphans: list[OrphanRecord],
        document_id: str | None,
        selection: tuple[int, int] | None,
        selected_text: str = "",
    ) -> None:
        super().__init__()
        self.orphans = orphans
        self.document_id = document_id
        self.selection = selection
        self.selected_text = selected_text
        self._index = 0  # kept from the list's messages: bindings are checked before mount

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Orphaned codings"
            yield Static(self._summary(), id="summary")
            yield OptionList(*(Option(self._entry(o)) for o in self.orphans), id="choices")
            yield KeyHint()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Re-placing needs a selection in the orphan's own document (else it is greyed)."""
        if action == "choose" and parameters == (PLACE,):
            orphan = self._highlighted()
            if orphan is None or orphan.document_id != self.document_id or not self.selection:
                return None
        return True

    def action_choose(self, what: str) -> None:
        """Dismiss with the action and the highlighted orphan."""
        orphan = self._highlighted()
        if orphan is not None:
            self.dismiss((what, orphan))

    @on(OptionList.OptionHighlighted, "#choices")
    def _highlight_moved(self, event: OptionList.OptionHighlighted) -> None:
        self._index = event.option_index
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self) -> None:
        self.action_choose(GO)

    def _highlighted(self) -> OrphanRecord | None:
        return self.orphans[self._index] if self._index < len(self.orphans) else None

    def _summary(self) -> Content:
        """How many wait, and what `r` would do now."""
        if not self.orphans:
            return Content("No orphaned codings: every coding of yours found its text.")
        where = (
            Content.assemble(
                "r re-places the highlighted one on ",
                (f'"{head(collapse(self.selected_text), 40)}"', "bold"),
                f" [{self.selection[0]}, {self.selection[1]}) of {self.document_id}",
            )
            if self.selection
            else Content("Enter opens its document; select the new place, then come back (F8).")
        )
        count = plural(len(self.orphans), "orphaned coding")
        verb = "waits" if len(self.orphans) == 1 else "wait"
        return Content("\n").join([Content(f"{count} of yours {verb} for review."), where])

    def _entry(self, orphan: OrphanRecord) -> Content:
        """Document, code and old position over the quote, and why it was orphaned."""
        heading = Content.assemble(
            (orphan.document_id, "bold $text-accent"),
            "  ",
            (orphan.code_id, "bold"),
            f"  was at [{orphan.old_start}, {orphan.old_end})",
        )
        quote = Content.assemble(("“", "dim"), head(collapse(orphan.quote), 200), ("”", "dim"))
        return Content("\n").join([heading, quote, Content.styled(orphan.reason, "dim italic")])
