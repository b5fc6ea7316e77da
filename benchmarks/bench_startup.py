"""How fast each everyday command starts, against bare imports timed in the same run (issue 15).

    .venv/bin/python benchmarks/bench_startup.py [runs]

Copies the demo project to a temporary folder, imports it, then runs each command `runs` times
(default 11) and prints the median wall time and its ratio to `python -c "import sqlalchemy"`.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = ("codebook.yaml", "analysis.yaml", "cases", "transcripts", "media", "demo")
BASELINES = {
    'python -c "import sqlalchemy"': [sys.executable, "-c", "import sqlalchemy"],
    'python -c "import sqlalchemy, textual"': [sys.executable, "-c", "import sqlalchemy, textual"],
}
COMMANDS = {
    "hrd-coder status": ["status"],
    "hrd-coder codings list": ["codings", "list"],
    "hrd-coder log": ["log"],
    # Each run saves one more coding (the same span again): a few hundred rows at most.
    "hrd-coder codings add": [
        *("codings", "add", "int01", "reputational_costs", "0", "11"),
        *("--coder", "bench"),
    ],
}


def median_seconds(argv: list[str], cwd: Path, runs: int) -> float:
    """Median wall time of `runs` runs (the first one, warming the disk cache and checking
    the command succeeds, not counted)."""
    subprocess.run(argv, cwd=cwd, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def demo_copy(folder: Path) -> Path:
    for name in DEMO:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy2(source, folder / name)
    subprocess.run(
        [sys.executable, "-m", "hrd_coder", "import"], cwd=folder, check=True, capture_output=True
    )
    return folder


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    with tempfile.TemporaryDirectory() as tmp:
        project = demo_copy(Path(tmp))
        figures = {name: median_seconds(argv, project, runs) for name, argv in BASELINES.items()}
        for name, args in COMMANDS.items():
            argv = [sys.executable, "-m", "hrd_coder", *args]
            figures[name] = median_seconds(argv, project, runs)
    base = figures['python -c "import sqlalchemy"']
    print(f"| command (median of {runs}) | wall s | x import sqlalchemy |")
    print("|---|---|---|")
    for name, seconds in figures.items():
        print(f"| `{name}` | {seconds:.3f} | {seconds / base:.2f} |")


if __name__ == "__main__":
    main()
