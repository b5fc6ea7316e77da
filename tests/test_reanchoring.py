"""Importing a changed document re-anchors its codings: moved, fuzzy or orphaned, never lost."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services import coding as actions
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.storage import codings as stored
from hrd_coder.storage import tables
from tests.test_import import snapshot

NAMING = "Naming her raised the reputational cost for the government."
NGOS = "The NGOs kept pushing too."
PRIVATE = "Private talks did the rest."
HOW = "How did the campaign matter?"


def code(project: Project, quote: str, code_id: str, coder: str = "lena") -> str:
    text = project.document("int01").text
    start = text.index(quote)
    coding = project.add_coding(
        document="int01", code=code_id, start=start, end=start + len(quote), coder=coder
    )
    return coding.id


def edit(project: Project, old: str, new: str) -> None:
    path = project.root / "transcripts" / "int01.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def kept(project: Project) -> int:
    """Codings in the layers plus codings waiting in the review list."""
    return len(project.codings()) + len(project.orphaned_codings())


def events(project: Project, action: str) -> list[dict]:
    table = tables.Event.__table__
    with project.database.reading() as conn:
        query = table.select().where(table.c.action == action).order_by(table.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


@pytest.fixture
def coded(mini: Project) -> dict[str, str]:
    return {
        "how": code(mini, HOW, "mobilizing"),
        "naming": code(mini, NAMING, "reputational_costs"),
        "ngos": code(mini, NGOS, "mobilizing.ngos", coder="tomas"),
        "private": code(mini, PRIVATE, "mobilizing"),
    }


def test_each_kind_of_edit_is_placed_and_reported(mini: Project, coded: dict[str, str]):
    edit(mini, "OFFICIAL: Naming", "OFFICIAL: Well. Naming")  # text before NAMING and later
    edit(mini, "kept pushing", "kept on pushing")  # a word inside NGOS
    edit(mini, PRIVATE, "We never talked in private.")  # PRIVATE is gone
    before = kept(mini)
    report = mini.import_files()
    [anchoring] = report.anchoring
    assert (anchoring.unchanged, anchoring.moved, anchoring.fuzzy, anchoring.orphaned) == (
        1,
        1,
        1,
        1,
    )
    text = mini.document("int01").text
    spans = {c.id: text[c.start : c.end] for c in mini.codings()}
    assert spans == {
        coded["how"]: HOW,
        coded["naming"]: NAMING,
        coded["ngos"]: "The NGOs kept on pushing too.",
    }
    [orphan] = mini.orphaned_codings()
    assert (orphan.coding_id, orphan.quote, orphan.code_id) == (
        coded["private"],
        PRIVATE,
        "mobilizing",
    )
    assert kept(mini) == before
    fuzzy = [e for e in events(mini, "coding.reanchor") if e["after"]["method"] == "fuzzy"]
    assert [e["entity_id"] for e in fuzzy] == [coded["ngos"]]
    assert 0.9 <= fuzzy[0]["after"]["score"] < 1
    assert fuzzy[0]["before"]["quote"] == NGOS
    [orphaned] = events(mini, "coding.orphan")
    assert orphaned["before"]["id"] == coded["private"]
    assert orphaned["before"]["quote"] == PRIVATE


def test_a_duplicated_passage_keeps_its_coding_in_place(mini: Project, coded: dict[str, str]):
    edit(mini, "Anything else?", f"Anything else? You said: {NAMING}")
    mini.import_files()
    naming = next(c for c in mini.codings() if c.id == coded["naming"])
    text = mini.document("int01").text
    assert naming.start == text.index(NAMING)  # the first copy, where it was coded
    assert mini.orphaned_codings() == []


def test_a_second_import_writes_nothing(mini: Project, coded: dict[str, str]):
    edit(mini, "How did", "So, how did")
    edit(mini, PRIVATE, "Nothing else.")
    assert mini.import_files().anchoring
    before = snapshot(mini)
    again = mini.import_files()
    assert not again.changed
    assert again.anchoring == []
    assert snapshot(mini) == before


def test_a_dry_run_reports_the_same_and_writes_nothing(mini: Project, coded: dict[str, str]):
    edit(mini, "How did", "So, how did")
    edit(mini, PRIVATE, "Nothing else.")
    before = snapshot(mini)
    dry = mini.import_files(dry_run=True)
    assert snapshot(mini) == before
    real = mini.import_files()
    assert dry.dry_run and not real.dry_run
    strip = lambda r: [  # noqa: E731 (the orphan times differ by when each ran)
        {**a.as_json(), "orphans": [o.coding_id for o in a.orphans]} for a in r.anchoring
    ]
    assert strip(dry) == strip(real)
    assert dry.updated == real.updated


def test_consensus_codings_follow_their_text_too(mini: Project):
    text = mini.document("int01").text
    start = text.index(NGOS)
    consensus = actions.new_coding(
        text=text,
        document_id="int01",
        coder=CONSENSUS,
        code_id="mobilizing.ngos",
        start=start,
        end=start + len(NGOS),
        case_id=None,
        memo=None,
        codebook_hash=mini.codebook_hash_for_new_codings(),
    )
    with mini.database.writing() as conn:
        stored.ensure_coder(conn, CONSENSUS)
        stored.insert_codings(conn, [consensus])
    edit(mini, "INTERVIEWER: How", "INTERVIEWER (A.): How")
    mini.import_files()
    [moved] = mini.codings(coder=CONSENSUS)
    assert mini.document("int01").text[moved.start : moved.end] == NGOS


def test_an_orphan_is_re_placed_with_its_own_id(mini: Project, coded: dict[str, str]):
    edit(mini, PRIVATE, "Quiet talks settled it in the end.")
    mini.import_files()
    [orphan] = mini.orphaned_codings()
    text = mini.document("int01").text
    start = text.index("Quiet talks")
    restored = mini.replace_orphan(orphan.coding_id, start=start, end=start + 11, coder="ines")
    assert (restored.id, restored.coder, restored.quote) == (
        coded["private"],
        "lena",
        "Quiet talks",
    )
    assert restored.created_at == orphan.created_at
    assert mini.orphaned_codings() == []
    [event] = events(mini, "coding.replace_orphan")
    assert (event["coder"], event["before"]["quote"], event["after"]["start"]) == (
        "ines",
        PRIVATE,
        start,
    )
    with pytest.raises(ProjectError, match="no orphaned coding"):
        mini.replace_orphan(orphan.coding_id, start=0, end=3, coder="ines")


def test_a_discarded_orphan_stays_whole_in_the_event_log(mini: Project, coded: dict[str, str]):
    edit(mini, PRIVATE, "Nothing else.")
    mini.import_files()
    [orphan] = mini.orphaned_codings()
    mini.discard_orphan(orphan.coding_id, coder="lena")
    assert mini.orphaned_codings() == []
    [event] = events(mini, "coding.discard_orphan")
    assert event["before"] == orphan.as_json()
    with mini.database.reading() as conn:
        table = tables.OrphanedCoding.__table__
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_the_command_line_reports_re_anchoring_and_status_lists_orphans(
    mini: Project, coded: dict[str, str]
):
    edit(mini, "kept pushing", "kept on pushing")
    edit(mini, PRIVATE, "Nothing else.")
    url = mini.database.url.render_as_string(hide_password=False)
    base = ["--project", str(mini.root), "--db", url]
    dry = CliRunner().invoke(main, [*base, "import", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Dry run: nothing was written.")
    assert "re-anchored int01: 2 unchanged, 0 moved, 1 moved fuzzy, 1 orphaned" in dry.output
    assert mini.orphaned_codings() == []
    done = CliRunner().invoke(main, [*base, "import"])
    assert "1 orphaned" in done.output and f"orphaned {coded['private']}" in done.output
    status = CliRunner().invoke(main, [*base, "status"])
    assert "review: 1 orphaned coding waits" in status.output
    assert PRIVATE in status.output
