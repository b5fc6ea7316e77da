"""Layering: the core never imports the user-interface libraries; `--help` stays light."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import hrd_coder

UI_LIBRARIES = ("textual", "rich", "click")
HEAVY = ("sqlalchemy", "sqlmodel", "pandas", "lifelines", "textual", "sklearn")


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(hrd_coder.__path__, "hrd_coder.")]
    return [
        n
        for n in names
        if n != "hrd_coder.__main__" and not n.startswith(("hrd_coder.cli", "hrd_coder.tui"))
    ]


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nsys.stderr.write(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stderr
    return {name.split(".")[0] for name in json.loads(output)}


def test_there_are_core_modules_to_check():
    assert "hrd_coder.services.project" in core_modules()
    assert "hrd_coder.codebook.load" in core_modules()


def test_the_core_never_imports_ui_libraries():
    imports = "\n".join(f"import {name}" for name in core_modules())
    assert loaded_after(imports).isdisjoint(UI_LIBRARIES)


def test_help_does_not_import_heavy_libraries():
    loaded = loaded_after(
        "from hrd_coder.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert loaded.isdisjoint(HEAVY)
