"""The machine coder's speed (issue 17): train and suggest for every document of a generated
project, against a plain scikit-learn pipeline on the same texts and labels, in the same run.

    python -m benchmarks.bench_suggest [--size M] [--runs 3] [--model-dir FOLDER] [--quick]

- **ours**: `Project.suggest(train="coder1")`, whole: read the layer, cut units, fit TF-IDF
  and one logistic regression per code, score every unit, write the suggestions and the
  run's event (one transaction).
- **plain**: the same TF-IDF features and regressions as a scikit-learn Pipeline
  (FeatureUnion + OneVsRestClassifier) fitted on the same unit texts and labels, then
  `predict_proba` on the same target units; no database. Timed with scikit-learn's default
  threads and in one thread (as ours runs).
- **embedding** (when model2vec is installed): `Project.suggest(backend="embedding")` on the
  same layer, whole, with the model2vec model in `--model-dir`, or else one made here of the
  project's words with 256-dimension random vectors (the size of potion-base-8M's; a static
  model's speed depends on the number of tokens and dimensions, not on what the vectors
  mean, so its suggestions say nothing but its time is a real model's).

Targets: ours under 60 s at size M, and within 3x the plain pipeline.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

from benchmarks.common import machine, write_section
from benchmarks.generate import SIZES, generate
from hrd_coder.services import Project


def prepared(size: str, into: Path) -> Path:
    """A generated project, imported, with every coder's codings loaded and marked done."""
    source = generate(size)
    folder = into / f"suggest-{size}"
    shutil.copytree(source, folder)
    with Project.open(folder) as project:
        project.import_files()
        project.load_codings(folder / "codings.csv", mark_done=True)
    return folder


def time_ours(folder: Path, runs: int) -> tuple[list[float], dict]:
    seconds, last = [], {}
    for _ in range(runs):
        with Project.open(folder) as project:
            started = time.perf_counter()
            run = project.suggest(train="coder1")
            seconds.append(time.perf_counter() - started)
            last = run.as_dict()
    return seconds, last


def time_review(folder: Path, calls: int = 20) -> tuple[float, str, int]:
    """F4 on one open document: the pending suggestions of the latest run for a reviewer
    (the document with the most suggestions), median of `calls` calls on an open project."""
    with Project.open(folder) as project:
        _, every = project.pending_suggestions("coder2")
        counts: dict[str, int] = {}
        for suggestion in every:
            counts[suggestion.document_id] = counts.get(suggestion.document_id, 0) + 1
        document = max(counts, key=lambda d: counts[d]) if counts else ""
        seconds = []
        for _ in range(calls):
            started = time.perf_counter()
            _, shown = project.pending_suggestions("coder2", document=document)
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), document, len(shown)


