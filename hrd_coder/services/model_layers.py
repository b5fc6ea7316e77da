"""Model layers: a machine coder's suggestions live in a layer named `model:<run>`.

The prefix is reserved as `consensus` is: no person can code under it (a coder's name may not
hold a colon), and a model layer is never a coder for coverage, agreement among the humans or
the consensus (services/coverage.py leaves it out).
"""

from __future__ import annotations

MODEL_PREFIX = "model:"
MODEL_ROLE = "model"  # the coder table's role for a model layer: not a person


def is_model_layer(layer: str | None) -> bool:
    """True for a machine coder's layer (`model:<run>`)."""
    return bool(layer) and str(layer).startswith(MODEL_PREFIX)


def model_layer(run: str) -> str:
    """The layer a run's suggestions go to."""
    return f"{MODEL_PREFIX}{run}"


def file_part(layer: str) -> str:
    """A layer's name as it goes into a default file name: `model:run-1` becomes
    `model+run-1`, since a colon is not allowed in Windows file names (and macOS shows it as
    a slash); `+` is not allowed in a coder's name, so it cannot clash with one."""
    return layer.replace(":", "+")
