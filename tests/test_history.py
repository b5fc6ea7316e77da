"""Undo and redo, rebuilt from the event log: on both backends, across restarts, per coder."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services.history import stacks
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage import tables
from hrd_coder.storage.events import record_event
from tests.conftest import MINI_CODEBOOK, reopen, write

CODINGS = tables.Coding.__table__
EVENTS = tables.Event.__table__


def stored(project: Project) -> list[CodingRecord]:
    """Every row of the coding table, read straight from the database, in id order."""
    with project.database.reading() as conn:
        rows = [CodingRecord(**row) for row in conn.execute(CODINGS.select()).mappings()]
    return sorted(rows, key=lambda c: c.id)  # Python's order, whatever the server's collation


def coding_events(project: Project) -> list[Any]:
    """The coding part of the event log, oldest first."""
    with project.database.reading() as conn:
        return conn.execute(
            EVENTS.select().where(EVENTS.c.entity == "coding").order_by(EVENTS.c.id)
        ).all()


def add(project: Project, coder: str = "lena", **kwargs: Any) -> CodingRecord:
    request = {"document": "int01", "code": "reputational_costs", "start": 0, "end": 11}
    return project.add_coding(coder=coder, **{**request, **kwargs})


def refused(project: Project, action: str, coder: str, message: str) -> None:
    """The request is refused with `message`, and neither codings nor the log change."""
    codings, log = stored(project), coding_events(project)
    with pytest.raises(ProjectError, match=re.escape(message)):
        getattr(project, action)(coder)
    assert stored(project) == codings
    assert coding_events(project) == log


def test_undo_and_redo_an_add(mini: Project):
    coding = add(mini)
    step = mini.undo("lena")
    assert stored(mini) == []
    assert (step.action, step.coding, step.coding_id, step.document_id) == (
        "coding.remove",
        None,
        coding.id,
        "int01",
    )
    assert step.description == "undid: add reputational_costs on int01 [0, 11)"
    step = mini.redo("lena")
    assert stored(mini) == [coding]  # same id, same timestamps
    assert (step.action, step.coding) == ("coding.add", coding)
    assert step.description == "redid: add reputational_costs on int01 [0, 11)"


def test_undo_and_redo_a_remove(mini: Project):
    coding = add(mini, case="c01", memo="clear case")
    mini.remove_coding(coding.id, coder="lena")
    step = mini.undo("lena")
    assert stored(mini) == [coding]
    assert (step.action, step.coding) == ("coding.add", coding)
    assert step.description == "undid: remove reputational_costs on int01 [0, 11)"
    mini.redo("lena")
    assert stored(mini) == []


def test_undo_and_redo_an_update(mini: Project):
    coding = add(mini)
    mini.update_coding(
        coding.id, coder="lena", end=12, code_id="mobilizing", case_id="c02", memo="label"
    )
    (changed,) = stored(mini)
    assert (changed.quote, changed.code_id, changed.memo) == ("INTERVIEWER:", "mobilizing", "label")
    step = mini.undo("lena")
    assert stored(mini) == [coding]  # every field, updated_at included, as before
    assert step.description == (
        "undid: update reputational_costs on int01 [0, 11): "
        "code → mobilizing, span → [0, 12), case → c02, memo"
    )
    step = mini.redo("lena")
    assert stored(mini) == [changed]
    assert (step.action, step.coding) == ("coding.update", changed)


def test_several_undos_walk_back_and_redos_walk_forward_in_order(mini: Project):
    states = [stored(mini)]
    first = add(mini)
    states.append(stored(mini))
    second = add(mini, code="mobilizing.ngos", start=20, end=40, case="c01")
    states.append(stored(mini))
    mini.update_coding(first.id, coder="lena", end=12, memo="speaker label")
    states.append(stored(mini))
    mini.remove_coding(second.id, coder="lena")
    states.append(stored(mini))
    mini.update_coding(first.id, coder="lena", code_id="mobilizing")
    states.append(stored(mini))

    for expected in reversed(states[:-1]):
        mini.undo("lena")
        assert stored(mini) == expected
    refused(mini, "undo", "lena", "nothing to undo")
    for expected in states[1:]:
        mini.redo("lena")
        assert stored(mini) == expected
    refused(mini, "redo", "lena", "nothing to redo")


def test_a_new_action_after_an_undo_clears_the_redo_stack(mini: Project):
    first = add(mini)
    add(mini, start=20, end=40)
    mini.undo("lena")
    third = add(mini, code="mobilizing", start=50, end=60)
    refused(mini, "redo", "lena", "nothing to redo")
    assert stored(mini) == sorted([first, third], key=lambda c: c.id)
    mini.undo("lena")
    assert stored(mini) == [first]
    mini.undo("lena")
    assert stored(mini) == []  # the second coding stays undone: its redo was dropped
    refused(mini, "undo", "lena", "nothing to undo")


def test_undo_and_redo_survive_a_restart(mini: Project):
    coding = add(mini)
    mini.update_coding(coding.id, coder="lena", start=1, memo="moved")
    changed = stored(mini)
    with reopen(mini) as again:
        again.undo("lena")
        assert stored(again) == [coding]
    with reopen(mini) as again:
        again.undo("lena")
        assert stored(again) == []
    with reopen(mini) as again:
        again.redo("lena")
        assert stored(again) == [coding]
    with reopen(mini) as again:
        again.redo("lena")
        assert stored(again) == changed
        refused(again, "redo", "lena", "nothing to redo")
    assert stored(mini) == changed


def test_undo_only_touches_the_calling_coders_own_actions(mini: Project):
    mine = add(mini, coder="lena")
    theirs = add(mini, coder="tomas", code="mobilizing.ngos", start=20, end=40)
    mini.update_coding(mine.id, coder="lena", memo="mine")
    (mine_changed,) = [c for c in stored(mini) if c.id == mine.id]
    mini.remove_coding(theirs.id, coder="tomas")

    mini.undo("lena")  # her memo, not tomas's later removal
    assert stored(mini) == [mine]
    mini.undo("tomas")
    assert stored(mini) == sorted([mine, theirs], key=lambda c: c.id)
    mini.undo("lena")
    assert stored(mini) == [theirs]
    mini.undo("tomas")
    assert stored(mini) == []
    refused(mini, "undo", "lena", "nothing to undo")
    refused(mini, "undo", "tomas", "nothing to undo")
    mini.redo("lena")
    mini.redo("lena")
    assert stored(mini) == [mine_changed]
    refused(mini, "redo", "lena", "nothing to redo")
    mini.redo("tomas")
    assert stored(mini) == sorted([mine_changed, theirs], key=lambda c: c.id)


def test_undo_refuses_when_someone_else_changed_the_coding_since(mini: Project):
    coding = add(mini, coder="lena")
    mini.update_coding(coding.id, coder="tomas", memo="tomas was here", as_lead=True)
    refused(mini, "undo", "lena", "cannot undo 'add reputational_costs on int01 [0, 11)': tomas")
    with pytest.raises(ProjectError, match="edit the coding directly"):
        mini.undo("lena")
    # Once tomas takes his change back, the coding is as lena left it and her undo works.
    mini.undo("tomas")
    mini.undo("lena")
    assert stored(mini) == []


def test_undo_refuses_when_someone_else_removed_the_coding(mini: Project):
    coding = add(mini, coder="lena")
    mini.remove_coding(coding.id, coder="tomas", as_lead=True)
    refused(mini, "undo", "lena", "tomas removed it since (on ")
    assert stored(mini) == []


def test_redo_refuses_when_someone_else_changed_the_coding_since(mini: Project):
    coding = add(mini, coder="lena")
    mini.update_coding(coding.id, coder="lena", end=12)
    mini.undo("lena")
    mini.update_coding(coding.id, coder="tomas", code_id="mobilizing", as_lead=True)
    refused(mini, "redo", "lena", "cannot redo 'update reputational_costs on int01 [0, 11)")
    assert [c.code_id for c in stored(mini)] == ["mobilizing"]


def test_undo_refuses_to_restore_a_coding_onto_a_changed_document(mini: Project):
    coding = add(mini, start=14, end=34)
    mini.remove_coding(coding.id, coder="lena")
    path = mini.root / "transcripts" / "int01.md"
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("INTERVIEWER: How did", "INTERVIEWER: Tell me, how did"))
    mini.import_files()  # the document is uncoded now, so the import updates it
    refused(mini, "undo", "lena", "document 'int01' was changed since")


def test_undo_refuses_to_restore_a_coding_whose_code_is_gone(mini: Project):
    coding = add(mini, document="c01", code="release", start=0, end=3)
    mini.remove_coding(coding.id, coder="lena")
    write(mini.root / "codebook.yaml", MINI_CODEBOOK.split("  - id: release")[0])
    with reopen(mini) as again:
        again.import_files()
        refused(again, "undo", "lena", "code 'release' is no longer in the codebook")


def test_the_event_log_records_what_undo_and_redo_did(mini: Project):
    coding = add(mini)
    mini.undo("lena")
    mini.redo("lena")
    mini.undo("lena")
    added, undone, redone, undone_again = coding_events(mini)
    assert [(e.action, e.coder, e.entity_id) for e in coding_events(mini)] == [
        ("coding.add", "lena", coding.id),
        ("coding.remove", "lena", coding.id),
        ("coding.add", "lena", coding.id),
        ("coding.remove", "lena", coding.id),
    ]
    assert [(e.undo_of, e.redo_of) for e in coding_events(mini)] == [
        (None, None),
        (added.id, None),
        (None, added.id),
        (added.id, None),
    ]
    assert (undone.before, undone.after) == (coding.as_json(), None)
    assert (redone.before, redone.after) == (None, coding.as_json())
    assert (undone_again.before, undone_again.after) == (coding.as_json(), None)
    with mini.database.reading() as conn:
        history = stacks(conn, "lena")
    assert (history.undo, history.redo) == ((), (added.id,))


def test_the_stacks_tolerate_an_undo_logged_after_a_racing_action(mini: Project):
    # Two windows of one coder on a server: an action may get a lower id than an undo
    # that had already chosen its event. The undone event still moves to the redo stack.
    with mini.database.writing() as conn:
        for entity_id in ("a", "b"):
            record_event(
                conn, coder="lena", action="coding.add", entity="coding", entity_id=entity_id
            )
        first, second = conn.execute(
            select(EVENTS.c.id).where(EVENTS.c.coder == "lena").order_by(EVENTS.c.id)
        ).scalars()
        record_event(
            conn,
            coder="lena",
            action="coding.remove",
            entity="coding",
            entity_id="a",
            undo_of=first,
        )
        history = stacks(conn, "lena")
    assert (history.undo, history.redo) == ((second,), (first,))


def test_two_open_windows_of_one_coder_share_the_stacks(mini: Project):
    first = add(mini)
    add(mini, start=20, end=40)
    with reopen(mini) as window:
        mini.undo("lena")
        window.undo("lena")  # the next step back, not the one the first window undid
        assert stored(mini) == []
        window.redo("lena")
        assert stored(mini) == [first]
