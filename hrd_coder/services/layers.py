"""Layer names: whose codings a layer holds, and which names a person may code under."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hrd_coder.problems import ProjectError
from hrd_coder.services.model_layers import is_model_layer

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
    """The coders' layers in name order, then consensus, then the machine coders' in the
    order of their runs (as reports and menus list them: never a machine among the people)."""
    found = set(layers)
    machines = sorted((layer for layer in found if is_model_layer(layer)), key=_run_order)
    people = sorted(found - {CONSENSUS} - set(machines))
    return people + ([CONSENSUS] if CONSENSUS in found else []) + machines


def _run_order(layer: str) -> tuple[int, str]:
    """Run ids end in a number counting every run (`llm-10` after `classifier-4`)."""
    number = layer.rsplit("-", 1)[-1]
    return (int(number) if number.isdigit() else 0, layer)
