"""Ask who is coding: the name every coding is saved under."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from hrd_coder.problems import ProjectError
from hrd_coder.safe_text import safe_text
from hrd_coder.services import Project
from hrd_coder.tui.dialogs.dialog import Dialog, KeyHint


class CoderPrompt(Dialog[str]):
    """Ask for the coder's name; dismisses with a valid name, or None to quit."""

    CSS_PATH = ["dialog.tcss", "coder_prompt.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Quit",
            tooltip="Quit without coding",
            id="dialog.cancel",
        ),
        Binding(
            "enter",
            "submit",
            "Continue",
            tooltip="Start coding under this name",
            id="coder_prompt.submit",
        ),
    ]

    def __init__(self, suggestion: str | None = None) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Who is coding?"
            yield Static(
                "Your codings are saved under this name, and it is remembered for this project.",
                id="about",
            )
            yield Input(self.suggestion or "", placeholder="Your name, e.g. lena", id="name")
            yield Static(id="error")
            yield KeyHint()

    @on(Input.Submitted, "#name")
    def action_submit(self) -> None:
        """Dismiss with the name if it is valid; otherwise say why under the Input."""
        name = self.query_one("#name", Input).value.strip()
        try:
            self.dismiss(Project.check_coder_name(name))
        except ProjectError as error:
            self.query_one("#error", Static).update(Content(safe_text(error)))  # never markup
            self.set_class(True, "-invalid")

    @on(Input.Changed, "#name")
    def _clear_error(self) -> None:
        self.query_one("#error", Static).update("")
        self.set_class(False, "-invalid")
