"""Units for agreement: speaker turns, paragraphs, sentences, whole documents."""

from __future__ import annotations

from hrd_coder.sources.units import paragraphs, sentences, speaker_turns, units

TEXT = (
    "Recorded in a quiet office.\n"
    "\n"
    "INTERVIEWER: How did it start? Tell me.\n"
    "\n"
    "OFFICIAL A: Mr. Ruiz went to the U.S. embassy on Jan. 5. It was 2015.\n"
    "A second line, same paragraph.\n"
    "\n"
    "\u201cReally?\u201d she asked. Yes!\n"
)


def spans(found, text=TEXT):
    return [text[u.start : u.end] for u in found]


def test_speaker_turns_run_from_label_to_label():
    turns = speaker_turns(TEXT)
    assert [t.speaker for t in turns] == ["INTERVIEWER", "OFFICIAL A"]
    assert spans(turns)[0] == "INTERVIEWER: How did it start? Tell me."
    assert spans(turns)[1].endswith("she asked. Yes!")


def test_declared_speakers_replace_the_all_caps_rule():
    text = "Ana: hello there.\nNOTE: not a speaker\nBen: hi."
    assert [t.speaker for t in speaker_turns(text, ["Ana", "Ben"])] == ["Ana", "Ben"]
    assert [t.speaker for t in speaker_turns(text)] == ["NOTE"]


def test_paragraphs_are_runs_of_non_blank_lines():
    assert spans(paragraphs(TEXT)) == [
        "Recorded in a quiet office.",
        "INTERVIEWER: How did it start? Tell me.",
        "OFFICIAL A: Mr. Ruiz went to the U.S. embassy on Jan. 5. It was 2015.\n"
        "A second line, same paragraph.",
        "\u201cReally?\u201d she asked. Yes!",
    ]


def test_sentences_skip_abbreviations_and_speaker_labels():
    assert spans(sentences(TEXT)) == [
        "Recorded in a quiet office.",
        "How did it start?",
        "Tell me.",
        "Mr. Ruiz went to the U.S. embassy on Jan. 5.",
        "It was 2015.",
        "A second line, same paragraph.",
        "\u201cReally?\u201d she asked.",
        "Yes!",
    ]


def test_initials_do_not_end_sentences():
    text = "She met J. K. Doe in May. Then she left."
    assert spans(sentences(text), text) == ["She met J. K. Doe in May.", "Then she left."]


def test_whole_document_unit_and_empty_text():
    assert spans(units(TEXT, "document")) == [TEXT]
    assert units("  \n", "document") == []
    assert units("", "sentence") == []
