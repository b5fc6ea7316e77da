"""Bulk import of media items from a CSV list: one `media/ID.md` file per new article.

The files stay the source of truth: the CSV is turned into media files (checked first,
written all together or not at all), then the project is imported as usual. Articles
already in `media/` or repeated in the CSV are reported and skipped, so running the same
list twice writes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from hrd_coder.problems import InvalidInput, Problem, raise_if_any
from hrd_coder.services.records import ImportReport
from hrd_coder.sources.csv_cells import cell_limit, csv_problem
from hrd_coder.sources.folders import MEDIA_DIR, relative_to_project
from hrd_coder.sources.media import MediaFile, duplicate_keys
from hrd_coder.text_file import decode, normalise, read_text_file
from hrd_coder.yaml_source import dump_yaml

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

REQUIRED = ("date", "outlet", "outlet_type", "title")
OPTIONAL = ("id", "cases", "text", "path", "url", "source", "language", "notes")
CASE_SEPARATORS = re.compile(r"[;,\s]+")


@dataclass
class ArticleImport:
    """What a bulk import did: files written, rows skipped as repeats, the project import."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    imported: ImportReport | None = None
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "written": self.written,
            "skipped": self.skipped,
            "dry_run": self.dry_run,
            "import": self.imported.as_json() if self.imported else None,
        }


def import_articles(
    project: Project, path: Path, dry_run: bool = False, allow_outside: Iterable[Path] = ()
) -> ArticleImport:
    """Write a media file for each new article of a CSV list, then import the project.

    A `path` cell must name a file inside the CSV's folder (after following symlinks), or
    inside one of the `allow_outside` folders: a list from elsewhere cannot copy any file
    the user can read (a key, another project's transcripts) into media/.
    """
    files = project.read_files()  # a project with problems gets nothing added
    shown = relative_to_project(project.root, path)
    readable = _Readable(path.parent, tuple(allow_outside))
    rows = _rows(path, shown)
    known_cases = {c.case.id for c in files.cases}
    taken = {d.id: d.path for d in files.documents}
    seen = {
        key: item.path
        for item in files.media
        for key in duplicate_keys(
            item.metadata["outlet"],
            item.metadata["date"],
            item.title,
            item.metadata.get("url"),
            item.text,
        )
    }
    report = ArticleImport(dry_run=dry_run)
    problems: list[Problem] = []
    writes: dict[Path, str] = {}
    for line, row in rows:
        found = _article(row, line, shown, readable, known_cases, problems)
        if found is None:
            continue
        meta, body = found
        keys = duplicate_keys(meta.outlet, str(meta.date), meta.title, meta.url, body)
        repeated = next((key for key in keys if key in seen), None)
        if repeated:
            report.skipped.append(f"{shown}:{line}: {repeated[0]} as {seen[repeated]}: skipped")
            continue
        where = f"{MEDIA_DIR}/{meta.id}.md"
        if meta.id in taken:
            problems.append(
                Problem(
                    shown,
                    line,
                    None,
                    f"id '{meta.id}' is already used by {taken[meta.id]}",
                    "give the article another id in the 'id' column (or leave it empty)",
                )
            )
            continue
        taken[meta.id] = f"{shown} line {line}"
        seen.update({key: f"{shown} line {line}" for key in keys})
        writes[project.root / where] = media_text(meta, body)
        report.written.append(where)
    raise_if_any(problems)
    if dry_run:
        return report
    _write_all(writes)
    try:
        report.imported = project.import_files()
    except Exception:
        for target in writes:  # the import wrote nothing: neither do we
            target.unlink(missing_ok=True)
        raise
    return report


def media_text(meta: MediaFile, body: str) -> str:
    """A media file: YAML front matter between `---` lines, then the article's text."""
    front = meta.model_dump(mode="json", exclude_defaults=True)
    front["date"] = str(meta.date)
    front["cases"] = list(meta.cases)
    order = ["id", "title", "outlet", "outlet_type", "date", "language", "url", "source"]
    ordered = {k: front[k] for k in [*order, "cases", "notes"] if k in front}
    text = dump_yaml(
        ordered, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=None
    )
    return f"---\n{text}---\n{body if body.endswith(chr(10)) else body + chr(10)}"


def _rows(path: Path, shown: str) -> list[tuple[int, dict[str, str]]]:
    """(file line, cells) of each non-blank row; the header is checked first."""
    text = read_text_file(path) if path.is_file() else None
    if text is None:
        raise InvalidInput([Problem(shown, None, None, "file not found", "check the path")])
    with cell_limit():
        return _read_rows(text, shown)


