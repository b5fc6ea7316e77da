"""Case variables from one layer's codings: presence, count, first date, names, traceability."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from hrd_coder.analysis.case_variables import case_variables, code_variable_names
from hrd_coder.analysis.stata_names import unique_names
from hrd_coder.cli import main
from hrd_coder.codebook import parse_codebook
from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services import coding as actions
from hrd_coder.storage import codings as stored
from tests.coded_mini import code_mini


@pytest.fixture
def coded(mini: Project) -> Project:
    """lena ties codings to both cases; tomas codes one; the release code on c01's history."""
    return code_mini(mini)


def row(found, case_id: str) -> pd.Series:
    return found.table.set_index("id").loc[case_id]


def test_presence_and_first_date_per_case_with_descendants_counted(coded):
    found = coded.case_variables("lena")
    c01, c02 = row(found, "c01"), row(found, "c02")
    assert (c01["reputational_costs"], c02["reputational_costs"]) == (1, 0)
    assert (c01["mobilizing_ngos"], c02["mobilizing_ngos"]) == (1, 1)
    assert (c01["mobilizing"], c02["mobilizing"]) == (1, 1)  # through mobilizing.ngos
    assert (c01["release"], c02["release"]) == (1, 1)
    assert pd.isna(c01["release_first"])  # a case history has no date
    assert c02["release_first"] == pd.Timestamp("2017-03-10")  # int01's date
    assert found.table["reputational_costs"].dtype == "int64"


def test_case_attributes_groups_dates_and_covariates(coded):
    c01 = row(coded.case_variables("lena"), "c01")
    assert (c01["name"], c01["country"], c01["featured"], c01["comparison"]) == (
        "Ana One",
        "Vedoria",
        1,
        0,
    )
    assert c01["released_on"] == pd.Timestamp("2016-02-18") and c01["release_type"] == "pardon"
    assert c01["detained_precision"] == "day" and c01["profession"] == "journalist"


def test_the_layer_decides_whose_codings_count(coded):
    found = coded.case_variables("tomas")
    assert row(found, "c02")["reputational_costs"] == 1
    assert row(found, "c01")["reputational_costs"] == 0
    assert row(found, "c01")["mobilizing"] == 0  # tomas's coding is tied to no case
    assert found.layer == "tomas"


def test_without_consensus_the_default_layer_is_refused_with_the_coders(coded):
    with pytest.raises(ProjectError, match=r"consensus.*--layer.*lena, tomas"):
        coded.case_variables()
    with pytest.raises(ProjectError, match="layer 'nobody' has no codings"):
        coded.case_variables("nobody")


def test_the_consensus_layer_is_the_default_once_it_has_codings(coded):
    text = coded.document("int01").text
    coding = actions.new_coding(
        text=text,
        document_id="int01",
        coder="consensus",
        code_id="reputational_costs",
        start=0,
        end=11,
        case_id="c02",
        memo=None,
        codebook_hash=coded.codebook_hash_for_new_codings(),
    )
    with coded.database.writing() as conn:
        conn.execute(
            stored.CODERS.insert().values(
                name="consensus", role="consensus", created_at=coding.created_at
            )
        )
        stored.insert_codings(conn, [coding])
    found = coded.case_variables()
    assert found.layer == "consensus"
    assert row(found, "c02")["reputational_costs"] == 1 and row(found, "c01")["release"] == 0


def test_explain_gives_the_codings_behind_a_value(coded):
    found = coded.explain("c02", "mobilizing", layer="lena")
    assert found.value == 1 and found.layer == "lena"
    assert [(e.coding.code_id, e.coding.quote) for e in found.evidence] == [
        ("mobilizing.ngos", "Private talks did the rest.")
    ]
    assert found.evidence[0].document_date == "2017-03-10"
    first = coded.explain("c02", "release_first", layer="lena")
    assert first.value == "2017-03-10" and len(first.evidence) == 1
    assert coded.explain("c01", "featured", layer="lena").evidence == ()
    with pytest.raises(ProjectError, match="no case variable 'nope'"):
        coded.explain("c01", "nope", layer="lena")


