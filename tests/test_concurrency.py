"""Several coders at once: 8 processes x 500 codings on one database, on both backends."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from hrd_coder.services import Project
from hrd_coder.storage import tables
from tests.coding_writer import release, start_writer, wait_until_ready
from tests.conftest import reopen

CODERS = 8
CODINGS_EACH = 500


def test_eight_coders_at_once_lose_nothing(mini_root: Path, db_url: str | None):
    with Project.open(mini_root, db_url) as project:
        project.import_files()
    began = time.monotonic()
    writers = [
        start_writer(mini_root, db_url, f"coder{n}", CODINGS_EACH, seed=n) for n in range(CODERS)
    ]
    for writer in writers:
        wait_until_ready(writer)
    ready = time.monotonic()
    for writer in writers:
        release(writer)
    acknowledged: dict[str, list[str]] = {}
    for n, writer in enumerate(writers):
        out, err = writer.communicate(timeout=300)
        assert (writer.returncode, err) == (0, "")  # no "database is locked", no error at all
        acknowledged[f"coder{n}"] = out.split()
    done = time.monotonic()
    print(f"\n{CODERS} writers started in {ready - began:.1f} s, wrote in {done - ready:.1f} s")

    with Project.open(mini_root, db_url) as project, project.database.reading() as conn:
        coding = tables.Coding.__table__
        event = tables.Event.__table__
        stored = conn.execute(select(coding.c.id, coding.c.coder)).all()
        added = Counter(
            conn.execute(select(event.c.entity_id).where(event.c.action == "coding.add")).scalars()
        )
    assert len(stored) == CODERS * CODINGS_EACH
    by_coder = {name: {i for i, c in stored if c == name} for name in acknowledged}
    for name, ids in acknowledged.items():
        assert len(ids) == CODINGS_EACH
        assert set(ids) == by_coder[name]
    assert set(added) == {i for i, _ in stored}
    assert set(added.values()) == {1}


def test_a_new_coder_in_two_windows_at_once(mini: Project) -> None:
    """Both windows see no coder row, both insert it: the second waits on the first's
    uncommitted row (PostgreSQL's unique index; SQLite's write lock) and then must not fail."""
    import threading

    from hrd_coder.storage.codings import ensure_coder

    first_inserted, release_first = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first_window() -> None:
        try:
            with mini.database.writing() as conn:
                ensure_coder(conn, "nadia")
                first_inserted.set()
                release_first.wait(10)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
            first_inserted.set()

    second = reopen(mini)
    window = threading.Thread(target=first_window)
    window.start()
    assert first_inserted.wait(10)
    result: list[object] = []
    adder = threading.Thread(
        target=lambda: result.append(
            second.add_coding(document="int01", code="release", start=0, end=5, coder="nadia")
        )
    )
    adder.start()
    adder.join(0.5)  # blocked behind the first window's transaction
    release_first.set()
    window.join(10)
    adder.join(20)
    second.close()
    assert not failures
    assert len(result) == 1, "the second window's first coding failed"
    assert [c.coder for c in mini.codings(coder="nadia")] == ["nadia"]
