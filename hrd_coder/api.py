"""DataFrames for notebooks: open a project folder, get a table, nothing left open.

    from hrd_coder import api
    cases = api.case_table("my-study", layer="lena")
    km = api.survival_table("my-study", "featured_vs_considered")

Each function opens the project (and its database) and closes it before returning. With
blind coding on, it reads as $HRD_CODER_CODER (else the name the workbench remembered).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from hrd_coder.wording import noun

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.services import Project

T = TypeVar("T")
CODER_ENV = "HRD_CODER_CODER"


def _with_project(project_dir: str | Path, use: Callable[[Project], T], db_url: str | None) -> T:
    from hrd_coder.services import Project
    from hrd_coder.settings import remembered_coder

    with Project.open(project_dir, db_url, os.environ.get(CODER_ENV)) as project:
        # Blind coding applies here as in the CLI: the reader is $HRD_CODER_CODER or the
        # name the workbench remembered for this project.
        project.viewer = project.viewer or remembered_coder(project.root)
        return use(project)


def _warn_if_incomplete(project: Project, layer: str | None) -> None:
    """A notebook gets the consensus layer as it is, with a warning when it is incomplete
    (the command line refuses instead, unless --allow-incomplete)."""
    import warnings

    for line in project.check_consensus(layer, allow_incomplete=True):
        warnings.warn(line, UserWarning, stacklevel=4)


def case_table(
    project_dir: str | Path, layer: str | None = None, db_url: str | None = None
) -> pd.DataFrame:
    """One row per case: attributes and one layer's code variables (default consensus)."""

    def read(project: Project) -> pd.DataFrame:
        _warn_if_incomplete(project, layer)
        return project.case_variables(layer).table

    return _with_project(project_dir, read, db_url)


def consensus_status(project_dir: str | Path, db_url: str | None = None) -> pd.DataFrame:
    """Per code: consensus units agreed, single-coded, decided, reopened, undecided, stale."""
    import pandas as pd

    status = _with_project(project_dir, lambda p: p.consensus_status(), db_url)
    return pd.DataFrame([code.as_dict() for code in status.codes])


def survival_table(
    project_dir: str | Path, design: str, layer: str | None = None, db_url: str | None = None
) -> pd.DataFrame:
    """One row per case in the design: id, origin, end, days, released (entry), covariates."""
    return _with_project(project_dir, lambda p: p.survival_table(design, layer), db_url)


def evalue_table(
    project_dir: str | Path, design: str, layer: str | None = None, db_url: str | None = None
) -> pd.DataFrame:
    """E-values of the design's group hazard ratio, one row (empty if no Cox model)."""
    import pandas as pd

    report = _with_project(project_dir, lambda p: p.analyze(design, layer), db_url)
    return pd.DataFrame([report.evalue.as_dict()] if report.evalue else [])


def sensitivity_table(
    project_dir: str | Path,
    design: str,
    released_by: float,
    layer: str | None = None,
    bounds: bool = False,
    db_url: str | None = None,
) -> pd.DataFrame:
    """Omitted-variable sensitivity of the group's effect on release by day `released_by`.

    One row of statistics (estimate, se, t, dof, r2yd_x, rv_q, rv_qa), or with `bounds` the
    1x/2x/3x benchmark rows; empty when the data cannot support the model (see the report).
    """
    import pandas as pd

    report = _with_project(
        project_dir, lambda p: p.analyze(design, layer, released_by=released_by), db_url
    )
    found = report.released_by.sensitivity if report.released_by else None
    if found is None:
        return pd.DataFrame()
    return found.bounds if bounds else found.summary()


def codings_table(
    project_dir: str | Path,
    layer: str | None = None,
    with_quotes: bool = False,
    db_url: str | None = None,
) -> pd.DataFrame:
    """One row per coding (all layers, or one); quotes and memos only with `with_quotes`."""
    return _with_project(project_dir, lambda p: p.codings_frame(layer, with_quotes), db_url)


def matrix_table(
    project_dir: str | Path, layer: str | None = None, db_url: str | None = None
) -> pd.DataFrame:
    """Code x case counts of one layer's codings (default consensus)."""

    def read(project: Project) -> pd.DataFrame:
        _warn_if_incomplete(project, layer)
        return project.matrix_frame(layer)

    return _with_project(project_dir, read, db_url)


def cooccurrence_table(
    project_dir: str | Path,
    layer: str | None = None,
    unit: str = "sentence",
    db_url: str | None = None,
) -> pd.DataFrame:
    """Code x code co-occurrence of one layer's codings, by unit or overlapping codings."""

    def read(project: Project) -> pd.DataFrame:
        _warn_if_incomplete(project, layer)
        return project.cooccurrence_frame(layer, unit)

    return _with_project(project_dir, read, db_url)


def agreement_table(
    project_dir: str | Path, db_url: str | None = None, **request: Any
) -> pd.DataFrame:
    """Agreement between coders, one row per code (or scope); keywords as AgreementRequest.

    For example `agreement_table("study", unit="paragraph", statistic="kappa")`.
    """
    import pandas as pd

    from hrd_coder.services.records import ROW_COLUMNS, AgreementRequest

    known = {f.name for f in fields(AgreementRequest)}
    if unknown := set(request) - known:
        raise TypeError(
            f"unknown {noun(len(unknown), 'option')} {', '.join(sorted(unknown))}: "
            f"use {', '.join(known)}"
        )
    for key in ("coders", "codes", "documents"):
        if isinstance(request.get(key), str):
            request[key] = (request[key],)
        elif key in request:
            request[key] = tuple(request[key])
    rows = _with_project(project_dir, lambda p: p.agreement(AgreementRequest(**request)), db_url)
    return pd.DataFrame(
        [{c: getattr(row, c) for c in ROW_COLUMNS} for row in rows],
        columns=list(ROW_COLUMNS),
    )
