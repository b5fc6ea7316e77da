"""Codings as a CSV table: written by `codings list`, read back by `codings load`.

A row names its span either by `start`/`end` offsets or by an exact `quote` (with an
optional `occurrence` when the quote appears more than once), which lets people write
codings by hand and lets a listed table load back unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from hrd_coder.problems import InvalidInput, Problem, ProjectError, raise_if_any
from hrd_coder.safe_text import safe_text
from hrd_coder.services import coverage
from hrd_coder.services.access import read_access
from hrd_coder.services.coding import new_coding
from hrd_coder.services.layers import check_coder_name
from hrd_coder.services.records import CodingRecord
from hrd_coder.sources.csv_cells import MAX_NAME_CHARS, bad_name, cell_limit, csv_problem
from hrd_coder.spreadsheet_cells import neutralise_row, restore
from hrd_coder.storage import codings as stored
from hrd_coder.storage.catalog import texts_and_kinds
from hrd_coder.storage.events import record_event
from hrd_coder.text_file import decode, normalise
from hrd_coder.wording import noun, plural

if TYPE_CHECKING:
    from hrd_coder.services.project import Project


REQUIRED = ("document", "coder", "code")
OPTIONAL = ("id", "start", "end", "quote", "occurrence", "case", "memo")
LISTED = (
    "id",
    "document",
    "coder",
    "code",
    "start",
    "end",
    "case",
    "memo",
    "codebook_hash",
    "created_at",
    "updated_at",
)
QUOTED = ("quote", "prefix", "suffix")
NAMES = ("id", "document", "coder", "code", "case")  # short cells: bounded by MAX_NAME_CHARS
MAX_OFFSET_DIGITS = 18  # offsets stay within 64-bit integers, as the databases store them


@dataclass(frozen=True)
class LoadReport:
    """How many codings a load added, and how many it found already present."""

    added: int
    already_present: int


def coding_rows(codings: Iterable[CodingRecord], with_quotes: bool = False) -> list[dict[str, Any]]:
    """Codings as flat rows; quotes only on request (transcripts are confidential)."""
    rows = []
    for c in codings:
        row = {
            "id": c.id,
            "document": c.document_id,
            "coder": c.coder,
            "code": c.code_id,
            "start": c.start,
            "end": c.end,
            "case": c.case_id or "",
            "memo": c.memo or "",
            "codebook_hash": c.codebook_hash,
            "created_at": c.created_at.isoformat(),
            "updated_at": c.updated_at.isoformat(),
        }
        if with_quotes:
            row.update(quote=c.quote, prefix=c.prefix, suffix=c.suffix)
        rows.append(row)
    return rows


def write_csv(
    rows: list[dict[str, Any]], stream: IO[str], with_quotes: bool = False, raw_cells: bool = False
) -> None:
    """Write coding rows as CSV with a header (also when there are no rows); cells a
    spreadsheet would run are neutralised unless `raw_cells`, and loading undoes that."""
    columns = [*LISTED, *(QUOTED if with_quotes else ())]
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows if raw_cells else map(neutralise_row, rows))


def load_codings(project: Project, path: Path, mark_done: bool = False) -> LoadReport:
    """Check every row first, then add the new codings in one transaction (idempotent);
    with `mark_done`, each coder's documents in the file are marked done by them too."""
    shown = str(path)
    try:
        text = decode(path.read_bytes(), shown)
    except FileNotFoundError:
        raise ProjectError(f"{shown}: file not found") from None
    with cell_limit():
        codings = _read_rows(project, text, shown)
    return _store(project, codings, shown, mark_done)


