"""Where a project keeps its files, and how their paths are shown to users.

Apart from the readers in project_files.py and media.py so that `hrd-coder status` can
list files changed on disk without importing them and the models they check against
(issue 15).
"""

from __future__ import annotations

from pathlib import Path

CASES_DIR = "cases"
TRANSCRIPTS_DIR = "transcripts"
MEDIA_DIR = "media"


def relative_to_project(root: Path, path: Path) -> str:
    """A path as shown to users: relative to the project when it is inside it, else whole."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
