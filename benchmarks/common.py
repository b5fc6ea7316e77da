"""Shared bits for benchmark scripts: machine facts, medians, and the results file."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results"


def cache_bytecode(folder: Path) -> dict[str, str]:
    """Let every process this benchmark starts (and their children) write bytecode to
    `folder` and reuse it, as an installed package has it; returns the environment.

    With PYTHONDONTWRITEBYTECODE set, as on some development machines, every timed run
    would compile hrd_coder's modules again (about 0.1 s for the workbench) while the
    baselines' site-packages came precompiled. Run each timed command once untimed first:
    that round compiles."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)
    return dict(os.environ)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    info = Path("/proc/cpuinfo")
    if info.exists():
        match = re.search(r"model name\s*:\s*(.+)", info.read_text())
        cpu = match.group(1).strip() if match else cpu
    libraries = {name: version(name) for name in ("textual", "sqlalchemy", "sqlmodel")}
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        **libraries,
    }


def summary(values: list[float]) -> dict[str, float]:
    """Median, min and max of repeated measurements."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def run_json(args: list[str]) -> dict:
    """Run a measurement in a fresh process (so peak memory is its own) and read its JSON."""
    output = subprocess.run(
        [sys.executable, *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def write_section(name: str, markdown: str, data: dict) -> None:
    """Replace this benchmark's section in docs/benchmarks.md and keep its raw JSON."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    block = f"{begin}\n{markdown.rstrip()}\n{end}"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOCS.write_text(text)
