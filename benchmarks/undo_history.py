"""How long undo and redo take when a coder's event log is long.

    python benchmarks/undo_history.py [--events 50000] [--db URL]

Copies the bundled demo project to a temporary folder, adds one coding, appends that many
'coding.update' events for the coder (and as many for a second coder), then times
rebuilding the stacks, one undo and one redo. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hrd_coder.services import Project
from hrd_coder.services.history import stacks
from hrd_coder.storage import tables

REPO = Path(__file__).resolve().parent.parent


def timed(label: str, work: Callable[[], object]) -> None:
    started = time.perf_counter()
    work()
    print(f"{label}: {(time.perf_counter() - started) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000, help="events per coder")
    parser.add_argument("--db", help="database URL (default: SQLite in the project)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copy(REPO / "codebook.yaml", root)
        for part in ("cases", "transcripts"):
            shutil.copytree(REPO / part, root / part)
        with Project.open(root, args.db) as project:
            project.import_files()
            document = project.documents("transcript")[0].id
            code = project.codebook.codes[0].id
            coding = project.add_coding(
                document=document, code=code, start=0, end=10, coder="lena"
            ).as_json()
            events = [
                {
                    "at": tables.utc_now(),
                    "coder": coder,
                    "action": "coding.update",
                    "entity": "coding",
                    "entity_id": coding["id"],
                    "before": coding,
                    "after": coding,
                }
                for _ in range(args.events)
                for coder in ("lena", "tomas")
            ]
            with project.database.writing() as conn:
                conn.execute(tables.Event.__table__.insert(), events)
            print(f"{len(events) + 1} coding events, {args.events + 1} of them by lena")
            with project.database.reading() as conn:
                timed("rebuild lena's stacks", lambda: stacks(conn, "lena"))
            timed("undo", lambda: project.undo("lena"))
            timed("redo", lambda: project.redo("lena"))


if __name__ == "__main__":
    main()
