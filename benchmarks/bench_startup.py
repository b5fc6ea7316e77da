"""How fast each everyday command starts, against bare imports timed in the same run (issue 15).

    .venv/bin/python -m benchmarks.bench_startup [runs]

Copies the demo project to a temporary folder, imports it, then runs each command `runs` times
(default 11), the commands and baselines taking turns, and prints the median wall time and
its ratio to `python -c "import sqlalchemy"`.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import cache_bytecode

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


def median_seconds(argvs: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, float]:
    """Median wall time of each command over `runs` rounds. Each round runs every command
    once, in turn, so a burst of load from other programs falls on all of them alike and
    the ratios stay fair. A first round (warming the disk cache, and checking that every
    command succeeds) is not counted."""
    env = cache_bytecode(cwd.parent / "pycache")
    for argv in argvs.values():
        subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=True)
    times: dict[str, list[float]] = {name: [] for name in argvs}
    for _ in range(runs):
        for name, argv in argvs.items():
            start = time.perf_counter()
            subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def hrd_coder_command() -> list[str]:
    """The `hrd-coder` a user types (the installed script beside this Python), or
    `python -m hrd_coder` where it is not installed (runpy adds about 3 ms)."""
    script = Path(sys.executable).with_name("hrd-coder")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hrd_coder"]


def demo_copy(folder: Path) -> Path:
    folder.mkdir()
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
        project = demo_copy(Path(tmp) / "demo")
        argvs = dict(BASELINES)
        for name, args in COMMANDS.items():
            argvs[name] = [*hrd_coder_command(), *args]
        figures = median_seconds(argvs, project, runs)
    base = figures['python -c "import sqlalchemy"']
    print(f"| command (median of {runs}) | wall s | x import sqlalchemy |")
    print("|---|---|---|")
    for name, seconds in figures.items():
        print(f"| `{name}` | {seconds:.3f} | {seconds / base:.2f} |")


if __name__ == "__main__":
    main()
