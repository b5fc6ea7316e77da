"""Crash safety: a coder's process killed (SIGKILL) mid-stream loses no acknowledged coding."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from collections import deque
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from sqlalchemy import select

from hrd_coder.services import Project
from hrd_coder.storage import tables
from tests.coding_writer import release, start_writer, wait_until_ready
from tests.postgres_server import PostgresServer

AHEAD = 3


def kill_while_writing(writer: subprocess.Popen[str], delay: float) -> list[str]:
    """Release a ready writer, SIGKILL it `delay` seconds after its first acknowledged
    coding (so that it dies mid-stream however busy the machine); the ids it acknowledged."""
    release(writer)
    first = writer.stdout.readline()
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    # Read on through the same buffered stream: `communicate` reads the pipe underneath
    # it, so lines `readline` had already buffered were lost and a line split across the
    # two reads came back as a bogus one ('' in CI, 2026-12-05).
    out, err = writer.stdout.read(), writer.stderr.read()
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL, err
    # Only whole lines count: a line cut short was never fully acknowledged.
    return [line for line in (first + out).splitlines(keepends=True) if line.endswith("\n")]


def crash_rounds(root: Path, url: str | None, rounds: int) -> Iterator[list[str]]:
    """Kill `rounds` writers one after the other, yielding the ids each acknowledged.

    A few writers start ahead of their turn, as starting Python takes longer than a round.
    """
    chosen = random.Random(6)
    waiting = deque(
        start_writer(root, url, f"coder{n}", 0, seed=n) for n in range(min(rounds, AHEAD))
    )
    try:
        for n in range(rounds):
            writer = waiting.popleft()
            if n + AHEAD < rounds:
                waiting.append(start_writer(root, url, f"coder{n + AHEAD}", 0, seed=n + AHEAD))
            wait_until_ready(writer)
            delay = chosen.uniform(0.0, 0.4)
            yield [line.strip() for line in kill_while_writing(writer, delay)]
    finally:
        for writer in waiting:  # only left over when a check failed
            writer.kill()
            writer.communicate()


def stored_coding_ids(root: Path, url: str | None) -> tuple[set[str], set[str]]:
    """The ids in the coding table, and those with a 'coding.add' event."""
    with Project.open(root, url) as project, project.database.reading() as conn:
        coding = tables.Coding.__table__
        event = tables.Event.__table__
        codings = set(conn.execute(select(coding.c.id)).scalars())
        added = select(event.c.entity_id).where(event.c.action == "coding.add")
        return codings, set(conn.execute(added).scalars())


def test_sqlite_keeps_every_acknowledged_coding_through_20_kills(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
        path = project.database.url.database
    for acknowledged in crash_rounds(mini_root, None, 20):
        assert acknowledged
        # The plain sqlite3 module, so that hrd_coder's own set-up cannot hide any damage.
        with closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        codings, added = stored_coding_ids(mini_root, None)
        assert set(acknowledged) <= codings
        assert set(acknowledged) <= added


def test_postgresql_keeps_every_acknowledged_coding_through_kills(
    mini_root: Path, postgres: PostgresServer
):
    url = postgres.new_database()
    with Project.open(mini_root, url) as project:
        project.import_files()
    for acknowledged in crash_rounds(mini_root, url, 3):
        assert acknowledged
        codings, added = stored_coding_ids(mini_root, url)
        assert set(acknowledged) <= codings
        assert set(acknowledged) <= added
