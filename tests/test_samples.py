"""The double-coding sample: drawn reproducibly, listed, cleared (issue 13), on SQLite and
PostgreSQL, through the Project and the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.storage import tables
from tests.coded_mini import code_mini
from tests.conftest import reopen

EVENTS = tables.Event.__table__


def cli(project: Project, *args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    url = project.database.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["-p", str(project.root), "--db", url, *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def sample_events(project: Project) -> list[tuple[str, str, dict | None, dict | None]]:
    with project.database.reading() as conn:
        query = (
            select(EVENTS.c.action, EVENTS.c.coder, EVENTS.c.before, EVENTS.c.after)
            .where(EVENTS.c.entity == "assignment")
            .order_by(EVENTS.c.id)
        )
        return [tuple(row) for row in conn.execute(query)]


def test_a_new_sample_reports_what_it_added_and_the_coders_total(mini: Project) -> None:
    first = mini.assign_sample("tomas", share=1 / 3, seed=1)
    assert (len(first.chosen), first.added, first.total) == (1, first.chosen, 1)
    again = mini.assign_sample("tomas", share=1 / 3, seed=1)
    assert (again.added, again.total) == ((), 1)  # the same draw adds nothing
    everything = mini.assign_sample("tomas", share=1.0, seed=2)
    assert set(everything.added) == set(everything.chosen) - set(first.chosen)
    assert everything.total == 3
    assert [a.document_id for a in mini.assignments("tomas")] == ["c01", "c02", "int01"]
    seeds = {a.document_id: a.seed for a in mini.assignments()}
    assert seeds[first.chosen[0]] == 1 and sorted(seeds.values()) == [1, 2, 2]


def test_clearing_takes_the_documents_back_keeps_the_codings_and_logs_it(mini: Project) -> None:
    code_mini(mini)
    before = mini.codings(coder="tomas")
    mini.viewer = "lena"
    mini.assign_sample("tomas", share=1.0, seed=5)
    mini.assign_sample("ana", share=0.5, seed=5)
    cleared = mini.clear_sample("tomas")
    assert [a.document_id for a in cleared] == ["c01", "c02", "int01"]
    assert mini.assignments("tomas") == [] and {a.coder for a in mini.assignments()} == {"ana"}
    assert mini.codings(coder="tomas") == before
    assert mini.clear_sample("tomas") == []  # nothing left: no change, no event
    actions = [(action, coder) for action, coder, _, _ in sample_events(mini)]
    assert actions == [("sample.assign", "lena")] * 2 + [("sample.clear", "lena")]
    assert sample_events(mini)[-1][2] == {"documents": ["c01", "c02", "int01"]}
    with pytest.raises(ProjectError, match="not valid"):
        mini.clear_sample("no one")


def test_with_blind_coding_only_the_lead_draws_and_clears_and_a_coder_sees_their_own(
    mini: Project,
) -> None:
    mini.viewer = "lena"
    mini.set_role("lena", "lead")
    mini.set_role("tomas", "coder")
    mini.set_layers("blind")
    mini.assign_sample("tomas", share=0.5, seed=3)
    mini.assign_sample("ana", share=0.5, seed=4)
    tomas = reopen(mini)
    tomas.viewer = "tomas"
    assert {a.coder for a in tomas.assignments()} == {"tomas"}
    with pytest.raises(ProjectError, match="only their own layer, not 'ana'"):
        tomas.assignments("ana")
    with pytest.raises(ProjectError, match="needs the lead role"):
        tomas.clear_sample("tomas")
    with pytest.raises(ProjectError, match="needs the lead role"):
        tomas.assign_sample("tomas", share=1.0, seed=3)
    assert len(mini.assignments("tomas")) == 2  # nothing was cleared
    tomas.close()


def test_sample_on_the_command_line_old_and_new_forms(mini: Project) -> None:
    old_form = cli(mini, "sample", "tomas", "--share", "0.34", "--seed", "1").output
    (only,) = [a.document_id for a in mini.assignments("tomas")]
    assert old_form == f"tomas: 1 document added, 1 assigned in all\nadded: {only}\n"
    new_form = cli(mini, "sample", "assign", "tomas", "--share", "1", "--seed", "2").output
    assert new_form.startswith("tomas: 2 documents added, 3 assigned in all\n")
    again = cli(mini, "sample", "tomas", "--share", "1", "--seed", "2").output
    assert again == "tomas: 0 documents added, 3 assigned in all\n"
    cli(mini, "sample", "--seed", "9", "ana", "--share", "0.5")  # options first work too

    rows = json.loads(cli(mini, "sample", "list", "--format", "json").output)
    pairs = [(r["coder"], r["document"]) for r in rows]
    assert pairs == sorted(pairs) and [c for c, _ in pairs] == ["ana"] * 2 + ["tomas"] * 3
    assert {r["seed"] for r in rows if r["coder"] == "ana"} == {9}
    table = cli(mini, "sample", "list", "--coder", "tomas").output.splitlines()
    assert table[0].split() == ["coder", "document", "sample", "seed", "assigned_at"]
    assert table[-1] == "(3 rows)"
    csv_lines = cli(mini, "sample", "list", "--format", "csv", "--coder", "ana").output
    assert csv_lines.splitlines()[0] == "coder,document,sample,seed,assigned_at"

    cleared = cli(mini, "sample", "clear", "tomas").output
    assert cleared.startswith("tomas: 3 documents no longer assigned (c01, c02, int01)")
    assert (
        "No documents are assigned to tomas"
        in cli(mini, "sample", "list", "--coder", "tomas").output
    )
    assert cli(mini, "sample", "clear", "tomas").output == (
        "tomas had no documents assigned; nothing changed.\n"
    )
    refused = cli(mini, "sample", "clear", "a b", ok=False)
    assert refused.exit_code == 2 and "not valid" in refused.output
