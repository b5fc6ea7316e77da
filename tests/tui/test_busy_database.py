"""A coding pressed while another program holds the write lock (issue 21, item 2).

The workbench's write waits its turn past the busy timeout (cut to 100 ms here, held for
1.5 s), says why nothing happens yet, and is then saved: never "database is locked".
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.storage import database as storage
from hrd_coder.tui.app import CoderApp
from tests.tui.helpers import settle, stored_codings
from tests.tui.test_stale_text import select_passage

SIZE = (100, 30)


@pytest.fixture
def imported(mini_root: Path) -> Path:
    with Project.open(mini_root) as project:
        project.import_files()
    return mini_root


def hold_the_write_lock(root: Path, seconds: float, held: threading.Event) -> None:
    """What a long import does to SQLite: one write transaction that lasts."""
    with Project.open(root) as other, other.database.writing():
        held.set()
        time.sleep(seconds)


async def test_a_coding_waits_for_a_long_write_and_is_saved(imported, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 100)
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await select_passage(pilot)
        held = threading.Event()
        holder = threading.Thread(target=hold_the_write_lock, args=(imported, 1.5, held))
        holder.start()
        assert held.wait(10)
        await pilot.press("r")
        await settle(pilot)
        holder.join()
        await settle(pilot)
        status = str(app.screen.query_one("#status-line").render())
        assert status.startswith("saved: reputational_costs"), status
        messages = [n.message for n in app._notifications]
        assert any("The project is busy" in m for m in messages), messages
        assert not any("locked" in m for m in messages), messages
    assert len(stored_codings(imported)) == 1
