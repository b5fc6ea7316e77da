"""Finding a coded span in a changed text (pure: no database)."""

from __future__ import annotations

import pytest

from hrd_coder.sources.anchoring import FUZZY, MOVED, ORPHANED, UNCHANGED, TextChange

OLD = (
    "INTERVIEWER: How did the campaign matter?\n\n"
    "OFFICIAL: Naming her raised the reputational cost for the government. "
    "The NGOs kept pushing too.\n\n"
    "INTERVIEWER: Anything else?\n\n"
    "OFFICIAL: Private talks did the rest.\n"
)
QUOTE = "Naming her raised the reputational cost for the government."


def span_of(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_text_changed_only_after_the_span_leaves_it_unchanged():
    new = OLD.replace("did the rest", "settled it")
    placement = TextChange(OLD, new).place(*span_of(OLD, QUOTE))
    assert (placement.method, placement.start, placement.end) == (
        UNCHANGED,
        *span_of(OLD, QUOTE),
    )


def test_text_inserted_before_moves_the_span_exactly():
    new = "A note added by the transcriber.\n\n" + OLD
    placement = TextChange(OLD, new).place(*span_of(OLD, QUOTE))
    assert placement.method == MOVED
    assert new[placement.start : placement.end] == QUOTE


def test_a_word_changed_inside_the_span_is_a_fuzzy_move_with_its_score():
    edited = QUOTE.replace("reputational", "reputation")
    new = "Added line.\n" + OLD.replace(QUOTE, edited)
    placement = TextChange(OLD, new).place(*span_of(OLD, QUOTE))
    assert placement.method == FUZZY
    assert new[placement.start : placement.end] == edited
    assert 0.9 <= placement.score < 1


def test_the_threshold_decides_between_fuzzy_and_orphaned():
    edited = QUOTE.replace("reputational cost", "cost to its name")
    new = OLD.replace(QUOTE, edited)
    change = TextChange(OLD, new)
    assert change.place(*span_of(OLD, QUOTE)).method == ORPHANED
    loose = change.place(*span_of(OLD, QUOTE), threshold=0.6)
    assert loose.method == FUZZY
    assert new[loose.start : loose.end] == edited


def test_a_deleted_passage_is_orphaned_with_a_reason():
    new = OLD.replace(QUOTE + " ", "")
    placement = TextChange(OLD, new).place(*span_of(OLD, QUOTE))
    assert placement.method == ORPHANED
    assert placement.start is None
    assert "similar" in placement.reason


def test_a_duplicated_passage_keeps_the_original_place():
    new = OLD.replace("Private talks did the rest.", "Private talks did the rest. " + QUOTE)
    new = "Prepended.\n" + new
    placement = TextChange(OLD, new).place(*span_of(OLD, QUOTE))
    assert placement.method == MOVED
    assert placement.start == span_of(new, QUOTE)[0]  # the first copy, where it was


def test_context_chooses_between_copies_when_the_lines_changed():
    old = "alpha beta gamma. The key phrase here. delta\nomega The key phrase here. psi\n"
    new = "ALPHA beta gamma. The key phrase here. delta omega The key phrase here. psi\n"
    start = old.rindex("The key phrase here.")
    placement = TextChange(old, new).place(start, start + len("The key phrase here."))
    assert placement.method in (MOVED, UNCHANGED)
    assert placement.start == new.rindex("The key phrase here.")


def test_copies_that_nothing_tells_apart_are_orphaned_as_ambiguous():
    old = "xxxxx same yyyyy"
    new = "a same bb same c"  # both copies as near to offset 6 and with the same context
    placement = TextChange(old, new).place(6, 10)
    assert placement.method == ORPHANED
    assert placement.reason.startswith("ambiguous: the quote is in 2 places")


def test_copies_told_apart_by_distance_take_the_nearest():
    placement = TextChange("xxxxx same yyyyy", "a same bbbbbbb same c").place(6, 10)
    assert (placement.method, placement.start) == (MOVED, 2)


@pytest.mark.parametrize("where", ["start", "end"])
def test_an_edit_at_the_edge_of_the_quote_keeps_its_extent(where: str):
    edited = "Naming her, raised" + QUOTE[len("Naming her raised") :]
    if where == "end":
        edited = QUOTE.replace("government.", "government!")
    new = OLD.replace(QUOTE, edited)
    placement = TextChange(OLD, new).place(*span_of(OLD, QUOTE))
    assert placement.method == FUZZY
    assert new[placement.start : placement.end] == edited


def test_a_long_document_with_many_edits_places_every_untouched_span():
    paragraphs = [f"Paragraph {i} says something about case {i % 7}." for i in range(3000)]
    old = "\n\n".join(paragraphs)
    edited = list(paragraphs)
    edited[2000] = edited[2000].replace("says", "SAYS")
    edited.insert(10, "A new paragraph near the top.")
    new = "\n\n".join(edited)
    change = TextChange(old, new)
    for index in (1500, 2999):
        start, end = span_of(old, paragraphs[index])
        placement = change.place(start, end)
        assert placement.method == MOVED
        assert new[placement.start : placement.end] == paragraphs[index]
    assert change.place(*span_of(old, paragraphs[5])).method == UNCHANGED
    fuzzy = change.place(*span_of(old, paragraphs[2000]))
    assert (fuzzy.method, new[fuzzy.start : fuzzy.end]) == (FUZZY, edited[2001])
