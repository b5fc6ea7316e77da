"""Write or change a memo: a soft-wrapped text area, saved with ctrl+s."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import TextArea

from hrd_coder.tui.dialogs.dialog import Dialog, KeyHint


class MemoDialog(Dialog[str]):
    """Edit a memo; dismisses with the new text ("" deletes the memo) or None if cancelled."""

    CSS_PATH = ["dialog.tcss", "memo.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Save the memo (an empty memo is deleted)",
            id="memo.save",
        ),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.memo_title = title
        self.initial_text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.memo_title
            dialog.border_subtitle = "saving an empty memo deletes it"
            yield TextArea(self.initial_text, soft_wrap=True, id="memo")
            yield KeyHint()

    def on_mount(self) -> None:
        """Put the cursor at the end, ready to add to the memo."""
        memo = self.query_one("#memo", TextArea)
        memo.focus()
        memo.move_cursor(memo.document.end)

    def action_save(self) -> None:
        """Dismiss with the text; blank text means the memo is to be deleted."""
        text = self.query_one("#memo", TextArea).text.rstrip()
        self.dismiss(text if text.strip() else "")
