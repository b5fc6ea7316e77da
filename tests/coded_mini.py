"""The mini project coded by two coders, shared by the case-variable, export and API tests."""

from __future__ import annotations

from hrd_coder.services import Project


def span(project: Project, document: str, first: str, last: str) -> tuple[int, int]:
    text = project.document(document).text
    start = text.index(first)
    return start, text.index(last, start) + len(last)


def code_mini(mini: Project) -> Project:
    """lena ties codings to both cases; tomas codes one; the release code on c01's history."""
    naming = span(mini, "int01", "Naming her", "government.")
    ngos = span(mini, "int01", "The NGOs", "too.")
    private = span(mini, "int01", "Private talks", "rest.")
    add = mini.add_coding
    add(
        document="int01",
        code="reputational_costs",
        start=naming[0],
        end=naming[1],
        coder="lena",
        case="c01",
    )
    add(
        document="int01",
        code="mobilizing.ngos",
        start=ngos[0],
        end=ngos[1],
        coder="lena",
        case="c01",
    )
    add(
        document="int01",
        code="mobilizing.ngos",
        start=private[0],
        end=private[1],
        coder="lena",
        case="c02",
    )
    add(
        document="int01", code="release", start=private[0], end=private[1], coder="lena", case="c02"
    )
    add(document="c01", code="release", start=0, end=20, coder="lena")  # tied to c01 itself
    add(
        document="int01",
        code="reputational_costs",
        start=naming[0],
        end=naming[1],
        coder="tomas",
        case="c02",
    )
    add(document="int01", code="mobilizing", start=ngos[0], end=ngos[1], coder="tomas")  # no case
    return mini
