"""The `hrd-coder` command: thin click commands, each parsing and calling one service.

The commands' modules are imported when a command runs (cli/command_index.py lists them).
"""

from hrd_coder.cli.base import main

__all__ = ["main"]
