"""`hrd-coder init`: lay out a new, empty project that already passes the checks."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.problems import ProjectError

CODEBOOK_TEMPLATE = """\
# The codebook: see docs/codebook.md for every key.
name: {name}
version: "0.1"
description: >
  What this study asks, in a sentence or two.

case_groups:
  featured: Cases the campaign named publicly
  comparison: Other cases held at the same time

codes:
  - id: private_diplomacy
    label: Private diplomacy
    definition: >
      Officials raise a case with the detaining government away from public view.
    include: Meetings, calls or letters about the case that were not made public.
    exclude: Public statements (code them as public pressure instead).
    examples:
      - "The ambassador raised her case privately with the justice minister."
    color: "#1f77b4"
    hotkey: p
    case_variable: presence
"""

GITIGNORE = "# the local database and settings of hrd-coder\n.hrd_coder/\n"


def create_project(directory: Path, name: str | None = None) -> None:
    """Create codebook.yaml, cases/, transcripts/ and media/ in `directory` (never overwriting)."""
    if (directory / "codebook.yaml").exists():
        raise ProjectError(f"{directory} already holds a codebook.yaml; choose an empty folder")
    project_name = name or directory.resolve().name
    if '"' in project_name or "\n" in project_name:
        raise ProjectError("the project name may not contain quotes or line breaks")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "cases").mkdir(exist_ok=True)
        (directory / "transcripts").mkdir(exist_ok=True)
        (directory / "media").mkdir(exist_ok=True)
        (directory / "codebook.yaml").write_text(
            CODEBOOK_TEMPLATE.format(name=f'"{project_name}"'), encoding="utf-8"
        )
        gitignore = directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(GITIGNORE, encoding="utf-8")
    except OSError as error:
        raise ProjectError(
            f"cannot create a project in {directory}: {error.strerror or error}"
            f"{f' ({error.filename})' if error.filename else ''}; choose a folder you "
            "can write to"
        ) from None
