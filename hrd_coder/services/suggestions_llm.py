"""The `llm` backend's runs: a local language model codes each unit of the chosen documents
from the codebook's own words, and its checked answers become suggestions in a layer
`model:<run>`, recorded like the classifier's (docs/machine-coding.md, The llm backend).

Interviews never leave the machine by default: an Ollama server elsewhere is used only when
the user says so for this run (`--allow-remote`) AND the project's local settings name its
host; both are recorded with the run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from hrd_coder.machine import llm
from hrd_coder.machine.llm_clients import ChatModel, LlmSource, host_name, is_local, open_model
from hrd_coder.problems import ProjectError
from hrd_coder.services import coding as actions
from hrd_coder.services.model_layers import model_layer
from hrd_coder.services.suggestions import (
    UNITS,
    SuggestRequest,
    SuggestRun,
    _add_model_layer,
    new_run_name,
    record_run,
    target_documents,
    unit_texts,
)
from hrd_coder.settings import LOCAL_DIR, SETTINGS_FILE, llm_remote_hosts
from hrd_coder.storage import core_tables
from hrd_coder.storage.codings import insert_codings
from hrd_coder.storage.events import record_event

if TYPE_CHECKING:
    from hrd_coder.agreement.coded_units import Unit
    from hrd_coder.services.project import Project
    from hrd_coder.services.records import CodingRecord
    from hrd_coder.services.suggestions import Progress

REPLICATE_ACTION = "suggest.replicate"
MAX_REPLICATES = 20


def run_llm(
    project: Project,
    request: SuggestRequest,
    model: ChatModel | None = None,
    progress: Progress | None = None,
) -> SuggestRun:
    """Ask the model about every unit of the request's documents, keep the answers that
    pass the checks as suggestions in a new model layer, and record the run; all in one
    transaction, or nothing."""
    started = time.perf_counter()
    source = checked_source(project, request)
    codes = chosen_codes(project, request.codes)
    targets = target_documents(project, request.documents)
    codebook_hash = project.codebook_hash_for_new_codings()
    model = model or open_model(source)
    units, texts = unit_texts(project, targets, request.unit)
    system = llm.system_prompt([code_text(project, code) for code in codes])
    schema = llm.answer_schema(codes)
    answers, invalid = [], dict.fromkeys(llm.INVALID_KINDS, 0)
    for done, (unit, text) in enumerate(zip(units, texts, strict=True), start=1):
        if text.strip():
            checked = llm.check_answer(
                model.answer(system, llm.user_prompt(text), schema, request.seed), text, codes
            )
            llm.add_invalid(invalid, checked.invalid)
            answers.extend((unit, found) for found in checked.found)
        if progress is not None:
            progress(done, len(units))
    with project.database.writing() as conn:
        run = new_run_name(conn, llm.BACKEND)
        layer = model_layer(run)
        codings = suggested_codings(project, layer, run, answers, codebook_hash)
        _add_model_layer(conn, layer)
        insert_codings(conn, codings)
        result = SuggestRun(
            run=run,
            layer=layer,
            backend=llm.BACKEND,
            version=model.identity.version,
            train="",  # nothing learned from the project's codings
            unit=request.unit,
            seed=request.seed,
            settings=run_settings(source, model),
            codes=tuple(codes),
            skipped={},
            training_documents=0,
            training_units=0,
            training_checksum="",
            codebook_hash=codebook_hash,
            documents=len(targets),
            units=len(units),
            suggestions=len(codings),
            by_code={code: sum(c.code_id == code for c in codings) for code in codes},
            seconds=round(time.perf_counter() - started, 3),
            by=project.viewer,
            at=core_tables.utc_now().isoformat(),
            document_ids=tuple(targets),
            invalid=invalid,
        )
        record_run(conn, project, result)
    return result


def checked_source(project: Project, request: SuggestRequest) -> LlmSource:
    """The request's model, if it names exactly one, on a host it may use."""
    if request.unit not in UNITS:
        raise ProjectError(f"unknown unit '{request.unit}': use one of {', '.join(UNITS)}")
    source = request.llm or LlmSource()
    if bool(source.model_file) == bool(source.ollama):
        raise ProjectError(
            "the llm backend needs one model: --model FILE.gguf (a local GGUF file, with "
            "pip install 'hrd-coder[llm]') or --ollama MODEL (an Ollama server on this machine)"
        )
    if source.ollama:
        check_host(project, source)
    return source


def check_host(project: Project, source: LlmSource) -> None:
    """Refuse an Ollama server that is not on this machine unless both the run allows it
    (--allow-remote) and the project's settings name its host (llm_remote_hosts)."""
    if is_local(source.host):
        return
    host = host_name(source.host)
    named = remote_hosts(project)
    if source.allow_remote and host in named:
        return
    missing = []
    if not source.allow_remote:
        missing.append("--allow-remote on this run")
    if host not in named:
        missing.append(f"'llm_remote_hosts: [{host}]' in {project.root}/.hrd_coder/settings.yaml")
    raise ProjectError(
        f"the Ollama server at {source.host} is not on this machine: the interviews would be "
        f"sent to {host}. It is used only with both {' and '.join(missing)}; "
        "or run Ollama here (--host http://localhost:11434)"
    )


