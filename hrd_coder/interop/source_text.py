"""Find and decode a text source's text: inline, in the archive, or in the folder the user named.

Where a source's text may come from:
- `internal://NAME`: the archive's entry `Sources/NAME` (or `NAME` at its top);
- a bare `NAME` with no scheme (as qc writes it): the archive's `Sources/NAME`, then `NAME`
  beside `project.qde`;
- `relative://NAME`: `NAME` in the base folder the user chose (`--base DIR`, by default the
  folder the `.qdpx` is in). The file's own `basePath` is never used: a file from someone
  else could name `/etc` and have us import `/etc/passwd`. Symlinks are resolved and a path
  that lands outside the base folder is refused.
Archive entries are found without regard to case (`Sources/`, `sources/`, `SOURCES/`).
Text files are decoded by their byte-order mark, else as UTF-8; anything else is refused
with a reason for the report rather than guessed at.
"""

from __future__ import annotations

import codecs
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from hrd_coder.interop.refi import kid
from hrd_coder.problems import ProjectError

Files = Callable[[str], bytes | None]
INTERNAL = "internal://"
RELATIVE = "relative://"
SOURCES_FOLDER = "Sources"
# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class BaseFolder:
    """The one folder `relative://` texts may be read from, symlinks resolved."""

    def __init__(self, folder: Path, max_bytes: int):
        self.shown = folder
        self.path = folder.resolve()
        self.max_bytes = max_bytes

    def read(self, name: str) -> tuple[bytes | None, str]:
        """The file `name` under this folder, or None and why not (outside it, or absent)."""
        if ".." in PurePosixPath(name.replace("\\", "/")).parts or Path(name).is_absolute():
            return None, f"points outside the base folder '{self.shown}'; refused"
        for candidate in dict.fromkeys((name, unquote(name))):
            file = (self.path / candidate).resolve()
            if not file.is_relative_to(self.path):
                # A symlink beside the archive pointing elsewhere (`texts -> /etc`).
                return None, (
                    f"leads outside the base folder '{self.shown}' (through a symbolic link); "
                    "refused"
                )
            if file.is_file():
                return self._read_capped(file), ""
        return None, f"is not in the base folder '{self.shown}' (choose another with --base DIR)"

    def read_entry(self, name: str) -> bytes | None:
        """An unpacked archive's entry `name` (its `Sources/` folder found in any case)."""
        folder, _, rest = name.partition("/")
        if rest and self.path.is_dir():
            spelt = {p.name.casefold(): p.name for p in self.path.iterdir() if p.is_dir()}
            name = f"{spelt.get(folder.casefold(), folder)}/{rest}"
        return self.read(name)[0]

    def _read_capped(self, file: Path) -> bytes:
        with file.open("rb") as stream:
            data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise ProjectError(
                f"{file}: larger than {self.max_bytes} bytes; refused, nothing was written "
                "(if you trust it, raise the limit with --max-bytes)"
            )
        return data


def source_text(
    node: ET.Element, files: Files, base: BaseFolder | None, where: str = "the archive"
) -> tuple[str | None, str]:
    """The source's text as given (not yet normalised), or None and why it is missing.

    `where` names what `files` reads, for the report: the archive, or the folder of a `.qde`.
    """
    content = kid(node, "PlainTextContent")
    if content is not None:
        return content.text or "", ""
    path = node.get("plainTextPath") or ""
    if path.startswith(INTERNAL):
        name = path[len(INTERNAL) :]
        data = files(f"{SOURCES_FOLDER}/{name}") or files(name)
        if data is None:
            return None, f"{path} is not in {where} (neither in Sources/ nor at its top)"
    elif path.startswith(RELATIVE):
        if base is None:
            return None, f"{path} needs a base folder; name one with --base DIR"
        data, why = base.read(path[len(RELATIVE) :])
        if data is None:
            return None, f"{path} {why}"
    elif is_bare(path):
        data = files(f"{SOURCES_FOLDER}/{path}") or files(path)
        if data is None:
            return None, (f"{path} is not in {where} (neither in Sources/ nor beside project.qde)")
    else:
        return (
            None,
            f"its text ({path or 'no path'}) is neither inline nor internal:// or relative://",
        )
    text = decode_text(data)
    if text is None:
        return None, (
            f"{path} is neither UTF-8 nor marked as UTF-16 or UTF-32 by a byte-order mark; "
            "save it as UTF-8 and import again"
        )
    return text, ""


def is_bare(path: str) -> bool:
    """A plainTextPath with no scheme at all (`board_2017.txt`), as qc writes it."""
    return bool(path) and "://" not in path and ":" not in path[:2]


def decode_text(data: bytes) -> str | None:
    """Decode by byte-order mark, else as UTF-8; None if neither works."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