def test_the_explain_command_prints_quotes(coded):
    result = CliRunner().invoke(
        main,
        [
            "--project",
            str(coded.root),
            "--db",
            coded.database.url.render_as_string(hide_password=False),
            "explain",
            "c01",
            "mobilizing",
            "--layer",
            "lena",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "mobilizing = 1" in result.output
    assert '"The NGOs kept pushing too."' in result.output


CODEBOOK = """\
name: Counting
version: "1"
case_groups: {a: A, b: B}
codes:
  - id: pressure
    label: Pressure
    definition: Any pressure.
    case_variable: [presence, count, first_date]
  - id: pressure.very_long_child_code_name_for_names
    label: Long
    definition: A child with a long id.
    case_variable: [presence, count]
  - id: quiet
    label: Quiet
    definition: Never used as a variable.
    case_variable: none
"""


def case(case_id: str, group: str) -> dict:
    return {
        "id": case_id,
        "name": case_id,
        "country": "X",
        "groups": (group,),
        "detained_on": "2014-02",
        "featured_on": None,
        "released_on": None,
        "release_type": None,
        "censored_on": None,
        "covariates": {"in": 3},
    }


def test_count_and_first_date_over_descendants_in_a_pure_table():
    book = parse_codebook(CODEBOOK)
    child = "pressure.very_long_child_code_name_for_names"
    codings = pd.DataFrame(
        {
            "code_id": ["pressure", child, child, "quiet"],
            "case_id": ["k1", "k1", "k2", "k1"],
            "document_id": ["d1", "d2", "d3", "d1"],
            "document_date": pd.to_datetime(["2017-05-01", "2016-01-31", None, "2015-01-01"]),
        }
    )
    found = case_variables([case("k2", "b"), case("k1", "a")], book, codings, "x", book.ancestors)
    table = found.table.set_index("id")
    assert list(table.index) == ["k1", "k2"]
    assert table.loc["k1", "pressure_n"] == 2 and table.loc["k2", "pressure_n"] == 1
    assert table.loc["k1", "pressure_first"] == pd.Timestamp("2016-01-31")
    assert pd.isna(table.loc["k2", "pressure_first"])
    long_names = [v.name for v in found.variables if v.code == child]
    assert long_names == ["pressure_very_long_child_code_na", "pressure_very_long_child_code__n"]
    assert "quiet" not in table.columns
    assert table.loc["k1", "detained_on"] == pd.Timestamp("2014-02-01")
    assert table.loc["k1", "detained_precision"] == "month"
    assert table.loc["k1", "in_"] == 3  # a Stata reserved word gets a trailing _


def test_a_code_variable_named_like_a_covariate_gets_2_and_its_name_is_known_beforehand():
    """The names `code_variable_names` gives (for checking analysis.yaml without building a
    table) are the names the built table has, a clash with an attribute included."""
    book = parse_codebook(CODEBOOK)
    clashing = {**case("k1", "a"), "covariates": {"pressure": 1.5, "pressure_n": 2}}
    codings = pd.DataFrame(
        {
            "code_id": ["pressure"],
            "case_id": ["k1"],
            "document_id": ["d1"],
            "document_date": pd.to_datetime(["2016-01-31"]),
        }
    )
    found = case_variables([clashing], book, codings, "x", book.ancestors)
    attributes = case_variables([clashing], book)
    codes = [v.name for v in found.variables if v.code]
    assert codes[:3] == ["pressure_2", "pressure_n_2", "pressure_first"]
    assert found.table.loc[0, "pressure"] == 1.5 and found.table.loc[0, "pressure_2"] == 1
    assert code_variable_names(book, list(attributes.table.columns)) == codes
    assert list(found.table.columns) == [*attributes.table.columns, *codes]


def test_names_are_valid_stata_names_and_stay_unique():
    names = unique_names(
        [
            ("mobilizing.international_organisations", ""),
            ("mobilizing.international_organisations", "_n"),
            ("mobilizing_international_organisations", ""),
            ("2nd code", ""),
            ("_n", ""),
        ]
    )
    assert names == [
        "mobilizing_international_organis",
        "mobilizing_international_organ_n",
        "mobilizing_international_organ_2",
        "_2nd_code",
        "_n_",
    ]
    assert all(len(n) <= 32 for n in names)


def test_strength_counts_documents_up_to_two(mini):
    """0 not coded; 1 coded in one document (however often); 2 in two or more documents."""
    import dataclasses

    from tests.conftest import MINI_CODEBOOK

    book = parse_codebook(
        MINI_CODEBOOK.replace("case_variable: [presence, first_date]", "case_variable: strength")
    )
    assert book.code("release").case_variable == ("strength",)
    codings = pd.DataFrame(
        [
            ("release", "c01", "int01", None),
            ("release", "c01", "int01", None),  # same document twice: still one
            ("release", "c02", "int01", None),
            ("release", "c02", "c02", None),  # transcript and case history: two
        ],
        columns=["code_id", "case_id", "document_id", "document_date"],
    )
    cases = [dataclasses.asdict(c) for c in mini.cases()] + [
        {**dataclasses.asdict(mini.cases()[0]), "id": "c03"}
    ]
    found = case_variables(cases, book, codings, "lena", book.ancestors)
    assert list(found.table["release_strength"]) == [1, 2, 0]
    assert found.value_labels()["release_strength"] == {
        0: "not coded",
        1: "one document",
        2: "two or more documents",
    }
    assert found.variable("release_strength").kind == "strength"


def test_the_cases_read_as_columns_give_the_table_their_fields_give(demo_root, db_url):
    """The service reads the cases table column by column; the pure function's case fields
    (dates written at their precision, as case files write them) must give the same table."""
    import dataclasses

    from hrd_coder.services.analysis import case_attributes

    with Project.open(demo_root, db_url) as project:
        project.import_files()
        cases = project.cases()
        read = case_attributes(project.analysis_inputs())
        fields = case_variables([dataclasses.asdict(c) for c in cases], project.codebook)
    assert any(len(c.detained_on) < 10 for c in cases)  # month and year precision are covered
    pd.testing.assert_frame_equal(read.table[list(fields.table.columns)], fields.table)
    assert read.variables[: len(fields.variables)] == fields.variables
