"""Read a text file safely and normalise it (NFC, `\n` line endings).

The one reader of our text files, below every package that reads one (`codebook/`,
`sources/`, `settings`, `interop/`), so none of them needs another to read a file.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hrd_coder.problems import InvalidInput, Problem


def normalise(text: str) -> str:
    """NFC, `\\n` line endings, no byte-order mark: the text that offsets count in."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def read_text_file(path: Path) -> str:
    """Return the normalised text of a UTF-8 file; raise InvalidInput if it is not one."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    "file not found",
                    "check the path, or run 'hrd-coder init' to start a project",
                )
            ]
        ) from None
    except OSError as error:
        raise InvalidInput(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"cannot read the file: {error.strerror}",
                    "check its permissions",
                )
            ]
        ) from None
    return decode(data, str(path))


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 bytes into normalised text, or explain why they are not text."""
    if not data or data.isspace():  # as `not data.strip()`, without copying the file
        raise InvalidInput(
            [Problem(path, 1, 1, "the file is empty", "write its content, or delete the file")]
        )
    if b"\x00" in data:
        raise InvalidInput(
            [
                Problem(
                    path,
                    None,
                    None,
                    "this is a binary file, not text",
                    "save it as plain text (UTF-8) or move it out of the project",
                )
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InvalidInput(
            [
                Problem(
                    path,
                    line,
                    column,
                    f"byte 0x{data[error.start]:02x} is not valid UTF-8",
                    "save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8)",
                )
            ]
        ) from None
    return normalise(text)
