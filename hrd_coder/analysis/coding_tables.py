"""Tables of codings for export: the long table, code x case counts, code co-occurrence.

Pure pandas/numpy on plain records; `hrd_coder.services.coding_exports` loads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

CODING_FIELDS = (
    "id",
    "document_id",
    "document_kind",
    "coder",
    "code_id",
    "case_id",
    "start",
    "end",
    "length",
    "codebook_hash",
    "created_at",
    "updated_at",
)
CONFIDENTIAL_FIELDS = ("quote", "memo")


def codings_table(
    codings: Iterable[Mapping[str, Any]], kinds: Mapping[str, str], with_quotes: bool = False
) -> pd.DataFrame:
    """One row per coding (CODING_FIELDS); `quote` and `memo` only when `with_quotes`.

    Quotes and memos hold transcript text, which is confidential: leave them out of files
    that leave the team unless asked.
    """
    import pandas as pd

    columns = [*CODING_FIELDS, *(CONFIDENTIAL_FIELDS if with_quotes else ())]
    rows = [
        {
            **coding,
            "document_kind": kinds.get(coding["document_id"]),
            "length": coding["end"] - coding["start"],
        }
        for coding in codings
    ]
    table = pd.DataFrame(rows, columns=columns)
    for name in ("created_at", "updated_at"):
        # Stata and Parquet want naive times: stored times are UTC.
        table[name] = pd.to_datetime(table[name], utc=True).dt.tz_localize(None)
    return table


def code_case_matrix(
    codings: Iterable[Mapping[str, Any]], codes: Sequence[str], cases: Sequence[str]
) -> pd.DataFrame:
    """Codes (rows, codebook order) x cases (columns): codings of exactly that code tied to
    the case. Codings tied to no case are not counted."""
    import pandas as pd

    matrix = pd.DataFrame(0, index=pd.Index(codes, name="code"), columns=list(cases))
    for coding in codings:
        case = coding["case_id"]
        if case in matrix.columns and coding["code_id"] in matrix.index:
            matrix.loc[coding["code_id"], case] += 1
    return matrix.reset_index()


def cooccurrence_from_units(presence: Mapping[str, np.ndarray], codes: Sequence[str]):
    """Code x code: units where both codes are present (diagonal: units with the code).

    `presence` is, per code, a 0/1 vector over the same units.
    """
    import numpy as np
    import pandas as pd

    stacked = np.vstack([np.nan_to_num(presence[c]).reshape(-1) for c in codes])
    counts = (stacked @ stacked.T).astype("int64")
    return pd.DataFrame(counts, index=pd.Index(codes, name="code"), columns=list(codes))


def cooccurrence_from_codings(
    codings: Iterable[Mapping[str, Any]], codes: Sequence[str]
) -> pd.DataFrame:
    """Code x code: pairs of distinct codings in one document sharing at least one character.

    Off the diagonal, each overlapping pair (a coding of A, a coding of B) counts once; on
    the diagonal, the number of codings of the code (not pairs of it with itself).
    """
    import pandas as pd

    counts = pd.DataFrame(0, index=pd.Index(codes, name="code"), columns=list(codes))
    by_document: dict[str, list[Mapping[str, Any]]] = {}
    for coding in codings:
        if coding["code_id"] in counts.index:
            by_document.setdefault(coding["document_id"], []).append(coding)
            counts.loc[coding["code_id"], coding["code_id"]] += 1
    for found in by_document.values():
        found.sort(key=lambda c: c["start"])
        for i, first in enumerate(found):
            for second in found[i + 1 :]:
                if second["start"] >= first["end"]:
                    break
                a, b = first["code_id"], second["code_id"]
                if a != b:
                    counts.loc[a, b] += 1
                    counts.loc[b, a] += 1
    return counts
