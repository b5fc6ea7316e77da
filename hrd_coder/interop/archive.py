"""Open a `.qdpx` archive safely: no zip-slip, no absolute paths, no zip bombs.

Every entry is checked before anything is read, and reads are capped by the limits
themselves (not by the sizes the archive claims), so a lying header cannot get past them.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hrd_coder.problems import ProjectError

MB = 1024 * 1024
ENCRYPTED = 0x1  # general purpose bit 0 of a zip entry
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


@dataclass(frozen=True)
class ArchiveLimits:
    """How big an archive may be, packed and unpacked (change them for huge projects)."""

    max_archive_bytes: int = 500 * MB
    max_total_bytes: int = 1024 * MB
    max_entry_bytes: int = 256 * MB
    max_entries: int = 20_000
    max_ratio: int = 200  # unpacked / packed size of one entry


class SafeArchive:
    """A checked `.qdpx` zip: entries by name, read with caps."""

    def __init__(self, path: Path, limits: ArchiveLimits | None = None):
        self.path = path
        self.limits = limits or ArchiveLimits()
        shown = str(path)
        if not path.is_file():
            raise ProjectError(f"{shown}: file not found")
        if path.stat().st_size > self.limits.max_archive_bytes:
            raise ProjectError(
                f"{shown}: the archive is larger than {self.limits.max_archive_bytes} bytes; "
                "if you trust it, raise the limit (--max-bytes, or ArchiveLimits)"
            )
        try:
            self.zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise ProjectError(f"{shown}: not a zip archive; a .qdpx file is a zip") from None
        self._check_entries()
        self._read_total = 0

    def _check_entries(self) -> None:
        shown, limits = str(self.path), self.limits
        entries = self.zip.infolist()
        if len(entries) > limits.max_entries:
            raise ProjectError(
                f"{shown}: more than {limits.max_entries} entries; refused "
                "(if you trust it, raise the limit with --max-entries)"
            )
        total = 0
        for entry in entries:
            check_entry_name(entry.filename, shown)
            if entry.flag_bits & ENCRYPTED:
                raise ProjectError(
                    f"{shown}: entry {entry.filename!r} is encrypted; refused, nothing was "
                    "written (export the project again without a password)"
                )
            if entry.compress_type not in METHODS:
                raise ProjectError(
                    f"{shown}: entry {entry.filename!r} uses compression method "
                    f"{entry.compress_type}, which this reader does not know; refused, nothing "
                    "was written (save the archive with ordinary zip compression)"
                )
            if entry.file_size > limits.max_entry_bytes:
                raise ProjectError(
                    f"{shown}: entry {entry.filename!r} unpacks to {entry.file_size} bytes, "
                    f"over the limit of {limits.max_entry_bytes}; refused "
                    "(if you trust it, raise the limit with --max-bytes)"
                )
            if entry.file_size > MB and entry.file_size > limits.max_ratio * max(
                entry.compress_size, 1
            ):
                raise ProjectError(
                    f"{shown}: entry {entry.filename!r} is compressed more than "
                    f"{limits.max_ratio}:1, as zip bombs are; refused "
                    "(if you trust it, raise the limit with --max-ratio)"
                )
            total += entry.file_size
        if total > limits.max_total_bytes:
            raise ProjectError(
                f"{shown}: unpacks to {total} bytes, over the limit of "
                f"{limits.max_total_bytes}; refused "
                "(if you trust it, raise the limit with --max-bytes)"
            )

    def names(self) -> list[str]:
        """Entry names (folders left out)."""
        return [e.filename for e in self.zip.infolist() if not e.is_dir()]

    def read(self, name: str) -> bytes:
        """An entry's bytes, reading no more than the limits allow."""
        cap = min(self.limits.max_entry_bytes, self.limits.max_total_bytes - self._read_total)
        try:
            with self.zip.open(name) as stream:
                data = stream.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            # A wrong CRC-32, damaged deflate data or a cut-off entry: never half-read it.
            raise ProjectError(
                f"{self.path}: entry {name!r} is damaged ({error}); refused, nothing was "
                "written (copy or export the archive again)"
            ) from None
        if len(data) > cap:
            raise ProjectError(
                f"{self.path}: entry {name!r} unpacks to more than its stated size or the "
                "limits; refused"
            )
        self._read_total += len(data)
        return data

    def close(self) -> None:
        """Close the zip."""
        self.zip.close()


def read_bare_file(path: Path, limits: ArchiveLimits | None = None) -> bytes:
    """A `.qde` or `.qdc` file outside an archive, refused over the one-entry limit."""
    cap = (limits or ArchiveLimits()).max_entry_bytes
    if not path.is_file():
        raise ProjectError(f"{path}: file not found")
    with path.open("rb") as stream:
        data = stream.read(cap + 1)
    if len(data) > cap:
        raise ProjectError(
            f"{path}: larger than {cap} bytes; refused, nothing was written "
            "(if you trust it, raise the limit with --max-bytes)"
        )
    return data


def check_entry_name(name: str, shown: str) -> None:
    """Refuse absolute paths, drive letters, backslashes and '..' (zip-slip)."""
    path = PurePosixPath(name)
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
        or ".." in path.parts
    ):
        raise ProjectError(
            f"{shown}: entry {name!r} points outside the archive (absolute path or '..'); "
            "refused, nothing was written"
        )
