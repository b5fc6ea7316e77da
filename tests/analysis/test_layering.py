"""The analysis package is core code: no user-interface library, and no heavy statistics or
plotting library until a function needs one (importing lifelines alone costs 2 s, see
BENCHMARKS.md), so `hrd-coder --help` and the TUI start fast."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import hrd_coder.analysis

REPO = Path(__file__).resolve().parents[2]

UI_LIBRARIES = {"textual", "rich", "click"}
LAZY = {"lifelines", "matplotlib", "statsmodels", "pandas", "scipy"}


def top_level_modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nsys.stderr.write(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO
    ).stderr
    return {name.split(".")[0] for name in json.loads(output)}


def analysis_modules() -> list[str]:
    prefix = "hrd_coder.analysis."
    return ["hrd_coder.analysis"] + [
        module.name for module in pkgutil.walk_packages(hrd_coder.analysis.__path__, prefix)
    ]


def test_every_analysis_module_is_checked():
    assert {
        "hrd_coder.analysis.cox",
        "hrd_coder.analysis.km_plot",
        "hrd_coder.analysis.survival_file",
    } <= set(analysis_modules())


def test_importing_analysis_loads_no_ui_and_no_heavy_library():
    loaded = top_level_modules_after("\n".join(f"import {m}" for m in analysis_modules()))
    assert loaded.isdisjoint(UI_LIBRARIES)
    assert loaded.isdisjoint(LAZY)


def test_fitting_and_plotting_load_no_ui_library(tmp_path):
    loaded = top_level_modules_after(
        "from hrd_coder.analysis import fit_cox, km_plot, ph_test\n"
        "from tests.analysis.examples import remission\n"
        "data = remission().assign(placebo=lambda d: (d.group == 'placebo').astype(int))\n"
        "fit_cox(data, 'weeks', 'relapsed', ['placebo'], ties='breslow')\n"
        "ph_test(data, 'weeks', 'relapsed', ['placebo'])\n"
        f"km_plot(data, {str(tmp_path / 'km')!r}, duration='weeks', event='relapsed')"
    )
    assert loaded.isdisjoint(UI_LIBRARIES)
    assert {"lifelines", "matplotlib", "statsmodels"} <= loaded
