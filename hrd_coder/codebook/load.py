"""Read and check `codebook.yaml`, reporting every problem with its line at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hrd_coder.codebook.model import Codebook
from hrd_coder.problems import InvalidInput, Problem, raise_if_any
from hrd_coder.text_file import read_text_file
from hrd_coder.yaml_source import YamlDocument, parse_yaml, validate


def load_codebook(path: str | Path) -> Codebook:
    """Load a codebook file; raise InvalidInput listing every problem in it."""
    path = Path(path)
    text = read_text_file(path)
    return parse_codebook(text, str(path))


def parse_codebook(text: str, path: str = "codebook.yaml") -> Codebook:
    """Check codebook YAML text; raise InvalidInput listing every problem in it."""
    document, problems = parse_yaml(text, path)
    raise_if_any(problems)
    assert document is not None
    if not isinstance(document.data, dict):
        raise InvalidInput(
            [
                Problem(
                    path,
                    1,
                    1,
                    "the codebook is not a block of 'key: value' lines",
                    "start with 'name:', 'version:', 'case_groups:' "
                    "and 'codes:' (see docs/codebook.md)",
                )
            ]
        )
    codebook, problems = validate(Codebook, document, subject=lambda loc: _subject(document, loc))
    problems += _cross_check(document)
    raise_if_any(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return codebook


def _subject(document: YamlDocument, loc: tuple[Any, ...]) -> str:
    """Name the code an error is about, e.g. "code 'private_diplomacy': "."""
    if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
        raw = _raw_codes(document)
        if loc[1] < len(raw) and isinstance(raw[loc[1]].get("id"), str):
            return f"code '{raw[loc[1]]['id']}': "
        return f"code #{loc[1] + 1}: "
    return ""


def _raw_codes(document: YamlDocument) -> list[dict[str, Any]]:
    codes = document.data.get("codes") if isinstance(document.data, dict) else None
    if not isinstance(codes, list):
        return []
    return [c if isinstance(c, dict) else {} for c in codes]


def _cross_check(document: YamlDocument) -> list[Problem]:
    """Checks across codes: duplicate ids and hotkeys, unknown parents, cycles."""
    codes = _raw_codes(document)
    problems: list[Problem] = []
    first_by_id: dict[str, int] = {}
    first_by_key: dict[str, int] = {}
    for index, code in enumerate(codes):
        code_id = code.get("id")
        if isinstance(code_id, str):
            if code_id in first_by_id:
                line, _ = document.position(("codes", first_by_id[code_id], "id"))
                problems.append(
                    document.problem(
                        ("codes", index, "id"),
                        f"code id '{code_id}' is used twice",
                        f"give one of them another id (the first is on line {line})",
                    )
                )
            else:
                first_by_id[code_id] = index
        hotkey = code.get("hotkey")
        if hotkey is not None:
            key = str(hotkey)
            if key in first_by_key:
                other = codes[first_by_key[key]].get("id")
                problems.append(
                    document.problem(
                        ("codes", index, "hotkey"),
                        f"hotkey '{key}' is already taken by code '{other}'",
                        "choose a key no other code uses",
                    )
                )
            else:
                first_by_key[key] = index
    problems += _check_parents(document, codes, first_by_id)
    return problems


def _parent(code: dict[str, Any]) -> str | None:
    if isinstance(code.get("parent"), str):
        return code["parent"]
    code_id = code.get("id")
    return code_id.rpartition(".")[0] or None if isinstance(code_id, str) else None


def _check_parents(
    document: YamlDocument, codes: list[dict[str, Any]], index_of: dict[str, int]
) -> list[Problem]:
    problems: list[Problem] = []
    for index, code in enumerate(codes):
        parent = _parent(code)
        if parent is None or parent in index_of:
            continue
        field = "parent" if "parent" in code else "id"
        problems.append(
            document.problem(
                ("codes", index, field),
                f"code '{code.get('id')}': parent '{parent}' is not a code in this codebook",
                f"add a code with id '{parent}' or correct the parent",
            )
        )
    problems += _check_cycles(document, codes, index_of)
    return problems


def _check_cycles(
    document: YamlDocument, codes: list[dict[str, Any]], index_of: dict[str, int]
) -> list[Problem]:
    problems: list[Problem] = []
    reported: set[str] = set()
    for code_id in index_of:
        path = [code_id]
        current = _parent(codes[index_of[code_id]])
        while current in index_of and current not in path:
            path.append(current)
            current = _parent(codes[index_of[current]])
        if current == code_id and code_id not in reported:
            reported.update(path)
            cycle = " -> ".join([*path, code_id])
            problems.append(
                document.problem(
                    ("codes", index_of[code_id], "parent"),
                    f"codes form a cycle: {cycle}",
                    "make one of these codes a top-level code (remove its 'parent')",
                )
            )
    return problems
