"""Machine suggestions: a classifier trained on a human layer suggests codings into its own
layer `model:<run>`, and every run is recorded in the event log (docs/machine-coding.md)."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from hrd_coder.agreement.coded_units import SourceText, Unit, build, document_units
from hrd_coder.problems import ProjectError
from hrd_coder.services import coding as actions
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.services.model_layers import MODEL_ROLE, is_model_layer, model_layer
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage import core_tables
from hrd_coder.storage.codings import insert_codings
from hrd_coder.storage.events import record_event

if TYPE_CHECKING:  # numpy and scikit-learn load only when suggestions are made
    from collections.abc import Callable

    import numpy as np

    from hrd_coder.machine.backends import Machine
    from hrd_coder.machine.llm_clients import LlmSource
    from hrd_coder.services.project import Project

    Progress = Callable[[int, int], None]  # (units done, units in all)

BACKENDS = ("classifier", "embedding", "llm")
UNITS = ("sentence", "paragraph", "turn")
MIN_TRAINING_UNITS = 5
"""A code needs this many units marked, and this many unmarked, in the training layer."""
RUN_ACTION = "suggest.run"
EVENTS = core_tables.EVENT
CODERS = core_tables.CODER


@dataclass(frozen=True)
class SuggestRequest:
    """What to train on and what to suggest for."""

    backend: str = "classifier"
    train: str = CONSENSUS
    unit: str = "sentence"
    documents: tuple[str, ...] = ()  # suggest for these (default: every document)
    codes: tuple[str, ...] = ()  # only these codes (default: every code with enough units)
    seed: int = 0
    model_dir: str | None = None  # the embedding backend's model folder
    llm: LlmSource | None = None  # the llm backend's model (services/suggestions_llm.py)


@dataclass(frozen=True)
class SuggestRun:
    """One run of a machine coder, as the event log keeps it."""

    run: str
    layer: str
    backend: str
    version: str
    train: str
    unit: str
    seed: int
    settings: dict[str, Any]
    codes: tuple[str, ...]
    skipped: dict[str, int]  # code -> units marked in training: too few to learn from
    training_documents: int
    training_units: int
    training_checksum: str  # SHA-256 of the training layer's codings the model learned from
    codebook_hash: str
    documents: int  # suggested for
    units: int
    suggestions: int
    by_code: dict[str, int]
    seconds: float
    by: str | None = None
    at: str = ""
    # The documents suggested for: where the model layer's blank units mean "absent".
    document_ids: tuple[str, ...] = ()
    # Answers of the llm backend dropped, by why: not the JSON asked for, an unknown code, a
    # quote not in the text (machine/llm.py).
    invalid: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, as the event stores it and `suggest list --format json` prints it."""
        data = asdict(self)
        data["codes"] = list(self.codes)
        data["document_ids"] = list(self.document_ids)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SuggestRun:
        """The run that `as_dict` wrote into its event, read back."""
        ids = tuple(data.get("document_ids", ()))
        return cls(**{**data, "codes": tuple(data["codes"]), "document_ids": ids})


@dataclass(frozen=True)
class LabelledUnits:
    """The training layer's units: their text and, per code, 1 where the layer marked it."""

    units: tuple[Unit, ...]
    texts: tuple[str, ...]
    labels: dict[str, np.ndarray] = field(default_factory=dict)
    checksum: str = ""


def run_suggestions(
    project: Project, request: SuggestRequest, progress: Progress | None = None
) -> SuggestRun:
    """Train on the request's layer, suggest codings for its documents into a new model
    layer, and record the run; all in one transaction, or nothing when a check fails.
    `progress(done, total)` hears of each unit a language model was asked about."""
    from hrd_coder.machine.backends import new_machine

    check_request(request)
    if request.backend == "llm":
        from hrd_coder.services.suggestions_llm import run_llm

        return run_llm(project, request, progress=progress)
    started = time.perf_counter()
    machine = new_machine(request.backend, request.model_dir)
    codebook_hash = project.codebook_hash_for_new_codings()
    training = labelled_units(project, request.train, request.unit)
    codes, skipped = learnable_codes(training, request)
    targets = target_documents(project, request.documents)
    units, texts = unit_texts(project, targets, request.unit)
    found = suggest(training, codes, texts, machine, request.seed)
    with project.database.writing() as conn:
        run = new_run_name(conn, request.backend)
        layer = model_layer(run)
        threshold = machine.settings.threshold
        codings = suggested_codings(project, layer, run, units, found, threshold, codebook_hash)
        counts = Counter(c.code_id for c in codings)
        _add_model_layer(conn, layer)
        insert_codings(conn, codings)
        result = SuggestRun(
            run=run,
            layer=layer,
            backend=request.backend,
            version=machine.version,
            train=request.train,
            unit=request.unit,
            seed=request.seed,
            settings=machine.settings.as_dict(),
            codes=tuple(codes),
            skipped=skipped,
            training_documents=len({u.document_id for u in training.units}),
            training_units=len(training.units),
            training_checksum=training.checksum,
            codebook_hash=codebook_hash,
            documents=len(targets),
            units=len(units),
            suggestions=len(codings),
            by_code={code: counts.get(code, 0) for code in codes},
            seconds=round(time.perf_counter() - started, 3),
            by=project.viewer,
            at=core_tables.utc_now().isoformat(),
            document_ids=tuple(targets),
        )
        record_run(conn, project, result)
    return result


