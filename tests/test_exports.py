"""The case table exported to CSV, Parquet, Stata and JSON, each with a data dictionary."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo with its codings loaded (read-only in these tests)."""
    import shutil

    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("exports") / "demo"
    root.mkdir()
    for name in ("codebook.yaml", "analysis.yaml"):
        shutil.copy(REPO / name, root)
    for folder in ("cases", "transcripts", "demo"):
        shutil.copytree(REPO / folder, root / folder)
    with Project.open(root) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv")
        yield project


@pytest.fixture(scope="module")
def expected(demo) -> pd.DataFrame:
    return demo.case_variables("lena").table


def test_csv_round_trips_with_outcomes_and_a_dictionary(demo, expected, tmp_path):
    path, dictionary = demo.export_cases("csv", "lena", tmp_path / "cases.csv")
    back = pd.read_csv(path)
    assert list(back["id"]) == list(expected["id"])
    assert list(back["private_diplomacy_n"]) == list(expected["private_diplomacy_n"])
    assert back.loc[0, "released_on"] == "2016-02-18"
    assert back.loc[0, "featured_vs_considered_days"] == 170  # c01: campaign -> 2016-02-18
    assert back.loc[0, "featured_vs_considered_event"] == 1
    comparison = back[back["comparison"] == 1]
    assert comparison["featured_vs_considered_days"].isna().all()  # not in that design
    assert comparison["featured_vs_all_held_days"].notna().all()
    described = json.loads(dictionary.read_text())
    assert dictionary.name == "cases.csv.dictionary.json" and described["layer"] == "lena"
    by_name = {v["name"]: v for v in described["variables"]}
    assert list(by_name) == list(back.columns)
    assert by_name["mobilizing_ngos"] == {
        "name": "mobilizing_ngos",
        "label": "Mobilizing NGOs: coded",
        "kind": "presence",
        "type": "int",
        "source": "code mobilizing.ngos and its descendants: presence",
        "code": "mobilizing.ngos",
        "values": {"0": "absent", "1": "present"},
    }


def test_parquet_keeps_types(demo, expected, tmp_path):
    path, _ = demo.export_cases("parquet", "lena", tmp_path / "cases.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back[expected.columns], expected, check_dtype=False)
    assert back["detained_on"].dtype.kind == "M"


def test_stata_has_variable_and_value_labels(demo, expected, tmp_path):
    path, _ = demo.export_cases("stata", "lena", tmp_path / "cases.dta")
    back = pd.read_stata(path, convert_categoricals=False)
    assert list(back["reputational_costs_n"]) == list(expected["reputational_costs_n"])
    assert back.loc[0, "released_on"] == pd.Timestamp("2016-02-18")
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        values = reader.value_labels()
    assert labels["reputational_costs"] == "Reputational costs: coded"
    assert labels["mobilizing_ngos_n"] == "Mobilizing NGOs: number of codings"
    assert values["reputational_costs"] == {0: "absent", 1: "present"}
    assert values["featured"] == {0: "no", 1: "yes"}
    assert all(len(name) <= 32 for name in back.columns)


def test_json_records_use_iso_dates_and_null(demo, tmp_path):
    path, _ = demo.export_cases("json", "lena", tmp_path / "cases.json")
    records = json.loads(path.read_text())
    assert records[0]["id"] == "c01" and records[0]["released_on"] == "2016-02-18"
    assert records[0]["censored_on"] is None


def test_the_export_command(demo, tmp_path):
    out = tmp_path / "out.dta"
    result = CliRunner().invoke(
        main,
        [
            "--project",
            str(demo.root),
            "export",
            "cases",
            "--format",
            "stata",
            "--layer",
            "tomas",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and Path(f"{out}.dictionary.json").is_file()
    refused = CliRunner().invoke(main, ["--project", str(demo.root), "export", "cases"])
    assert refused.exit_code == 2 and "coders: lena, tomas" in refused.output
