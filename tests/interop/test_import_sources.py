"""Import: where a source's text lives, how it is encoded, and how offsets land on it."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from hrd_coder.services import Project
from hrd_coder.services.exchange import import_qdpx
from tests.interop.test_import import archive

USER = "aaaaaaaa-0000-4000-8000-000000000001"
CODE = "bbbbbbbb-0000-4000-8000-000000000001"


def source(
    number: int, path: str, start: int = 0, end: int = 0, name: str = "", whole: bool = False
) -> str:
    """A TextSource with one coded selection [start, end), or a coding of the whole source."""
    guid = f"cccccccc-0000-4000-8000-00000000000{number}"
    coding = (
        f'<Coding guid="eeeeeeee-0000-4000-8000-00000000000{number}" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{CODE}"/></Coding>'
    )
    inner = (
        coding
        if whole
        else f'<PlainTextSelection guid="dddddddd-0000-4000-8000-00000000000{number}" '
        f'name={quoteattr(name)} startPosition="{start}" endPosition="{end}">{coding}'
        "</PlainTextSelection>"
    )
    return (
        f'<TextSource guid="{guid}" name="Source {number}" plainTextPath={quoteattr(path)}>'
        f"{inner}</TextSource>"
    )


def qde(*sources: str, base_path: str | None = None) -> bytes:
    base = f" basePath={quoteattr(base_path)}" if base_path is not None else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="Made up"{base}>'
        f'<Users><User guid="{USER}" name="ana"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Shame" isCodable="true"/></Codes></CodeBook>'
        f"<Sources>{''.join(sources)}</Sources></Project>"
    ).encode()


def bring_in(
    tmp_path: Path, project: bytes, files: dict[str, bytes] | None = None, base: Path | None = None
):
    """Import an archive holding this project file; return the outcome and the quotes."""
    path = tmp_path / "made-up.qdpx"
    path.write_bytes(archive({"project.qde": project, **(files or {})}))
    outcome = import_qdpx(path, into=tmp_path / "new", base=base)
    with Project.open(tmp_path / "new") as imported:
        quotes = {c.document_id: c.quote for c in imported.codings()}
        texts = {d.id: imported.text_of(d.id) for d in imported.documents()}
    return outcome, quotes, texts


def test_relative_paths_are_read_from_the_base_folder_never_from_base_path(tmp_path):
    texts = tmp_path / "texts"
    (texts / "sub").mkdir(parents=True)
    (texts / "one.txt").write_text("first line\nsecond line\n", encoding="utf-8")
    (texts / "sub" / "two words.txt").write_text("alpha beta\n", encoding="utf-8")
    project = qde(
        source(1, "relative://one.txt", 11, 22, "second line"),
        source(2, "relative://sub/two%20words.txt", 6, 10, "beta"),
        base_path="/somewhere/else",
    )
    outcome, quotes, _ = bring_in(tmp_path, project, base=texts)
    assert outcome.report.dropped == []
    assert sorted(quotes.values()) == ["beta", "second line"]
    (line,) = outcome.report.warnings
    assert "basePath '/somewhere/else' is not used" in line and str(texts) in line


def test_the_base_folder_is_the_archives_own_folder_unless_named(tmp_path):
    (tmp_path / "one.txt").write_text("first line\n", encoding="utf-8")
    project = qde(source(1, "relative://one.txt", 0, 5, "first"), base_path="texts")
    _, quotes, _ = bring_in(tmp_path, project)
    assert list(quotes.values()) == ["first"]


def test_relative_paths_outside_the_base_folder_or_missing_are_reported(tmp_path):
    (tmp_path / "secret.txt").write_text("secret\n", encoding="utf-8")
    (tmp_path / "texts").mkdir()
    project = qde(
        source(1, "relative://../secret.txt", 0, 6, "secret"),
        source(2, "relative://missing.txt", 0, 6, "secret"),
        source(3, "internal://two.txt", 0, 5, "alpha"),
    )
    files = {"Sources/two.txt": b"alpha beta\n"}
    outcome, quotes, _ = bring_in(tmp_path, project, files, base=tmp_path / "texts")
    assert list(quotes.values()) == ["alpha"]  # internal:// still works beside them
    outside, missing = outcome.report.dropped
    assert "'Source 1' and its 1 selection" in outside
    assert "relative://../secret.txt points outside the base folder" in outside
    assert "relative://missing.txt is not in the base folder" in missing
    assert "--base DIR" in missing


def test_text_files_are_decoded_by_byte_order_mark_else_utf8(tmp_path):
    text = "Zoë said: ünïcode — fine\n"
    files = {
        "Sources/1.txt": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "Sources/2.txt": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "Sources/3.txt": codecs.BOM_UTF8 + text.encode("utf-8"),
        "Sources/4.txt": text.encode("utf-8"),
        "Sources/5.txt": text.encode("latin-1", errors="replace"),  # no mark, not UTF-8
        "Sources/6.txt": codecs.BOM_UTF16_LE + b"\x00\xd8",  # a broken UTF-16 surrogate
    }
    project = qde(*(source(n, f"internal://{n}.txt", 10, 17, "ünïcode") for n in range(1, 7)))
    outcome, quotes, texts = bring_in(tmp_path, project, files)
    assert list(quotes.values()) == ["ünïcode"] * 4
    assert all(t == text for t in texts.values())  # no byte-order mark left in the text
    assert len(outcome.report.dropped) == 2
    assert all("neither UTF-8 nor marked" in line for line in outcome.report.dropped)


def test_whole_source_codings_become_codings_of_the_whole_text(tmp_path):
    project = qde(source(1, "internal://1.txt", whole=True))
    outcome, quotes, texts = bring_in(tmp_path, project, {"Sources/1.txt": b"all of it\n"})
    (document,) = texts
    assert quotes[document] == texts[document] == "all of it\n"
    assert any("whole text" in line for line in outcome.report.warnings)


def test_offsets_on_decomposed_text_map_to_our_nfc_text(tmp_path):
    raw = "Cafe\u0301 talk\nla re\u0301ponse e\u0301tait\n"
    assert unicodedata.normalize("NFC", raw) != raw
    project = qde(
        source(1, "internal://1.txt", 0, 5, "Café"),
        source(2, "internal://2.txt", 14, 22, "réponse"),
        source(3, "internal://3.txt", 23, 29, ""),  # no name to check against: still converted
    )
    files = {f"Sources/{n}.txt": raw.encode() for n in (1, 2, 3)}
    outcome, quotes, texts = bring_in(tmp_path, project, files)
    assert all(t == unicodedata.normalize("NFC", raw) for t in texts.values())
    assert sorted(quotes.values()) == sorted(["Café", "réponse", "était"])
    assert any("decomposed accents" in line for line in outcome.report.warnings)


@pytest.mark.parametrize("position", ["abc", "", "1e3", "9" * 30])
def test_positions_that_are_not_numbers_drop_their_selection_only(tmp_path, position):
    project = qde(
        source(1, "internal://1.txt", 0, 5, "alpha"),
        source(2, "internal://2.txt", 0, 4, "beta"),
    ).replace(
        b'startPosition="0" endPosition="4"', f'startPosition="{position}" endPosition="4"'.encode()
    )
    files = {"Sources/1.txt": b"alpha\n", "Sources/2.txt": b"beta\n"}
    outcome, quotes, _ = bring_in(tmp_path, project, files)
    assert list(quotes.values()) == ["alpha"]
    (line,) = outcome.report.dropped
    assert f"its positions {position!r}, '4' are not whole numbers" in line


def test_a_typed_variable_value_that_is_not_a_number_is_kept_as_text(tmp_path):
    variable = "abababab-0000-4000-8000-000000000001"
    value = (
        f'<VariableValue><VariableRef targetGUID="{variable}"/>'
        "<IntegerValue>many</IntegerValue></VariableValue>"
    )
    project = (
        qde(source(1, "internal://1.txt", 0, 5, "alpha"))
        .replace(
            b"<Sources>",
            f'<Variables><Variable guid="{variable}" name="interviewer" '
            'typeOfVariable="Integer"/></Variables><Sources>'.encode(),
        )
        .replace(b"</TextSource>", f"{value}</TextSource>".encode())
    )
    bring_in(tmp_path, project, {"Sources/1.txt": b"alpha\n"})
    with Project.open(tmp_path / "new") as imported:
        (document,) = imported.documents()
    assert document.metadata["interviewer"] == "many"
