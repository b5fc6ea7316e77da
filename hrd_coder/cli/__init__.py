"""The `hrd-coder` command: thin click commands, each parsing and calling one service."""

from hrd_coder.cli import (  # noqa: F401 (registers the commands)
    agreement,
    analysis,
    consensus,
    coverage,
    exports,
    interop,
    media,
    project,
    samples,
    suggest,
    team,
    workbench,
)
from hrd_coder.cli.base import main

__all__ = ["main"]
