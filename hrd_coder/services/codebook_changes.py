"""Rename, merge and split codes after coding started: codebook.yaml and codings together.

Each operation edits codebook.yaml through the one codebook writer (comments, order and
layout stay; see hrd_coder/codebook/yaml_file.py) into a file aside, then in one
transaction stores the new codebook version, moves every coding, orphaned coding and
decision to its new code (one `coding.recode` / `decision.recode` event each), removes the
old codes and logs a `code.rename`, `code.merge` or `code.split` event; after the commit
the new file replaces codebook.yaml (a journal lets the next open finish or undo a change
killed half-way: see codebook_journal).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from hrd_coder.codebook import Codebook, parse_codebook
from hrd_coder.codebook.yaml_file import CodebookFile
from hrd_coder.problems import Problem, ProjectError, raise_if_any
from hrd_coder.services.codebook_journal import changing_codebook
from hrd_coder.services.importing import _remove_codes, sync_codebook
from hrd_coder.services.records import CodingRecord, ImportReport
from hrd_coder.storage import code_uses
from hrd_coder.storage.codebook_versions import current_codebook_hash
from hrd_coder.storage.events import record_event
from hrd_coder.storage.foreign_guids import rename_foreign_guids
from hrd_coder.wording import agreeing, plural

if TYPE_CHECKING:
    from hrd_coder.services.project import Project
    from hrd_coder.storage.database import Connection


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
    edited = _codebook_file(project)
    edited.rename_codes(renames)
    return _apply(project, "rename", edited.text(), renames, lambda _row, code: renames[code])


def merge_codes(project: Project, sources: list[str], target: str) -> CodebookChange:
    """Move every coding of the source codes to the target, and drop the sources."""
    book = project.codebook
    _require_in(book, [*sources, target])
    if target in sources:
        raise ProjectError(f"'{target}' is both a source and the target: name it only after INTO")
    edited = _codebook_file(project)
    for source in sources:
        _refuse_children(book, source)
        edited.remove_code(source)
    moves = dict.fromkeys(sources, target)
    return _apply(project, "merge", edited.text(), moves, lambda _r, _c: target)


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
    edited = _codebook_file(project)
    edited.remove_code(code)
    defaulted = [c for c in project.codings(code=code) if c.id not in choices]
    change = _apply(
        project,
        "split",
        edited.text(),
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
            f"{plural(len(missing), 'coding')} of '{code}' "
            f"{agreeing(len(missing), 'has', 'have')} no new code (e.g. {missing[0]}): "
            "add them to the split file or give --default"
        )
    with project.database.reading() as conn:
        decided = code_uses.rows_using(conn, "decisions", [code])
    if default is None and decided:
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
    """Check the edited codebook, then move everything in one transaction; codebook.yaml
    becomes the new text once that commits (see codebook_journal for a crash between)."""
    shown = "codebook.yaml"
    book = parse_codebook(text, shown)  # raises InvalidInput: nothing written yet
    for old in moves:
        if book.code(old) is not None:
            raise ProjectError(f"codebook.yaml still has '{old}' after the change: remove it")
    edited = text != project.codebook_text
    with project.database.reading() as conn:
        before = current_codebook_hash(conn)
    together = (
        changing_codebook(project.root, project.database, operation, before, book.hash, text)
        if edited
        else nullcontext()
    )
    with together, project.database.writing() as conn:
        # The new codes must exist before codings point at them; the old ones stay (still in
        # use) until the codings have moved, then go with their own events.
        if operation == "rename":  # a renamed code keeps the GUID it came with
            rename_foreign_guids(conn, "code", moves)
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
    project.adopt_codebook(book, text)
    return CodebookChange(operation, moves, yaml_edited=edited, **counts)


def _recode_all(
    conn: Connection, moves: dict[str, str], book: Codebook, new_code: Callable[[str, str], str]
) -> dict[str, int]:
    """Point codings, orphans and decisions at their new code, one event each."""
    counts = {"codings": 0, "orphans": 0, "decisions": 0}
    holders: tuple[code_uses.Holder, ...] = ("codings", "orphans", "decisions")
    for holder in holders:
        key = code_uses.key_of(holder)
        for row in code_uses.rows_using(conn, holder, moves):
            entity = "decision" if holder == "decisions" else "coding"
            values = {"code_id": new_code(row[key], row["code_id"])}
            if holder != "decisions":
                values["codebook_hash"] = book.hash
            code_uses.set_values(conn, holder, row[key], values)
            record_event(
                conn,
                coder=None,
                action=f"{entity}.recode",
                entity=entity,
                entity_id=row[key],
                before={"code_id": row["code_id"], **_hash(row)},
                after={**values, **({"orphaned": True} if holder == "orphans" else {})},
            )
            counts[holder] += 1
    return counts


def _hash(row: Any) -> dict[str, str]:
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


def _codebook_file(project: Project) -> CodebookFile:
    return CodebookFile(project.codebook_text, "codebook.yaml")
