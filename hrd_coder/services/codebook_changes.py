"""Rename, merge and split codes after coding started: codebook.yaml and codings together.

Each operation edits codebook.yaml (only the lines it must: comments and layout stay),
then in one transaction stores the new codebook version, moves every coding, orphaned
coding and decision to its new code (one `coding.recode` / `decision.recode` event each),
removes the old codes and logs a `code.rename`, `code.merge` or `code.split` event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, RowMapping, Table

from hrd_coder.codebook import Codebook, parse_codebook
from hrd_coder.problems import Problem, ProjectError, raise_if_any
from hrd_coder.services.importing import _remove_codes, sync_codebook
from hrd_coder.services.records import CodingRecord, ImportReport
from hrd_coder.storage import tables
from hrd_coder.storage.events import record_event

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

CODINGS: Table = tables.Coding.__table__
ORPHANS: Table = tables.OrphanedCoding.__table__
DECISIONS: Table = tables.Decision.__table__


@dataclass(frozen=True)
class CodebookChange:
    """What a rename, merge or split did."""

    operation: str
    moves: dict[str, str]  # old code -> new code ("A|B" for a split)
    codings: int
    orphans: int
    decisions: int
    yaml_edited: bool
    to_review: tuple[CodingRecord, ...] = ()  # split codings given the default code


def rename_code(project: Project, old: str, new: str) -> CodebookChange:
    """Give a code (and its dotted children) a new id; codings follow."""
    book = project.codebook
    _require_in(book, [old])
    if book.code(new) is not None:
        raise ProjectError(
            f"there is already a code '{new}': to move '{old}''s codings into it, use "
            f"'hrd-coder codebook merge {old} INTO {new}'"
        )
    renames = {c.id: new + c.id[len(old) :] for c in book.codes if _is_under(c.id, old)}
    text = project.codebook_text
    for old_id, new_id in renames.items():
        text = _replace_line(text, old_id, new_id)
        text = re.sub(_line("parent", old_id), rf"\g<1>\g<2>{new_id}\g<2>\g<3>", text, flags=re.M)
    return _apply(project, "rename", text, renames, lambda _row, code: renames[code])


def merge_codes(project: Project, sources: list[str], target: str) -> CodebookChange:
    """Move every coding of the source codes to the target, and drop the sources."""
    book = project.codebook
    _require_in(book, [*sources, target])
    if target in sources:
        raise ProjectError(f"'{target}' is both a source and the target: name it only after INTO")
    text = project.codebook_text
    for source in sources:
        _refuse_children(book, source)
        text = _remove_block(text, source)
    return _apply(project, "merge", text, dict.fromkeys(sources, target), lambda _r, _c: target)


def split_code(
    project: Project,
    code: str,
    into: list[str],
    default: str | None,
    choices: dict[str, str],
) -> CodebookChange:
    """Share a code's codings among new codes: `choices` (coding id -> code) first, else
    `default`; the codings that got the default are listed for review."""
    book = project.codebook
    _require_in(book, [code, *into])
    _refuse_children(book, code)
    if default is not None and default not in into:
        raise ProjectError(f"--default {default} must be one of --into {' '.join(into)}")
    _check_choices(project, code, into, default, choices)
    text = _remove_block(project.codebook_text, code)
    defaulted = [c for c in project.codings(code=code) if c.id not in choices]
    change = _apply(
        project,
        "split",
        text,
        {code: "|".join(into)},
        lambda row_id, _code: choices.get(row_id, default or ""),
    )
    return replace(change, to_review=tuple(defaulted))


def _check_choices(
    project: Project, code: str, into: list[str], default: str | None, choices: dict[str, str]
) -> None:
    """Every coding of the code needs a new code: from the CSV, or the default."""
    wrong = sorted({new for new in choices.values() if new not in into})
    if wrong:
        raise ProjectError(
            f"the split file names {', '.join(wrong)}, not one of {' '.join(into)}: "
            "fix its new_code column"
        )
    ids = {c.id for c in project.codings(code=code)} | {
        o.coding_id for o in project.orphaned_codings() if o.code_id == code
    }
    if unknown := sorted(set(choices) - ids):
        raise ProjectError(
            f"the split file names codings that are not codings of '{code}': "
            f"{', '.join(unknown[:5])}; list them with 'hrd-coder codings list --code {code}'"
        )
    if default is None and (missing := sorted(ids - set(choices))):
        raise ProjectError(
            f"{len(missing)} coding(s) of '{code}' have no new code (e.g. {missing[0]}): "
            "add them to the split file or give --default"
        )
    with project.database.reading() as conn:
        decided = conn.execute(DECISIONS.select().where(DECISIONS.c.code_id == code)).first()
    if default is None and decided is not None:
        raise ProjectError(
            f"adjudication decisions use '{code}': give --default to say which code they take"
        )


def _apply(
    project: Project,
    operation: str,
    text: str,
    moves: dict[str, str],
    new_code: Callable[[str, str], str],
) -> CodebookChange:
    """Check the edited codebook, then move everything in one transaction and save the YAML."""
    path = project.root / "codebook.yaml"
    shown = "codebook.yaml"
    book = parse_codebook(text, shown)  # raises InvalidInput: nothing written yet
    for old in moves:
        if book.code(old) is not None:
            raise ProjectError(f"codebook.yaml still has '{old}' after the change: remove it")
    edited = text != project.codebook_text
    with project.database.writing() as conn:
        # The new codes must exist before codings point at them; the old ones stay (still in
        # use) until the codings have moved, then go with their own events.
        sync_codebook(conn, book, text, shown, ImportReport(), [])
        counts = _recode_all(conn, moves, book, new_code)
        problems: list[Problem] = []
        _remove_codes(conn, book, shown, ImportReport(), problems)
        raise_if_any(problems)
        record_event(
            conn,
            coder=None,
            action=f"code.{operation}",
            entity="code",
            entity_id=",".join(moves),
            before={"codes": list(moves)},
            after={"moves": moves, "codebook_hash": book.hash, **counts},
        )
        if edited:
            _write(path, text)
    project.adopt_codebook(book, text)
    return CodebookChange(operation, moves, yaml_edited=edited, **counts)


def _recode_all(
    conn: Connection, moves: dict[str, str], book: Codebook, new_code: Callable[[str, str], str]
) -> dict[str, int]:
    """Point codings, orphans and decisions at their new code, one event each."""
    counts = {"codings": 0, "orphans": 0, "decisions": 0}
    for table, key, column, name in (
        (CODINGS, "id", "code_id", "codings"),
        (ORPHANS, "coding_id", "code_id", "orphans"),
        (DECISIONS, "id", "code_id", "decisions"),
    ):
        rows = conn.execute(table.select().where(table.c[column].in_(list(moves)))).mappings()
        for row in rows.all():
            entity = "decision" if table is DECISIONS else "coding"
            values = {"code_id": new_code(row[key], row[column])}
            if table is not DECISIONS:
                values["codebook_hash"] = book.hash
            conn.execute(table.update().where(table.c[key] == row[key]).values(**values))
            record_event(
                conn,
                coder=None,
                action=f"{entity}.recode",
                entity=entity,
                entity_id=row[key],
                before={column: row[column], **_hash(row)},
                after={**values, **({"orphaned": True} if table is ORPHANS else {})},
            )
            counts[name] += 1
    return counts


def _hash(row: RowMapping) -> dict[str, str]:
    return {"codebook_hash": row["codebook_hash"]} if "codebook_hash" in row else {}


def _require_in(book: Codebook, ids: list[str]) -> None:
    for code_id in ids:
        if book.code(code_id) is None:
            raise ProjectError(
                f"there is no code '{code_id}' in codebook.yaml: see 'hrd-coder codebook check'"
                " (new codes for a split must be written into codebook.yaml first)"
            )


def _refuse_children(book: Codebook, code_id: str) -> None:
    children = [c.id for c in book.codes if c.id != code_id and book.parent_of(c) == code_id]
    if children:
        raise ProjectError(
            f"'{code_id}' has child codes ({', '.join(children)}): rename, merge or move them first"
        )


def _is_under(code_id: str, parent: str) -> bool:
    return code_id == parent or code_id.startswith(parent + ".")


def _line(key: str, value: str) -> str:
    """A YAML line `key: value` (the value maybe quoted, maybe a trailing comment)."""
    return rf"^(\s*(?:-\s+)?{key}:\s*)([\"']?){re.escape(value)}\2(\s*(?:#.*)?)$"


def _replace_line(text: str, old: str, new: str) -> str:
    edited, count = re.subn(_line("id", old), rf"\g<1>\g<2>{new}\g<2>\g<3>", text, flags=re.M)
    if count != 1:
        raise ProjectError(
            f"cannot find exactly one line 'id: {old}' in codebook.yaml to change: change it "
            f"to 'id: {new}' yourself (children too), then run the same command again"
        )
    return edited


def _remove_block(text: str, code_id: str) -> str:
    """Drop a code's `- id: CODE` entry, up to the next line as far left as its dash."""
    lines = text.splitlines(keepends=True)
    pattern = re.compile(rf"^\s*-\s+id:\s*([\"']?){re.escape(code_id)}\1\s*(?:#.*)?$")
    starts = [i for i, line in enumerate(lines) if pattern.match(line.rstrip("\n"))]
    if len(starts) != 1:
        raise ProjectError(
            f"cannot find the entry '- id: {code_id}' in codebook.yaml: delete that code's "
            "entry yourself, then run the same command again"
        )
    first = starts[0]
    indent = len(lines[first]) - len(lines[first].lstrip())
    last = first + 1
    while last < len(lines):
        line = lines[last]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        last += 1
    return "".join(lines[:first] + lines[last:])


def _write(path: Path, text: str) -> None:
    """Replace the file in one step, so a crash leaves the old or the new one, never half."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