def record_run(conn: Connection, project: Project, result: SuggestRun) -> None:
    """The run written to the event log, the record `suggest list`, `explain` and the
    validation read back."""
    record_event(
        conn,
        coder=project.viewer,
        action=RUN_ACTION,
        entity="model_run",
        entity_id=result.run,
        after=result.as_dict(),
    )


def check_request(request: SuggestRequest) -> None:
    """A ProjectError with advice for a backend or unit this slice does not offer."""
    if request.backend not in BACKENDS:
        raise ProjectError(f"unknown backend '{request.backend}': use {', '.join(BACKENDS)}")
    if request.model_dir and request.backend != "embedding":
        raise ProjectError(
            f"--model-dir names the embedding backend's model: add --backend embedding, "
            f"or leave --model-dir out for the {request.backend} backend"
        )
    if request.unit not in UNITS:
        raise ProjectError(f"unknown unit '{request.unit}': use one of {', '.join(UNITS)}")
    if request.llm is not None and request.backend != "llm":
        raise ProjectError("--model and --ollama name a language model: add --backend llm")


def layer_documents(project: Project, layer: str) -> set[str]:
    """The documents where the layer's blank units mean "absent": what it can teach."""
    if is_model_layer(layer):
        raise ProjectError(
            f"'{layer}' holds a machine coder's suggestions: train on a human layer "
            "(--train consensus, or a coder's name)"
        )
    project.access().check_layer(layer)
    coverage = project.coverage()
    humans = coverage.coders
    if layer == CONSENSUS:
        covered = {d for coder in humans for d in coverage.covered(coder)}
        if not project.codings(coder=layer):
            raise ProjectError(
                "the consensus layer is empty: build it with 'hrd-coder consensus rebuild', "
                f"or train on one coder's layer with --train NAME (coders: {_names(humans)})"
            )
        return covered
    if layer not in humans:
        raise ProjectError(
            f"there is no layer '{layer}' to train on: use --train consensus or a coder's "
            f"name (coders: {_names(humans)})"
        )
    covered = set(coverage.covered(layer))
    if not covered:
        raise ProjectError(
            f"{layer} has marked no document done, so no unit of theirs counts as "
            f"'absent' yet: run 'hrd-coder done --all-coded --coder {layer}' first"
        )
    return covered


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) or "nobody yet"


def sources(project: Project, documents: Sequence[str]) -> dict[str, SourceText]:
    """What unit cutting needs of each document (the same as agreement's)."""
    infos = {d.id: d for d in project.documents()}
    return {
        d: SourceText(
            project.text_of(d),
            tuple(infos[d].metadata.get("speakers") or ()),
            infos[d].case_ids,
        )
        for d in documents
    }


def unit_texts(
    project: Project, documents: Sequence[str], unit: str
) -> tuple[tuple[Unit, ...], tuple[str, ...]]:
    """Every unit of the documents, cut as agreement cuts them, with its text."""
    units = document_units(sources(project, documents), unit)
    return units, tuple(project.text_of(u.document_id or "")[u.start : u.end] for u in units)


def labelled_units(
    project: Project, layer: str, unit: str, documents: Sequence[str] | None = None
) -> LabelledUnits:
    """The layer's units with the codes it applied to each (a coding counts for a unit as
    in agreement); codes count as applied, without their children, so that a model learns
    what a coder chose, not what the hierarchy implies."""
    covered = sorted(documents if documents is not None else layer_documents(project, layer))
    texts = sources(project, covered)
    chosen = set(covered)
    codings = [c for c in project.codings(coder=layer) if c.document_id in chosen]
    codes = [c.id for c in project.codebook.codes]
    data = build(unit, texts, codings, [layer], codes, {}, {layer: chosen})
    units = data.units[codes[0]] if codes else ()
    return LabelledUnits(
        units,
        tuple(texts[u.document_id or ""].text[u.start : u.end] for u in units),
        {code: data.presence[code][0].astype(int) for code in codes},
        codings_checksum(codings),
    )


def codings_checksum(codings: Sequence[CodingRecord]) -> str:
    """SHA-256 of the codings' documents, codes and spans (not ids or times): the same
    training codings give the same checksum in any database."""
    lines = sorted(f"{c.document_id}\t{c.code_id}\t{c.start}\t{c.end}" for c in codings)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def learnable_codes(
    training: LabelledUnits, request: SuggestRequest
) -> tuple[list[str], dict[str, int]]:
    """The codes with enough marked and unmarked units to learn from, and the skipped ones
    with their count. A code the user asked for by name must be learnable."""
    for code in request.codes:
        if code not in training.labels:
            raise ProjectError(f"there is no code '{code}' in the codebook")
    wanted = list(request.codes) or list(training.labels)
    counts = {code: int(training.labels[code].sum()) for code in wanted}
    total = len(training.units)

    def enough(code: str) -> bool:
        return min(counts[code], total - counts[code]) >= MIN_TRAINING_UNITS

    for code in request.codes:
        if not enough(code):
            raise ProjectError(_too_few(code, counts[code], total, request))
    codes = [code for code in wanted if enough(code)]
    if not codes:
        raise ProjectError(
            f"no code has at least {MIN_TRAINING_UNITS} {request.unit}s marked (and as many "
            f"unmarked) in layer '{request.train}': code more of the project first, or "
            "train on a longer unit (--unit paragraph)"
        )
    return codes, {code: counts[code] for code in wanted if not enough(code)}


