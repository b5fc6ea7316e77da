"""Per-project settings kept beside the database: who is coding, and remapped keys.

They live in `PROJECT/.hrd_coder/` (not in the database, which a team may share).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hrd_coder.problems import InvalidInput, Problem
from hrd_coder.text_file import read_text_file

LOCAL_DIR = ".hrd_coder"
SETTINGS_FILE = "settings.yaml"
KEYS_FILE = "keys.yaml"
PLACES_FILE = "places.yaml"  # where each coder last was in the workbench


def user_keys_file() -> Path:
    """The keys file that applies to every project of this user."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "hrd-coder" / KEYS_FILE


FROM_OPTION, FROM_ENV, REMEMBERED = "--coder", "$HRD_CODER_CODER", "remembered"


@dataclass(frozen=True)
class Identity:
    """Who is at the keyboard for this run, and where that name came from."""

    name: str | None
    source: str | None  # FROM_OPTION, FROM_ENV or REMEMBERED; None when nobody is known
    remembered: str | None  # the project's remembered name, whichever name this run uses

    @property
    def for_this_run(self) -> bool:
        """True when the name was given for this run only (--coder or $HRD_CODER_CODER)."""
        return self.source in (FROM_OPTION, FROM_ENV)


def identity(root: Path, given: str | None, given_by: str = FROM_OPTION) -> Identity:
    """A name given for this run wins over the remembered one, and never replaces it."""
    remembered = remembered_coder(root)
    if given:
        return Identity(given, given_by, remembered)
    return Identity(remembered, REMEMBERED if remembered else None, remembered)


def remembered_coder(root: Path) -> str | None:
    """The coder name saved for this project, if any."""
    path = root / LOCAL_DIR / SETTINGS_FILE
    if not path.is_file():
        return None
    coder = _read_settings(path).get("coder")
    return coder if isinstance(coder, str) and coder else None


def llm_remote_hosts(root: Path) -> list[str]:
    """The hosts other than this machine an Ollama server may be asked on
    (`llm_remote_hosts:` in the settings file; docs/machine-coding.md). Kept here, beside
    the database and not in it, so that no teammate's change can send interviews away."""
    path = root / LOCAL_DIR / SETTINGS_FILE
    hosts = _read_settings(path).get("llm_remote_hosts") if path.is_file() else None
    if isinstance(hosts, str):
        hosts = [hosts]
    if not isinstance(hosts, list):
        return []  # absent or malformed: no remote host is allowed
    return [str(h).strip() for h in hosts if str(h).strip()]


def _read_settings(path: Path) -> dict:
    """The settings file's data; InvalidInput (file and line) when it is malformed."""
    if not path.read_bytes().strip():
        return {}
    document, problems = _parse(path)
    if document is None or problems:
        raise InvalidInput(problems)
    return document.data if isinstance(document.data, dict) else {}


def remember_coder(root: Path, coder: str) -> Path:
    """Save the coder name for this project (written whole, then renamed into place).

    Only the workbench's first-run prompt and `hrd-coder whoami --set` call this: a name
    given with --coder or $HRD_CODER_CODER is for one run and is never remembered.
    """
    folder = root / LOCAL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SETTINGS_FILE
    data = _read_settings(path) if path.is_file() else {}
    data["coder"] = coder
    temporary = path.with_suffix(".tmp")
    temporary.write_text(_dump(data), encoding="utf-8")
    temporary.replace(path)
    return path


def last_place(root: Path, coder: str) -> tuple[str, int] | None:
    """The document and offset the coder last had open in the workbench, if known.

    A convenience only: an unreadable places file means "not known", never an error (the
    next move writes it whole again)."""
    path = root / LOCAL_DIR / PLACES_FILE
    try:
        place = _read_settings(path).get(coder) if path.is_file() else None
    except (InvalidInput, OSError, UnicodeDecodeError):
        return None
    if not isinstance(place, dict):
        return None
    document, offset = place.get("document"), place.get("offset")
    if isinstance(document, str) and isinstance(offset, int) and offset >= 0:
        return document, offset
    return None


def remember_place(root: Path, coder: str, document: str, offset: int) -> None:
    """Note where the coder is, so the workbench reopens there (written whole, renamed)."""
    folder = root / LOCAL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PLACES_FILE
    try:
        data = _read_settings(path) if path.is_file() else {}
    except (InvalidInput, OSError, UnicodeDecodeError):
        data = {}  # a damaged places file is replaced, not fatal
    data[coder] = {"document": document, "offset": offset}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(_dump(data), encoding="utf-8")
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
    document, problems = _parse(path)
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


# The YAML reader is imported when a settings file is read or written: with it comes
# pydantic, which most commands do not otherwise need (issue 15).
def _parse(path: Path) -> tuple[Any, list[Problem]]:
    from hrd_coder.yaml_source import parse_yaml

    return parse_yaml(read_text_file(path), str(path))


def _dump(data: dict[str, Any]) -> str:
    from hrd_coder.yaml_source import dump_yaml

    return dump_yaml(data, sort_keys=True)
