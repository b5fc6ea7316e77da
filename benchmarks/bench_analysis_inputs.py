"""How often one analysis request reads its inputs, and how long it takes (issue 16), on the demo.

    python -m benchmarks.bench_analysis_inputs [--runs 5]

- **reads**: `hrd-coder report DESIGN` and `hrd-coder export cases --format stata`, run in
  this process with counters on our own pure functions: analysis.yaml parsed
  (`parse_analysis`), the case table built (`case_variables`), and the case files read (SQL
  statements that read `cases.path`, the case file of each case, as the real database sees
  them).
- **seconds**: each command in this process once the imports are done (after one warm-up
  run: the request's own work), and as a new process (what a researcher waits), medians of
  `--runs` runs.

The demo copy is imported, both coders' codings are loaded and the consensus is rebuilt, so
`export cases` reads the consensus layer (`--allow-incomplete`: the demo leaves some
disagreements undecided).
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEMO_PARTS = ("codebook.yaml", "analysis.yaml", "cases", "transcripts", "media", "demo")
REPORT = ("report", "featured_with_coverage")
STATA = ("export", "cases", "--format", "stata", "--allow-incomplete")


@dataclass
class Reads:
    """What one command read: analysis.yaml parses, case table builds, case file reads."""

    parses: int = 0
    builds: int = 0
    case_files: int = 0


def prepare_demo(root: Path) -> Path:
    """A copy of the demo in `root`, imported, with both coders' codings and a consensus."""
    root.mkdir(parents=True)
    for part in DEMO_PARTS:
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    for argv in (
        ["import"],
        ["codings", "load", "demo/codings.csv", "--mark-done"],
        ["consensus", "rebuild"],
    ):
        subprocess.run(
            [sys.executable, "-m", "hrd_coder", *argv], cwd=root, check=True, capture_output=True
        )
    return root


@contextmanager
def _counting(module: Any, name: str, count: Callable[[], None]) -> Iterator[None]:
    """`module.name` counts its calls (the service imports it at call time, so it sees this)."""
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        count()
        return original(*args, **kwargs)

    setattr(module, name, counted)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextmanager
def _counting_case_file_reads(reads: Reads) -> Iterator[None]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "cases.path" in statement:
            reads.case_files += 1

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", seen)


def count_reads(root: Path, argv: tuple[str, ...], db_url: str | None = None) -> tuple[Reads, Any]:
    """Run `hrd-coder -p ROOT [--db URL] ARGV` in this process; what it read, and click's
    result."""
    from click.testing import CliRunner

    from hrd_coder.cli import main

    designs = importlib.import_module("hrd_coder.analysis.designs")
    case_variables = importlib.import_module("hrd_coder.analysis.case_variables")

    reads = Reads()

    def parsed() -> None:
        reads.parses += 1

    def built() -> None:
        reads.builds += 1

    with (
        _counting(designs, "parse_analysis", parsed),
        _counting(case_variables, "case_variables", built),
        _counting_case_file_reads(reads),
    ):
        database = ["--db", db_url] if db_url else []
        result = CliRunner().invoke(main, ["-p", str(root), *database, *argv])
    return reads, result


def warm_seconds(root: Path, argv: tuple[str, ...]) -> float:
    """Wall seconds of `hrd-coder ARGV` run in this process (imports already done)."""
    from click.testing import CliRunner

    from hrd_coder.cli import main

    start = time.perf_counter()
    result = CliRunner().invoke(main, ["-p", str(root), *argv])
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"hrd-coder {' '.join(argv)} failed:\n{result.output}")
    return elapsed


def _median(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def seconds(root: Path, argv: tuple[str, ...]) -> float:
    """Wall seconds of `hrd-coder ARGV` as a new process in the project."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "hrd_coder", *argv], cwd=root, check=True, capture_output=True
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-inputs-"))
    try:
        root = prepare_demo(scratch / "demo")
        for argv in (REPORT, STATA):
            reads, result = count_reads(root, argv)
            if result.exit_code != 0:
                raise SystemExit(f"hrd-coder {' '.join(argv)} failed:\n{result.output}")
            warm = [warm_seconds(root, argv) for _ in range(options.runs)]
            cold = [seconds(root, argv) for _ in range(options.runs)]
            print(
                f"hrd-coder {' '.join(argv)}: analysis.yaml parsed {reads.parses}x, case table "
                f"built {reads.builds}x, case files read {reads.case_files}x; median in this "
                f"process {_median(warm)}, as a new process {_median(cold)}, "
                f"{options.runs} runs"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
