"""What every dialog shares: Escape cancels, arrow keys reach the list, a line of key hints."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal dialog that dismisses with its result, or with None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close this dialog without choosing anything",
            id="dialog.cancel",
        ),
    ]

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)


class ListDialog(Dialog[ResultType]):
    """A dialog with a filter Input over a list (`#choices`): arrow keys move the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up",
            "move('cursor_up')",
            "Previous",
            show=False,
            tooltip="Highlight the previous row",
            id="dialog.previous",
        ),
        Binding(
            "down",
            "move('cursor_down')",
            "Next",
            show=False,
            tooltip="Highlight the next row",
            id="dialog.next",
        ),
        Binding(
            "pageup",
            "move('page_up')",
            "Page up",
            show=False,
            tooltip="Move the highlight up a page",
            id="dialog.page_up",
        ),
        Binding(
            "pagedown",
            "move('page_down')",
            "Page down",
            show=False,
            tooltip="Move the highlight down a page",
            id="dialog.page_down",
        ),
    ]

    def action_move(self, motion: str) -> None:
        """Move the list's highlight while the focus stays in the filter Input."""
        getattr(self.query_one("#choices"), f"action_{motion}")()


class KeyHint(Static):
    """One line naming the dialog's own keys, as the user's keymap has bound them."""

    def on_mount(self) -> None:
        """Describe the keys once the screen's bindings (with the keymap applied) are known."""
        self.update(self.describe())

    def describe(self) -> Content:
        """Keys grouped by action, e.g. `^s Save  esc Cancel`."""
        keys_by_action: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if active.node is not self.screen or not binding.show:
                continue
            keys_by_action.setdefault(binding.action, []).append(self.app.get_key_display(binding))
            descriptions[binding.action] = binding.description
        parts: list[str | tuple[str, str]] = []
        # Cancel goes last: it is the same key in every dialog, the others are what is new.
        for action, keys in sorted(keys_by_action.items(), key=lambda item: item[0] == "cancel"):
            if parts:
                parts.append("  ")
            parts.extend([("/".join(keys), "bold"), f" {descriptions[action]}"])
        return Content.assemble(*parts)
