"""Reliability data from codings: units, the counting rule, missing coders, groups."""

from __future__ import annotations

import numpy as np
import pytest

from hrd_coder.agreement.coded_units import (
    SourceText,
    build,
    group_matrix,
    pooled_matrix,
)
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage.tables import utc_now

TEXT = "One short sentence. Another sentence here. A third one.\n\nSecond paragraph now."
SENTENCES = [(0, 19), (20, 42), (43, 55), (57, 78)]


def coding(
    coder: str, code: str, start: int, end: int, document: str = "d1", case: str | None = None
) -> CodingRecord:
    now = utc_now()
    return CodingRecord(
        f"{coder}-{code}-{start}",
        document,
        coder,
        code,
        start,
        end,
        TEXT[start:end],
        "",
        "",
        case,
        None,
        "h",
        now,
        now,
    )


def data(
    codings, kind="sentence", coded=None, codes=("a", "b", "g"), min_share=0.5, ancestors=None
):
    texts = {"d1": SourceText(TEXT, case_ids=("c1",))}
    coded = coded if coded is not None else {"lena": {"d1"}, "tomas": {"d1"}}
    return build(
        kind,
        texts,
        codings,
        ["lena", "tomas"],
        list(codes),
        ancestors if ancestors is not None else {"a": ("g",), "b": ("g",)},
        coded,
        min_share,
    )


def test_sentences_are_the_units():
    result = data([])
    assert [(u.start, u.end) for u in result.units["a"]] == SENTENCES
    assert result.matrix("a").tolist() == [[0, 0, 0, 0], [0, 0, 0, 0]]


def test_a_coding_counts_where_most_of_it_lies_or_where_it_covers_most_of_the_unit():
    # lena: the whole first sentence plus two characters of the second (spill-over)
    # tomas: a short piece inside the second sentence
    result = data([coding("lena", "a", 0, 22), coding("tomas", "a", 28, 36)])
    assert result.matrix("a").tolist() == [[1, 0, 0, 0], [0, 1, 0, 0]]
    stricter = data([coding("tomas", "a", 28, 36)], min_share=0.9)
    assert stricter.matrix("a").tolist() == [[0, 0, 0, 0], [0, 1, 0, 0]]


def test_children_count_for_their_parent():
    result = data([coding("lena", "a", 0, 19), coding("tomas", "b", 0, 19)])
    assert result.matrix("g")[:, 0].tolist() == [1, 1]
    assert result.matrix("a")[:, 0].tolist() == [1, 0]


def test_a_coder_who_did_not_code_the_document_is_missing_not_absent():
    result = data([coding("lena", "a", 0, 19)], coded={"lena": {"d1"}, "tomas": set()})
    matrix = result.matrix("a")
    assert matrix[0].tolist() == [1, 0, 0, 0] and np.isnan(matrix[1]).all()


def test_paragraph_turn_document_and_case_units():
    codings = [coding("lena", "a", 0, 19, case="c1"), coding("tomas", "a", 60, 70)]
    assert data(codings, "paragraph").matrix("a").tolist() == [[1, 0], [0, 1]]
    assert data(codings, "document").matrix("a").tolist() == [[1], [1]]
    assert data(codings, "case").matrix("a").tolist() == [[1], [0]]


def test_character_units_are_restricted_to_coded_text():
    result = data([coding("lena", "a", 0, 10), coding("tomas", "a", 5, 12)], "character")
    matrix = result.matrix("a")
    assert matrix.shape == (2, 12)  # characters 0..11, the only ones anyone coded
    assert matrix[0].tolist() == [1] * 10 + [0, 0]
    assert matrix[1].tolist() == [0] * 5 + [1] * 7


def test_group_variable_takes_the_child_with_most_overlap():
    codings = [coding("lena", "a", 0, 19), coding("lena", "b", 0, 5), coding("tomas", "b", 0, 19)]
    result = data(codings)
    assert group_matrix(result, ["a", "b"])[:, 0].tolist() == [1, 2]
    assert group_matrix(result, ["a", "b"])[:, 1].tolist() == [0, 0]


def test_pooled_matrix_stacks_codes():
    result = data([coding("lena", "a", 0, 19)])
    assert pooled_matrix(result, ["a", "b"]).shape == (2, 8)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown unit 'word'"):
        data([], "word")
