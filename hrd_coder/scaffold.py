"""`hrd-coder init`: lay out a new, empty project that already passes the checks."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.codebook import parse_codebook
from hrd_coder.codebook.yaml_file import CodebookFile, write_codebook
from hrd_coder.problems import ProjectError

CODEBOOK_TEMPLATE = """\
# The codebook: `hrd-coder docs codebook` prints what every key means.
name: New study
version: "0.1"
description: >
  What this study asks, in a sentence or two.

case_groups:
  featured: Cases the campaign named publicly
  comparison: Other cases held at the same time

codes:
  - id: private_diplomacy
    label: Private diplomacy
    definition: >
      Officials raise a case with the detaining government away from public view.
    include: Meetings, calls or letters about the case that were not made public.
    exclude: Public statements (code them as public pressure instead).
    examples:
      - "The ambassador raised her case privately with the justice minister."
    color: "#1f77b4"
    hotkey: p
    case_variable: presence
"""

ANALYSIS_TEMPLATE = """\
# The survival designs: `hrd-coder docs analysis` prints what every key means.
# Each design compares how fast one group's cases were released with the other groups'
# cases; `hrd-coder report` (or F7 in the workbench) fits it once cases are imported.
campaign_date: 2015-09-01   # the day the campaign began: change it to yours

designs:
  - name: featured_vs_comparison
    description: Cases the campaign named against the others held at the same time
    cases: [featured, comparison]   # the case groups of codebook.yaml to include
    group: featured                 # the group compared with the rest
    origin: campaign                # count days from campaign_date (or featured_on, detained_on)
    censor_date: 2017-09-01         # follow-up ends here: cases still held then are censored
    # Release types (codebook.yaml) that count as release; house arrest or exile do not.
    events: [pardon, amnesty, sentence_completed, acquitted, conditional_release]
    # covariates: [age_at_detention]   # numbers from the case files' covariates: to adjust for
"""

GITIGNORE = "# the local database and settings of hrd-coder\n.hrd_coder/\n"


def create_project(directory: Path, name: str | None = None) -> None:
    """Create codebook.yaml, a starter analysis.yaml, cases/, transcripts/ and media/ in
    `directory` (never overwriting)."""
    if (directory / "codebook.yaml").exists():
        raise ProjectError(f"{directory} already holds a codebook.yaml; choose an empty folder")
    codebook = CodebookFile(CODEBOOK_TEMPLATE)
    codebook.set_name(name or directory.resolve().name)  # quoted as YAML needs it
    text = codebook.text()
    parse_codebook(text)  # a name our reader could not take is refused before any write
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "cases").mkdir(exist_ok=True)
        (directory / "transcripts").mkdir(exist_ok=True)
        (directory / "media").mkdir(exist_ok=True)
        write_codebook(directory / "codebook.yaml", text)
        analysis = directory / "analysis.yaml"
        if not analysis.exists():
            analysis.write_text(ANALYSIS_TEMPLATE, encoding="utf-8")
        gitignore = directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(GITIGNORE, encoding="utf-8")
    except OSError as error:
        raise ProjectError(
            f"cannot create a project in {directory}: {error.strerror or error}"
            f"{f' ({error.filename})' if error.filename else ''}; choose a folder you "
            "can write to"
        ) from None
