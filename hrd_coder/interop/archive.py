"""Open a `.qdpx` archive safely: no zip-slip, no absolute paths, no zip bombs.

Every entry is checked before anything is read, and reads are capped by the limits
themselves (not by the sizes the archive claims), so a lying header cannot get past them.
Entries are inflated a megabyte at a time and the caps are checked after each, so a bomb is
stopped within a megabyte of a limit, never after inflating it whole. Entry names are found
without regard to case (NVivo for Mac writes `sources/`, others `Sources/`).
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
# How much is inflated at a time: zipfile hands its whole read size to the decompressor, so
# one read of "up to the limit" inflated hundreds of MB from a small entry before any check.
CHUNK = MB
# What a damaged zip raises from zipfile: a bad CRC-32, damaged deflate data, a cut-off
# entry, a central directory pointing before the start of the file.
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)


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
        except PermissionError:
            raise ProjectError(f"{shown}: cannot be read (permission denied)") from None
        except DAMAGE as error:
            raise ProjectError(
                f"{shown}: not a zip archive, or a damaged one ({error}); a .qdpx file is a "
                "zip: copy or export it again"
            ) from None
        self._check_entries()
        self._by_folded_name = {name.casefold(): name for name in self.names()}
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
        _check_names_unique([entry.filename for entry in entries], shown)
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

    def find(self, name: str) -> str | None:
        """The entry called `name`, in whatever case the archive spells it; None if none."""
        return self._by_folded_name.get(name.casefold())

    def read(self, name: str) -> bytes:
        """An entry's bytes, inflated a chunk at a time and stopped at the first limit passed."""
        entry = self.zip.getinfo(name)
        cap = min(self.limits.max_entry_bytes, self.limits.max_total_bytes - self._read_total)
        # The ratio limit again, on what actually comes out: the header may lie about the size.
        ratio_cap = max(MB, self.limits.max_ratio * max(entry.compress_size, 1))
        chunks, size = [], 0
        try:
            with self.zip.open(entry) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > min(cap, ratio_cap):
                        raise ProjectError(self._too_big(name, cap, ratio_cap))
                    chunks.append(chunk)
        except DAMAGE as error:
            # A wrong CRC-32, damaged deflate data or a cut-off entry: never half-read it.
            raise ProjectError(
                f"{self.path}: entry {name!r} is damaged ({error}); refused, nothing was "
                "written (copy or export the archive again)"
            ) from None
        self._read_total += size
        return b"".join(chunks)

    def _too_big(self, name: str, cap: int, ratio_cap: int) -> str:
        if ratio_cap < cap:
            return (
                f"{self.path}: entry {name!r} unpacks to more than {self.limits.max_ratio} "
                "times its packed size, as zip bombs do; refused, nothing was written "
                "(if you trust it, raise the limit with --max-ratio)"
            )
        return (
            f"{self.path}: entry {name!r} unpacks to more than the limit of {cap} bytes; "
            "refused, nothing was written (if you trust it, raise the limit with --max-bytes)"
        )

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


def _check_names_unique(names: list[str], shown: str) -> None:
    """Refuse two entries of one name, or of names that differ only in case.

    zipfile would silently read the last of two same-named entries, and names are looked
    up without regard to case, so either would make the text imported a matter of chance.
    """
    seen: dict[str, str] = {}
    for name in names:
        other = seen.get(name.casefold())
        if other is not None:
            what = "twice" if other == name else f"twice, as {other!r} and {name!r}"
            raise ProjectError(
                f"{shown}: entry {name!r} is in the archive {what}; refused, nothing was "
                "written (a program writes each entry once: export the archive again)"
            )
        seen[name.casefold()] = name


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
