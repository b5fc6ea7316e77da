"""Keys typed while a document or dialog loads: held, then sent on in the order typed.

A screen holds the keys pressed while one of its service calls runs (applied at once, they
would act on what is about to be replaced). Once the call is done they are sent on, one at
a time, each when the app has done with the last: a key may close a dialog (Enter) or open
a document, and the next one must reach what is shown after it. Sent all at once, a key
after Enter would reach the closing dialog's search before Enter's binding ran (`ctrl+o`
`c02` Enter `]` would search for `c02]`). Keys typed while held ones are being sent on queue
behind them. The hold is the app's, not a screen's: sending on spans screens.
"""

from __future__ import annotations

import asyncio
import time

from textual.app import App
from textual.events import Key

NEVER_HELD = frozenset({"ctrl+q", "ctrl+c"})
"""Quitting is never held back behind a slow load."""

IDLE_CHECK = 0.02  # seconds: how often to look whether the app is still busy with a key
IDLE_CPU = 0.001  # seconds of CPU used in one check that still count as idle
MOST_PER_KEY = 0.5  # seconds: a key is sent on after this even if the app stays busy


class KeyHold:
    """The app's queue of held keys and whether they are being sent on."""

    def __init__(self) -> None:
        self._keys: list[tuple[str, str | None]] = []
        self._due = False  # the keys are being sent on (or are about to be)
        self._sending = False  # a key is on its way: a screen holding it puts it back first
        self._sent: list[Key] = []  # sent on and not yet arrived: the app lets them through

    def hold(self, event: Key) -> bool:
        """Hold `event` for a screen that is loading (unless it quits the app)."""
        if event.key in NEVER_HELD:
            return False
        event.stop()
        event.prevent_default()
        if self._sending:  # the key just sent on met a screen that began loading
            self._keys.insert(0, (event.key, event.character))
            self._due = False  # that load's end sends the rest on
        else:
            self._keys.append((event.key, event.character))
        return True

    def takes(self, event: Key) -> bool:
        """Whether the app holds `event` as it arrives: keys held earlier are being sent
        on, so this one, typed after them, queues behind them."""
        for index, sent in enumerate(self._sent):
            if sent is event:
                del self._sent[index]
                return False
        if not self._due or event.key in NEVER_HELD:
            return False
        event.stop()
        self._keys.append((event.key, event.character))
        return True

    def send_on_later(self, app: App) -> None:
        """Send the held keys on from the app's next refresh (a dialog just pushed is
        mounted and focused by then)."""
        if self._keys and not self._due:
            self._due = True
            app.call_after_refresh(app.run_worker, self._send_on(app), group="held keys")

    async def _send_on(self, app: App) -> None:
        while self._keys and self._due:
            event = Key(*self._keys.pop(0))
            self._sent.append(event)
            self._sending = True
            app.post_message(event)
            await _done_with_last_key()
            self._sending = False
        self._due = False


async def _done_with_last_key() -> None:
    """Wait until the app stops working on what the last key started (its CPU time stops
    growing: the same test Textual's Pilot uses between keys), at most MOST_PER_KEY."""
    start = time.monotonic()
    while time.monotonic() - start < MOST_PER_KEY:
        cpu = time.process_time()
        await asyncio.sleep(IDLE_CHECK)
        if time.process_time() - cpu < IDLE_CPU:
            return
