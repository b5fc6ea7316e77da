"""Unitizing agreement on a spans table: a row per unit a coder marked, with the columns
coder, category, begin and end (end exclusive) and, for several texts, document, whose
lengths come from a second table with the columns document and length.

Positions are whole numbers from the continuum's begin (0 unless given): for our texts,
code points. Every coder named in the table is taken to have unitized every text, so a
coder with no row for a text marked all of it as a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hrd_coder.agreement.continuum import Text, Unit
from hrd_coder.agreement.table_file import read_records
from hrd_coder.agreement.unitizing import unitizing_agreement
from hrd_coder.problems import Problem, raise_if_any
from hrd_coder.sources.csv_cells import bad_name

SPAN_COLUMNS = ("coder", "category", "begin", "end")
LENGTH_COLUMNS = ("document", "length")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
# The largest position or length we accept: a trillion is far past any text, and keeps the
# statistics' sums of squared lengths within 64-bit floats' exact range for whole texts.
MAX_POSITION = 10**12
# Past this many bad rows the rest are counted, not listed: the first ones show the pattern.
SHOWN_PROBLEMS = 20


def unitizing_for_file(
    spans_path,
    continuum_length: int | None = None,
    continuum_begin: int = 0,
    lengths_path=None,
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict:
    """The unitizing coefficients of a spans table, as a JSON-ready dict (see
    UnitizingAgreement.as_dict), or InvalidInput listing every problem in the files."""
    spans = _Table(str(spans_path), SPAN_COLUMNS, optional=("document",))
    spans.read(spans_path, "the spans table")
    with_documents = "document" in spans.columns
    texts, problems = _texts(spans, with_documents, continuum_length, continuum_begin, lengths_path)
    units = _units(spans, texts) if spans.rows else []
    raise_if_any(spans.problems + problems + _shortened(spans.unit_problems))
    result = unitizing_agreement(units, list(texts.values()), bootstrap=bootstrap, seed=seed)
    return {
        **result.as_dict(),
        "file": str(spans_path),
        "lengths_file": None if lengths_path is None else str(lengths_path),
        "bootstrap": bootstrap,
        "seed": seed,
    }


@dataclass
class _Table:
    """A table's rows as {column: cell}, with the line each is on."""

    path: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    columns: dict[str, int] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unit_problems: list[Problem] = field(default_factory=list)

    def report(self, line, message: str, hint: str, row_problem: bool = True) -> None:
        found = Problem(self.path, line, None, message, hint)
        (self.unit_problems if row_problem else self.problems).append(found)

    def read(self, path, what: str) -> None:
        records, problems = read_records(path, f"{what} to this file")
        self.problems += problems
        if problems:
            return
        names = ",".join((*self.required, *self.optional[:1]))
        if not records:
            self.report(
                None,
                "the file is empty",
                f"put the header {names} on the first row and one row per unit below",
                row_problem=False,
            )
            return
        (header_line, header), *body = records
        self.columns = {name.strip().lower(): i for i, name in enumerate(header)}
        missing = [c for c in self.required if c not in self.columns]
        for column in missing:
            self.report(
                header_line,
                f"the header has no '{column}' column",
                f"name the columns {names} on the first row (in any order)",
                row_problem=False,
            )
        if not body and not missing:
            self.report(
                None,
                "the file names the columns but holds no rows",
                f"add one row per {'unit' if 'begin' in self.required else 'text'} below "
                "the header",
                row_problem=False,
            )
        if missing:
            return
        wanted = [c for c in (*self.required, *self.optional) if c in self.columns]
        for line, record in body:
            cells = [cell.strip() for cell in record]
            self.rows.append((line, {c: _cell(cells, self.columns[c]) for c in wanted}))

    def whole_number(self, line: int, row: dict[str, str], column: str) -> int | None:
        text = row[column]
        if _WHOLE_NUMBER.fullmatch(text):
            digits = text.lstrip("+-").lstrip("0")  # int() of thousands of digits is refused
            if len(digits) <= len(str(MAX_POSITION)) and abs(int(text)) <= MAX_POSITION:
                return int(text)
            self.report(
                line,
                f"{column} {text[:30]}{'...' if len(text) > 30 else ''} is too large",
                f"positions and lengths are at most {MAX_POSITION:,}",
            )
            return None
        self.report(
            line,
            f"{column} {text[:30]!r} is not a whole number" if text else f"the {column} is empty",
            "positions and lengths are whole numbers (character offsets; end exclusive)",
        )
        return None

    def name(self, line: int, row: dict[str, str], column: str) -> str | None:
        text = row[column]
        if not text:
            self.report(line, f"the {column} is empty", f"give every row a {column}")
            return None
        problem = bad_name(self.path, line, column, text)
        if problem is not None:
            self.unit_problems.append(problem)
            return None
        return text


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _texts(
    spans: _Table,
    with_documents: bool,
    continuum_length: int | None,
    continuum_begin: int,
    lengths_path,
) -> tuple[dict[str, Text], list[Problem]]:
    """The texts the units lie on: one continuum, or each document with its length."""
    options = _option_problems(spans.path, continuum_length, continuum_begin)
    if options:
        return {}, options
    if not with_documents:
        if lengths_path is not None:
            return {}, [
                Problem(
                    spans.path,
                    None,
                    None,
                    "--lengths was given but the spans have no document column",
                    "add a document column naming each unit's text, or leave out --lengths",
                )
            ]
        if continuum_length is None:
            return {}, [
                Problem(
                    spans.path,
                    None,
                    None,
                    "the length of the continuum is not given",
                    "give --continuum-length L: how many positions the coders unitized",
                )
            ]
        return {"": Text("", continuum_length, continuum_begin)}, []
    if continuum_length is not None or lengths_path is None:
        return {}, [
            Problem(
                spans.path,
                None,
                None,
                "the spans name documents, so each needs its own length",
                "give --lengths FILE with the columns document,length "
                "(instead of --continuum-length)",
            )
        ]
    lengths = _Table(str(lengths_path), LENGTH_COLUMNS)
    lengths.read(lengths_path, "the document lengths")
    texts: dict[str, Text] = {}
    for line, row in lengths.rows:
        document, length = lengths.name(line, row, "document"), None
        if row["length"]:
            length = lengths.whole_number(line, row, "length")
        else:
            lengths.report(line, "the length is empty", "give every document its length")
        if length is not None and length <= 0:
            lengths.report(
                line, f"length {length} is not positive", "a text has 1 position or more"
            )
        elif document in texts:
            lengths.report(line, f"document {document!r} is listed twice", "list it once")
        elif document is not None and length is not None:
            texts[document] = Text(document, length, continuum_begin)
    return texts, lengths.problems + _shortened(lengths.unit_problems)


