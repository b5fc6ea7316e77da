"""Deterministic synthetic projects for the scale benchmarks (issue 8).

    python -m benchmarks.generate --size M [--seed 8] [--out DIR]

Writes codebook.yaml (40 codes), cases/*.md, transcripts/*.md and codings.csv (document,
coder, code, start, end, case) into DIR (default: a folder under the system temp dir).
The same size and seed always give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

CODES = 40
WORDS = (  # noqa: SIM905 - one string reads better than 35 quoted words
    "the official said that campaign release prisoner ambassador ministry pressure private "
    "meeting public statement embassy bureau human rights we they her case government "
    "minister deal asked because after before finally named court sentence family letter"
).split()
GROUPS = ("featured", "considered", "comparison")


@dataclass(frozen=True)
class Size:
    """How big a generated project is."""

    transcripts: int
    transcript_chars: int
    cases: int
    coders: int
    codings: int


SIZES = {
    "S": Size(transcripts=10, transcript_chars=5_000, cases=50, coders=2, codings=2_000),
    "M": Size(transcripts=100, transcript_chars=20_000, cases=2_000, coders=3, codings=100_000),
    "L": Size(
        transcripts=1_000, transcript_chars=100_000, cases=20_000, coders=5, codings=1_000_000
    ),
}


def default_folder(size: str, seed: int) -> Path:
    return Path(tempfile.gettempdir()) / "hrd_coder_bench" / f"{size}-seed{seed}"


def coders(size: str) -> list[str]:
    return [f"coder{i + 1}" for i in range(SIZES[size].coders)]


def _prose(rng: random.Random, chars: int, speakers: tuple[str, str] | None) -> str:
    parts, length = [], 0
    while length < chars:
        sentences = " ".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 22))).capitalize() + "."
            for _ in range(rng.randint(1, 6))
        )
        part = f"{speakers[len(parts) % 2]}: {sentences}" if speakers else sentences
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts)


def _codebook() -> str:
    lines = [
        "name: Synthetic benchmark study",
        'version: "1.0"',
        "case_groups:",
        *(f"  {g}: {g.capitalize()} cases" for g in GROUPS),
        "codes:",
    ]
    for i in range(CODES):
        lines += [
            f"  - id: code{i:02d}",
            f"    label: Code {i}",
            f"    definition: Synthetic code number {i} for benchmarks.",
            "    level: segment",
            "    case_variable: [presence, count]",
        ]
    return "\n".join(lines) + "\n"


def generate(size: str, seed: int = 8, out: Path | None = None) -> Path:
    """Write the project for `size` into `out` (skipped if it is already complete)."""
    spec = SIZES[size]
    folder = out or default_folder(size, seed)
    done = folder / ".complete"
    if done.exists():
        return folder
    rng = random.Random(f"{size}-{seed}")
    (folder / "cases").mkdir(parents=True, exist_ok=True)
    (folder / "transcripts").mkdir(parents=True, exist_ok=True)
    (folder / "codebook.yaml").write_text(_codebook())

    case_ids = [f"k{i:05d}" for i in range(spec.cases)]
    histories: dict[str, str] = {}
    for number, case in enumerate(case_ids):
        released = rng.random() < 0.6
        body = _prose(rng, rng.randint(300, 900), None)
        histories[case] = body
        front = [
            "---",
            f"id: {case}",
            f"name: Person {number}",
            f"country: Country {number % 17}",
            f"groups: [{GROUPS[number % 3]}]",
            f"detained_on: {2010 + number % 5}-{1 + number % 12:02d}-{1 + number % 28:02d}",
        ]
        if released:
            front += [
                f"released_on: 2016-{1 + number % 12:02d}-{1 + number % 28:02d}",
                "release_type: pardon",
            ]
        front += ["---", body]
        (folder / "cases" / f"{case}.md").write_text("\n".join(front) + "\n")

    per = max(1, spec.cases // spec.transcripts)
    transcripts: dict[str, tuple[str, list[str]]] = {}
    for i in range(spec.transcripts):
        tid = f"t{i:04d}"
        linked = case_ids[i * per : (i + 1) * per] or [case_ids[i % spec.cases]]
        body = _prose(rng, spec.transcript_chars, ("INTERVIEWER", "OFFICIAL"))
        transcripts[tid] = (body, linked)
        front = [
            "---",
            f"id: {tid}",
            f"title: Interview {i}",
            f"date: 2017-{1 + i % 12:02d}-{1 + i % 28:02d}",
            f"cases: [{', '.join(linked)}]",
            "---",
            body,
        ]
        (folder / "transcripts" / f"{tid}.md").write_text("\n".join(front) + "\n")

    # Offsets are into the stored (normalised) body: the body we wrote, without the front
    # matter's trailing newline handling; generated text is plain ASCII with no trailing
    # spaces, so the written body is what gets stored (checked by the smoke test).
    names = coders(size)
    tids = list(transcripts)
    seen: set[tuple] = set()
    with (folder / "codings.csv").open("w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["document", "coder", "code", "start", "end", "case"])
        written = 0
        while written < spec.codings:
            if rng.random() < 0.8:
                document = rng.choice(tids)
                text, linked = transcripts[document]
                case = rng.choice(linked)
            else:
                case = rng.choice(case_ids)
                document, text = case, histories[case]
            length = rng.randint(20, min(600, len(text) - 1))
            start = rng.randrange(0, len(text) - length)
            row = (document, rng.choice(names), f"code{rng.randrange(CODES):02d}", start)
            if row in seen:
                continue
            seen.add(row)
            writer.writerow([*row, start + length, case])
            written += 1
    done.write_text("ok\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    print(generate(args.size, args.seed, args.out))


if __name__ == "__main__":
    main()
