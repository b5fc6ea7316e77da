"""The notebook API: each function returns a DataFrame with the documented columns."""

from __future__ import annotations

import pandas as pd
import pytest

from hrd_coder import api
from hrd_coder.services import Project
from tests.analysis.layered_project import code_layers, make_layered_project
from tests.coded_mini import code_mini


@pytest.fixture
def coded(mini: Project) -> Project:
    """The mini project coded by lena and tomas (see tests/coded_mini.py)."""
    return code_mini(mini)


def url(project) -> str:
    return project.database.url.render_as_string(hide_password=False)


def test_tables_of_codings_and_cases(coded):
    cases = api.case_table(coded.root, "lena", db_url=url(coded))
    assert isinstance(cases, pd.DataFrame) and list(cases["id"]) == ["c01", "c02"]
    assert {"featured", "reputational_costs", "release_first"} <= set(cases.columns)
    codings = api.codings_table(coded.root, db_url=url(coded))
    assert len(codings) == 7 and "quote" not in codings.columns
    assert "quote" in api.codings_table(coded.root, "lena", True, db_url=url(coded)).columns
    matrix = api.matrix_table(coded.root, "lena", db_url=url(coded))
    assert list(matrix.columns) == ["code", "c01", "c02"]
    pairs = api.cooccurrence_table(coded.root, "lena", "coding", db_url=url(coded))
    assert list(pairs.columns) == ["code", *pairs["code"]]


def test_agreement_table(coded):
    table = api.agreement_table(coded.root, db_url=url(coded), unit="paragraph", codes=["release"])
    assert list(table.columns) == [
        "scope",
        "name",
        "statistic",
        "value",
        "units",
        "coders",
        "positives",
        "se",
        "ci_low",
        "ci_high",
        "ci_clipped",
        "verdict",
    ]
    assert list(table["name"]) == ["release"] and table.loc[0, "coders"] == 2
    with pytest.raises(TypeError, match="unknown option"):
        api.agreement_table(coded.root, db_url=url(coded), units="paragraph")


def test_survival_table(tmp_path):
    root = make_layered_project(tmp_path / "layered")
    with Project.open(root) as project:
        project.import_files()
        code_layers(project)
    table = api.survival_table(root, "named", layer="tomas")
    assert {"id", "days", "released", "featured", "reputational_costs"} <= set(table.columns)
    assert len(table) == 8
    assert table.set_index("id").loc["c01", "days"] == 170


def test_sensitivity_and_evalue_tables(tmp_path):
    root = make_layered_project(tmp_path / "layered")
    with Project.open(root) as project:
        project.import_files()
        code_layers(project)
        report = project.analyze("named", "lena", released_by=365)
    stats = api.sensitivity_table(root, "named", 365, layer="lena")
    assert list(stats.columns) == [
        "treatment",
        "estimate",
        "se",
        "t",
        "dof",
        "r2yd_x",
        "rv_q",
        "rv_qa",
    ]
    assert stats.loc[0, "rv_q"] == report.released_by.sensitivity.rv_q
    bounds = api.sensitivity_table(root, "named", 365, layer="lena", bounds=True)
    assert list(bounds["bound"]) == list(report.released_by.sensitivity.bounds["bound"])
    evalues = api.evalue_table(root, "named", layer="lena")
    assert evalues.loc[0, "evalue"] == report.evalue.evalue and not evalues.loc[0, "rare"]