def synthetic_model(project_folder: Path, into: Path) -> Path:
    """A model2vec model of the project's words, 256 random dimensions (see the docstring)."""
    import re

    import numpy as np
    from model2vec import StaticModel
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    with Project.open(project_folder) as project:
        texts = [project.text_of(d.id) for d in project.documents()]
    words = sorted({w for text in texts for w in re.findall(r"\w+|[^\w\s]+", text.lower())})
    vocabulary = {word: index for index, word in enumerate(["[UNK]", *words])}
    tokenizer = Tokenizer(models.WordLevel(vocabulary, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    vectors = np.random.default_rng(0).normal(size=(len(vocabulary), 256)).astype(np.float32)
    StaticModel(vectors, tokenizer, normalize=True).save_pretrained(into)
    return into


def time_embedding(folder: Path, runs: int, model_dir: Path) -> tuple[list[float], dict]:
    seconds, last = [], {}
    for _ in range(runs):
        with Project.open(folder) as project:
            started = time.perf_counter()
            run = project.suggest(train="coder1", backend="embedding", model_dir=model_dir)
            seconds.append(time.perf_counter() - started)
            last = run.as_dict()
    return seconds, last


def plain_pipeline(settings):  # type: ignore[no-untyped-def]
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from hrd_coder.machine.classifier import feature_maker, regression

    return make_pipeline(feature_maker(settings), OneVsRestClassifier(regression(settings, 0)))


def time_plain(folder: Path, runs: int, one_thread: bool) -> list[float]:
    import contextlib

    import numpy as np
    from threadpoolctl import threadpool_limits

    from hrd_coder.machine.classifier import ClassifierSettings
    from hrd_coder.services.suggestions import MIN_TRAINING_UNITS, labelled_units, unit_texts

    with Project.open(folder) as project:
        training = labelled_units(project, "coder1", "sentence")
        _, targets = unit_texts(project, [d.id for d in project.documents()], "sentence")
    total = len(training.units)
    codes = [
        c
        for c, v in training.labels.items()
        if min(int(v.sum()), total - int(v.sum())) >= MIN_TRAINING_UNITS
    ]
    labels = np.column_stack([training.labels[c] for c in codes])
    seconds = []
    for _ in range(runs):
        limits = threadpool_limits(1) if one_thread else contextlib.nullcontext()
        with limits:
            started = time.perf_counter()
            model = plain_pipeline(ClassifierSettings()).fit(list(training.texts), labels)
            model.predict_proba(list(targets))
            seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model-dir", type=Path, help="A model2vec model for the embedding row.")
    parser.add_argument("--quick", action="store_true", help="Print only: write no results.")
    args = parser.parse_args()
    embedded: list[float] = []
    embedding_run: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = prepared(args.size, Path(tmp))
        ours, run = time_ours(folder, args.runs)
        review, document, shown = time_review(folder)  # the classifier's run: the latest yet
        plain = time_plain(folder, args.runs, one_thread=False)
        plain_one = time_plain(folder, args.runs, one_thread=True)
        if find_spec("model2vec") is not None:
            model_dir = args.model_dir or synthetic_model(folder, Path(tmp) / "model")
            embedded, embedding_run = time_embedding(folder, args.runs, model_dir)
    median = statistics.median
    rows = [
        ("ours: `Project.suggest(train='coder1')`", median(ours)),
        ("plain scikit-learn pipeline, default threads", median(plain)),
        ("plain scikit-learn pipeline, one thread", median(plain_one)),
    ]
    if embedded:
        which = "the model given" if args.model_dir else "a 256-dimension model of its words"
        rows.append((f"embedding backend, {which}", median(embedded)))
    best_plain = min(median(plain), median(plain_one))
    table = "\n".join(
        f"| {name} | {seconds:.1f} | {seconds / best_plain:.2f} |" for name, seconds in rows
    )
    facts, spec = machine(), SIZES[args.size]
    units, codes = f"{run['training_units']:,}", len(run["codes"])
    made = f"{run['documents']:,} documents ({run['units']:,} units; {run['suggestions']:,}"
    markdown = f"""## Machine coder: train and suggest (issue 17), size {args.size}

`python -m benchmarks.bench_suggest --size {args.size} --runs {args.runs}`: the generated
size-{args.size} project ({spec.codings:,} codings by {spec.coders} coders), classifier trained
on coder1 at the sentence level ({units} units, {codes} codes) and suggesting for all {made}
suggestions: the generated codings are random, so few units reach p >= 0.5). {facts["cpu"]},
{facts["cores"]} cores shared with other work. Median of {args.runs} runs, the plain pipeline timed
in the same run on the same unit texts and labels (no database).

| what (median of {args.runs}) | seconds | x best plain |
|---|---|---|
{table}

Targets (classifier): under 60 s, within 3x the plain pipeline.{embedding_note(embedded, args)}

F4 in the workbench on one open document (`Project.pending_suggestions(reviewer, document=...)`
on the document with the most suggestions, {document}: {shown} shown), median of 20 calls:
**{review * 1000:.1f} ms** (target: under 200 ms). Suggestions are made by `suggest run` and
stored, so showing them is a query, not a model.
"""
    print(markdown)
    if args.quick:
        return
    write_section(
        f"suggest_{args.size}",
        markdown,
        {
            "machine": facts,
            "ours": ours,
            "plain": plain,
            "plain_one_thread": plain_one,
            "run": {k: v for k, v in run.items() if k != "document_ids"},  # 2,100 ids: not needed
            "review_one_document_seconds": review,
            "embedding": embedded,
            "embedding_run": {k: v for k, v in embedding_run.items() if k != "document_ids"},
        },
    )


def embedding_note(embedded: list[float], args: argparse.Namespace) -> str:
    """What the embedding row is (or why there is none)."""
    if not embedded:
        return "\n\nNo embedding row: model2vec is not installed (pip install -e '.[embedding]')."
    if args.model_dir:
        return f"\n\nThe embedding row used the model in {args.model_dir.name}."
    return (
        "\n\nThe embedding row: `Project.suggest(backend='embedding')` on the same layer, whole,"
        "\nwith a model2vec model of the project's words and 256 random dimensions (as many as"
        "\npotion-base-8M's): its suggestions mean nothing, its speed is a static model's."
    )


if __name__ == "__main__":
    main()
