"""A generated project with a planted signal, for the machine coder's tests (issue 17).

Twelve interviews of random sentences. Coder `ana` marks `sanctions` on exactly the
sentences that speak of an embargo (the signal a classifier must find) and `noise` on a
random quarter of all sentences (no signal at all: a classifier must not find agreement
beyond chance). `rare` is marked on three sentences only, too few to learn from.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from hrd_coder.services import Project
from tests.conftest import write

CODEBOOK = """\
name: Planted study
version: "1"
case_groups:
  featured: Named by the campaign
codes:
  - id: sanctions
    label: Sanctions
    definition: Economic pressure on the government.
  - id: noise
    label: Noise
    definition: Marked at random.
  - id: rare
    label: Rare
    definition: Marked three times.
"""
WORDS = (  # noqa: SIM905 - one string reads better than 33 quoted words
    "the official said that campaign release prisoner ambassador ministry pressure private "
    "meeting public statement bureau we they her case government minister asked because "
    "after before finally named court sentence family letter visit talks"
).split()
SIGNAL = ("embargo", "embargoes", "trade embargo")
DOCUMENTS, SENTENCES = 12, 30


def sentence(rng: random.Random, signal: bool) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 14))]
    if signal:
        words.insert(rng.randrange(len(words)), rng.choice(SIGNAL))
    return " ".join(words).capitalize() + "."


def planted_files(root: Path, seed: int = 17) -> dict[str, list[tuple[str, dict[str, bool]]]]:
    """Write the project; return per document its sentences with the codes ana gives them."""
    rng = random.Random(seed)
    write(root / "codebook.yaml", CODEBOOK)
    plan: dict[str, list[tuple[str, dict[str, bool]]]] = {}
    rare_left = 3
    for number in range(1, DOCUMENTS + 1):
        document = f"int{number:02d}"
        rows = []
        for _ in range(SENTENCES):
            signal = rng.random() < 0.2
            rare = rare_left > 0 and rng.random() < 0.05
            rare_left -= rare
            marks = {"sanctions": signal, "noise": rng.random() < 0.25, "rare": rare}
            rows.append((sentence(rng, signal), marks))
        plan[document] = rows
        body = "\n\n".join(
            " ".join(text for text, _ in rows[i : i + 5]) for i in range(0, len(rows), 5)
        )
        write(
            root / "transcripts" / f"{document}.md",
            f"---\nid: {document}\ntitle: Interview {number}\ndate: 2017-03-10\n---\n{body}\n",
        )
    return plan


def code_planted(project: Project, plan: dict, coder: str = "ana") -> int:
    """Load the planned codings (one transaction) and mark the documents done."""
    rows = []
    for document, sentences in plan.items():
        text, position = project.text_of(document), 0
        for sentence_text, marks in sentences:
            start = text.index(sentence_text, position)
            position = end = start + len(sentence_text)
            for code, marked in marks.items():
                if marked:
                    rows.append([document, coder, code, start, end])
    path = project.root / "planted.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["document", "coder", "code", "start", "end"])
        writer.writerows(rows)
    project.load_codings(path, mark_done=True)
    return len(rows)


def planted_project(root: Path, db_url: str | None, uncoded: tuple[str, ...] = ()) -> Project:
    """The planted project written, imported and coded by ana (but for the `uncoded`
    documents: where a run trained on her layer has suggestions she does not hold yet)."""
    plan = planted_files(root)
    project = Project.open(root, db_url)
    project.import_files()
    code_planted(project, {d: rows for d, rows in plan.items() if d not in uncoded})
    return project
