"""Does a long re-anchoring import lock coders out? (issue 21, item 2)

    python benchmarks/bench_reanchor_lock.py [--codings 100000] [--db URL]

Copies the demo project to a temporary folder, grows int01 to 20,000 extra lines, gives it
that many codings (inserted directly, as a long-running team project would have made them),
then inserts a paragraph at the top of int01 and runs `hrd-coder import` in one process,
which re-anchors every coding, while a second process (a coder) adds a coding to int02
every 0.2 s through `Project.add_coding`, as `hrd-coder codings add` does. Reports how long
the import took, how long the import's one write transaction held the lock, how long each
coder write waited, and whether any failed; then checks that every acknowledged coding is in
the database. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINES = 20_000

# The coder: add a coding every `pause` seconds until the stop file appears; one JSON line
# per attempt (what was acknowledged, how long it waited, or the error it got).
CODER = """
import json, sys, time
from pathlib import Path
from hrd_coder.services import Project
from hrd_coder.storage import database
root, db, stop, pause = sys.argv[1], sys.argv[2] or None, Path(sys.argv[3]), float(sys.argv[4])
if sys.argv[5]:  # a short busy timeout: the coder's waits go past it many times
    database.BUSY_TIMEOUT_MS = int(sys.argv[5])
project = Project.open(root, db)
print(json.dumps({"ready": True}), flush=True)
n = 0
while not stop.exists():
    started = time.perf_counter()
    try:
        coding = project.add_coding(
            document="int02", code="reputational_costs", start=n % 500, end=n % 500 + 5,
            coder="coder_b")
        row = {"id": coding.id}
    except Exception as error:
        row = {"error": f"{type(error).__name__}: {error}"}
    row["wait"] = time.perf_counter() - started
    print(json.dumps(row), flush=True)
    n += 1
    time.sleep(pause)
"""


def build(root: Path, db: str | None, codings: int) -> None:
    """The demo project, int01 grown to LINES extra lines carrying `codings` codings."""
    from hrd_coder.services import Project
    from hrd_coder.storage import tables

    shutil.copy(REPO / "codebook.yaml", root)
    for part in ("cases", "transcripts"):
        shutil.copytree(REPO / part, root / part)
    grown = root / "transcripts" / "int01.md"
    lines = [f"OFFICIAL: line {n:05d} of the long interview, said once.\n" for n in range(LINES)]
    grown.write_text(grown.read_text() + "\n" + "".join(lines))
    with Project.open(root, db) as project:
        project.import_files()
        first = project.add_coding(
            document="int01", code="reputational_costs", start=0, end=5, coder="coder_a"
        )
        text = project.document("int01").text
        base = text.index("OFFICIAL: line 00000")
        width = len(lines[0])
        now = tables.utc_now()
        rows = []
        for n in range(codings - 1):
            start = base + (n % LINES) * width + (n // LINES) % 5 * 8
            rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "document_id": "int01",
                    "coder": "coder_a",
                    "code_id": first.code_id,
                    "start": start,
                    "end": start + 20,
                    "quote": text[start : start + 20],
                    "prefix": text[max(0, start - 40) : start],
                    "suffix": text[start + 20 : start + 60],
                    "case_id": None,
                    "memo": None,
                    "codebook_hash": first.codebook_hash,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with project.database.writing() as conn:
            conn.execute(tables.Coding.__table__.insert(), rows)
    body = grown.read_text()
    cut = body.index("INTERVIEWER:")
    grown.write_text(body[:cut] + "INTERVIEWER: A paragraph added at the top.\n\n" + body[cut:])


def measure(root: Path, db: str | None, pause: float, coder_busy_ms: int | None = None) -> dict:
    """Run the import and the coder side by side; what each of them saw."""
    stop = root / "stop"
    busy = str(coder_busy_ms or "")
    coder = subprocess.Popen(
        [sys.executable, "-c", CODER, str(root), db or "", str(stop), str(pause), busy],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert coder.stdout is not None
    coder.stdout.readline()  # ready
    time.sleep(1.0)
    started = time.perf_counter()
    command = [sys.executable, "-m", "hrd_coder", "--project", str(root)]
    if db:
        command += ["--db", db]
    done = subprocess.run([*command, "import"], capture_output=True, text=True, cwd=REPO)
    import_seconds = time.perf_counter() - started
    time.sleep(1.0)
    stop.touch()
    out, _ = coder.communicate(timeout=600)
    attempts = [json.loads(line) for line in out.splitlines() if line.strip()]
    acknowledged = [a["id"] for a in attempts if "id" in a]
    failed = [a["error"] for a in attempts if "error" in a]
    present = _present(root, db, acknowledged)
    waits = sorted(a["wait"] for a in attempts)
    return {
        "import_exit": done.returncode,
        "import_stderr": done.stderr.strip()[-500:],
        "import_seconds": round(import_seconds, 2),
        "coder_attempts": len(attempts),
        "coder_acknowledged": len(acknowledged),
        "coder_failed": len(failed),
        "first_failure": failed[0] if failed else None,
        "coder_wait_max_s": round(waits[-1], 2) if waits else None,
        "coder_wait_median_s": round(waits[len(waits) // 2], 3) if waits else None,
        "acknowledged_missing": len(acknowledged) - present,
    }


def _present(root: Path, db: str | None, ids: list[str]) -> int:
    from sqlalchemy import func, select

    from hrd_coder.services import Project
    from hrd_coder.storage import tables

    codings = tables.Coding.__table__
    with Project.open(root, db) as project, project.database.reading() as conn:
        query = select(func.count()).where(codings.c.id.in_(ids))
        return conn.execute(query).scalar_one() if ids else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: SQLite in the project)")
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between codings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        build(root, args.db, args.codings)
        print(f"built {args.codings} codings in {time.perf_counter() - started:.1f} s")
        result = measure(root, args.db, args.pause)
    result["codings"] = args.codings
    result["backend"] = "postgresql" if args.db else "sqlite"
    result["cores"] = os.cpu_count()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
