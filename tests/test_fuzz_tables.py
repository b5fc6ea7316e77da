"""Generated hostile CSV tables for the codings, ratings and media-list readers (issue 19):
whatever the bytes, the result is a read table or our located problems (InvalidInput,
ProjectError), never another exception, and never more than 2 s (hypothesis's deadline)."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hrd_coder.agreement.ratings_file import agreement_for_file, read_ratings
from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.services import Project
from hrd_coder.services.codings_file import load_codings
from hrd_coder.services.media_import import import_articles
from tests.conftest import make_mini_project

# Modest example counts keep the suite fast; no example database is written to the repo.
FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CELLS = [
    "", " ", "x", "int01", "c01", "lena", "tomas", "mobilizing", "reputational_costs", "0",
    "5", "-1", "1.5", "1e999", "-1e999", "nan", "inf", "9" * 30, "9" * 5000, "2015-09-02",
    "2015-13-45", "wire", "https://h.example/a", "../x.txt", "/etc/hostname", "text.txt",
    '"', '""', '"a,b"', '"a\nb"', "a\rb", "\x00", "\x1b[31m", "\u202e", "\ufeff", "é",
    "naming her", "yes", "no", "x" * 3000,
]  # fmt: skip
HEADERS = [
    "id,document,coder,code,start,end,quote,occurrence,case,memo",
    "document,coder,code,quote",
    "a,b,c",
    "a,b",
    "date,outlet,outlet_type,title,cases,url,text,path,id,source,language,notes",
    "date,outlet,outlet_type,title,path",
]

row = st.lists(st.sampled_from(CELLS), max_size=12).map(",".join)
table = st.builds(
    lambda header, rows, ending: ending.join([header, *rows]),
    st.sampled_from(HEADERS),
    st.lists(row, max_size=20),
    st.sampled_from(["\n", "\r\n", "\r"]),
).map(lambda text: text.encode("utf-8", "surrogatepass"))
tables = st.one_of(table, st.binary(max_size=300), st.text(max_size=300).map(str.encode))


def as_file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The mini project on SQLite, imported once for every generated table."""
    root = make_mini_project(tmp_path_factory.mktemp("fuzz") / "mini")
    (root / "text.txt").write_text("An article kept next to the list.\n")
    with Project.open(root) as opened:
        opened.import_files()
        yield opened


@FUZZ
@given(data=tables)
def test_codings_reader(project: Project, data: bytes):
    with contextlib.suppress(InvalidInput, ProjectError):
        load_codings(project, as_file(project.root, "codings.csv", data))


@FUZZ
@given(data=tables)
@example(data=b"date,outlet,outlet_type,title,path\n2015-09-02,H,wire,T," + b"x" * 3000)
def test_media_list_reader(project: Project, data: bytes):
    with contextlib.suppress(InvalidInput, ProjectError):
        import_articles(project, as_file(project.root, "list.csv", data), dry_run=True)


@FUZZ
@given(data=tables, metric=st.sampled_from(["alpha", "fleiss", "ac1", "cohen", "percent"]))
@example(data=b"a,b\n1e999,1\n2,2\n", metric="alpha")
def test_ratings_reader(tmp_path_factory, data: bytes, metric: str):
    path = as_file(tmp_path_factory.mktemp("ratings"), "ratings.csv", data)
    with contextlib.suppress(InvalidInput, ProjectError):
        read_ratings(path)
        agreement_for_file(path, metric, bootstrap=20)
