"""Broken and hostile exchange files, and merges into broken projects (issues 19 and 20).

Each is a located message (file, entry), exit 2, no traceback, and nothing written: neither
a new project folder, nor a file, a code or a row in the project merged into.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.interop.archive import SafeArchive
from hrd_coder.interop.refi import MAX_DEPTH
from hrd_coder.problems import ProjectError
from tests.interop.test_import import FOREIGN_QDE, FOREIGN_TEXT, archive

SOURCE = "Sources/cccccccc-0000-4000-8000-000000000001.txt"


def stored(entries: dict[str, bytes], encrypted: str = "") -> bytes:
    """A zip with uncompressed entries (so bytes can be damaged in place)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zipped:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            zipped.writestr(info, data)
            if name == encrypted:
                info.flag_bits |= 0x1  # written so into the central directory on close
    return buffer.getvalue()


def foreign_entries() -> dict[str, bytes]:
    return {"project.qde": FOREIGN_QDE.encode(), SOURCE: FOREIGN_TEXT.encode()}


def damaged(entry: str) -> bytes:
    """The foreign project with one byte of `entry`'s data changed: its CRC-32 fails."""
    entries = foreign_entries()
    data = stored(entries)
    target = entries[entry]
    at = data.index(target) + len(target) // 2
    return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]


