"""A coder in a separate process, for the concurrency and crash-safety tests.

    python tests/coding_writer.py ROOT URL CODER COUNT SEED

Opens the project (URL "-" means the project's own SQLite file), prints "ready", waits for
a line on stdin (so that several writers start together), then adds COUNT codings to
`int01` (0: until killed) with spans drawn from SEED, printing each coding's id as soon as
`add_coding` has returned: a printed id is one the database acknowledged.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from hrd_coder.services import Project

CODES = ("reputational_costs", "mobilizing", "mobilizing.ngos")


def start_writer(
    root: Path, url: str | None, coder: str, count: int, seed: int
) -> subprocess.Popen[str]:
    """Start this script in a new process (it waits for `release` before writing)."""
    return subprocess.Popen(
        [sys.executable, __file__, str(root), url or "-", coder, str(count), str(seed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_ready(writer: subprocess.Popen[str]) -> None:
    """Wait until a writer has opened the project."""
    ready = writer.stdout.readline()
    if ready != "ready\n":
        raise AssertionError(f"a writer did not start: {ready}{writer.communicate()[1]}")


def release(writer: subprocess.Popen[str]) -> None:
    """Let a ready writer start writing."""
    writer.stdin.write("go\n")
    writer.stdin.flush()


def write_codings(root: str, url: str | None, coder: str, count: int, seed: int) -> None:
    """Add codings one transaction at a time, acknowledging each on stdout."""
    chosen = random.Random(seed)
    with Project.open(root, url) as project:
        length = len(project.text_of("int01"))
        print("ready", flush=True)
        if not sys.stdin.readline():
            return  # the test went away without releasing us
        written = 0
        while count == 0 or written < count:
            start = chosen.randrange(length - 1)
            coding = project.add_coding(
                document="int01",
                code=chosen.choice(CODES),
                start=start,
                end=chosen.randint(start + 1, min(length, start + 80)),
                coder=coder,
                case=chosen.choice(("c01", "c02", None)),
            )
            # One write per id (print writes the id and its newline apart when unbuffered).
            sys.stdout.write(f"{coding.id}\n")
            sys.stdout.flush()
            written += 1


if __name__ == "__main__":
    root, url, coder, count, seed = sys.argv[1:]
    write_codings(root, None if url == "-" else url, coder, int(count), int(seed))