def _too_few(code: str, marked: int, total: int, request: SuggestRequest) -> str:
    return (
        f"code '{code}' has {marked} of {total} {request.unit}s marked in layer "
        f"'{request.train}': a model needs at least {MIN_TRAINING_UNITS} marked and "
        f"{MIN_TRAINING_UNITS} unmarked to learn from. Code more examples, or leave "
        "--code out to suggest only the codes with enough"
    )


def target_documents(project: Project, documents: Sequence[str]) -> list[str]:
    """The documents to suggest for (checked), or every document."""
    known = [d.id for d in project.documents()]
    for document in documents:
        if document not in known:
            raise ProjectError(
                f"there is no document '{document}': see 'hrd-coder documents' for the ids"
            )
    return list(documents) or known


def suggest(
    training: LabelledUnits,
    codes: Sequence[str],
    texts: Sequence[str],
    machine: Machine,
    seed: int,
) -> dict[str, np.ndarray]:
    """Per code, each text's probability, from the machine trained on `training`."""
    from hrd_coder.machine.classifier import probabilities

    model = machine.train(training.texts, {c: training.labels[c] for c in codes}, seed)
    return probabilities(model, texts) if texts else {c: training.labels[c][:0] for c in codes}


def suggested_codings(
    project: Project,
    layer: str,
    run: str,
    units: Sequence[Unit],
    found: dict[str, np.ndarray],
    threshold: float,
    codebook_hash: str,
) -> list[CodingRecord]:
    """A coding in the model layer for each unit and code at or above the threshold; its
    memo keeps the probability. A document about one case ties the coding to that case."""
    cases = {d.id: d.case_ids for d in project.documents()}
    codings = []
    for code, chances in found.items():
        for index in (chances >= threshold).nonzero()[0]:
            unit = units[index]
            document = unit.document_id or ""
            tied = cases.get(document, ())
            codings.append(
                actions.new_coding(
                    text=project.text_of(document),
                    document_id=document,
                    coder=layer,
                    code_id=code,
                    start=unit.start,
                    end=unit.end,
                    case_id=tied[0] if len(tied) == 1 else None,
                    memo=suggestion_memo(float(chances[index]), run),
                    codebook_hash=codebook_hash,
                )
            )
    return sorted(codings, key=lambda c: (c.document_id, c.start, c.code_id))


def suggestion_memo(probability: float, run: str) -> str:
    """The memo a suggestion carries: its probability and the run that made it."""
    return f"p={probability:.3f} (suggested by run {run})"


def new_run_name(conn: Connection, backend: str) -> str:
    """A short readable run id, `classifier-3`: the backend and a number never used yet."""
    taken = set(conn.execute(select(CODERS.c.name)).scalars())
    number = len(list(conn.execute(select(EVENTS.c.id).where(EVENTS.c.action == RUN_ACTION))))
    while True:
        number += 1
        run = f"{backend}-{number}"
        if model_layer(run) not in taken:
            return run


def _add_model_layer(conn: Connection, layer: str) -> None:
    conn.execute(
        CODERS.insert().values(name=layer, role=MODEL_ROLE, created_at=core_tables.utc_now())
    )


def list_runs(project: Project) -> list[SuggestRun]:
    """The machine coder runs recorded in the event log that the viewer may see, oldest
    first: while the layers are blind, a coder sees only the runs trained on their own
    layer (a run's suggestions and counts derive from the layer it learned from)."""
    query = select(EVENTS.c.after).where(EVENTS.c.action == RUN_ACTION).order_by(EVENTS.c.id)
    with project.database.reading() as conn:
        runs = [SuggestRun.from_dict(_as_mapping(after)) for after in conn.execute(query).scalars()]
    if project.access().sees_all:
        return runs
    return [run for run in runs if run.train == project.viewer]


def _as_mapping(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def find_run(project: Project, run: str) -> SuggestRun:
    """The recorded run with this id (or its layer's name)."""
    runs = list_runs(project)
    for found in runs:
        if run in (found.run, found.layer):
            return found
    known = ", ".join(r.run for r in runs) or "none yet: make one with 'hrd-coder suggest run'"
    raise ProjectError(f"there is no suggestion run '{run}' (runs: {known})")


def model_documents(project: Project, layer: str) -> frozenset[str]:
    """The documents a model layer covers, for agreement with it: those its run scored
    every unit of (none for a layer no run made)."""
    for run in list_runs(project):
        if run.layer == layer:
            return frozenset(run.document_ids)
    return frozenset()
