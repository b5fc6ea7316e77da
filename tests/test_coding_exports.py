"""Exports of codings: the long table, code x case counts and code co-occurrence, exactly."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services.coding_exports import cooccurrence_frame, matrix_frame
from tests.coded_mini import code_mini
from tests.conftest import finish_coding

CODES = ["reputational_costs", "mobilizing", "mobilizing.ngos", "release"]


@pytest.fixture
def coded(mini: Project) -> Project:
    """The mini project coded by lena and tomas (see tests/coded_mini.py)."""
    return code_mini(mini)


def run(project, *args):
    url = project.database.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["--project", str(project.root), "--db", url, *args])


def cells(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Non-zero cells of a code-indexed table."""
    table = frame.set_index("code")
    return {(r, c): int(v) for r, row in table.iterrows() for c, v in row.items() if v}


def test_code_by_case_counts_exact_codes_of_one_layer(coded):
    lena = matrix_frame(coded, "lena")
    assert list(lena.columns) == ["code", "c01", "c02"]
    assert list(lena["code"]) == CODES
    assert cells(lena) == {
        ("reputational_costs", "c01"): 1,
        ("mobilizing.ngos", "c01"): 1,
        ("mobilizing.ngos", "c02"): 1,
        ("release", "c01"): 1,
        ("release", "c02"): 1,
    }
    # tomas's coding of mobilizing is tied to no case: not counted
    assert cells(matrix_frame(coded, "tomas")) == {("reputational_costs", "c02"): 1}


def test_cooccurrence_by_sentence_counts_units_with_ancestors(coded):
    steps = []
    found = cooccurrence_frame(coded, "lena", "sentence", progress=steps.append)
    assert sum(steps) == len(coded.documents())
    assert cells(found) == {
        ("reputational_costs", "reputational_costs"): 1,
        ("mobilizing", "mobilizing"): 2,
        ("mobilizing.ngos", "mobilizing.ngos"): 2,
        ("release", "release"): 2,  # int01's last sentence and c01's first
        ("mobilizing", "mobilizing.ngos"): 2,
        ("mobilizing.ngos", "mobilizing"): 2,
        ("mobilizing", "release"): 1,
        ("release", "mobilizing"): 1,
        ("mobilizing.ngos", "release"): 1,
        ("release", "mobilizing.ngos"): 1,
    }


def test_cooccurrence_by_coding_counts_overlapping_pairs(coded):
    found = cooccurrence_frame(coded, "lena", "coding")
    assert cells(found) == {
        ("reputational_costs", "reputational_costs"): 1,
        ("mobilizing.ngos", "mobilizing.ngos"): 2,
        ("release", "release"): 2,
        ("mobilizing.ngos", "release"): 1,
        ("release", "mobilizing.ngos"): 1,
    }
    with pytest.raises(ProjectError, match="unknown unit 'word'"):
        cooccurrence_frame(coded, "lena", "word")


def test_the_codings_table_leaves_quotes_out_unless_asked(coded, tmp_path):
    result = run(coded, "export", "codings", "--out", str(tmp_path / "codings.csv"))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "codings.csv")
    assert len(table) == 7 and "quote" not in table.columns and "memo" not in table.columns
    assert list(table.columns[:9]) == [
        "id",
        "document_id",
        "document_kind",
        "coder",
        "code_id",
        "case_id",
        "start",
        "end",
        "length",
    ]
    assert sorted(set(table["coder"])) == ["lena", "tomas"]
    release = table[(table["document_id"] == "c01")].iloc[0]
    assert (release["document_kind"], release["case_id"], release["length"]) == (
        "case_history",
        "c01",
        20,
    )
    quoted = tmp_path / "quoted.json"
    run(
        coded,
        "export",
        "codings",
        "--format",
        "json",
        "--layer",
        "tomas",
        "--with-quotes",
        "--out",
        str(quoted),
    )
    records = json.loads(quoted.read_text())
    assert [r["coder"] for r in records] == ["tomas", "tomas"]
    assert {r["quote"] for r in records} == {
        "Naming her raised the reputational cost for the government.",
        "The NGOs kept pushing too.",
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet", "stata", "json"])
def test_every_table_in_every_format(coded, tmp_path, fmt):
    readers = {
        "csv": pd.read_csv,
        "parquet": pd.read_parquet,
        "stata": pd.read_stata,
        "json": lambda p: pd.DataFrame(json.loads(p.read_text())),
    }
    for table, extra in (
        ("codings", []),
        ("matrix", ["--layer", "lena"]),
        ("cooccurrence", ["--layer", "lena", "--unit", "paragraph"]),
    ):
        path = tmp_path / f"{table}.{fmt}"
        result = run(coded, "export", table, "--format", fmt, "--out", str(path), *extra)
        assert result.exit_code == 0, result.output
        back = readers[fmt](path)
        assert len(back) == (7 if table == "codings" else 4)
        if table == "matrix":
            assert list(back["c01"]) == [1, 0, 1, 1]
        if table == "cooccurrence" and fmt == "stata":
            assert "mobilizing_ngos" in back.columns  # dots are not allowed in Stata names


def test_a_matrix_needs_a_layer_with_codings(coded):
    result = run(coded, "export", "matrix")
    assert result.exit_code == 2 and "consensus layer has no codings" in result.output
    finish_coding(coded)  # the documents are done: the consensus now waits for decisions
    result = run(coded, "export", "matrix")
    assert result.exit_code == 2 and "consensus layer is incomplete" in result.output
    result = run(coded, "export", "matrix", "--allow-incomplete")
    assert result.exit_code == 2 and "consensus layer has no codings" in result.output
