"""`hrd-coder merge`: a coder's offline SQLite copy into the team database (SQLite or
PostgreSQL), matched by stable ids, idempotent, nothing lost (issue 6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hrd_coder.cli import main
from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.services import Project
from hrd_coder.services.merging import merge_database
from hrd_coder.storage import tables
from tests.coded_mini import code_mini

CODINGS = tables.Coding.__table__
EVENTS = tables.Event.__table__


def offline_copy(team: Project, tmp_path: Path) -> tuple[Project, Path]:
    """What a coder takes home: the project folder and a SQLite copy of the team database."""
    folder = tmp_path / "laptop"
    shutil.copytree(team.root, folder, ignore=shutil.ignore_patterns(".hrd_coder"))
    copy = Project.open(folder)  # its own new SQLite file
    copy.import_files()
    # The team's codings with their ids, as a file copy of the database would have them.
    with copy.database.writing() as conn:
        coders = sorted({c.coder for c in team.codings()})
        conn.execute(tables.Coder.__table__.insert(), [{"name": name} for name in coders])
        conn.execute(CODINGS.insert(), [_row(c) for c in team.codings()])
    return copy, Path(copy.database.url.database)


def _row(coding) -> dict:  # type: ignore[no-untyped-def]
    return {name: getattr(coding, name) for name in CODINGS.columns.keys()}  # noqa: SIM118


def snapshot(project: Project) -> dict[str, list]:
    """Every coding, memo and decision row (events aside), to compare before and after."""
    out = {}
    with project.database.reading() as conn:
        for table in (CODINGS, tables.DocumentMemo.__table__, tables.Decision.__table__):
            rows = conn.execute(table.select()).mappings().all()
            out[table.name] = sorted(json.dumps(dict(r), default=str) for r in rows)
    return out


@pytest.fixture
def team(mini: Project) -> Project:
    return code_mini(mini)


def test_offline_work_merges_in_once_and_twice_changes_nothing(
    team: Project, tmp_path: Path
) -> None:
    laptop, file = offline_copy(team, tmp_path)
    text = laptop.document("int01").text
    start = text.index("Private talks")
    new = laptop.add_coding(
        document="int01", code="release", start=start, end=start + 13, coder="tomas"
    )
    laptop.set_document_memo("int01", coder="tomas", text="Ask about the March meeting.")
    before_file = hashlib.sha256(file.read_bytes()).hexdigest()

    preview = merge_database(team, str(file), dry_run=True)
    assert (preview.added, preview.memos_added) == (1, 1)
    assert new.id not in {c.id for c in team.codings()}  # a dry run writes nothing

    report = merge_database(team, str(file))
    assert (report.added, report.unchanged, report.memos_added) == (1, 7, 1)
    merged = {c.id: c for c in team.codings()}[new.id]
    assert (merged.start, merged.end, merged.coder) == (new.start, new.end, "tomas")
    assert team.document_memo("int01", "tomas") == "Ask about the March meeting."
    with team.database.reading() as conn:
        logged = conn.execute(
            select(EVENTS.c.action, EVENTS.c.after).where(EVENTS.c.entity_id == new.id)
        ).all()
    assert [action for action, _ in logged] == ["coding.merge"]
    assert logged[0][1]["source"] == str(file)

    state = snapshot(team)
    again = merge_database(team, str(file))
    assert (again.added, again.unchanged, again.memos_added) == (0, 8, 0)
    assert snapshot(team) == state
    # The copy read from is never written to (opened read-only, never upgraded).
    assert hashlib.sha256(file.read_bytes()).hexdigest() == before_file
    laptop.close()


def test_the_later_change_wins_and_the_other_is_kept_in_the_log(
    team: Project, tmp_path: Path
) -> None:
    laptop, file = offline_copy(team, tmp_path)
    first, second = team.codings(coder="lena")[:2]
    laptop.update_coding(first.id, coder="lena", memo="changed offline")
    team.update_coding(second.id, coder="lena", memo="changed in the team database")
    later = dt.timedelta(seconds=5)
    with laptop.database.writing() as conn:  # the team's change to `second` is older
        conn.execute(
            CODINGS.update()
            .where(CODINGS.c.id == second.id)
            .values(memo="changed offline, earlier", updated_at=tables.utc_now() - later)
        )

    report = merge_database(team, str(file))
    assert report.updated == [first.id] and report.kept_ours == [second.id]
    memos = {c.id: c.memo for c in team.codings()}
    assert memos[first.id] == "changed offline"
    assert memos[second.id] == "changed in the team database"
    with team.database.reading() as conn:
        kept = conn.execute(
            select(EVENTS.c.before).where(
                (EVENTS.c.entity_id == second.id) & (EVENTS.c.action == "coding.merge_kept")
            )
        ).scalar_one()
    assert kept["memo"] == "changed offline, earlier"  # nothing lost
    laptop.close()


def test_duplicates_and_offline_removals_are_reported_not_applied(
    team: Project, tmp_path: Path
) -> None:
    laptop, file = offline_copy(team, tmp_path)
    gone = team.codings(coder="tomas")[0]
    laptop.remove_coding(gone.id, coder="tomas")
    same = team.codings(coder="lena")[0]
    laptop.add_coding(  # the same span and code again, with a new id: a duplicate
        document=same.document_id,
        code=same.code_id,
        start=same.start,
        end=same.end,
        coder="lena",
        case=same.case_id,
    )
    laptop.remove_coding(same.id, coder="lena")
    report = merge_database(team, str(file))
    assert report.added == 0 and len(report.duplicates) == 1
    assert set(report.removed_there) == {gone.id, same.id}
    assert {gone.id, same.id} <= {c.id for c in team.codings()}
    laptop.close()


def test_a_copy_on_another_text_or_codebook_is_refused_whole(team: Project, tmp_path: Path) -> None:
    laptop, file = offline_copy(team, tmp_path)
    laptop.add_coding(document="int01", code="release", start=0, end=4, coder="tomas")
    with laptop.database.writing() as conn:
        conn.execute(
            tables.Document.__table__.update()
            .where(tables.Document.__table__.c.id == "int01")
            .values(sha256="0" * 64)
        )
    state = snapshot(team)
    with pytest.raises(InvalidInput) as raised:
        merge_database(team, str(file))
    assert "document 'int01' has a different text here" in str(raised.value)
    assert snapshot(team) == state
    with pytest.raises(ProjectError, match="no such database file"):
        merge_database(team, str(tmp_path / "missing.sqlite"))
    with pytest.raises(ProjectError, match="cannot read"):
        merge_database(team, str(team.root / "codebook.yaml"))
    missing = tmp_path / "nowhere.sqlite"
    with pytest.raises(ProjectError, match="no such database file"):
        merge_database(team, f"sqlite:///{missing}")
    assert not missing.exists()  # a merge never creates (or changes) what it reads
    with pytest.raises(ProjectError, match="is not a database URL"):
        merge_database(team, "notadb://x")
    laptop.close()


def test_merge_on_the_command_line(team: Project, tmp_path: Path) -> None:
    laptop, file = offline_copy(team, tmp_path)
    laptop.add_coding(document="int01", code="release", start=0, end=4, coder="ana")
    url = team.database.url.render_as_string(hide_password=False)
    base = ["-p", str(team.root), "--db", url]
    result = CliRunner().invoke(main, [*base, "merge", str(file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["added"] == 1 and data["coders_added"] == ["ana"]
    text = CliRunner().invoke(main, [*base, "merge", str(file)]).output
    assert "added 0 codings; 8 already here" in text
    laptop.close()


def test_a_new_offline_copy_is_pulled_from_the_team_database(team: Project, tmp_path: Path) -> None:
    """The copy a coder takes away: a fresh SQLite project that merges the team's database."""
    folder = tmp_path / "away"
    shutil.copytree(team.root, folder, ignore=shutil.ignore_patterns(".hrd_coder"))
    with Project.open(folder) as away:
        away.import_files()
        url = team.database.url.render_as_string(hide_password=False)
        report = merge_database(away, url.replace("+psycopg", ""))
        assert report.added == len(team.codings())
        assert snapshot(away)["coding"] == snapshot(team)["coding"]


