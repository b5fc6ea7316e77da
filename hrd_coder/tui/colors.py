"""Code colours: the codebook's, or a steady one from a palette for codes without."""

from __future__ import annotations

from hrd_coder.codebook import Codebook

# Tableau 10: distinct on light and dark backgrounds.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


def code_colors(codebook: Codebook) -> dict[str, str]:
    """Code id -> hex colour, the same in every panel."""
    return {
        code.id: code.color or PALETTE[index % len(PALETTE)]
        for index, code in enumerate(codebook.codes)
    }
