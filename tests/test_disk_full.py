"""Exports when the disk fills: a message, exit 2, and nothing (or the old file) at the destination.

A small `ulimit -f` in a subprocess stands in for a full disk: with SIGXFSZ ignored, a write
past the limit fails with EFBIG as it would with ENOSPC. The database stays readable (its
files are not written by an export).
"""

from __future__ import annotations

import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from hrd_coder.services import Project
from tests.conftest import write

HRD_CODER = Path(sys.executable).with_name("hrd-coder")
LIMIT_KB = 64


def big_text() -> str:
    """About 200 KB that does not compress much (so the .qdpx grows past the limit too)."""
    rng = random.Random(20)
    words = ("".join(rng.choices(string.ascii_letters, k=8)) for _ in range(22_000))
    return " ".join(words) + "\n"


@pytest.fixture
def filled(mini_root, db_url):
    """The mini project with a long transcript coded from end to end."""
    text = big_text()
    write(mini_root / "transcripts" / "long.md", f"---\nid: long\ntitle: Long\n---\n{text}")
    with Project.open(mini_root, db_url) as project:
        project.import_files()
        length = len(project.text_of("long"))
        project.add_coding(
            document="long", code="reputational_costs", start=0, end=length, coder="lena"
        )
    return mini_root, db_url


def limited(root: Path, db_url: str | None, *args: str) -> subprocess.CompletedProcess:
    """Run hrd-coder with a file-size limit of LIMIT_KB kilobytes (SIGXFSZ ignored)."""
    options = ["--project", str(root), *(["--db", db_url] if db_url else [])]
    command = " ".join(f"'{a}'" for a in [str(HRD_CODER), *options, *args])
    return subprocess.run(
        ["bash", "-c", f"trap '' XFSZ; ulimit -f {LIMIT_KB}; exec {command}"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["export", "qdpx", "--out", "{out}/study.qdpx"],
        ["export", "codings", "--with-quotes", "--out", "{out}/codings.csv"],
        ["export", "codings", "--with-quotes", "--format", "json", "--out", "{out}/codings.json"],
    ],
    ids=["qdpx", "codings-csv", "codings-json"],
)
def test_a_full_disk_leaves_no_partial_file(filled, tmp_path, args):
    root, db_url = filled
    out = tmp_path / "out"
    out.mkdir()
    target = Path(args[-1].format(out=out))
    target.write_bytes(b"the previous export")
    result = limited(root, db_url, *(a.format(out=out) for a in args))
    assert result.returncode == 2, result.stderr
    assert f"error: {target}: could not write it (File too large" in result.stderr
    assert "ulimit -f" in result.stderr and "nothing was written there" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    # The old file is untouched, and no temporary file is left beside it.
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in out.iterdir()] == [target.name]


def test_the_same_export_without_the_limit_succeeds(filled, tmp_path):
    root, db_url = filled
    target = tmp_path / "study.qdpx"
    options = ["--project", str(root), *(["--db", db_url] if db_url else [])]
    result = subprocess.run(
        [str(HRD_CODER), *options, "export", "qdpx", "--out", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert target.stat().st_size > LIMIT_KB * 1024
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
