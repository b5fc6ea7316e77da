"""Counted nouns read right (issue 15): `1 coding`, `2 codings`, `0 cases`."""

from hrd_coder.wording import plural


def test_one_is_singular_and_every_other_count_plural():
    assert plural(1, "coding") == "1 coding"
    assert [plural(n, "word") for n in (0, 2, 11)] == ["0 words", "2 words", "11 words"]
    assert plural(2, "analysis") == "2 analyses"
    assert plural(3, "person", "people") == "3 people"
