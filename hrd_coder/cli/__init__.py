"""The `hrd-coder` command: thin click commands, each parsing and calling one service."""

from hrd_coder.cli import agreement, analysis, interop, project, workbench  # noqa: F401 (registers)
from hrd_coder.cli.base import main

__all__ = ["main"]
