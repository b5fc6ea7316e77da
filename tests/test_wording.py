"""Counted nouns read right (issue 15): `1 coding`, `2 codings`, `0 cases`."""

from hrd_coder.wording import agreeing, listing, plural


def test_one_is_singular_and_every_other_count_plural():
    assert plural(1, "coding") == "1 coding"
    assert [plural(n, "word") for n in (0, 2, 11)] == ["0 words", "2 words", "11 words"]
    assert plural(2, "analysis") == "2 analyses"
    assert plural(3, "person", "people") == "3 people"


def test_a_verb_agrees_with_its_count():
    assert f"{plural(1, 'coding')} {agreeing(1, 'waits', 'wait')}" == "1 coding waits"
    assert f"{plural(0, 'coding')} {agreeing(0, 'waits', 'wait')}" == "0 codings wait"
    assert f"{plural(3, 'decision')} {agreeing(3, 'was', 'were')}" == "3 decisions were"


def test_no_message_counts_with_an_s_in_parentheses():
    """Every message says `1 coding` or `2 codings`, never `coding(s)` (issue 15): a string
    literal of hrd_coder holding "word(s)" fails here, with its file and line."""
    import ast
    import re
    from pathlib import Path

    import hrd_coder

    found = []
    for path in Path(hrd_coder.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        comments = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}  # docstrings
        found += [
            f"{path.name}:{node.lineno}: {node.value[:60]!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in comments
            and re.search(r"(?:[a-z]|^)\(s\)", node.value)  # ^: after an f-string field
        ]
    assert found == []


def test_names_are_listed_with_and():
    # found walking issue 18's unitizing notes: "the documents that lena, tomas all coded"
    assert listing([]) == ""
    assert listing(["lena"]) == "lena"
    assert listing(("lena", "tomas")) == "lena and tomas"
    assert listing(["ana", "lena", "tomas"]) == "ana, lena and tomas"
