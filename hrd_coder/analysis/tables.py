"""Result tables rendered as Markdown, LaTeX or CSV text, for reports and papers.

Hand-written rather than `DataFrame.to_markdown` / `Styler.to_latex`: the first needs
`tabulate` and the second `jinja2`, neither a dependency of hrd_coder, and our tables are
small rectangles of text and numbers that need only escaping and a booktabs frame.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from hrd_coder.spreadsheet_cells import neutralise_frame

if TYPE_CHECKING:
    import pandas as pd

TEXT_FORMATS = ("markdown", "latex", "csv")
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def cell(value: Any) -> str:
    """A value as table text: numbers to 3 significant digits, missing as empty, inf as "inf"."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.3g}"
    return str(value)


def render_table(frame: pd.DataFrame, fmt: str, caption: str = "") -> str:
    """One table (columns as they are, no index) as markdown, latex or csv text."""
    if fmt == "csv":
        # Result tables' text cells are names (terms, groups, designs): always neutralised.
        return neutralise_frame(frame).to_csv(index=False, lineterminator="\n")
    header = [str(c) for c in frame.columns]
    rows = [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    if fmt == "markdown":
        lines = [f"**{caption}**", ""] if caption else []
        lines.append("| " + " | ".join(_md(c) for c in header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "latex":
        return _latex(header, rows, caption)
    raise ValueError(f"table format must be one of {', '.join(TEXT_FORMATS)}, not {fmt!r}")


def _md(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def latex_escape(text: str) -> str:
    """Text safe inside a LaTeX tabular."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def _latex(header: list[str], rows: list[list[str]], caption: str) -> str:
    # booktabs rules (\toprule ...): the usual look of regression tables in journals.
    spec = "l" + "r" * (len(header) - 1)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    lines += [
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(latex_escape(c) for c in header) + r" \\",
        r"\midrule",
        *(" & ".join(latex_escape(c) for c in row) + r" \\" for row in rows),
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"
