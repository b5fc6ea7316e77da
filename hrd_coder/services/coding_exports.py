"""Codings as tables for export and notebooks: the long table, code x case, co-occurrence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.agreement.coded_units import UNIT_KINDS, build
from hrd_coder.problems import ProjectError
from hrd_coder.services.agreement import _source
from hrd_coder.services.analysis import resolve_layer
from hrd_coder.services.model_layers import file_part

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.services.project import Project

COOCCURRENCE_UNITS = tuple(u for u in UNIT_KINDS if u not in ("case", "character")) + ("coding",)


def codings_frame(
    project: Project, layer: str | None = None, with_quotes: bool = False
) -> pd.DataFrame:
    """Every coding (of one layer, if given) as a row; quotes and memos only if asked."""
    from hrd_coder.analysis.coding_tables import codings_table

    if layer is not None:
        layer = resolve_layer(project, layer)
    kinds = {d.id: d.kind for d in project.documents()}
    return codings_table((asdict(c) for c in project.codings(coder=layer)), kinds, with_quotes)


def matrix_frame(project: Project, layer: str | None = None) -> pd.DataFrame:
    """Code x case counts of one layer's codings tied to cases (default consensus)."""
    from hrd_coder.analysis.coding_tables import code_case_matrix

    layer = resolve_layer(project, layer)
    return code_case_matrix(
        (asdict(c) for c in project.codings(coder=layer)),
        [c.id for c in project.codebook.codes],
        [c.id for c in project.cases()],
    )


def cooccurrence_frame(
    project: Project,
    layer: str | None = None,
    unit: str = "sentence",
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Code x code co-occurrence in one layer, by units or by overlapping codings.

    With a unit (sentence, paragraph, turn, document), a cell counts the units where both
    codes are present, by the agreement rule (a coding counts for a unit when at least half
    of it lies in the unit or it covers half the unit; a child code makes its ancestors
    present). With unit "coding", a cell counts overlapping pairs of codings of exactly the
    two codes. `progress(1)` is called after each document.
    """
    from hrd_coder.analysis.coding_tables import (
        cooccurrence_from_codings,
        cooccurrence_from_units,
    )

    if unit not in COOCCURRENCE_UNITS:
        raise ProjectError(
            f"unknown unit '{unit}' for co-occurrence: use one of {', '.join(COOCCURRENCE_UNITS)}"
        )
    layer = resolve_layer(project, layer)
    codes = [c.id for c in project.codebook.codes]
    codings = project.codings(coder=layer)
    if unit == "coding":
        if progress:
            progress(len(project.documents()))
        return cooccurrence_from_codings([asdict(c) for c in codings], codes).reset_index()
    import numpy as np

    ancestors = project.codebook.ancestors
    by_document: dict[str, list[Any]] = {}
    for coding in codings:
        by_document.setdefault(coding.document_id, []).append(coding)
    total = np.zeros((len(codes), len(codes)), dtype="int64")
    for document in project.documents():
        found = by_document.get(document.id, [])
        if found:
            data = build(
                unit,
                {document.id: _source(project, document)},
                found,
                [layer],
                codes,
                ancestors,
                {layer: {document.id}},
            )
            total += cooccurrence_from_units(data.presence, codes).to_numpy()
        if progress:
            progress(1)
    import pandas as pd

    frame = pd.DataFrame(total, index=pd.Index(codes, name="code"), columns=codes)
    return frame.reset_index()


def export_table(
    project: Project,
    table: str,
    fmt: str,
    out: str | Path | None = None,
    raw_cells: bool = False,
    **options: Any,
) -> Path:
    """Write the codings, matrix or cooccurrence table (options as for its *_frame; csv
    cells a spreadsheet would run are neutralised unless `raw_cells`)."""
    from hrd_coder.analysis.exports import FORMATS, write_table

    if fmt not in FORMATS:
        raise ProjectError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    frames = {"codings": codings_frame, "matrix": matrix_frame, "cooccurrence": cooccurrence_frame}
    frame = frames[table](project, **options)
    layer = options.get("layer")
    if table != "codings" or layer:  # codings of every layer by default; the others, one
        layer = resolve_layer(project, layer)
    name = f"{table}_{file_part(layer)}" if layer else table
    path = Path(out) if out else Path(project.root) / "exports" / f"{name}{FORMATS[fmt]}"
    return write_table(frame, path, fmt, raw_cells)
