"""Find and decode a text source's text: inline, in the archive (`internal://`) or on disk.

`relative://` paths are resolved under the project's `basePath` and may not leave it.
Text files are decoded by their byte-order mark, else as UTF-8; anything else is refused
with a reason for the report rather than guessed at.
"""

from __future__ import annotations

import codecs
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from hrd_coder.interop.refi import kid

Files = Callable[[str], bytes | None]
INTERNAL = "internal://"
RELATIVE = "relative://"
# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def source_text(node: ET.Element, files: Files, base_path: Path | None) -> tuple[str | None, str]:
    """The source's text as given (not yet normalised), or None and why it is missing."""
    content = kid(node, "PlainTextContent")
    if content is not None:
        return content.text or "", ""
    path = node.get("plainTextPath") or ""
    if path.startswith(INTERNAL):
        name = path[len(INTERNAL) :]
        data = files(f"Sources/{name}") or files(name)
        if data is None:
            return None, f"{path} is not in the archive"
    elif path.startswith(RELATIVE):
        data, why = _relative(path[len(RELATIVE) :], base_path)
        if data is None:
            return None, why
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


def base_folder(base_path: str | None, project_folder: Path | None) -> Path | None:
    """The folder `basePath` names (a path or a file:// URL; relative to the project file)."""
    if not base_path:
        return None
    if base_path.lower().startswith("file:"):
        parsed = urlparse(base_path)
        base_path = url2pathname(
            f"//{parsed.netloc}{parsed.path}" if parsed.netloc else parsed.path
        )
    folder = Path(base_path)
    if not folder.is_absolute() and project_folder is not None:
        folder = project_folder / folder
    return folder


def _relative(path: str, base: Path | None) -> tuple[bytes | None, str]:
    shown = f"{RELATIVE}{path}"
    if base is None:
        return None, (
            f"{shown} needs the project's basePath, which the file does not give; "
            "put the text file in the archive's Sources/ folder instead"
        )
    if ".." in PurePosixPath(path.replace("\\", "/")).parts or Path(path).is_absolute():
        return None, f"{shown} points outside basePath '{base}'; refused"
    for candidate in dict.fromkeys((path, unquote(path))):
        file = base / candidate
        if file.is_file():
            return file.read_bytes(), ""
    return None, f"{shown} is not in basePath '{base}'"
