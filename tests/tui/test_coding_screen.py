"""Pilot tests of the coding workbench: keys in, rows in the database out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hrd_coder.services import Project
from hrd_coder.services.records import CodingRecord
from hrd_coder.settings import remembered_coder
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.coding import CodingScreen
from hrd_coder.tui.screens.coding_review import ReviewState
from hrd_coder.tui.widgets.document_view import DocumentView
from tests.tui.helpers import settle, stored_codings

SIZE = (100, 30)
NOW = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)


def first_sentence(root: Path) -> str:
    with Project.open(root) as project:
        project.import_files()
        return project.document("int01").text


async def open_app(pilot) -> tuple[CodingScreen, DocumentView]:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen, screen.view


async def test_first_run_imports_and_opens_the_first_transcript(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, view = await open_app(pilot)
        assert screen.document.info.id == "int01"
        assert view.text.startswith("INTERVIEWER: How did the campaign matter?")
        assert remembered_coder(mini_root) is None  # --coder is for this run only
        assert "int01" in str(screen.query_one("#document-title").render())
        assert str(screen.query_one("#coder-name").render()) == "coder lena"


async def test_select_a_sentence_and_apply_a_code_by_hotkey(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, view = await open_app(pilot)
        await pilot.press("right_square_bracket")
        assert view.text[slice(*view.selection)] == "How did the campaign matter?"
        await pilot.press("right_square_bracket")
        assert view.text[slice(*view.selection)].startswith("Naming her raised")
        await pilot.press("r")
        await settle(pilot)
        assert "saved: reputational_costs" in str(screen.query_one("#status-line").render())
    (coding,) = stored_codings(mini_root)
    assert (coding.code_id, coding.coder, coding.document_id) == (
        "reputational_costs",
        "lena",
        "int01",
    )
    assert coding.quote == "Naming her raised the reputational cost for the government."


async def test_without_a_selection_a_hotkey_explains_what_to_do(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_app(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("Select some text first" in n.message for n in app._notifications)
    assert stored_codings(mini_root) == []


async def test_grow_shrink_and_repeat_last_code(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        _, view = await open_app(pilot)
        await pilot.press("ctrl+right", "ctrl+right", "ctrl+right", "left")  # inside "did"
        await pilot.press("plus")
        assert view.text[slice(*view.selection)] == "did"
        await pilot.press("plus")
        assert view.text[slice(*view.selection)] == "How did the campaign matter?"
        await pilot.press("minus")
        assert view.text[slice(*view.selection)] == "did"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape", "right_square_bracket", "full_stop")
        await settle(pilot)
    assert [(c.code_id, c.quote) for c in stored_codings(mini_root)] == [
        ("mobilizing.ngos", "did"),
        ("mobilizing.ngos", "Naming her raised the reputational cost for the government."),
    ]


async def test_move_a_boundary_remove_undo_and_redo(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        _, view = await open_app(pilot)
        await pilot.press("right_square_bracket", "r")
        await settle(pilot)
        (coding,) = stored_codings(mini_root)
        assert view.focused_coding == coding.id
        # Pull the end back a word; spaces at the edges are never coded.
        await pilot.press("ctrl+shift+left", "equals_sign")
        await settle(pilot)
        assert stored_codings(mini_root)[0].quote == "How did the campaign"
        await pilot.press("delete")
        await settle(pilot)
        assert stored_codings(mini_root) == []
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [c.quote for c in stored_codings(mini_root)] == ["How did the campaign"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [c.quote for c in stored_codings(mini_root)] == ["How did the campaign matter?"]
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert [c.quote for c in stored_codings(mini_root)] == ["How did the campaign"]
        assert [m.coding_id for m in view.marks] == [coding.id]


async def test_undo_survives_a_restart(mini_root: Path):
    app = CoderApp(mini_root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"lena", "enter")  # the first-run prompt's answer is remembered
        await open_app(pilot)
        await pilot.press("right_square_bracket", "r")
        await settle(pilot)
    assert len(stored_codings(mini_root)) == 1
    again = CoderApp(mini_root)  # the coder is remembered
    async with again.run_test(size=SIZE) as pilot:
        screen, view = await open_app(pilot)
        assert screen.coder == "lena" and len(view.marks) == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert view.marks == []
    assert stored_codings(mini_root) == []


async def test_next_coding_of_a_code_jumps_across_documents(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
        project.add_coding(document="c01", code="release", start=0, end=3, coder="lena")
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, view = await open_app(pilot)
        screen.highlighted_code = "release"
        await pilot.press("f3")
        await settle(pilot)
        assert screen.document.info.id == "c01"
        assert view.selection == (0, 3) and view.focused_coding is not None
        await pilot.press("f3")  # the only coding of the code: it stays, and says so
        await settle(pilot)
        assert screen.document.info.id == "c01" and view.selection == (0, 3)
        status = str(screen.query_one("#status-line").render())
        assert status.startswith("This is your only coding of release. · Del removes")


def test_next_of_code_says_when_it_wraps_around():
    from hrd_coder.tui.screens.coding import next_of_code

    def coding(document: str, start: int) -> CodingRecord:
        return CodingRecord(
            id=f"{document}{start}",
            document_id=document,
            coder="lena",
            code_id="release",
            start=start,
            end=start + 3,
            case_id=None,
            memo=None,
            quote="abc",
            prefix="",
            suffix="",
            codebook_hash="",
            created_at=NOW,
            updated_at=NOW,
        )

    codings = [coding("int01", 40), coding("c01", 0), coding("int01", 5)]
    assert next_of_code(codings, ("c01", 0), 1, "release") == (codings[2], None)
    assert next_of_code(codings, ("int01", 5), -1, "release") == (codings[1], None)
    found, note = next_of_code(codings, ("int01", 40), 1, "release")
    assert found is codings[1]
    assert note == "No further coding of release after here: back to the first one (c01 [0, 3))."
    found, note = next_of_code(codings, ("c01", 0), -1, "release")
    assert found is codings[0] and note.startswith("No further coding of release before here")
    assert next_of_code([], ("c01", 0), 1, "release") == (
        None,
        "You have no codings of release yet.",
    )


async def test_a_keys_file_remaps_bindings_and_reports_unknown_ids(mini_root: Path):
    keys = mini_root / ".hrd_coder" / "keys.yaml"
    keys.parent.mkdir(parents=True)
    keys.write_text("coding.undo: ctrl+u\ncoding.undoo: f9\n")
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_app(pilot)
        await pilot.press("right_square_bracket", "r")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(
            "no binding with id 'coding.undoo' (did you mean coding.undo?)" in m for m in messages
        )
    assert stored_codings(mini_root) == []


async def test_a_broken_codebook_shows_a_problem_screen_not_a_traceback(mini_root: Path):
    codebook = mini_root / "codebook.yaml"
    good = codebook.read_text()
    codebook.write_text(good.replace("definition: Others join", "defintion: Others join"))
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = str(app.screen.query_one("#problem-message").render())
        assert "unknown key 'defintion' — did you mean 'definition'?" in message
        codebook.write_text(good)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)


async def test_apply_a_code_with_the_picker(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_app(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "enter")
        await settle(pilot)
        await pilot.press("n", "g", "o", "s", "enter")
        await settle(pilot)
    assert [(c.code_id, c.quote) for c in stored_codings(mini_root)] == [
        ("mobilizing.ngos", "Naming her raised the reputational cost for the government.")
    ]


async def test_memos_on_a_coding_and_on_the_document(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await open_app(pilot)
        await pilot.press("right_square_bracket", "r")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"clear case")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press(*"good interview", "ctrl+s")
        await settle(pilot)
        assert "memo on int01 saved" in str(screen.query_one("#status-line").render())
    assert stored_codings(mini_root)[0].memo == "clear case"
    with Project.open(mini_root) as project:
        assert project.document_memo("int01", "lena") == "good interview"


async def test_tie_a_coding_to_a_case(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await open_app(pilot)
        await pilot.press("right_square_bracket", "r")
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.press(*"c02", "enter")
        await settle(pilot)
        assert screen.query_one("#case-panel").case_id == "c02"
    assert stored_codings(mini_root)[0].case_id == "c02"


async def test_retrieval_lists_segments_and_jumps_to_the_source(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
        project.add_coding(document="c02", code="release", start=4, end=12, coder="lena")
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, view = await open_app(pilot)
        screen.highlighted_code = "release"
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.document.info.id == "c02"
        assert view.selection == (4, 12) and view.focused_coding is not None


async def test_the_document_browser_opens_another_document(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, view = await open_app(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"Bea", "enter")
        await settle(pilot)
        assert screen.document.info.id == "c02"
        assert view.text.startswith("She was detained")


async def test_first_run_asks_who_is_coding_and_remembers(mini_root: Path):
    app = CoderApp(mini_root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"two words", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, CodingScreen)  # refused, asked again
        await pilot.press(*["backspace"] * 9, *"tomas", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.coder == "tomas"
    assert remembered_coder(mini_root) == "tomas"


async def test_every_key_action_is_in_the_command_palette(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await open_app(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        screen.review = ReviewState()  # the review keys act, and are offered, in a review only
        titles |= {command.title for command in app.get_system_commands(screen)}
        screen.review = None
        for binding in (*screen.BINDINGS, *DocumentView.BINDINGS):
            group = binding.id.split(".")[0]
            assert f"{group}: {binding.tooltip or binding.description}" in titles
        await pilot.press("right_square_bracket")
        command = next(
            c
            for c in app.get_system_commands(screen)
            if c.title == "view: Select the next sentence"
        )
        command.callback()
        await pilot.pause()
        await pilot.press("r")
        await settle(pilot)
    assert stored_codings(mini_root)[0].quote.startswith("Naming her")


async def test_help_lists_every_binding_with_its_id(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_app(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        from hrd_coder.tui.dialogs.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        assert {"coding.undo", "view.next_sentence", "coding.pick_code"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)


async def test_a_document_changed_on_disk_is_reported_when_the_app_opens(mini_root: Path):
    with Project.open(mini_root) as project:
        project.import_files()
    transcript = mini_root / "transcripts" / "int01.md"
    transcript.write_text(transcript.read_text().replace("Anything else?", "What else?"))
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_app(pilot)
        assert any("transcripts/int01.md changed on disk" in n.message for n in app._notifications)


async def test_the_palette_exports_the_project_as_refi_qda(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await open_app(pilot)
        command = next(
            c
            for c in app.get_system_commands(screen)
            if c.title == "export: project as REFI-QDA (.qdpx)"
        )
        command.callback()
        await settle(pilot)
        assert any(
            n.message.startswith("wrote ") and n.message.endswith(".qdpx")
            for n in app._notifications
        )
    assert list(mini_root.glob("*.qdpx"))
