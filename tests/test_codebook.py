"""The codebook: every problem reported at once, each with its line and a fix."""

from __future__ import annotations

import pytest

from hrd_coder.codebook import load_codebook, parse_codebook
from hrd_coder.problems import InvalidInput
from tests.conftest import MINI_CODEBOOK, REPO

HEAD = 'name: t\nversion: "1"\ncase_groups: {featured: Named}\ncodes:\n'


def problems_of(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_codebook(text, "cb.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_bundled_codebook_is_valid_and_covers_the_mechanisms():
    book = load_codebook(REPO / "codebook.yaml")
    ids = {c.id for c in book.codes}
    for mechanism in (
        "reputational_costs",
        "mobilizing",
        "mobilizing.governments",
        "mobilizing.international_organisations",
        "mobilizing.ngos",
        "mobilizing.media",
        "mobilizing.legislators",
        "bureaucratic_deadlock",
        "entrepreneurial_bureaucrats",
        "private_diplomacy",
        "specific_inducements",
        "coercive_threats",
        "backlash",
        "release",
        "release.health_grounds",
        "release.legal_process",
        "release.exile",
    ):
        assert mechanism in ids
    for code in book.codes:
        assert code.definition.strip() and code.include and code.exclude and code.examples


def test_a_valid_codebook_resolves_hierarchy_and_hotkeys():
    book = parse_codebook(MINI_CODEBOOK)
    assert book.parent_of(book.code("mobilizing.ngos")) == "mobilizing"
    assert [c.id for c in book.children_of("mobilizing")] == ["mobilizing.ngos"]
    assert book.by_hotkey()["r"].id == "reputational_costs"
    assert book.code("release").case_variable == ("presence", "first_date")
    assert book.code("mobilizing").case_variable == ("presence",)


def test_ancestors_follow_dotted_ids_and_parent_keys_nearest_first():
    three_levels = """\
name: T
version: "1"
case_groups: {featured: Featured}
codes:
  - {id: a, label: A, definition: Top.}
  - {id: a.b, label: B, definition: Under a by its dotted id.}
  - {id: c, label: C, definition: Under a.b by its parent key., parent: a.b}
  - {id: d, label: D, definition: Alone.}
"""
    book = parse_codebook(three_levels)
    assert book.ancestors == {"a": (), "a.b": ("a",), "c": ("a.b", "a"), "d": ()}
    assert book.hash == parse_codebook(three_levels).hash  # a cached property is not content


def test_hash_ignores_comments_and_layout_but_not_content():
    book = parse_codebook(MINI_CODEBOOK)
    relaid = "# a comment\n" + MINI_CODEBOOK.replace('version: "1"', "version:   '1'")
    assert parse_codebook(relaid).hash == book.hash
    changed = MINI_CODEBOOK.replace("Others join the pressure.", "Others join in.")
    assert parse_codebook(changed).hash != book.hash


def test_typo_in_a_key_suggests_the_right_one():
    text = HEAD + "  - id: a\n    label: A\n    defintion: Something.\n"
    assert problems_of(text) == [
        "cb.yaml:5:5: code 'a': required key 'definition' is missing — add a 'definition:' line",
        "cb.yaml:7:5: code 'a': unknown key 'defintion' — did you mean 'definition'?",
    ]


def test_duplicate_ids_are_reported_with_both_lines():
    text = HEAD + (
        "  - id: a\n    label: A\n    definition: d\n  - id: a\n    label: B\n    definition: d\n"
    )
    assert problems_of(text) == [
        "cb.yaml:8:9: code id 'a' is used twice — give one of them "
        "another id (the first is on line 5)"
    ]


def test_unknown_parent_by_dotted_id_and_by_parent_key():
    text = HEAD + (
        "  - id: x.y\n    label: A\n    definition: d\n"
        "  - id: z\n    parent: nowhere\n    label: B\n    definition: d\n"
    )
    assert problems_of(text) == [
        "cb.yaml:5:9: code 'x.y': parent 'x' is not a code in this codebook — add a code with "
        "id 'x' or correct the parent",
        "cb.yaml:9:13: code 'z': parent 'nowhere' is not a code in this codebook — add a code "
        "with id 'nowhere' or correct the parent",
    ]


def test_cycles_are_reported_once():
    text = HEAD + (
        "  - id: a\n    parent: b\n    label: A\n    definition: d\n"
        "  - id: b\n    parent: a\n    label: B\n    definition: d\n"
    )
    assert problems_of(text) == [
        "cb.yaml:6:13: codes form a cycle: a -> b -> a — make one of "
        "these codes a top-level code (remove its 'parent')"
    ]


def test_duplicate_hotkeys_and_bad_hotkeys():
    text = HEAD + (
        "  - id: a\n    label: A\n    definition: d\n    hotkey: q\n"
        "  - id: b\n    label: B\n    definition: d\n    hotkey: q\n"
        "  - id: c\n    label: C\n    definition: d\n    hotkey: ctrl+q\n"
    )
    assert problems_of(text) == [
        "cb.yaml:12:13: hotkey 'q' is already taken by code 'a' — choose a key no other code uses",
        "cb.yaml:16:13: code 'c': hotkey 'ctrl+q' is not a single lowercase letter or digit — "
        "choose one key from a-z or 0-9",
    ]


def test_bad_colours_and_empty_definitions():
    text = HEAD + (
        "  - id: a\n    label: A\n    definition: d\n    color: blue\n"
        "  - id: b\n    label: B\n    definition: '  '\n    color: '#12345'\n"
    )
    assert problems_of(text) == [
        "cb.yaml:8:12: code 'a': 'blue' is not a colour — use a quoted hex colour like \"#1f77b4\"",
        "cb.yaml:11:17: code 'b': the definition is empty — write one to three sentences saying "
        "what the code means",
        "cb.yaml:12:12: code 'b': '#12345' is not a colour — use a quoted hex colour like "
        '"#1f77b4"',
    ]


def test_all_problems_of_a_badly_broken_file_come_in_one_run():
    text = (
        "name: t\nversion: 1\ncase_groups: {Featured Group: x}\ncodes:\n"
        "  - id: Bad Id\n    label: A\n    definition: d\n    level: paragraph\n"
        "  - id: ok\n    labl: B\n    definition: d\n    case_variable: median\n"
    )
    found = problems_of(text)
    assert [p.split(":")[1] for p in found] == ["3", "5", "8", "9", "10", "12"]
    assert "did you mean 'label'?" in found[4]


def test_yaml_syntax_errors_and_duplicate_keys_name_the_line():
    assert problems_of("name: t\ncodes:\n  - id: a\n   label: x: y\n")[0].startswith("cb.yaml:4:")
    found = problems_of(HEAD.replace("version", "name", 1) + "  []\n")
    assert found == [
        "cb.yaml:2:1: key 'name' appears twice in the same block — keep one of "
        "them (the other is on line 1)"
    ]


def test_a_codebook_that_is_not_a_mapping():
    assert problems_of("- just\n- a list\n")[0].startswith("cb.yaml:1:1: the codebook is not")


def test_missing_case_groups():
    found = problems_of('name: t\nversion: "1"\ncodes: []\n')
    assert found == [
        "cb.yaml:1:1: required key 'case_groups' is missing — add a 'case_groups:' line"
    ]
