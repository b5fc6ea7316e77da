"""The user guide's pages (`docs/*.md`), found where they are installed.

A wheel carries them inside the package (`hrd_coder/docs/`, see pyproject.toml); a checkout
or an editable install reads the repository's `docs/` folder. `hrd-coder docs PAGE` prints
one, so a new project's comments can point to a page it does not have a copy of.
"""

from __future__ import annotations

from pathlib import Path

from hrd_coder.problems import ProjectError

PACKAGE = Path(__file__).resolve().parent
PLACES = (PACKAGE / "docs", PACKAGE.parent / "docs")


def docs_folder() -> Path:
    """The folder holding the installed pages."""
    for place in PLACES:
        if (place / "codebook.md").is_file():
            return place
    raise ProjectError(
        "the user guide is not installed with this copy of hrd-coder; read it at "
        "docs/ in the source repository"
    )


def pages() -> list[str]:
    """The pages' names (`codebook`, `cases`, ...), sorted."""
    return sorted(path.stem for path in docs_folder().glob("*.md"))


def page_text(name: str) -> str:
    """One page's Markdown text; an unknown name lists the pages there are."""
    wanted = name.removesuffix(".md").lower()
    if wanted not in pages():
        raise ProjectError(f"no page named '{name}'; the pages are: {', '.join(pages())}")
    return (docs_folder() / f"{wanted}.md").read_text(encoding="utf-8")


def first_line(name: str) -> str:
    """A page's title, for the list of pages."""
    for line in page_text(name).splitlines():
        if line.strip():
            return line.lstrip("# ").strip()
    return ""
