"""The keys of the app: every binding with its id, for remapping in the keys file."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from hrd_coder.tui.dialogs.dialog import Dialog, KeyHint
from hrd_coder.tui.dialogs.table import cell, flexible_width

KEYS_FILE = ".hrd_coder/keys.yaml"
MAX_KEYS = 18
"""Widest the keys column gets, so the descriptions keep some room."""

REMAP = Content.assemble(
    "To change a key, map the binding id to new keys in ",
    (KEYS_FILE, "bold"),
    " in the project folder, one per line, e.g. ",
    ("coding.undo: ctrl+u", "bold"),
    ".",
)


class HelpScreen(Dialog[None]):
    """List every key binding (keys, what it does, binding id) and how to remap them."""

    CSS_PATH = ["dialog.tcss", "help.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark",
            "close",
            "Close",
            tooltip="Close the list of keys",
            id="help.close",
        ),
    ]

    def __init__(
        self, rows: list[tuple[str, str, str]], title: str = "Keys", about: str = ""
    ) -> None:
        super().__init__()
        self.rows = rows
        self.help_title = title
        self.about = about  # what the screen is for, before how to remap its keys

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.help_title
            yield Static(
                Content.assemble(f"{self.about} " if self.about else "", REMAP), id="about"
            )
            yield DataTable(cursor_type="row", zebra_stripes=True, id="keys")
            yield KeyHint()

    def action_close(self) -> None:
        """Close the list of keys."""
        self.dismiss(None)

    def on_mount(self) -> None:
        """Fill the table once its width is known."""
        self.query_one("#keys", DataTable).focus()
        self.call_after_refresh(self.fill_table)

    def on_resize(self) -> None:
        """Fit the descriptions to the new width."""
        self.call_after_refresh(self.fill_table)

    def fill_table(self) -> None:
        """One row per binding; the ids are never cut, the descriptions are if they must be."""
        table = self.query_one("#keys", DataTable)
        keys_width = min(max([len("Keys"), *(len(keys) for keys, _, _ in self.rows)]), MAX_KEYS)
        id_width = max([len("Binding id"), *(len(binding_id) for _, _, binding_id in self.rows)])
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column("Keys", width=keys_width)
        table.add_column("Action", width=flexible_width(table, (keys_width, id_width)))
        table.add_column("Binding id", width=id_width)
        for keys, description, binding_id in self.rows:
            table.add_row(cell(keys, "bold"), cell(description), cell(binding_id))
        table.move_cursor(row=cursor)
