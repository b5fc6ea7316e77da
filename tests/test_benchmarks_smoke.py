"""The scale benchmark harness runs end to end at size S (issue 8): that it runs, not how fast."""

from __future__ import annotations

import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_scale_benchmarks_run_at_size_s() -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    before = docs.read_text() if docs.exists() else None
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--size", "S", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for figure in ("hrd-coder --help", "import the corpus", "bulk load", "case table"):
        assert figure in done.stdout
    assert "after 10 codings" in done.stdout
    assert (docs.read_text() if docs.exists() else None) == before  # --quick writes nothing


def test_the_machine_coder_benchmark_runs_at_size_s() -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    before = docs.read_text() if docs.exists() else None
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_suggest", "--size", "S", "--runs", "1", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "ours: `Project.suggest(train='coder1')`" in done.stdout
    assert "plain scikit-learn pipeline, one thread" in done.stdout
    embedding = "embedding backend, a 256-dimension model of its words"
    assert (embedding in done.stdout) == (find_spec("model2vec") is not None)
    assert (docs.read_text() if docs.exists() else None) == before  # --quick writes nothing


def test_the_unitizing_benchmark_runs_small() -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    before = docs.read_text() if docs.exists() else None
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_unitizing", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "plain numpy pass" in done.stdout and "alpha_U per code" in done.stdout
    assert (docs.read_text() if docs.exists() else None) == before  # --quick writes nothing
