"""Let `python -m hrd_coder` behave like the `hrd-coder` command."""

from hrd_coder.cli import run

run()
