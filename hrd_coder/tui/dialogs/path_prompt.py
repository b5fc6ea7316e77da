"""Ask for the path of a file to import (a REFI-QDA `.qdpx` project or `.qdc` codebook)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from hrd_coder.safe_text import safe_text
from hrd_coder.tui.dialogs.dialog import Dialog, KeyHint


class PathPrompt(Dialog[Path]):
    """Ask for an existing file with one of the given suffixes; dismisses with its path."""

    CSS_PATH = ["dialog.tcss", "path_prompt.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "submit",
            "Import",
            tooltip="Import this file into the open project",
            id="path_prompt.submit",
        ),
    ]

    def __init__(self, title: str, about: str, suffixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prompt_title = title
        self.about = about
        self.suffixes = suffixes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.prompt_title
            yield Static(f"{self.about}\nRelative paths start from {Path.cwd()}.", id="about")
            yield Input(placeholder=f"path/to/file{self.suffixes[0]}", id="path")
            yield Static(id="error")
            yield KeyHint()

    @on(Input.Submitted, "#path")
    def action_submit(self) -> None:
        """Dismiss with the file's path if it exists and has a fitting suffix; else say why."""
        typed = self.query_one("#path", Input).value.strip()
        path = Path(typed).expanduser()
        if not typed:
            problem = "Type the path of the file to import."
        elif not path.is_file():
            problem = f"{path}: no such file; check the path."
        elif path.suffix.lower() not in self.suffixes:
            problem = f"{path.name}: expected a {' or '.join(self.suffixes)} file."
        else:
            self.dismiss(path)
            return
        self.query_one("#error", Static).update(Content(safe_text(problem)))  # never markup
        self.set_class(True, "-invalid")

    @on(Input.Changed, "#path")
    def _clear_error(self) -> None:
        self.query_one("#error", Static).update("")
        self.set_class(False, "-invalid")
