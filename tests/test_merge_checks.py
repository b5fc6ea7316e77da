"""`hrd-coder merge` checks every row of the other copy as `codings load` checks a file:
a span outside or reversed, a quote that is not the text, a coder name we refuse, an id with
an escape sequence, a time in the future... each is named by its row id, exit 2, and
nothing is merged (issue 21, item 5). The hostile copy is a normal offline copy changed
afterwards with plain sqlite3, as any other program could; the team database is SQLite or
PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.services import Project
from hrd_coder.services.merging import merge_database
from tests.coded_mini import code_mini
from tests.test_merge import offline_copy, snapshot

NOW = "2026-03-01 10:00:00.000000"
ESCAPE = "\x1b]0;pwned\x07"


@pytest.fixture
def team(mini: Project) -> Project:
    return code_mini(mini)


def plant(file: Path, rows: list[dict[str, Any]], table: str = "coding") -> None:
    """Write rows into the copy with plain sqlite3, as another program would."""
    with sqlite3.connect(file) as conn:
        for row in rows:
            columns = ", ".join(f'"{name}"' for name in row)
            marks = ", ".join("?" for _ in row)
            conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    conn.close()


def coding(text: str, row_id: str, start: Any, end: Any, **changes: Any) -> dict[str, Any]:
    """A coding row as hrd-coder would store it, with `changes` made by hand."""
    inside = isinstance(start, int) and 0 <= start < end <= len(text)
    row = {
        "id": row_id,
        "document_id": "int01",
        "coder": "tomas",
        "code_id": "release",
        "start": start,
        "end": end,
        "quote": text[start:end] if inside else "",
        "prefix": "",
        "suffix": "",
        "case_id": None,
        "memo": None,
        "codebook_hash": "",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return {**row, **changes}


def hostile_copy(team: Project, tmp_path: Path) -> tuple[Path, str]:
    """An offline copy holding one good new coding and one bad row of every kind."""
    laptop, file = offline_copy(team, tmp_path)
    text = laptop.document("int01").text
    laptop.close()
    length = len(text)
    plant(file, [{"name": ESCAPE, "role": "coder", "created_at": NOW}], table="coder")
    plant(
        file,
        [
            coding(text, "good-one", 0, 4),
            coding(text, "outside", length - 2, length + 50),
            coding(text, "reversed", 20, 10),
            coding(text, "empty-span", 10, 10),
            coding(text, "negative", -5, 4),
            coding(text, "wrong-quote", 0, 12, quote="Free them all"),
            coding(text, "not-a-number", "ten", 12),
            coding(text, "escaped-coder", 0, 6, coder=ESCAPE),
            coding(text, "spaced coder", 0, 7, coder="lena smith"),
            coding(text, f"id{ESCAPE}", 0, 8),
            coding(text, "from-the-future", 0, 9, updated_at="2099-01-01 00:00:00.000000"),
        ],
    )
    plant(
        file,
        [
            {
                "id": "bad-decision",
                "document_id": "int01",
                "start": 30,
                "end": 5,
                "code_id": "release",
                "choice": "union",
                "reason": "",
                "adjudicator": "ana",
                "decided_at": NOW,
            },
            {
                "id": "bad-choice",
                "document_id": "int01",
                "start": 0,
                "end": 5,
                "code_id": "release",
                "choice": f"lena{ESCAPE}",
                "reason": "",
                "adjudicator": "ana",
                "decided_at": NOW,
            },
        ],
        table="decision",
    )
    plant(
        file,
        [{"document_id": "int01", "coder": ESCAPE, "text": "memo", "updated_at": NOW}],
        table="document_memo",
    )
    return file, text


def test_every_bad_row_is_named_and_nothing_is_merged(team: Project, tmp_path: Path) -> None:
    file, _ = hostile_copy(team, tmp_path)
    state = snapshot(team)
    with pytest.raises(InvalidInput) as raised:
        merge_database(team, str(file))
    problems = [str(p) for p in raised.value.problems]
    expected = {
        "coding 'outside'": "is not inside document 'int01'",
        "coding 'reversed'": "span [20, 10) is not inside",
        "coding 'empty-span'": "span [10, 10) is not inside",
        "coding 'negative'": "span [-5, 4) is not inside",
        "coding 'wrong-quote'": 'its quote "Free them all" is not the text at [0, 12)',
        "coding 'not-a-number'": "start/end 'ten'/'12' are not whole numbers",
        "coding 'escaped-coder'": "coder name '\\x1b]0;pwned\\x07' is not valid",
        "coding 'spaced coder'": "coder name 'lena smith' is not valid",
        "coding 'id\\x1b]0;pwned\\x07'": "its id holds a control character",
        "coding 'from-the-future'": "its updated_at 2099-01-01T00:00:00+00:00 is in the future",
        "decision 'bad-decision'": "span [30, 5) is not inside",
        "decision 'bad-choice'": "its choice 'lena\\x1b]0;pwned\\x07' is neither",
        "memo 'int01/\\x1b]0;pwned\\x07'": "is not valid",
        "coder '\\x1b]0;pwned\\x07'": "is not valid",
    }
    for row, message in expected.items():
        found = [p for p in problems if f": {row}: " in p]
        assert len(found) == 1, (row, problems)
        assert message in found[0], (row, found[0])
        assert str(file) in found[0] and "correct or remove this row in the copy" in found[0]
    assert len(problems) == len(expected), problems  # the good row is not a problem
    assert not any("\x1b" in p for p in problems)  # shown as escapes, never sent raw
    assert snapshot(team) == state  # all or nothing: not even the good row
    assert "good-one" not in {c.id for c in team.codings()}


def test_the_command_line_says_what_and_where_and_exits_2(team: Project, tmp_path: Path) -> None:
    file, _ = hostile_copy(team, tmp_path)
    state = snapshot(team)
    url = team.database.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["-p", str(team.root), "--db", url, "merge", str(file)])
    assert result.exit_code == 2, result.output
    assert "coding 'wrong-quote': its quote" in result.output
    assert "problems found; nothing was written." in result.output
    assert "\x1b" not in result.output and "Traceback" not in result.output
    assert snapshot(team) == state


def test_a_copy_fixed_by_removing_the_bad_rows_merges(team: Project, tmp_path: Path) -> None:
    file, text = hostile_copy(team, tmp_path)
    with sqlite3.connect(file) as conn:
        conn.execute("DELETE FROM coding WHERE id != 'good-one' AND created_at = ?", (NOW,))
        conn.execute("DELETE FROM coding WHERE id LIKE 'id%'")
        conn.execute("DELETE FROM decision")
        conn.execute("DELETE FROM document_memo")
        conn.execute("DELETE FROM coder WHERE name = ?", (ESCAPE,))
        # A prefix or suffix changed by hand is not trusted: ours are cut from the text.
        conn.execute("UPDATE coding SET prefix = 'made up' WHERE id = 'good-one'")
    conn.close()
    report = merge_database(team, str(file))
    assert report.added == 1
    merged = {c.id: c for c in team.codings()}["good-one"]
    assert (merged.quote, merged.prefix, merged.suffix) == (text[0:4], "", text[4:44])


def test_a_value_of_the_wrong_type_is_refused_without_a_traceback(
    team: Project, tmp_path: Path
) -> None:
    laptop, file = offline_copy(team, tmp_path)
    text = laptop.document("int01").text
    laptop.close()
    plant(file, [coding(text, "garbled", 0, 4, updated_at="next tuesday")])
    state = snapshot(team)
    with pytest.raises(ProjectError, match="a row holds a value its column cannot"):
        merge_database(team, str(file))
    assert snapshot(team) == state


def test_the_copys_consensus_layer_is_rebuilt_here_not_copied(
    team: Project, tmp_path: Path
) -> None:
    """Consensus codings are made from the layers and decisions: the copy's (or a person
    who coded as 'consensus' there) are left out and counted, never merged."""
    laptop, file = offline_copy(team, tmp_path)
    text = laptop.document("int01").text
    laptop.close()
    plant(file, [{"name": "consensus", "role": "consensus", "created_at": NOW}], table="coder")
    plant(file, [coding(text, "agreed", 0, 4, coder="consensus"), coding(text, "mine", 0, 5)])
    report = merge_database(team, str(file))
    assert (report.added, report.consensus_skipped) == (1, 1)
    ids = {c.id for c in team.codings()}
    assert "mine" in ids and "agreed" not in ids
    assert "consensus" not in report.coders_added
    url = team.database.url.render_as_string(hide_password=False)
    shown = CliRunner().invoke(
        main, ["-p", str(team.root), "--db", url, "merge", str(file), "--dry-run"]
    )
    assert "1 consensus coding there not merged" in shown.output


def test_a_coder_the_copy_does_not_list_is_added(team: Project, tmp_path: Path) -> None:
    """A copy written without foreign keys may hold a coding of a coder missing from its
    coder table: the coder is added here first (else PostgreSQL refuses the row)."""
    laptop, file = offline_copy(team, tmp_path)
    text = laptop.document("int01").text
    laptop.close()
    plant(file, [coding(text, "by-zoe", 0, 4, coder="zoe")])
    report = merge_database(team, str(file))
    assert (report.added, report.coders_added) == (1, ["zoe"])
    assert {c.id: c.coder for c in team.codings()}["by-zoe"] == "zoe"
