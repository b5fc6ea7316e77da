"""Exports are replaced whole (issue 21, item 6): a process killed while writing one leaves
the previous file as it was, and its temporary file is removed by the next export to the
same place; a write error (a file-size limit standing in for a full disk) leaves the old
file, says so, and exits 2.

The kill in the middle of a big export runs on SQLite only: what is tested is the export
file, which is the same whatever database the rows came from; the kill just before the
rename and the write errors run on both backends.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.whole_file import remove_left_behind, temporary_for
from hrd_coder.wording import plural
from tests import test_disk_full
from tests.conftest import write
from tests.test_disk_full import HRD_CODER, big_text, limited

filled = test_disk_full.filled  # the mini project with a 200 KB transcript coded whole

CODINGS = 60_000  # a CSV of about 20 MB with quotes: long enough to be killed mid-write


def options(root: Path, db_url: str | None) -> list[str]:
    return ["--project", str(root), *(["--db", db_url] if db_url else [])]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


@pytest.fixture
def big_project(mini_root: Path) -> Path:
    """The mini project with a long transcript and CODINGS codings on it (SQLite)."""
    write(mini_root / "transcripts" / "long.md", f"---\nid: long\ntitle: Long\n---\n{big_text()}")
    table = mini_root / "codings.csv"
    with Project.open(mini_root) as project:
        project.import_files()
        room = len(project.text_of("long")) - 300
        starts = ((n * 7) % room for n in range(CODINGS))
        rows = (f"long,lena,release,{s},{s + 50 + s % 200}" for s in starts)
        table.write_text("document,coder,code,start,end\n" + "\n".join(rows) + "\n")
        project.load_codings(table)
    return mini_root


def test_an_export_killed_mid_write_leaves_the_previous_file(
    big_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    target = out / "codings.csv"
    export = [str(HRD_CODER), *options(big_project, None), "export", "codings"]
    export += ["--with-quotes", "--out", str(target)]
    subprocess.run(export, check=True, capture_output=True, timeout=300)
    previous = digest(target)
    assert target.stat().st_size > 10_000_000

    with Project.open(big_project) as project:  # the next export will differ
        project.add_coding(document="long", code="mobilizing", start=0, end=9, coder="ana")
    writer = subprocess.Popen(export, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    partial = temporary_for(target, writer.pid)
    while writer.poll() is None and not (partial.exists() and partial.stat().st_size > 0):
        time.sleep(0.002)
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL, "the export ended before it could be killed"

    assert digest(target) == previous  # the old export, whole
    assert leftovers(out) == [partial.name]  # killed: it could not clean up
    done = subprocess.run(export, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert leftovers(out) == []  # the next export to this place removed it
    assert digest(target) != previous
    with target.open(encoding="utf-8") as table:
        assert sum(1 for _ in table) > CODINGS  # every row (quotes hold no line breaks)


KILL_AT_RENAME = """
import os, signal, sys
from hrd_coder.cli import main

os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # die before the rename
main(sys.argv[1:])
"""


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["export", "codings", "--format", "parquet"], "codings.parquet"),
        (["export", "cases", "--format", "stata", "--layer", "lena"], "cases.dta"),
        (["log", "--format", "csv"], "log.csv"),
        (["export", "qdpx"], "study.qdpx"),
    ],
    ids=["codings-parquet", "cases-stata", "log-csv", "qdpx"],
)
def test_a_kill_just_before_the_rename_leaves_the_old_file(
    filled, tmp_path: Path, args: list[str], name: str
) -> None:
    root, db_url = filled
    target = tmp_path / name
    target.write_bytes(b"the previous export")
    command = [*options(root, db_url), *args, "--out", str(target)]
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_RENAME, *command], capture_output=True, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert target.read_bytes() == b"the previous export"
    assert len(leftovers(tmp_path)) >= 1  # the finished temporary file, never renamed
    again = subprocess.run([str(HRD_CODER), *command], capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert leftovers(tmp_path) == []
    assert target.read_bytes() != b"the previous export"


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--format", "csv", "--out", "{out}/audit.csv"],
        ["log", "--format", "json", "--out", "{out}/audit.json"],
        ["export", "codings", "--with-quotes", "--format", "parquet", "--out", "{out}/c.parquet"],
        ["export", "codings", "--with-quotes", "--format", "stata", "--out", "{out}/c.dta"],
    ],
    ids=["log-csv", "log-json", "codings-parquet", "codings-stata"],
)
def test_a_write_error_leaves_the_old_file_and_says_so(filled, tmp_path: Path, args) -> None:
    root, db_url = filled
    out = tmp_path / "out"
    out.mkdir()
    target = Path(args[-1].format(out=out))
    target.write_bytes(b"the previous export")
    result = limited(root, db_url, *(a.format(out=out) for a in args))
    assert result.returncode == 2, result.stderr
    assert f"error: {target}: could not write it (" in result.stderr
    assert "File too large" in result.stderr and "ulimit -f" in result.stderr
    assert "nothing was written there" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in out.iterdir()] == [target.name]


def test_the_log_export_holds_every_event(filled, tmp_path: Path) -> None:
    root, db_url = filled
    target = tmp_path / "audit.json"
    result = subprocess.run(
        [str(HRD_CODER), *options(root, db_url), "log", "--format", "json", "--out", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    events = json.loads(target.read_text(encoding="utf-8"))
    assert result.stdout.strip() == f"wrote {plural(len(events), 'event')} to {target}"
    assert [e["action"] for e in events if e["entity"] == "coding"] == ["coding.add"]
    table = subprocess.run(
        [str(HRD_CODER), *options(root, db_url), "log", "--out", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
    )
    assert table.returncode == 2 and "add --format csv or --format json" in table.stderr


def test_only_the_leftovers_of_dead_writers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "codings.csv"
    dead = subprocess.Popen(["true"])  # a process that is gone: its pid names no writer
    dead.wait()
    alive = subprocess.Popen(["sleep", "30"])
    try:
        files = {
            "dead": temporary_for(target, dead.pid),
            "alive": temporary_for(target, alive.pid),
            "mine": temporary_for(target, os.getpid()),
            "other file": temporary_for(tmp_path / "matrix.csv", dead.pid),
            "not ours": tmp_path / ".codings.csv.backup.partial",
        }
        for path in files.values():
            path.write_text("x")
        assert remove_left_behind(target) == [files["dead"]]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            p.name for key, p in files.items() if key != "dead"
        )
    finally:
        alive.kill()
        alive.wait()
