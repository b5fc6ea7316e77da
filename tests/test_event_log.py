"""`hrd-coder log`: the event log filtered by coder, document, action and time, exported
as CSV or JSON (issue 6)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from hrd_coder.services.audit import LogFilter, event_log, parse_moment
from hrd_coder.storage import tables
from tests.coded_mini import code_mini


def test_filters_pick_the_right_events(mini: Project) -> None:
    code_mini(mini)
    added = mini.add_coding(document="c01", code="release", start=0, end=5, coder="ana")
    mini.remove_coding(added.id, coder="ana")
    everything = event_log(mini, LogFilter())
    assert [e.id for e in everything] == sorted(e.id for e in everything)

    by_ana = event_log(mini, LogFilter(coder="ana"))
    assert [e.action for e in by_ana] == ["coder.add", "coding.add", "coding.remove"]
    on_c01 = event_log(mini, LogFilter(document="c01", action="coding"))
    assert {e.entity_id for e in on_c01} >= {added.id}
    assert all(e.document == "c01" for e in on_c01)
    removals = event_log(mini, LogFilter(action="coding.remove"))
    assert [e.entity_id for e in removals] == [added.id]
    assert json.loads(removals[0].before)["quote"] == mini.document("c01").text[0:5]

    first_at = parse_moment(everything[0].at)
    assert event_log(mini, LogFilter(until=parse_moment("2000-01-01", end_of_day=True))) == []
    assert len(event_log(mini, LogFilter(since=first_at))) == len(everything)


def test_log_exports_csv_and_json(mini: Project) -> None:
    code_mini(mini)
    url = mini.database.url.render_as_string(hide_password=False)
    base = ["-p", str(mini.root), "--db", url, "log", "--coder", "tomas"]
    rows = list(
        csv.DictReader(io.StringIO(CliRunner().invoke(main, [*base, "--format", "csv"]).output))
    )
    data = json.loads(CliRunner().invoke(main, [*base, "--format", "json"]).output)
    assert [r["id"] for r in rows] == [str(d["id"]) for d in data]
    with mini.database.reading() as conn:
        stored = conn.execute(
            tables.Event.__table__.select().where(tables.Event.__table__.c.coder == "tomas")
        ).all()
    assert len(data) == len(stored) == 3  # tomas joined and added two codings
    bad = CliRunner().invoke(main, [*base, "--since", "last tuesday"])
    assert bad.exit_code == 2 and "is not a date" in bad.output