def test_a_removal_undone_in_the_copy_is_not_reported_as_removed_there(
    team: Project, tmp_path: Path
) -> None:
    """Only codings missing from the copy's rows now are 'removed there' (issue 13)."""
    laptop, file = offline_copy(team, tmp_path)
    restored, removed, _ = team.codings(coder="lena")[:3]
    laptop.remove_coding(restored.id, coder="lena")
    laptop.undo("lena")  # back in the copy, as it was
    laptop.remove_coding(removed.id, coder="lena")
    laptop.undo("lena")
    laptop.redo("lena")  # removed again
    text = laptop.document("int01").text
    start = text.index("Private talks")
    offline = laptop.add_coding(
        document="int01", code="release", start=start, end=start + 13, coder="tomas"
    )
    laptop.undo("tomas")  # added and taken back offline: nothing to merge, nothing to advise
    assert restored.id in {c.id for c in laptop.codings()}

    report = merge_database(team, str(file))
    assert report.removed_there == [removed.id]
    assert (report.added, report.unchanged) == (0, len(team.codings()) - 1)
    assert offline.id not in {c.id for c in team.codings()}
    url = team.database.url.render_as_string(hide_password=False)
    shown = CliRunner().invoke(main, ["-p", str(team.root), "--db", url, "merge", str(file)])
    assert shown.exit_code == 0, shown.output
    advice = [line for line in shown.output.splitlines() if "removed there" in line]
    assert advice == [
        f"1 removed there but kept here (if that removal was meant: 'hrd-coder codings "
        f"remove ID --coder NAME'): {removed.id}"
    ]
    laptop.close()


def test_a_blind_coder_pulls_only_their_own_layer(team: Project, tmp_path: Path) -> None:
    """A coder's copy pulled from a blind team database holds only their layer; the lead's
    pull holds every layer (issue 19)."""
    team.set_role("ana", "lead")
    url = team.database.url.render_as_string(hide_password=False).replace("+psycopg", "")
    with Project.open(team.root, url, viewer="ana") as lead:
        lead.set_layers("blind")
    for viewer, expected in (("tomas", {"tomas"}), ("ana", {"lena", "tomas"})):
        folder = tmp_path / f"away-{viewer}"
        shutil.copytree(team.root, folder, ignore=shutil.ignore_patterns(".hrd_coder"))
        with Project.open(folder, viewer=viewer) as away:
            away.import_files()
            merge_database(away, url)
            assert {c.coder for c in away.codings()} == expected, viewer
