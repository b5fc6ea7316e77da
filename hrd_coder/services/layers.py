"""Layer names: whose codings a layer holds, and which names a person may code under."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hrd_coder.problems import ProjectError

CONSENSUS = "consensus"  # the layer adjudication builds; no person may code under this name
CODER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_coder_name(name: str) -> str:
    """Coder names appear in file names and exports: keep them plain."""
    if name == CONSENSUS:
        raise ProjectError(
            "'consensus' is the adjudicated layer, not a coder: choose your "
            "own name, e.g. --coder lena"
        )
    if not CODER_NAME.match(name or ""):
        raise ProjectError(
            f"coder name {name!r} is not valid: use letters, digits, '.', '_' "
            "or '-' (up to 64), e.g. --coder lena"
        )
    return name


def in_layer_order(layers: Iterable[str]) -> list[str]:
    """The coders' layers in name order, then consensus (as reports and menus list them)."""
    found = set(layers)
    return sorted(found - {CONSENSUS}) + ([CONSENSUS] if CONSENSUS in found else [])