def _read_rows(text: str, shown: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as error:
        raise InvalidInput([csv_problem(shown, 1, error)]) from None
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in (*REQUIRED, *OPTIONAL)]
    problems = [
        Problem(shown, 1, None, f"no column '{name}'", f"add a '{name}' column to the header")
        for name in missing
    ]
    problems += [
        Problem(
            shown,
            1,
            header.index(name) + 1,
            f"unknown column '{name}'",
            "the columns are " + ", ".join((*REQUIRED, *OPTIONAL)),
        )
        for name in unknown
    ]
    if "text" not in header and "path" not in header:
        problems.append(
            Problem(shown, 1, None, "no 'text' or 'path' column", "give each article's text")
        )
    raise_if_any(problems)
    rows, line = [], 2
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, dict(zip(header, (c.strip() for c in cells), strict=False))))
            line = reader.line_num + 1  # a quoted cell may span several lines
    except csv.Error as error:
        raise InvalidInput([csv_problem(shown, line, error)]) from None
    return rows


def _article(
    row: dict[str, str],
    line: int,
    shown: str,
    readable: _Readable,
    known_cases: set[str],
    problems: list[Problem],
) -> tuple[MediaFile, str] | None:
    """The checked front matter and text of one row, or None (with its problems)."""
    before = len(problems)
    cases = [c for c in CASE_SEPARATORS.split(row.get("cases", "")) if c]
    for case in cases:
        if case not in known_cases:
            problems.append(
                Problem(shown, line, None, f"case '{case}' does not exist", "correct the case id")
            )
    body = _body(row, line, shown, readable, problems)
    fields = {k: row[k] for k in (*REQUIRED, "url", "source", "language", "notes") if row.get(k)}
    fields["cases"] = cases
    fields["id"] = row.get("id") or _generated_id(row)
    if not row.get("url") and not row.get("source"):
        fields["source"] = f"imported from {Path(shown).name}"
    try:
        meta = MediaFile.model_validate(fields)
    except ValidationError as error:
        for detail in error.errors():
            column = str(detail["loc"][0]) if detail["loc"] else ""
            hint = (detail.get("ctx") or {}).get("hint", "")
            message = detail["msg"] if detail["type"] != "missing" else "empty"
            if column and not message.startswith(column):
                message = f"{column}: {message}"
            problems.append(Problem(shown, line, None, message, hint))
        return None
    return (meta, body) if len(problems) == before else None


@dataclass(frozen=True)
class _Readable:
    """Where a `path` cell may point: the CSV's folder and the folders allowed besides."""

    folder: Path
    allowed: tuple[Path, ...]

    def inside(self, source: Path) -> bool:
        """Whether the file, after every symlink, lies in one of the readable folders."""
        target = source.resolve()
        return any(target.is_relative_to(f.resolve()) for f in (self.folder, *self.allowed))


def _body(
    row: dict[str, str], line: int, shown: str, readable: _Readable, problems: list[Problem]
) -> str:
    if row.get("text"):
        return normalise(row["text"])
    if not row.get("path"):
        problems.append(
            Problem(shown, line, None, "no text", "fill the 'text' cell or a 'path' to a file")
        )
        return ""
    source = readable.folder / row["path"]
    try:
        inside, found = readable.inside(source), source.is_file()
    except OSError as error:  # a name too long for the file system, a loop of symlinks
        problems.append(
            Problem(shown, line, None, f"cannot read '{row['path'][:60]}': {error.strerror}")
        )
        return ""
    if not inside:
        problems.append(
            Problem(
                shown,
                line,
                None,
                f"file '{row['path']}' is outside the CSV's folder ({readable.folder})",
                "copy the file next to the list, or name its folder with --allow-outside DIR",
            )
        )
        return ""
    if not found:
        problems.append(
            Problem(
                shown,
                line,
                None,
                f"file '{row['path']}' not found",
                f"paths are read from the CSV's folder ({readable.folder})",
            )
        )
        return ""
    try:
        return decode(source.read_bytes(), row["path"])
    except OSError as error:
        problems.append(
            Problem(shown, line, None, f"cannot read '{row['path']}': {error.strerror}")
        )
        return ""
    except InvalidInput as error:
        problems.extend(Problem(shown, line, None, str(p)) for p in error.problems)
        return ""


def _generated_id(row: dict[str, str]) -> str:
    """A stable id from date, outlet and title, so the same row always gets the same file."""
    digest = hashlib.sha256(f"{row.get('outlet')}|{row.get('title')}".encode()).hexdigest()[:6]
    day = re.sub(r"[^0-9]", "", row.get("date", ""))
    return f"m{day}-{digest}"


def _write_all(writes: dict[Path, str]) -> None:
    """Write every file, or (on any failure) none: the ones already written are removed."""
    done: list[Path] = []
    try:
        for target, text in writes.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as handle:  # never overwrite a file
                done.append(target)
                handle.write(text)
    except OSError as error:
        for written in done:
            written.unlink(missing_ok=True)
        raise InvalidInput(
            [Problem(str(error.filename or ""), None, None, f"cannot write: {error.strerror}")]
        ) from None