def remote_hosts(project: Project) -> list[str]:
    """The hosts the project's local settings allow (each entry a host or an address)."""
    settings = project.root / LOCAL_DIR / SETTINGS_FILE
    hosts = []
    for entry in llm_remote_hosts(project.root):
        try:
            hosts.append(host_name(entry))
        except ProjectError:
            raise ProjectError(
                f"{settings}: llm_remote_hosts names '{entry}', which is not a host: write "
                "a name or address such as gpu.lab.example or http://gpu.lab.example:11434"
            ) from None
    return hosts


def chosen_codes(project: Project, wanted: Sequence[str]) -> list[str]:
    """The codes the model is asked about (checked), or every code of the codebook."""
    known = [code.id for code in project.codebook.codes]
    for code in wanted:
        if code not in known:
            raise ProjectError(f"there is no code '{code}' in the codebook")
    if not known:
        raise ProjectError("the codebook has no codes to suggest: add some to codebook.yaml")
    return list(wanted) or known


def code_text(project: Project, code_id: str) -> llm.CodeText:
    """What the prompt says of a code: the codebook's words for it."""
    code = next(c for c in project.codebook.codes if c.id == code_id)
    return llm.CodeText(
        code.id,
        code.label,
        code.definition,
        code.include,
        code.exclude,
        tuple(code.examples),
    )


def run_settings(source: LlmSource, model: ChatModel) -> dict[str, Any]:
    """What the run records of the model and the prompt, beside backend, version and seed."""
    identity = model.identity
    remote = bool(source.ollama) and not is_local(source.host)
    return {
        "source": identity.source,
        "model": identity.model,
        "model_checksum": identity.checksum,
        "host": source.host if source.ollama else None,
        "remote": remote,
        "allow_remote": source.allow_remote,
        "temperature": llm.TEMPERATURE,
        "prompt_template_hash": llm.template_hash(),
    }


def suggested_codings(
    project: Project,
    layer: str,
    run: str,
    answers: Sequence[tuple[Unit, llm.Found]],
    codebook_hash: str,
) -> list[CodingRecord]:
    """A coding in the model layer for each quote found; its memo keeps the reasoning. A
    document about one case ties the coding to that case."""
    cases = {d.id: d.case_ids for d in project.documents()}
    codings = []
    for unit, found in answers:
        document = unit.document_id or ""
        tied = cases.get(document, ())
        codings.append(
            actions.new_coding(
                text=project.text_of(document),
                document_id=document,
                coder=layer,
                code_id=found.code,
                start=unit.start + found.start,
                end=unit.start + found.end,
                case_id=tied[0] if len(tied) == 1 else None,
                memo=f"{found.reasoning} (suggested by run {run})".lstrip(),
                codebook_hash=codebook_hash,
            )
        )
    return sorted(codings, key=lambda c: (c.document_id, c.start, c.code_id))


# -- replicate: the same run K times, and how much the runs agree -------------------------


@dataclass(frozen=True)
class Replication:
    """K runs of one model on the same units with different seeds, and per code
    Krippendorff's alpha across the runs (the runs as coders, the units as units)."""

    runs: tuple[str, ...]
    layers: tuple[str, ...]
    seeds: tuple[int, ...]
    unit: str
    units: int
    codes: dict[str, dict[str, Any]]  # code -> alpha, marked (per run)
    model: str
    model_checksum: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (`suggest run --replicate K --format json`)."""
        return asdict(self)


def replicate_llm(
    project: Project, request: SuggestRequest, times: int, progress: Progress | None = None
) -> Replication:
    """`times` runs with seeds seed, seed+1, ..., each its own layer, then alpha across
    them per code; recorded as an event `suggest.replicate`."""
    if not 2 <= times <= MAX_REPLICATES:
        raise ProjectError(
            f"--replicate needs between 2 and {MAX_REPLICATES} runs to compare, not {times}"
        )
    model = open_model(checked_source(project, request))
    runs = [
        run_llm(project, replace(request, seed=request.seed + number), model, progress)
        for number in range(times)
    ]
    result = replication(project, runs)
    with project.database.writing() as conn:
        record_event(
            conn,
            coder=project.viewer,
            action=REPLICATE_ACTION,
            entity="model_run",
            entity_id=",".join(result.runs),
            after=result.as_dict(),
        )
    return result


def replication(project: Project, runs: Sequence[SuggestRun]) -> Replication:
    """Alpha across the runs' layers per code, on every unit of their documents (a unit
    counts a coding as agreement counts it)."""
    import numpy as np

    from hrd_coder.agreement import compute
    from hrd_coder.services.suggestions import labelled_units

    first = runs[0]
    found = [labelled_units(project, r.layer, r.unit, first.document_ids) for r in runs]
    codes = {}
    for code in first.codes:
        matrix = np.vstack([f.labels[code] for f in found]).astype(float)
        alpha = compute(matrix, "alpha", "nominal", 0, first.seed).value
        codes[code] = {
            "alpha": None if alpha != alpha else float(alpha),  # nan: no run marked a unit
            "marked": [int(row.sum()) for row in matrix],
        }
    return Replication(
        runs=tuple(r.run for r in runs),
        layers=tuple(r.layer for r in runs),
        seeds=tuple(r.seed for r in runs),
        unit=first.unit,
        units=len(found[0].units),
        codes=codes,
        model=first.settings["model"],
        model_checksum=first.settings["model_checksum"],
    )
