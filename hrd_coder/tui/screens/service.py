"""The base of every screen that talks to the project: service calls in a worker thread
(one at a time, never a traceback), a status line, and `?` help listing every key."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Static

from hrd_coder.problems import AccessRefused, InvalidInput, ProjectError, StaleDocument
from hrd_coder.safe_text import safe_text
from hrd_coder.services import Project
from hrd_coder.tui.key_hold import KeyHold
from hrd_coder.tui.keys import key
from hrd_coder.tui.widgets.coder_name import CoderName

"""Quitting is never held back behind a slow call."""

KEY_NAMES = {
    "full_stop": ".",
    "equals_sign": "=",
    "question_mark": "?",
    "plus": "+",
    "minus": "-",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
    "right_parenthesis": ")",
    "left_parenthesis": "(",
}


STILL_ACT_WHEN_REFUSED = frozenset({"help", "back", "command_palette", "quit"})


def key_hold(app: Any) -> KeyHold:
    """The app's key hold (a screen shown by another app gets one of its own)."""
    if not isinstance(getattr(app, "key_hold", None), KeyHold):
        app.key_hold = KeyHold()
    return app.key_hold


class ServiceScreen(Screen):
    """A screen that calls the project's services in a worker thread, one call at a time."""

    BINDINGS = [
        key(
            "question_mark",
            "help",
            "Help",
            "screen.help",
            show=True,
            tooltip="Every key, with the id to remap it",
        )
    ]

    REFUSAL_ENDS_SCREEN = False
    """Whether a refused request leaves the screen nothing to do (see `_refused`)."""
    HELP_TITLE = "Keys"
    HELP_ABOUT = ""
    """What the screen is for, in a sentence: the first words of its `?` help."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self._lock = threading.Lock()
        self._busy = 0  # service calls started and not yet finished
        self.refused = False  # the viewer may not use this screen (see `_refused`)

    def _service(self, call: Callable[[], Any], done: Callable[[Any], Any]) -> None:
        """Run `call` off the screen's thread, then `done` with its result on it. Keys
        pressed meanwhile are held (see `_held`) and replayed once `done` has run, so they
        reach the document or dialog the user sees then, in the order they were typed."""
        self._busy += 1
        self._run_service(call, done)

    @work(thread=True, group="service")
    def _run_service(self, call: Callable[[], Any], done: Callable[[Any], Any]) -> None:
        with self._lock:
            try:
                result = call()
            except StaleDocument as error:
                self.app.call_from_thread(self._finish, self._text_changed, error)
                return
            except AccessRefused as error:
                self.app.call_from_thread(self._finish, self._refused, str(error))
                return
            except (ProjectError, InvalidInput) as error:
                self.app.call_from_thread(self._finish, self._failed, str(error))
                return
            except Exception as error:  # noqa: BLE001 - the user sees it, never a traceback
                message = f"{type(error).__name__}: {error}"
                self.app.call_from_thread(self._finish, self._failed, message)
                return
            self.app.call_from_thread(self._finish, done, result)

    async def _finish(self, then: Callable[[Any], Any], value: Any) -> None:
        try:
            outcome = then(value)
            if inspect.isawaitable(outcome):
                await outcome
        finally:
            self._busy -= 1
            if not self._busy:
                key_hold(self.app).send_on_later(self.app)

    def _held(self, event: Key) -> bool:
        """Hold a key pressed while a service call runs (a document or dialog loading):
        applied now, it would act on what is about to be replaced."""
        return bool(self._busy) and key_hold(self.app).hold(event)

    def coder_name(self) -> CoderName:
        """Who is coding (the project's viewer), for the right of the screen's title bar."""
        return CoderName(self.project.viewer)

    def _text_changed(self, error: StaleDocument) -> None:
        """A write was refused because its document was re-imported (the coding screen
        reloads the document; elsewhere it is reported like any refusal)."""
        self._failed(str(error))

    def _refused(self, message: str) -> None:
        """The viewer may not do this here (role, blind coding). On a screen that exists
        only for what was refused (agreement, adjudication), it then offers only the keys
        that still act (help, leaving), not ones that would be refused too."""
        self.refused = self.REFUSAL_ENDS_SCREEN
        self._failed(message)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once refused, hide every key but help and leaving (see `_refused`)."""
        return not self.refused or action in STILL_ACT_WHEN_REFUSED

    def _failed(self, message: str) -> None:
        self.notify(message, title="Not done", severity="error", timeout=8)
        self._not_done(message)

    def _not_done(self, message: str) -> None:
        """The status line's word on a request not done (a screen that shows the whole
        message in a panel says it there, with no notification over it)."""
        self._status(f"not done: {message.splitlines()[0]}")

    def _status(self, text: str | Content) -> None:
        shown = text if isinstance(text, Content) else Content(safe_text(text))  # never markup
        self.query_one("#status-line", Static).update(shown)

    def help_rows(self) -> list[tuple[str, str, str]]:
        """(keys, what it does, binding id) for every key this screen offers, as mapped."""
        keymap = getattr(self.app, "_keymap", {}) or {}
        rows, seen = [], set()
        for _node, binding, _enabled, _tooltip in self.active_bindings.values():
            if binding.id and binding.id not in seen and binding.id != "screen.help":
                seen.add(binding.id)
                keys = keymap.get(binding.id, binding.key)
                rows.append(
                    (display_keys(keys), binding.tooltip or binding.description, binding.id)
                )
        return rows

    def action_help(self) -> None:
        """Show every key with what it does and its id."""
        from hrd_coder.tui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen(self.help_rows(), self.HELP_TITLE, self.HELP_ABOUT))


def display_keys(keys: str) -> str:
    """Key names as people type them: `]` rather than right_square_bracket."""
    return ", ".join(KEY_NAMES.get(k, k) for k in keys.split(","))


def binding_ids(*owners: type) -> set[str]:
    """The binding ids declared on some classes (for checking a keys file)."""
    ids = set()
    for owner in owners:
        for cls in owner.__mro__:
            ids.update(
                b.id for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding) and b.id
            )
    return ids
