"""Helpers for Pilot tests of the terminal app."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from hrd_coder.services import Project
from hrd_coder.services.records import CodingRecord


async def settle(pilot: Pilot) -> None:
    """Wait until every worker (and the workers they start) has finished."""
    for _ in range(20):
        await pilot.pause()
        running = [w for w in pilot.app.workers if not w.is_finished]
        if not running:
            await pilot.pause()
            if not [w for w in pilot.app.workers if not w.is_finished]:
                return
        await pilot.app.workers.wait_for_complete()
    raise AssertionError("workers did not settle")


async def wait_until(pilot: Pilot, done: Callable[[], bool], seconds: float = 20) -> None:
    """Let the app run until `done()` holds (a slow CI machine takes longer than ours)."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"not done within {seconds} s")
        await settle(pilot)
        await pilot.pause(0.05)


def stored_codings(root: Path, **filters: str) -> list[CodingRecord]:
    """Codings as a separate program reads them from the database."""
    with Project.open(root) as project:
        return project.codings(**filters)