def _option_problems(path: str, continuum_length: int | None, begin: int) -> list[Problem]:
    """The continuum's options, checked: a length of 1 to MAX_POSITION, a begin within it."""
    problems = []
    if continuum_length is not None and not 1 <= continuum_length <= MAX_POSITION:
        problems.append(
            Problem(
                path,
                None,
                None,
                f"--continuum-length {continuum_length} is not a usable length",
                f"give the number of positions, from 1 to {MAX_POSITION:,}",
            )
        )
    if abs(begin) > MAX_POSITION:
        problems.append(
            Problem(
                path,
                None,
                None,
                f"--continuum-begin {begin} is too far out",
                f"give a first position between -{MAX_POSITION:,} and {MAX_POSITION:,}",
            )
        )
    return problems


def _units(spans: _Table, texts: dict[str, Text]) -> list[Unit]:
    """The units of every readable row; each bad row is reported at its line."""
    units = []
    for line, row in spans.rows:
        coder, category = spans.name(line, row, "coder"), spans.name(line, row, "category")
        document = spans.name(line, row, "document") if "document" in row else ""
        begin = spans.whole_number(line, row, "begin")
        end = spans.whole_number(line, row, "end")
        if None in (coder, category, document, begin, end):
            continue
        if begin >= end:
            spans.report(
                line,
                f"begin {begin} is not before end {end}",
                "a unit is [begin, end) with end exclusive, so begin < end; swap them if "
                "they are reversed",
            )
            continue
        text = texts.get(document)
        if text is None:
            if texts:  # else the missing lengths are already reported
                spans.report(
                    line,
                    f"document {document!r} has no length in the lengths file",
                    f"add a row {document},LENGTH to the lengths file",
                )
            continue
        if begin < text.begin or end > text.begin + text.length:
            where = f" of {document}" if document else ""
            spans.report(
                line,
                f"the unit [{begin}, {end}) lies outside the continuum{where}, "
                f"[{text.begin}, {text.begin + text.length})",
                "check --continuum-begin and --continuum-length (or the document's length)",
            )
            continue
        units.append(Unit(coder, category, begin, end, document))
    return units


def _shortened(problems: list[Problem]) -> list[Problem]:
    """The first SHOWN_PROBLEMS problems, then how many more there are."""
    if len(problems) <= SHOWN_PROBLEMS:
        return problems
    hidden = len(problems) - SHOWN_PROBLEMS
    last = problems[-1]
    return problems[:SHOWN_PROBLEMS] + [
        Problem(
            last.path,
            None,
            None,
            f"{hidden} more rows have problems",
            "fix the rows above and check the rest of the file the same way",
        )
    ]