def stated_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with `name`'s unpacked size in both its headers changed to `size`.

    zipfile trusts the central directory's size; the local header is changed too, so that
    neither header tells the truth.
    """
    data, encoded = bytearray(data), name.encode()
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),  # local file header
        (b"PK\x01\x02", 24, 28, 46),  # central directory header
    ):
        at = data.find(signature)
        while at != -1:
            length = int.from_bytes(data[at + name_length_at : at + name_length_at + 2], "little")
            if bytes(data[at + name_at : at + name_at + length]) == encoded:
                data[at + size_at : at + size_at + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 1)
    return bytes(data)


def duplicated(first: str, second: str) -> bytes:
    """The foreign project with its text also under a second entry name."""
    entries = foreign_entries()
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as zipped:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it writes
        for name, data in entries.items():
            zipped.writestr(name, data)
        zipped.writestr(second, b"a different text\n")
    assert first in entries
    return buffer.getvalue()


def with_doctype(xml: bytes) -> bytes:
    """The XML with a DOCTYPE naming an external DTD after its declaration."""
    declaration, _, rest = xml.partition(b"?>")
    name = rest.split(b"<", 2)[1].split(b" ")[0].split(b">")[0]
    doctype = b'<!DOCTYPE %s SYSTEM "http://127.0.0.1:9/refi.dtd">' % name
    return declaration + b"?>" + doctype + rest


def deep_qde(levels: int) -> bytes:
    codes = "".join(
        f'<Code guid="{n:08x}-0000-4000-8000-000000000000" name="c{n}" isCodable="true">'
        for n in range(levels)
    )
    return (
        '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        f"<CodeBook><Codes>{codes}{'</Code>' * levels}</Codes></CodeBook></Project>"
    ).encode()


def deep_qdc(levels: int) -> bytes:
    return (
        deep_qde(levels)
        .replace(b"<Project", b"<CodeBook")
        .replace(b"</Project>", b"</CodeBook>")
        .replace(b"project:1.0", b"codebook:1.0")
        .replace(b"<CodeBook><Codes>", b"<Codes>", 1)
        .replace(b"</Codes></CodeBook></CodeBook>", b"</Codes></CodeBook>")
    )


HOSTILE = {
    "crc-project": (
        lambda: damaged("project.qde"),
        "entry 'project.qde' is damaged (Bad CRC-32",
    ),
    "crc-source": (lambda: damaged(SOURCE), f"entry '{SOURCE}' is damaged (Bad CRC-32"),
    "encrypted": (
        lambda: stored(foreign_entries(), encrypted=SOURCE),
        f"entry '{SOURCE}' is encrypted",
    ),
    "size-smaller": (
        lambda: stated_size(stored(foreign_entries()), SOURCE, 10),
        f"entry '{SOURCE}' is damaged (Bad CRC-32",
    ),
    "size-smaller-deflated": (
        lambda: stated_size(archive(foreign_entries()), "project.qde", 100),
        "entry 'project.qde' is damaged (Bad CRC-32",
    ),
    "duplicate": (
        lambda: duplicated(SOURCE, SOURCE),
        f"entry '{SOURCE}' is in the archive twice; refused",
    ),
    "duplicate-in-another-case": (
        lambda: duplicated(SOURCE, SOURCE.lower()),
        f"is in the archive twice, as '{SOURCE}' and '{SOURCE.lower()}'",
    ),
    "external-dtd": (
        lambda: stored({**foreign_entries(), "project.qde": with_doctype(FOREIGN_QDE.encode())}),
        "project.qde: refused unsafe XML: its DOCTYPE names an external DTD (http://",
    ),
    "deep": (
        lambda: stored({"project.qde": deep_qde(5000)}),
        f"project.qde: elements nest more than {MAX_DEPTH} levels deep",
    ),
}


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def project_args(project) -> list[str]:
    args = ["--project", str(project.root), "--coder", "lead"]
    if project.database.url.get_backend_name() != "sqlite":
        args += ["--db", project.database.url.render_as_string(hide_password=False)]
    return args


def snapshot(project) -> tuple:
    """Every file of the project (but the database) with its hash, and the table counts."""
    files = {
        str(p.relative_to(project.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.root.rglob("*"))
        if p.is_file() and ".hrd_coder" not in p.parts
    }
    return files, project.status().as_json(), project.codings(), project.document_memos()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_archives_into_a_new_folder(tmp_path, kind):
    make, message = HOSTILE[kind]
    path = tmp_path / "hostile.qdpx"
    path.write_bytes(make())
    result = run("import-qdpx", path, "--into", tmp_path / "new")
    assert result.exit_code == 2, result.output
    assert f"error: {path}" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_archives_merged_into_a_project(mini, tmp_path, kind):
    make, message = HOSTILE[kind]
    path = tmp_path / "hostile.qdpx"
    path.write_bytes(make())
    before = snapshot(mini)
    result = run(*project_args(mini), "import-qdpx", path)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(mini) == before


def test_deeply_nested_qdc_is_refused(mini, tmp_path):
    path = tmp_path / "deep.qdc"
    path.write_bytes(deep_qdc(5000))
    before = snapshot(mini)
    for target in (["--into", tmp_path / "new"], []):
        result = run(*project_args(mini), "import-qdc", path, *target)
        assert result.exit_code == 2, result.output
        assert f"error: {path}: elements nest more than {MAX_DEPTH} levels deep" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "new").exists() and snapshot(mini) == before


def test_nesting_up_to_the_limit_is_read(tmp_path):
    path = tmp_path / "deep.qdc"
    path.write_bytes(deep_qdc(MAX_DEPTH - 4))  # CodeBook, Codes, and room to spare
    result = run("import-qdc", path, "--into", tmp_path / "new")
    assert result.exit_code == 0, result.output
    assert f"{MAX_DEPTH - 4} codes" in result.output


def test_a_merge_checks_the_project_first(mini, tmp_path):
    """A bad case date in the project: the merge is refused before anything is added."""
    case = mini.root / "cases" / "c01.md"
    case.write_text(case.read_text().replace("2012-05-14", "2012-13-45"))
    path = tmp_path / "foreign.qdpx"
    path.write_bytes(stored(foreign_entries()))
    before = snapshot(mini)
    result = run(*project_args(mini), "import-qdpx", path)
    assert result.exit_code == 2, result.output
    assert "cases/c01.md:6:14: detained_on: '2012-13-45' is not a real date" in result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    assert snapshot(mini) == before


def test_a_merge_that_fails_half_way_takes_back_its_files(mini, tmp_path):
    """A document id the project has as a file it never imported: the new codes appended
    to codebook.yaml and the files written are taken back."""
    path = tmp_path / "foreign.qdpx"
    path.write_bytes(stored(foreign_entries()))
    stray = mini.root / "transcripts" / "interview_e.md"
    stray.write_text("---\nid: interview_e\ntitle: Written by hand\n---\nHello.\n")
    before = snapshot(mini)
    result = run(*project_args(mini), "import-qdpx", path)
    assert result.exit_code == 2, result.output
    assert "interview_e.md already exists: nothing was written" in result.output
    assert snapshot(mini) == before


def test_the_merge_of_a_good_file_still_works(mini, tmp_path):
    path = tmp_path / "foreign.qdpx"
    path.write_bytes(stored(foreign_entries()))
    result = run(*project_args(mini), "import-qdpx", path)
    assert result.exit_code == 0, result.output
    assert Path(mini.root / "transcripts" / "interview_e.md").is_file()


@pytest.mark.parametrize(
    ("command", "name"), [("import-qdc", "big.qdc"), ("import-qdpx", "big.qde")]
)
def test_bare_xml_files_have_a_size_limit(tmp_path, command, name):
    """A .qdc or .qde outside an archive is read only up to the one-entry limit."""
    path = tmp_path / name
    path.write_bytes(deep_qdc(3) if name.endswith(".qdc") else deep_qde(3))
    path.write_bytes(path.read_bytes() + b" " * 2048)
    result = run(command, path, "--into", tmp_path / "new", "--max-bytes", "1K")
    assert result.exit_code == 2, result.output
    assert f"error: {path}: larger than 1024 bytes; refused" in result.output
    assert "--max-bytes" in result.output and not (tmp_path / "new").exists()
    result = run(command, path, "--into", tmp_path / "new", "--max-bytes", "1M")
    assert result.exit_code == 0, result.output


def test_a_lying_size_header_is_never_inflated_whole(tmp_path):
    """64 MB of zeros packed into 64 KB, its headers claiming 100 bytes: refused as damaged
    while less than a few MB were ever in memory (zipfile alone inflated all of it at once)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("project.qde", FOREIGN_QDE.encode())
        with zipped.open(SOURCE, "w") as entry:
            for _ in range(64):
                entry.write(bytes(1024 * 1024))
    path = tmp_path / "bomb.qdpx"
    path.write_bytes(stated_size(buffer.getvalue(), SOURCE, 100))
    assert path.stat().st_size < 200_000
    opened = SafeArchive(path)
    tracemalloc.start()
    try:
        with pytest.raises(ProjectError, match="is damaged"):
            opened.read(SOURCE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        opened.close()
    assert peak < 8 * 1024 * 1024, f"{peak} bytes in memory at the peak"


def test_a_qdc_naming_an_external_dtd_is_refused(tmp_path):
    path = tmp_path / "dtd.qdc"
    path.write_bytes(with_doctype(b'<?xml version="1.0"?>' + deep_qdc(2).partition(b"?>")[2]))
    result = run("import-qdc", path, "--into", tmp_path / "new")
    assert result.exit_code == 2, result.output
    assert "its DOCTYPE names an external DTD (http://127.0.0.1:9/refi.dtd)" in result.output
    assert not (tmp_path / "new").exists()
    plain = path.read_bytes().replace(b' SYSTEM "http://127.0.0.1:9/refi.dtd"', b"")
    path.write_bytes(plain)  # a DOCTYPE without an outside DTD is read
    assert run("import-qdc", path, "--into", tmp_path / "new").exit_code == 0
