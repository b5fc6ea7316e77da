"""Use cases in the researchers' words, behind one facade: `Project`."""

from hrd_coder.services.project import Project

__all__ = ["Project"]
