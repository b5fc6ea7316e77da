"""Per-project settings kept beside the database: who is coding, and remapped keys.

They live in `PROJECT/.hrd_coder/` (not in the database, which a team may share).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from hrd_coder.problems import InvalidInput, Problem
from hrd_coder.sources.text import read_text_file
from hrd_coder.yaml_source import parse_yaml

LOCAL_DIR = ".hrd_coder"
SETTINGS_FILE = "settings.yaml"
KEYS_FILE = "keys.yaml"


def user_keys_file() -> Path:
    """The keys file that applies to every project of this user."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "hrd-coder" / KEYS_FILE


def remembered_coder(root: Path) -> str | None:
    """The coder name saved for this project, if any."""
    path = root / LOCAL_DIR / SETTINGS_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    coder = data.get("coder") if isinstance(data, dict) else None
    return coder if isinstance(coder, str) and coder else None


def remember_coder(root: Path, coder: str) -> None:
    """Save the coder name for this project (written whole, then renamed into place)."""
    folder = root / LOCAL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SETTINGS_FILE
    data = {}
    if path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = loaded if isinstance(loaded, dict) else {}
    data["coder"] = coder
    temporary = path.with_suffix(".tmp")
    temporary.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def load_keymap(root: Path) -> dict[str, str]:
    """Binding id -> keys, from the user's keys file, then the project's (which wins).

    Raises InvalidInput (with file and line) when a keys file is malformed.
    """
    keymap: dict[str, str] = {}
    for path in (user_keys_file(), root / LOCAL_DIR / KEYS_FILE):
        if path.is_file():
            keymap.update(_read_keys(path))
    return keymap


def _read_keys(path: Path) -> dict[str, str]:
    document, problems = parse_yaml(read_text_file(path), str(path))
    if document is None or problems:
        raise InvalidInput(problems)
    data = document.data or {}
    if not isinstance(data, dict):
        raise InvalidInput(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "the keys file is not 'id: key' lines",
                    "write e.g. 'coding.undo: ctrl+u'",
                )
            ]
        )
    found = []
    for binding_id, keys in data.items():
        if not isinstance(keys, str) or not keys.strip():
            found.append(
                document.problem(
                    (binding_id,),
                    f"'{binding_id}' has no key",
                    "write the key after the colon, e.g. ctrl+u (several keys: ctrl+u,f9)",
                )
            )
    if found:
        raise InvalidInput(found)
    return {str(k): v.replace(" ", "") for k, v in data.items()}
