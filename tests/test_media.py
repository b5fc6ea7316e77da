"""Media files (media/*.md): checked with file and line, imported as documents of kind media."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_coder.codebook import parse_codebook
from hrd_coder.problems import InvalidInput
from hrd_coder.services import Project
from hrd_coder.sources.media import normalised_url
from hrd_coder.sources.project_files import read_project_files
from tests.conftest import MINI_CODEBOOK, write

CODEBOOK = parse_codebook(MINI_CODEBOOK)


def media_file(body: str = "The campaign named her today.\n", **changes: str) -> str:
    fields = {
        "id": "m01",
        "title": "Campaign names reporter",
        "outlet": "The Meridian Herald",
        "outlet_type": "international",
        "date": "2015-09-02",
        "language": "en",
        "url": "https://meridian.example/2015/09/02/named",
        "cases": "[c01]",
    }
    fields.update(changes)
    lines = [f"{k}: {v}" for k, v in fields.items() if v != "DROP"]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def problems_in(root: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_project_files(root, CODEBOOK)
    return [str(p) for p in caught.value.problems]


def test_a_media_file_becomes_a_document_of_kind_media(mini_root: Path):
    write(mini_root / "media" / "m01.md", media_file(date="2015-09"))
    files = read_project_files(mini_root, CODEBOOK)
    (item,) = files.media
    assert (item.id, item.kind, item.path, item.case_ids) == (
        "m01",
        "media",
        "media/m01.md",
        ("c01",),
    )
    assert item.metadata == {
        "outlet": "The Meridian Herald",
        "outlet_type": "international",
        "date": "2015-09",
        "date_precision": "month",
        "language": "en",
        "url": "https://meridian.example/2015/09/02/named",
        "source": None,
        "notes": "",
    }
    assert item in files.documents and item.text == "The campaign named her today.\n"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"cases": "[c01, c07]"},
            "media/m01.md:9:14: case 'c07' does not exist — add cases/c07.md, or correct "
            "the id (known: c01, c02)",
        ),
        (
            {"date": "2015-02-30"},
            "media/m01.md:6:7: date: '2015-02-30' is not a real date (day is out of range "
            "for month) — check the day and month",
        ),
        ({"outlet": "DROP"}, "media/m01.md:2:1: required key 'outlet' is missing"),
        (
            {"outlet_type": "International News"},
            "media/m01.md:5:14: outlet_type 'International News' is not a plain name",
        ),
        (
            {"url": "meridian.example/named"},
            "media/m01.md:8:6: url 'meridian.example/named' is not a web address",
        ),
        ({"url": "DROP"}, "media/m01.md:2:1: the item has neither 'url' nor 'source'"),
        ({"language": "English"}, "media/m01.md:7:11: language 'English' is not a language code"),
        ({"outlt": "X"}, "media/m01.md:10:1: unknown key 'outlt' — did you mean 'outlet'?"),
    ],
)
def test_mistakes_are_named_with_file_and_line(mini_root: Path, change, expected):
    write(mini_root / "media" / "m01.md", media_file(**change))
    found = problems_in(mini_root)
    assert any(p.startswith(expected) for p in found), found


def test_an_id_taken_by_a_transcript_is_refused(mini_root: Path):
    write(mini_root / "media" / "int01.md", media_file(id="int01"))
    assert any(
        p.startswith("media/int01.md:2:5: id 'int01' is already used by transcripts/int01.md")
        for p in problems_in(mini_root)
    )


@pytest.mark.parametrize(
    "second",
    [
        # The same page under another address form.
        {"id": "m02", "title": "Other", "url": "http://www.MERIDIAN.example/2015/09/02/named/"},
        # The same outlet, day and title (case and punctuation aside), another address.
        {"id": "m02", "title": "campaign names reporter!", "url": "https://other.example/a"},
    ],
)
def test_a_repeated_article_is_refused_so_coverage_counts_it_once(mini_root: Path, second):
    write(mini_root / "media" / "m01.md", media_file())
    write(mini_root / "media" / "m02.md", media_file(body="Different words.\n", **second))
    found = problems_in(mini_root)
    assert len(found) == 1 and found[0].startswith(
        "media/m02.md:2:5: media item 'm02' repeats media/m01.md"
    )


def test_the_same_text_under_another_title_is_a_repeat(mini_root: Path):
    write(mini_root / "media" / "m01.md", media_file())
    write(
        mini_root / "media" / "m02.md",
        media_file(
            body="The campaign   named her today.\n",
            id="m02",
            title="Wire copy",
            outlet="Wire",
            url="DROP",
            source="wire copy",
        ),
    )
    assert "(the same text)" in problems_in(mini_root)[0]


def test_url_normalisation_keeps_what_names_another_page():
    same = "https://www.news.example/a/b/?utm_source=x&id=3#top"
    assert normalised_url(same) == normalised_url("http://news.example/a/b?id=3")
    assert normalised_url("https://news.example/a?id=3") != normalised_url(
        "https://news.example/a?id=4"
    )


def test_media_are_imported_once_and_listed_by_kind(mini_root: Path):
    write(mini_root / "media" / "m01.md", media_file())
    with Project.open(mini_root) as project:
        first = project.import_files()
        assert first.added["document"] == 4
        again = project.import_files()
        assert not again.added and again.unchanged["document"] == 4
        (item,) = project.documents(kind="media")
        assert item.case_ids == ("c01",) and item.metadata["outlet_type"] == "international"
        assert project.document("m01").text == "The campaign named her today.\n"


def test_status_counts_media_and_notices_their_files(mini_root: Path):
    write(mini_root / "media" / "m01.md", media_file())
    with Project.open(mini_root) as project:
        project.import_files()
        status = project.status()
        assert (status.documents, status.transcripts, status.media) == (4, 1, 1)
        assert status.changed_on_disk == () and status.not_imported == ()
        write(mini_root / "media" / "m01.md", media_file(body="A corrected text.\n"))
        write(mini_root / "media" / "m02.md", media_file(title="Another", url="DROP"))
        status = project.status()
        assert status.changed_on_disk == ("media/m01.md",)
        assert status.not_imported == ("media/m02.md",)


def test_the_demo_media_corpus_imports_and_is_fictional(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
        media = project.documents(kind="media")
        cases = {case for item in media for case in item.case_ids}
        assert 12 <= len(media) <= 20 and 4 <= len(cases) <= 6
        assert len(project.documents()) == 30 + len(project.documents(kind="transcript")) + len(
            media
        )
        for item in media:
            meta = item.metadata
            # Fictional addresses only: the reserved example domain, or a source note.
            assert (
                (meta["url"] or "").split("/")[2].endswith(".example")
                if meta["url"]
                else ("Fictional demo item" in meta["source"])
            )
