"""The agreement package is core code: no user-interface libraries, and no heavy statistics
libraries until a statistic needs them (so `hrd-coder --help` stays fast)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import hrd_coder.agreement

UI_LIBRARIES = {"textual", "rich", "click"}
LAZY = {"pandas", "scipy", "statsmodels", "krippendorff"}


def top_level_modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nsys.stderr.write(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stderr
    return {name.split(".")[0] for name in json.loads(output)}


def agreement_modules() -> list[str]:
    prefix = "hrd_coder.agreement."
    return ["hrd_coder.agreement"] + [
        module.name for module in pkgutil.walk_packages(hrd_coder.agreement.__path__, prefix)
    ]


def test_every_agreement_module_is_checked():
    assert {"hrd_coder.agreement.statistics", "hrd_coder.agreement.ratings_file"} <= set(
        agreement_modules()
    )


def test_importing_agreement_loads_no_ui_and_no_heavy_library():
    loaded = top_level_modules_after("\n".join(f"import {m}" for m in agreement_modules()))
    assert loaded.isdisjoint(UI_LIBRARIES)
    assert loaded.isdisjoint(LAZY)


def test_computing_loads_no_ui_library():
    loaded = top_level_modules_after(
        "import numpy as np\n"
        "from hrd_coder.agreement import compute\n"
        "data = np.array([[1, 2, 3, 1], [1, 2, 2, 1]], dtype=float)\n"
        "for name in ('alpha', 'cohen', 'fleiss', 'ac1', 'scott', 'percent'):\n"
        "    compute(data, name, bootstrap=10)"
    )
    assert loaded.isdisjoint(UI_LIBRARIES)
