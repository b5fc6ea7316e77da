"""The boundary queue (issue 18): two coders give one mechanism different extents; unitizing
agreement shows it, `adjudicate list --unitizing` offers it, a decision picks the extent,
the consensus holds it and the case table still counts the mechanism. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services import boundary_rules as rules
from hrd_coder.services.records import CodingRecord
from tests.conftest import finish_coding


def span(project: Project, first: str, last: str) -> tuple[int, int]:
    text = project.text_of("int01")
    start = text.index(first)
    return start, text.index(last, start) + len(last)


@pytest.fixture
def coded(mini: Project) -> Project:
    """lena codes reputational costs over two sentences ("Naming her … pushing too."),
    tomas over the first only; both tie it to c01."""
    first = span(mini, "Naming her", "government.")
    both = span(mini, "Naming her", "pushing too.")
    for coder, (start, end) in (("lena", both), ("tomas", first)):
        mini.add_coding(
            document="int01",
            code="reputational_costs",
            start=start,
            end=end,
            coder=coder,
            case="c01",
        )
    finish_coding(mini)
    return mini


def consensus_spans(project: Project) -> list[tuple[int, int]]:
    return sorted((c.start, c.end) for c in project.codings(coder="consensus"))


def test_the_whole_path_from_two_extents_to_the_case_table(coded: Project):
    [row] = [
        r
        for r in coded.unitizing_by_document()[0]
        if (r.document, r.code) == ("int01", "reputational_costs")
    ]
    assert row.alpha_U < 1 and row.coders == "lena tomas"  # they disagree on where
    # The second sentence is a unit disagreement (lena marked it, tomas did not).
    assert [i.code_id for i in coded.disagreements()] == ["reputational_costs"]
    [boundary] = coded.boundary_disagreements()
    first, both = span(coded, "Naming her", "government."), span(coded, "Naming her", "too.")
    assert boundary.extents == {"lena": both, "tomas": first}
    assert (boundary.start, boundary.end, boundary.case_id) == (*both, "c01")
    assert boundary.state == "undecided" and boundary.open

    held = coded.decide_boundary(
        boundary, "b", reason="the NGOs are another code", adjudicator="ana"
    )
    assert held == first
    assert consensus_spans(coded) == [first]
    status = coded.consensus_status()
    assert status.complete  # the second sentence is settled by the boundary
    # Both sentences are now settled by the boundary (the first one was agreed before).
    settled = coded.disagreements()
    assert {(i.state, i.decision) for i in settled} == {("decided", "tomas")}
    [decided] = coded.boundary_disagreements()
    assert (decided.state, decided.decision, decided.chosen) == ("decided", "tomas", first)
    table = coded.case_variables("consensus").table.set_index("id")
    assert table.loc["c01", "reputational_costs"] == 1
    assert table.loc["c02", "reputational_costs"] == 0


def test_union_intersection_and_an_explicit_extent(coded: Project):
    [boundary] = coded.boundary_disagreements()
    first, both = span(coded, "Naming her", "government."), span(coded, "Naming her", "too.")
    coded.decide_boundary(boundary, "union", adjudicator="ana")
    held = consensus_spans(coded)
    # Cut at the sentence ends, as every consensus coding is: together lena's extent.
    assert held[0][0] == both[0] and held[-1][1] == both[1] and len(held) == 2
    coded.decide_boundary(coded.boundary_disagreements()[0], "intersection", adjudicator="ana")
    assert consensus_spans(coded) == [first]
    explicit = f"{first[0]}-{first[0] + 10}"
    coded.decide_boundary(coded.boundary_disagreements()[0], explicit, adjudicator="ana")
    assert consensus_spans(coded) == [(first[0], first[0] + 10)]
    with pytest.raises(ProjectError, match=r"not a choice for a boundary: use a \(lena\)"):
        coded.resolve_boundary_choice(boundary, "neither")
    with pytest.raises(ProjectError, match="is not inside the boundary"):
        coded.resolve_boundary_choice(boundary, f"0-{both[1] + 1}")


def test_a_changed_extent_reopens_the_decision(coded: Project):
    [boundary] = coded.boundary_disagreements()
    coded.decide_boundary(boundary, "tomas", adjudicator="ana")
    [mine] = coded.codings(coder="tomas")
    coded.remove_coding(mine.id, coder="tomas")
    first = span(coded, "Naming her", "government.")
    coded.add_coding(
        document="int01",
        code="reputational_costs",
        start=first[0] + 7,
        end=first[1],
        coder="tomas",
        case="c01",
    )
    [reopened] = coded.boundary_disagreements()
    assert reopened.state == "reopened" and reopened.decision == "tomas"
    status = coded.consensus_status()
    assert status.reopened_boundaries == 1
    assert not status.complete  # the second sentence waits for a decision again
    said = run(coded, "consensus", "status").output
    assert "note: 1 boundary decision was reopened by a coder's change" in said
    coded.decide_boundary(reopened, "a", adjudicator="ana")
    assert coded.consensus_status().complete


def test_coders_who_agree_on_the_extent_give_no_boundary(mini: Project):
    first = span(mini, "Naming her", "government.")
    for coder in ("lena", "tomas"):
        mini.add_coding(
            document="int01", code="reputational_costs", start=first[0], end=first[1], coder=coder
        )
    finish_coding(mini)
    assert mini.boundary_disagreements() == []


def coding(coder: str, start: int, end: int, case: str | None = None) -> CodingRecord:
    now = dt.datetime(2026, 1, 1)
    return CodingRecord(
        f"{coder}{start}", "d", coder, "k", start, end, "", "", "", case, None, "", now, now
    )


def test_regions_chain_overlaps_and_leave_out_a_coder_who_left_the_code_out():
    codings = [coding("ana", 0, 10), coding("ana", 8, 20), coding("ben", 15, 30)]
    [region] = rules.regions(codings, {"d": {"ana", "ben"}})
    assert region.extents == {"ana": (0, 20), "ben": (15, 30)}
    assert (region.start, region.end) == (0, 30)
    # carol coded the document but not this code: whether it applies is the unit queue's
    assert rules.regions(codings, {"d": {"ana", "ben", "carol"}}) == []
    touching = [coding("ana", 0, 10), coding("ben", 10, 20)]
    assert rules.regions(touching, {"d": {"ana", "ben"}}) == []
    other_cases = [coding("ana", 0, 10, "c1"), coding("ben", 5, 20, "c2")]
    assert rules.regions(other_cases, {"d": {"ana", "ben"}}) == []
    apart = {"ana": (0, 10), "ben": (5, 20), "cem": (12, 30)}
    with pytest.raises(ProjectError, match="no stretch in common"):
        rules.choice_of("intersection", apart, 0, 30)


def run(project: Project, *args: str):
    url = project.database.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["-p", str(project.root), "--db", url, "--coder", "ana", *args])


def test_the_boundary_queue_on_the_command_line(coded: Project, tmp_path: Path):
    listed = run(coded, "adjudicate", "list", "--unitizing")
    assert listed.exit_code == 0, listed.output
    [boundary] = coded.boundary_disagreements()
    assert f"{boundary.id}  undecided  reputational_costs [c01]" in listed.output
    assert "    b tomas: " in listed.output and "(1 boundary, 1 to decide" in listed.output
    rows = list(
        csv.DictReader(
            io.StringIO(run(coded, "adjudicate", "list", "--unitizing", "--format", "csv").output)
        )
    )
    assert rows[0]["about"] == "boundary" and rows[0]["tomas_text"].startswith("Naming her")
    decided = run(coded, "adjudicate", "decide", boundary.id, "tomas")
    assert decided.exit_code == 0, decided.output
    first = span(coded, "Naming her", "government.")
    assert f"tomas; the consensus holds {first[0]}–{first[1]} there" in decided.output
    table = tmp_path / "decisions.csv"
    table.write_text(f"item,choice,reason\n{boundary.id},union,both sentences\n")
    batch = run(coded, "adjudicate", "decide", "--from-csv", str(table))
    assert batch.exit_code == 0, batch.output
    assert coded.boundary_disagreements()[0].decision == "union"
    bad = run(coded, "adjudicate", "decide", boundary.id, "99999-100000")
    assert bad.exit_code == 2 and "is not inside the boundary" in bad.output


def test_an_explicit_extent_follows_its_text_when_the_document_is_edited(coded: Project):
    first = span(coded, "Naming her", "government.")
    [boundary] = coded.boundary_disagreements()
    coded.decide_boundary(boundary, f"{first[0]}-{first[0] + 10}", adjudicator="ana")
    path = coded.root / "transcripts" / "int01.md"
    head, body = path.read_text().split("---\n", 2)[1:]
    path.write_text(f"---\n{head}---\nINTERVIEWER: A note added first.\n\n{body}")
    coded.import_files()
    moved = span(coded, "Naming her", "government.")
    assert moved[0] > first[0]
    [kept] = coded.boundary_disagreements()
    assert kept.state == "decided" and kept.chosen == (moved[0], moved[0] + 10)
    coded.rebuild_consensus(by="ana")
    [held] = coded.codings(coder="consensus")
    assert held.quote == "Naming her"


def test_a_unit_settled_by_a_boundary_says_so_in_adjudicate_list(coded: Project):
    """Not "decided → tomas" as if tomas's version of this unit were chosen: the unit is
    settled by the boundary's decision, and the extent it chose is what the consensus holds."""
    [boundary] = coded.boundary_disagreements()
    explicit = span(coded, "Naming her", "government.")
    coded.decide_boundary(boundary, f"{explicit[0]}-{explicit[1] - 1}", adjudicator="ana")
    chosen = f"{explicit[0]}–{explicit[1] - 1}"
    listed = run(coded, "adjudicate", "list")
    assert listed.exit_code == 0, listed.output
    words = f"decided by boundary {boundary.id} → {explicit[0]}-{explicit[1] - 1} ({chosen})"
    assert words in listed.output
    rows = list(
        csv.DictReader(io.StringIO(run(coded, "adjudicate", "list", "--format", "csv").output))
    )
    assert rows and all(r["decided_by_boundary"] == boundary.id for r in rows)
    assert {(r["decided_start"], r["decided_end"]) for r in rows} == {
        (str(explicit[0]), str(explicit[1] - 1))
    }
    # A decision on the unit itself comes first, and then the unit is no longer the boundary's.
    [unit] = [i for i in coded.disagreements() if i.start > explicit[1]]
    coded.decide(unit, "lena", adjudicator="ana")
    [own] = [i for i in coded.disagreements() if i.key == unit.key]
    assert (own.decision, own.boundary, own.chosen) == ("lena", None, None)
    assert f"{own.id}  decided → lena  " in run(coded, "adjudicate", "list").output
