"""A long import never locks coders out (issue 21, item 2).

One process re-imports a document whose text changed and which carries 30,000 codings (the
import re-anchors every one of them in its single write transaction); meanwhile a coder's
process adds a coding every 50 ms. On SQLite the coder's busy timeout is cut to 100 ms, so
its writes find the database locked many times over: each must wait its turn and succeed,
and every coding it was told was saved must be in the database afterwards. On PostgreSQL
the import holds row locks only, and the same must hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_reanchor_lock import build, measure
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.storage import database as storage

CODINGS = 30_000


def test_coders_writes_queue_behind_a_long_import_and_all_succeed(
    tmp_path: Path, db_url: str | None
) -> None:
    build(tmp_path, db_url, CODINGS)
    seen = measure(tmp_path, db_url, pause=0.05, coder_busy_ms=100)

    assert seen["import_exit"] == 0, seen["import_stderr"]
    assert seen["coder_failed"] == 0, seen["first_failure"]
    assert seen["coder_acknowledged"] >= 10
    assert seen["acknowledged_missing"] == 0
    if db_url is None:  # the coder really was held up, past its busy timeout
        assert seen["coder_wait_max_s"] > 0.1
    with Project.open(tmp_path, db_url) as project:
        moved = project.codings(document="int01")
        assert len(moved) == CODINGS
        text = project.document("int01").text
        assert all(text[c.start : c.end] == c.quote for c in moved[:: CODINGS // 100])


def test_a_database_still_locked_after_the_wait_is_a_plain_message(
    mini_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(mini_root) as project:
        project.import_files()
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(storage, "WRITE_WAIT_SECONDS", 0.5)
    with Project.open(mini_root) as holder, Project.open(mini_root) as coder:
        with holder.database.writing(), pytest.raises(ProjectError) as refused:
            coder.add_coding(
                document="int01", code="reputational_costs", start=0, end=5, coder="lena"
            )
        assert coder.codings() == []  # and nothing half-written once the lock is gone
    assert "the project database is busy" in str(refused.value)
    assert "changed nothing" in str(refused.value)