def _read_rows(project: Project, text: str, shown: str) -> list[CodingRecord]:
    """The coding of every row, or InvalidInput with every problem found."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        columns = reader.fieldnames or []
    except csv.Error as error:
        raise InvalidInput([csv_problem(shown, 1, error)]) from None
    _check_header(list(columns), shown)
    problems: list[Problem] = []
    codings: list[CodingRecord] = []
    seen_ids: set[str] = set()
    valid: dict[tuple[str, str], Any] = {}
    documents = _named_documents(project, text, shown)
    for row in _readable(reader, shown):
        line = reader.line_num
        too_long = [
            found
            for column in NAMES
            if (found := bad_name(shown, line, column, row.get(column) or ""))
        ]
        if too_long:
            problems.extend(too_long)
            continue
        try:
            coding = _coding_from_row(
                project,
                {
                    k: restore((v or "").strip() if k != "quote" else v or "")
                    for k, v in row.items()
                    if k
                },
                valid,
                documents,
            )
        except ProjectError as error:
            problems.append(Problem(shown, line, None, str(error), _hint_for(error)))
            continue
        if coding.id in seen_ids:
            problems.append(
                Problem(
                    shown,
                    line,
                    None,
                    f"id '{coding.id}' appears twice",
                    "give every row its own id, or leave id empty",
                )
            )
        seen_ids.add(coding.id)
        codings.append(coding)
    raise_if_any(problems)
    return codings


def _readable(reader: Any, shown: str) -> Iterator[Any]:
    """Each row of a csv reader; a row the csv module cannot read (an unclosed quote, a
    cell over MAX_CELL_CHARS) is an InvalidInput at the line where it starts."""
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInput([csv_problem(shown, start, error)]) from None
        yield row
        start = reader.line_num + 1


def _check_header(columns: list[str], path: str) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in (*REQUIRED, *OPTIONAL, *LISTED, *QUOTED)]
    problems = []
    if missing:
        problems.append(
            Problem(
                path,
                1,
                None,
                f"missing {noun(len(missing), 'column')}: {', '.join(missing)}",
                "the header needs document, coder, code and either start and end or quote",
            )
        )
    if "quote" not in columns and not {"start", "end"} <= set(columns):
        problems.append(
            Problem(
                path,
                1,
                None,
                "no span columns",
                "add 'start' and 'end' (offsets) or 'quote' (exact text)",
            )
        )
    if unknown:
        problems.append(
            Problem(
                path,
                1,
                None,
                f"unknown {noun(len(unknown), 'column')}: {', '.join(unknown)}",
                f"allowed: {', '.join((*REQUIRED, *OPTIONAL))}",
            )
        )
    raise_if_any(problems)


def _named_documents(project: Project, text: str, shown: str) -> dict[str, tuple[str, str]]:
    """Document id -> (text, kind) for the documents the rows name, in a query per 500:
    a query per document took most of the time of a load touching thousands of them."""
    rows = _readable(csv.reader(io.StringIO(text)), shown)
    column = next(rows).index("document")
    names = sorted(
        {
            name
            for row in rows
            if len(row) > column and len(name := row[column].strip()) <= MAX_NAME_CHARS
        }
    )
    with project.database.reading() as conn:
        return texts_and_kinds(conn, names)


def _coding_from_row(
    project: Project,
    row: dict[str, str],
    valid: dict[tuple[str, str], Any],
    documents: dict[str, tuple[str, str]],
) -> CodingRecord:
    coder = _once(valid, "coder", row["coder"], check_coder_name)
    document = row["document"]
    # Not found above: `text_of` raises the project's "there is no document" error.
    text, kind = documents.get(document) or (
        project.text_of(document),
        project.document_kind(document),
    )
    _once(valid, "code", row["code"], project.require_code)
    case = row.get("case") or None
    _once(valid, "case", case, project.require_case)
    start, end = _span(text, row, document)
    if case is None and kind == "case_history":
        case = document
    return new_coding(
        text=text,
        document_id=document,
        coder=coder,
        code_id=row["code"],
        start=start,
        end=end,
        case_id=case,
        memo=row.get("memo") or None,
        codebook_hash=project.codebook_hash_for_new_codings(),
        coding_id=row.get("id") or None,
    )


def _once(valid: dict[tuple[str, str], Any], kind: str, value: Any, check: Any) -> Any:
    """`check(value)`, remembered when it passes: a load has up to a million rows but only
    a few dozen coders, codes, cases and documents. A failure is raised for every row."""
    key = (kind, value)
    if key not in valid:
        valid[key] = check(value)
    return valid[key]


def _span(text: str, row: dict[str, str], document: str) -> tuple[int, int]:
    if row.get("start") and row.get("end"):
        try:
            if max(len(row["start"]), len(row["end"])) > MAX_OFFSET_DIGITS:
                raise ValueError("too many digits for an offset")
            return int(row["start"]), int(row["end"])
        except ValueError:
            start, end = (safe_text(row[key], limit=30) for key in ("start", "end"))
            raise ProjectError(
                f"start/end '{start}'/'{end}' are not whole numbers "
                f"(of at most {MAX_OFFSET_DIGITS} digits)"
            ) from None
    quote = normalise(row.get("quote", "")).strip()
    if not quote:
        raise ProjectError("the row has neither start/end nor a quote")
    found = _occurrences(text, quote)
    occurrence = int(row["occurrence"]) if row.get("occurrence", "").isdigit() else None
    if not found:
        raise ProjectError(f"quote not found in document '{document}': \"{quote[:60]}\"")
    if occurrence is None and len(found) > 1:
        raise ProjectError(
            f"quote appears {len(found)} times in document '{document}': \"{quote[:60]}\""
        )
    index = (occurrence or 1) - 1
    if index >= len(found):
        raise ProjectError(
            f"occurrence {occurrence} asked, but the quote appears only "
            f"{plural(len(found), 'time')} in '{document}'"
        )
    return found[index], found[index] + len(quote)


def _occurrences(text: str, quote: str) -> list[int]:
    found, position = [], text.find(quote)
    while position != -1:
        found.append(position)
        position = text.find(quote, position + 1)
    return found


def _hint_for(error: ProjectError) -> str:
    message = str(error)
    if "appears" in message and "times" in message:
        return "make the quote longer, or add an 'occurrence' column (1 = first)"
    if "quote not found" in message:
        return "copy the quote exactly from the document body (without line breaks)"
    return "correct this row"


def _store(
    project: Project, codings: list[CodingRecord], path: str, mark_done: bool = False
) -> LoadReport:
    problems: list[Problem] = []
    with project.database.writing() as conn:
        coders = sorted({c.coder for c in codings})
        bulk = read_access(conn, project.viewer).check_load(coders, path)
        existing = {r.id: r for r in stored.coding_identities(conn)}
        natural = {_key(r) for r in existing.values()}
        new = []
        for coding in codings:
            if coding.id in existing:
                if _key(existing[coding.id]) + _extra(existing[coding.id]) != _key(coding) + _extra(
                    coding
                ):
                    problems.append(
                        Problem(
                            path,
                            None,
                            None,
                            f"coding '{coding.id}' already exists with different content",
                            "give the row a new id, or remove the old coding",
                        )
                    )
            elif _key(coding) not in natural:
                new.append(coding)
                natural.add(_key(coding))
        if problems:
            raise InvalidInput(problems)
        for coder in sorted({c.coder for c in new}):
            stored.ensure_coder(conn, coder)
        with stored.big_page_cache(conn):
            stored.insert_codings(conn, new)
        if mark_done:
            for coder in sorted({c.coder for c in codings}):
                stored.ensure_coder(conn, coder)
                documents = sorted({c.document_id for c in codings if c.coder == coder})
                coverage.mark_done(conn, coder, documents)
        if bulk:
            record_event(
                conn,
                coder=project.viewer,
                action="codings.bulk_load",
                entity="layer",
                entity_id=",".join(coders),
                after={"file": path, "coders": coders, "added": len(new)},
            )
    return LoadReport(added=len(new), already_present=len(codings) - len(new))


def _key(c: Any) -> tuple[Any, ...]:
    return (c.document_id, c.coder, c.code_id, c.start, c.end)


def _extra(c: Any) -> tuple[Any, ...]:
    return (c.case_id, c.memo)
