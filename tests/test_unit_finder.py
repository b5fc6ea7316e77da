"""Keyboard selection units in the workbench: turns and paragraphs leave out the speaker
label, as sentences already do (issue 15), while the view still finds every label."""

from __future__ import annotations

from hrd_coder.sources.unit_finder import UnitFinder

TEXT = (
    "INTERVIEWER: How did the campaign matter?\n\n"
    "OFFICIAL: Naming her raised the cost.\n"
    "The NGOs kept pushing too.\n\n"
    "A note without a label.\n\n"
    "OFFICIAL: Private talks did the rest."
)


def shown(span: tuple[int, int] | None) -> str:
    assert span is not None
    return TEXT[span[0] : span[1]]


def test_a_turn_is_selected_without_its_label():
    finder = UnitFinder(TEXT)
    official = TEXT.index("Naming")
    assert shown(finder.at("turn", official)) == (
        "Naming her raised the cost.\nThe NGOs kept pushing too.\n\nA note without a label."
    )
    assert shown(finder.next("turn", official)) == "Private talks did the rest."
    assert shown(finder.previous("turn", official)) == "How did the campaign matter?"


def test_a_paragraph_is_selected_without_its_label():
    finder = UnitFinder(TEXT)
    assert [shown(p) for p in finder.all("paragraph")] == [
        "How did the campaign matter?",
        "Naming her raised the cost.\nThe NGOs kept pushing too.",
        "A note without a label.",
        "Private talks did the rest.",
    ]


def test_growing_a_sentence_reaches_the_paragraph_not_the_label():
    finder = UnitFinder(TEXT)
    sentence = finder.at("sentence", TEXT.index("Naming"))
    assert shown(sentence) == "Naming her raised the cost."
    assert shown(finder.smallest_containing(*sentence)) == (
        "Naming her raised the cost.\nThe NGOs kept pushing too."
    )


def test_the_view_still_gets_each_turn_from_its_label():
    finder = UnitFinder(TEXT)
    labels = [TEXT[start : TEXT.index(":", start)] for start, _ in finder.labelled_turns()]
    assert labels == ["INTERVIEWER", "OFFICIAL", "OFFICIAL"]


def test_declared_speakers_are_the_labels_left_out():
    text = "Ms Vos: We asked twice.\n\nMr Ode: They said no."
    finder = UnitFinder(text, ["Ms Vos", "Mr Ode"])
    assert [text[a:b] for a, b in finder.all("turn")] == ["We asked twice.", "They said no."]
