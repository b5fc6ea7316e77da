"""Use cases in the researchers' words, behind one facade: `Project`.

`Project` is loaded on first use (PEP 562), so that `start_statistics` can start the
statistics process before the facade's database layer (SQLAlchemy, ~0.1 s) is imported:
`hrd-coder code` starts it first thing (services/statistics.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hrd_coder.services.statistics import start_statistics

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

__all__ = ["Project", "start_statistics"]


def __getattr__(name: str) -> Any:
    if name == "Project":
        from hrd_coder.services.project import Project

        return Project
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
