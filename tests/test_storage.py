"""Storage on a real SQLite file: settings, round trips, and the event log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.storage import tables
from tests.conftest import reopen


def events(project: Project) -> list[tuple[str, str, str | None]]:
    table = tables.Event.__table__
    with project.database.reading() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(table.c.action, table.c.entity_id, table.c.coder).order_by(table.c.id)
            )
        ]


def test_sqlite_is_the_default_in_wal_mode_with_foreign_keys(mini_root: Path):
    with Project.open(mini_root) as project, project.database.reading() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        assert Path(project.database.url.database) == mini_root / ".hrd_coder/project.sqlite"


def test_a_coding_round_trips_through_a_new_connection(mini: Project):
    text = mini.document("int01").text
    start = text.index("Naming her")
    end = text.index("government.") + len("government.")
    saved = mini.add_coding(
        document="int01",
        code="reputational_costs",
        start=start,
        end=end,
        coder="lena",
        case="c01",
        memo="clear case",
    )
    assert saved.quote == "Naming her raised the reputational cost for the government."
    assert saved.prefix.endswith("OFFICIAL: ") and saved.suffix.startswith(" The NGOs")
    # Read through a separate engine: it was committed at once.
    with reopen(mini) as other, other.database.reading() as conn:
        row = conn.exec_driver_sql(
            'SELECT document_id, coder, code_id, start, "end", case_id, memo, codebook_hash '
            "FROM coding"
        ).one()
    assert tuple(row) == (
        "int01",
        "lena",
        "reputational_costs",
        start,
        end,
        "c01",
        "clear case",
        mini.codebook.hash,
    )
    reopened = reopen(mini)
    try:
        assert reopened.codings() == [saved]
    finally:
        reopened.close()


def test_every_mutation_appends_an_event(mini: Project):
    coding = mini.add_coding(
        document="int01", code="mobilizing.ngos", start=0, end=11, coder="tomas"
    )
    moved = mini.update_coding(coding.id, coder="tomas", end=12, memo="speaker label")
    assert moved.quote == "INTERVIEWER:" and moved.memo == "speaker label"
    mini.set_document_memo("int01", coder="tomas", text="Good interview.")
    mini.remove_coding(coding.id, coder="tomas")
    actions = [e for e in events(mini) if e[0].startswith(("coding", "coder", "memo"))]
    assert actions == [
        ("coder.add", "tomas", "tomas"),
        ("coding.add", coding.id, "tomas"),
        ("coding.update", coding.id, "tomas"),
        ("memo.set", "int01/tomas", "tomas"),
        ("coding.remove", coding.id, "tomas"),
    ]
    table = tables.Event.__table__
    with mini.database.reading() as conn:
        removed = conn.execute(
            select(table.c.before).where(table.c.action == "coding.remove")
        ).scalar_one()
    assert removed["quote"] == "INTERVIEWER:" and removed["end"] == 12
    assert mini.codings() == []
    assert mini.document_memo("int01", "tomas") == "Good interview."


def test_case_history_codings_default_to_their_case(mini: Project):
    coding = mini.add_coding(document="c02", code="release", start=0, end=3, coder="lena")
    assert coding.case_id == "c02"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"document": "nope"}, "there is no document 'nope'"),
        ({"code": "nope"}, "there is no code 'nope'"),
        ({"start": 5, "end": 5}, "span [5, 5) is not inside document 'int01'"),
        ({"start": 0, "end": 10_000}, "span [0, 10000) is not inside document 'int01'"),
        ({"case": "c99"}, "there is no case 'c99'"),
        ({"coder": "two words"}, "coder name 'two words' is not valid"),
    ],
)
def test_bad_coding_requests_are_refused_and_nothing_is_written(mini: Project, kwargs, message):
    request = {
        "document": "int01",
        "code": "reputational_costs",
        "start": 0,
        "end": 5,
        "coder": "lena",
        **kwargs,
    }
    with pytest.raises(ProjectError, match=re.escape(message)):
        mini.add_coding(**request)
    assert mini.codings() == []


def test_codings_filters(mini: Project):
    mini.add_coding(document="int01", code="reputational_costs", start=0, end=5, coder="lena")
    mini.add_coding(
        document="int01", code="mobilizing.ngos", start=3, end=9, coder="tomas", case="c02"
    )
    mini.add_coding(document="c01", code="release", start=0, end=3, coder="lena")
    assert len(mini.codings()) == 3
    assert [c.coder for c in mini.codings(document="int01")] == ["lena", "tomas"]
    assert [c.code_id for c in mini.codings(coder="lena")] == ["release", "reputational_costs"]
    assert [c.document_id for c in mini.codings(case="c02")] == ["int01"]
    assert mini.codings(code="mobilizing") == []


def test_cases_and_documents_read_back_as_plain_data(mini: Project):
    first, second = mini.cases()
    assert (first.id, first.groups, first.detained_on, first.released_on) == (
        "c01",
        ("featured",),
        "2012-05-14",
        "2016-02-18",
    )
    assert (second.released_on, second.censored_on, second.covariates) == (
        None,
        "2017-09-01",
        {"profession": "journalist"},
    )
    kinds = {d.id: (d.kind, d.case_ids) for d in mini.documents()}
    assert kinds == {
        "c01": ("case_history", ("c01",)),
        "c02": ("case_history", ("c02",)),
        "int01": ("transcript", ("c01", "c02")),
    }
    assert [d.id for d in mini.documents(kind="transcript")] == ["int01"]
