"""The whole study path of issues 17 and 18, end to end on one generated project, asserted
on its final numbers (DESIGN.md §6): two coders code case histories -> a boundary and a unit
decision -> a complete consensus -> a classifier trained on the consensus, validated ->
`report` on the model layer and `--robustness coders` listing the human, consensus and model
layers -> each hazard ratio checked against lifelines fitted directly on the case table that
`export cases` wrote for that layer. SQLite and PostgreSQL.

The mechanism (`sanctions`) is planted: it is marked on exactly the sentences that name an
embargo, so a classifier can learn it and its validation must find it usable."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.conftest import write
from tests.planted import WORDS

CODEBOOK = """\
name: Path study
version: "1"
case_groups:
  featured: Named by the campaign
  considered: Considered, not named
codes:
  - id: sanctions
    label: Sanctions
    definition: Economic pressure on the government (an embargo).
"""
ANALYSIS = """\
campaign_date: 2015-09-01
designs:
  - name: named
    cases: [featured, considered]
    group: featured
    censor_date: 2017-09-01
    events: [pardon]
    covariates: [sanctions]
"""
CASE = """\
---
id: {id}
name: Case {id}
country: Vedoria
groups: [{group}]
detained_on: 2012-05-14
featured_on: {featured}
released_on: {released}
release_type: {release_type}
censored_on: {censored}
---
{body}
"""
CASES, SENTENCES = 24, 12
DESIGN, CODE = "named", "sanctions"


def sentence(rng: random.Random, embargo: bool) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 12))]
    if embargo:
        words.insert(rng.randrange(len(words)), "embargo")
    return " ".join(words).capitalize() + "."


def write_project(root: Path, seed: int = 18) -> dict[str, list[tuple[int, int]]]:
    """Write the files; return per case the spans of its embargo sentences."""
    rng = random.Random(seed)
    write(root / "codebook.yaml", CODEBOOK)
    write(root / "analysis.yaml", ANALYSIS)
    spans: dict[str, list[tuple[int, int]]] = {}
    for number in range(1, CASES + 1):
        case = f"c{number:02d}"
        mechanism = number % 3 != 0  # two cases in three discuss an embargo
        lines = [sentence(rng, mechanism and i in (1, 4, 7, 10)) for i in range(SENTENCES)]
        body = " ".join(lines)
        spans[case] = [
            (body.index(line), body.index(line) + len(line)) for line in lines if "embargo" in line
        ]
        days = rng.randint(30, 900)
        released = None if days > 730 else pd.Timestamp("2015-09-01") + pd.Timedelta(days=days)
        featured = number % 2 == 0
        write(
            root / "cases" / f"{case}.md",
            CASE.format(
                id=case,
                group="featured" if featured else "considered",
                featured="2015-09-01" if featured else "null",
                released=released.date() if released is not None else "null",
                release_type="pardon" if released is not None else "null",
                censored="null" if released is not None else "2017-09-01",
                body=body,
            ),
        )
    return spans


def code_both(project: Project, spans: dict[str, list[tuple[int, int]]]) -> tuple[str, str]:
    """lena marks every embargo sentence; tomas too, except that he stretches c01's first one
    over the next sentence (a boundary) and leaves out c02's second one (a unit). Return
    those two cases."""
    stretched, missed = "c01", "c02"
    for case, found in spans.items():
        text = project.text_of(case)
        for index, (start, end) in enumerate(found):
            project.add_coding(document=case, code=CODE, start=start, end=end, coder="lena")
            if case == missed and index == 1:
                continue
            if case == stretched and index == 0:
                end = text.index(".", end + 1) + 1  # to the end of the next sentence
            project.add_coding(document=case, code=CODE, start=start, end=end, coder="tomas")
        project.mark_done([case], coder="lena")
        project.mark_done([case], coder="tomas")
    return stretched, missed


def cli(root: Path, url: str | None, *arguments: str) -> str:
    db = ["--db", url] if url else []
    result = CliRunner().invoke(main, ["--project", str(root), *db, *arguments])
    assert result.exit_code == 0, result.output
    return result.stdout


def direct_featured_hr(table: Path) -> float:
    """The design's Cox model fitted straight from an exported case table with lifelines."""
    from lifelines import CoxPHFitter

    cases = pd.read_csv(table)
    cases = cases[cases["featured"].eq(1) | cases["considered"].eq(1)]
    data = cases[[f"{DESIGN}_days", f"{DESIGN}_event", "featured", CODE]].astype(float)
    fitter = CoxPHFitter().fit(data, f"{DESIGN}_days", f"{DESIGN}_event")
    return float(fitter.hazard_ratios_["featured"])


def test_two_coders_to_a_validated_machine_coder_in_the_report(tmp_path: Path, db_url):
    root = tmp_path / "path"
    spans = write_project(root)
    with Project.open(root, db_url) as project:
        project.import_files()
        stretched, missed = code_both(project, spans)

    # the boundary: tomas's stretched extent against lena's; the consensus holds lena's
    boundaries = json.loads(
        cli(root, db_url, "adjudicate", "list", "--unitizing", "--format", "json")
    )
    assert [(b["document"], b["code"]) for b in boundaries] == [(stretched, CODE)]
    boundary = boundaries[0]["item"]
    cli(root, db_url, "--coder", "ana", "adjudicate", "decide", boundary, "lena")
    # the unit tomas left out: the only item still open (the boundary settled the other)
    units = json.loads(cli(root, db_url, "adjudicate", "list", "--open", "--format", "json"))
    assert [(u["document"], u["code"]) for u in units] == [(missed, CODE)]
    cli(root, db_url, "--coder", "ana", "adjudicate", "decide", units[0]["item"], "lena")
    status = json.loads(cli(root, db_url, "consensus", "status", "--format", "json"))
    assert status["complete"] and status["waiting_codings"] == 0

    with Project.open(root, db_url) as project:
        consensus = {c.document_id for c in project.codings() if c.coder == "consensus"}
        assert consensus == {case for case, found in spans.items() if found}
        run = project.suggest(train="consensus")
        found = project.validate_suggestions(run.run, bootstrap=200)
        assert found.codes[CODE].usable, found.codes[CODE]
    layer = run.layer

    for name in ("lena", "tomas", "consensus", layer):
        cli(root, db_url, "export", "cases", "--layer", name)
    exported = {
        name: root / "exports" / f"cases_{name.replace(':', '+')}.csv"
        for name in ("lena", "tomas", "consensus", layer)
    }
    report = json.loads(cli(root, db_url, "report", DESIGN, "--layer", layer, "--format", "json"))
    assert report["layer"] == layer
    assert report["cox"]["coefficients"]["featured"]["hr"] == pytest.approx(
        direct_featured_hr(exported[layer]), rel=1e-5
    )
    options = ["--robustness", "coders", "--bootstrap", "20", "--format", "json"]
    robust = json.loads(cli(root, db_url, "report", DESIGN, *options))
    assert list(robust["by_layer"]) == ["lena", "tomas", "consensus", layer]
    kinds = {name: row["kind"] for name, row in robust["by_layer"].items()}
    assert kinds == {"lena": "human", "tomas": "human", "consensus": "consensus", layer: "model"}
    for name, table in exported.items():
        row = robust["by_layer"][name]
        assert row["refused"] is None
        assert row["hr"] == pytest.approx(direct_featured_hr(table), rel=1e-5), name
    # lena and the consensus read every case alike (her extents and units were chosen)
    assert robust["by_layer"]["consensus"]["hr"] == pytest.approx(robust["by_layer"]["lena"]["hr"])
    assert robust["bootstrap"]["layers"] == ["lena", "tomas"]
