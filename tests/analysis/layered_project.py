"""A mini project with eight cases, an analysis.yaml using a code variable, and two coders
(lena, tomas) whose codings of reputational_costs differ on two case histories."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.services import Project
from tests.conftest import MINI_CASE, make_mini_project, write

ANALYSIS = """\
campaign_date: 2015-09-01
designs:
  - name: named
    cases: [featured, comparison]
    group: featured
    censor_date: 2017-09-01
    events: [pardon]
    covariates: [reputational_costs]
"""

# id, group, released_on (None: held at the censor date)
CASES = [
    ("c01", "featured", "2016-02-18"),
    ("c02", "comparison", None),
    ("c03", "featured", "2016-06-01"),
    ("c04", "featured", None),
    ("c05", "comparison", "2016-03-01"),
    ("c06", "comparison", "2017-01-15"),
    ("c07", "featured", "2016-11-20"),
    ("c08", "comparison", None),
]
LENA = ["c01", "c03", "c05", "c08"]
TOMAS = ["c01", "c04", "c05", "c06"]


def make_layered_project(root: Path) -> Path:
    """Write the project files (not imported)."""
    make_mini_project(root)
    for case_id, group, released in CASES:
        write(
            root / "cases" / f"{case_id}.md",
            MINI_CASE.format(
                id=case_id,
                name=f"Case {case_id}",
                group=group,
                featured="2015-09-01" if group == "featured" else "null",
                released=released or "null",
                release_type="pardon" if released else "null",
                censored="null" if released else "2017-09-01",
            ),
        )
    write(root / "analysis.yaml", ANALYSIS)
    return root


def code_layers(project: Project) -> Project:
    """lena and tomas code reputational_costs on the first words of different case histories."""
    for coder, cases in (("lena", LENA), ("tomas", TOMAS)):
        for case_id in cases:
            project.add_coding(
                document=case_id, code="reputational_costs", start=0, end=20, coder=coder
            )
    return project


def direct_hazard_ratios(coded: set[str] | list[str]) -> dict[str, float]:
    """The Cox model of the design fitted straight from the case list with lifelines, with
    reputational_costs (`rep`) 1 on the cases in `coded`: hazard ratios by covariate."""
    import pandas as pd
    from lifelines import CoxPHFitter

    rows = []
    for case_id, group, released in CASES:
        end = pd.Timestamp(released or "2017-09-01")
        rows.append(
            {
                "days": (end - pd.Timestamp("2015-09-01")).days,
                "released": int(released is not None),
                "featured": int(group == "featured"),
                "rep": int(case_id in coded),
            }
        )
    fitter = CoxPHFitter().fit(pd.DataFrame(rows), "days", "released")
    return {name: float(value) for name, value in fitter.hazard_ratios_.items()}
