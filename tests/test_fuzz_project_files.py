"""Generated hostile input for the codebook parser and the front-matter reader (issue 19):
whatever the bytes, the result is a checked file or our located problems (InvalidInput,
ProjectError), never another exception, and never more than 2 s (hypothesis's deadline)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrd_coder.analysis.designs import parse_analysis
from hrd_coder.codebook import parse_codebook
from hrd_coder.codebook.load import load_codebook
from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.sources.project_files import read_project_files
from tests.conftest import MINI_CASE, MINI_CODEBOOK, MINI_TRANSCRIPT, make_mini_project

# Modest example counts keep the suite fast; no example database is written to the repo.
FUZZ = settings(
    max_examples=100,
    deadline=timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

KEYS = [
    "name", "version", "description", "case_groups", "release_types", "codes", "id", "label",
    "definition", "parent", "level", "hotkey", "color", "case_variable", "examples",
    "include", "exclude", "groups", "detained_on", "featured_on", "released_on",
    "release_type", "censored_on", "sources", "covariates", "title", "date", "cases", "<<",
]  # fmt: skip
VALUES = [
    "", "x", "1", "-0", "0x7f", "0o17", "1_000", "190:20:30", "9" * 25, "9" * 5000, ".inf",
    "-.inf", ".nan", "1.0e+999", "null", "~", "true", "no", "2015-09-01", "2012-13-45",
    "2015-09", "[", "]", "{", "}", "[a, b]", "{a: 1}", "&a x", "*a", "&b [*a, *a, *a]",
    "!!python/object/apply:os.system ['true']", "!!binary AAAA", "!!int x", "!!float y",
    "!!set {a, b}", "!!omap [a: 1]", "|", ">-", "'", '"', "'it''s'", '"\\x00\\u2028"', "#",
    ": :", "? x", "- x", "- - - x", "\t", "%YAML 1.1", "---", "...", "\ufeff", "\u2028",
    "[" * 2000 + "]" * 2000, "{a: " * 300 + "}" * 300, "featured", "c01", "pardon",
]  # fmt: skip

line = st.builds(
    lambda indent, key, value: f"{' ' * indent}{key}: {value}",
    st.one_of(st.integers(0, 8), st.integers(0, 3000)),
    st.sampled_from(KEYS),
    st.sampled_from(VALUES),
)
yamlish = st.lists(
    st.one_of(line, line.map(lambda text: f"- {text.lstrip()}"), st.text(max_size=40)),
    max_size=30,
).map("\n".join)
# Valid files with one line changed, added or dropped: closer to what users write.
codebook_lines = MINI_CODEBOOK.splitlines()
edited_codebook = st.builds(
    lambda at, new, drop: "\n".join(
        codebook_lines[:at] + ([] if drop else [new]) + codebook_lines[at + drop :]
    ),
    st.integers(0, len(codebook_lines)),
    st.one_of(line, st.text(max_size=60)),
    st.integers(0, 1),
)


@FUZZ
@given(st.one_of(yamlish, edited_codebook, st.text(max_size=300)))
def test_the_codebook_parser_ends_in_a_codebook_or_located_problems(text: str):
    try:
        parse_codebook(text, "codebook.yaml")
    except InvalidInput as error:
        assert error.problems and all(p.path == "codebook.yaml" for p in error.problems)


@FUZZ
@given(st.binary(max_size=400))
def test_codebook_bytes_end_in_a_codebook_or_located_problems(tmp_path: Path, data: bytes):
    path = tmp_path / "codebook.yaml"
    path.write_bytes(data)
    try:
        load_codebook(path)
    except InvalidInput as error:
        assert error.problems


def front_matter_file(front: str, body: str) -> str:
    return f"---\n{front}\n---\n{body}"


case_lines = MINI_CASE.format(
    id="c01",
    name="Ana One",
    group="featured",
    featured="2015-09-01",
    released="2016-02-18",
    release_type="pardon",
    censored="null",
).splitlines()
edited_case = st.builds(
    lambda at, new: "\n".join(case_lines[:at] + [new] + case_lines[at:]),
    st.integers(1, 11),
    st.one_of(line, st.text(max_size=60)),
)
file_text = st.one_of(
    st.builds(front_matter_file, yamlish, st.text(max_size=80)),
    edited_case,
    st.text(max_size=200),
).map(lambda text: text.encode("utf-8", "surrogatepass"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    """The mini project and its codebook; each example rewrites its case and transcript."""
    root = make_mini_project(tmp_path_factory.mktemp("fuzz") / "mini")
    return root, load_codebook(root / "codebook.yaml")


@FUZZ
@given(case=st.one_of(file_text, st.binary(max_size=300)), transcript=file_text)
def test_the_front_matter_reader_ends_in_files_or_located_problems(
    project, case: bytes, transcript: bytes
):
    root, codebook = project
    (root / "cases" / "c01.md").write_bytes(case)
    (root / "transcripts" / "int01.md").write_bytes(transcript)
    try:
        read_project_files(root, codebook)
    except InvalidInput as error:
        assert error.problems
        assert all(p.path.startswith(("cases/", "transcripts/")) for p in error.problems)
    except ProjectError:
        pass


def test_the_unchanged_files_read_cleanly(project):
    root, codebook = project
    (root / "cases" / "c01.md").write_text("\n".join(case_lines) + "\n", encoding="utf-8")
    (root / "transcripts" / "int01.md").write_text(MINI_TRANSCRIPT, encoding="utf-8")
    assert len(read_project_files(root, codebook).cases) == 2


@FUZZ
@given(st.one_of(yamlish, st.text(max_size=300)))
def test_the_analysis_file_parser_ends_in_a_plan_or_located_problems(project, text: str):
    _, codebook = project
    try:
        parse_analysis(text, "analysis.yaml", codebook)
    except InvalidInput as error:
        assert error.problems and all(p.path == "analysis.yaml" for p in error.problems)
