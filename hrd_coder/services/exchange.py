"""REFI-QDA export and import for a project (the formats themselves live in `interop/`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.codebook.model import Codebook
from hrd_coder.interop.archive import ArchiveLimits, read_bare_file
from hrd_coder.interop.identity import as_written, codebook_guids, export_guids
from hrd_coder.interop.model import (
    Exchange,
    ExchangeCase,
    ExchangeCoding,
    ExchangeMemo,
    ExchangeReport,
    ExchangeSource,
)
from hrd_coder.interop.qdc import codebook_to_qdc, read_qdc
from hrd_coder.interop.qdpx import project_to_qdpx
from hrd_coder.interop.qdpx_read import read_qdpx
from hrd_coder.interop.xml_text import REPLACEMENT
from hrd_coder.problems import ProjectError
from hrd_coder.services.exchange_import import ExchangeOutcome, merge_into, new_project
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.storage.foreign_guids import read_foreign_guids
from hrd_coder.whole_file import writing_whole
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.services.project import Project


@dataclass(frozen=True)
class ExportOutcome:
    """The file an export wrote, how many characters XML cannot carry it replaced, by field,
    and why any GUID an object came with was not used (see docs/interop.md, "Identity")."""

    path: Path
    replaced: dict[str, int] = field(default_factory=dict)
    identity: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The report as printable lines (none when nothing was replaced or changed)."""
        lines = [f"warning: {note}" for note in self.identity]
        if not self.replaced:
            return lines
        total = sum(self.replaced.values())
        fields = ", ".join(f"{name} {count}" for name, count in sorted(self.replaced.items()))
        return [
            f"warning: replaced {plural(total, 'character')} that XML cannot carry (control "
            f"characters, U+FFFE, U+FFFF) with U+{ord(REPLACEMENT):04X}: {fields}",
            *lines,
        ]


def exchange_of(project: Project) -> Exchange:
    """Everything a `.qdpx` carries, read from the project's database."""
    sources = []
    for info in project.documents():
        text = project.text_of(info.id)
        sources.append(
            ExchangeSource(
                id=info.id,
                kind=info.kind,
                title=info.title,
                text=text,
                metadata=dict(info.metadata or {}),
                case_ids=tuple(info.case_ids),
            )
        )
    cases = [ExchangeCase(_front_matter(case)) for case in project.cases()]
    codings = [
        ExchangeCoding(
            id=c.id,
            document_id=c.document_id,
            coder=c.coder,
            code_id=c.code_id,
            start=c.start,
            end=c.end,
            case_id=c.case_id,
            memo=c.memo,
            created_at=c.created_at,
        )
        for c in project.codings()
        if not is_model_layer(c.coder)
    ]
    memos = [ExchangeMemo(*memo) for memo in project.document_memos()]
    with project.database.reading() as conn:
        foreign = read_foreign_guids(conn)
    return Exchange(project.codebook, sources, cases, codings, memos, foreign)


def _front_matter(case: Any) -> dict[str, Any]:
    return {
        "id": case.id,
        "name": case.name,
        "country": case.country,
        "groups": list(case.groups),
        "detained_on": case.detained_on,
        "featured_on": case.featured_on,
        "released_on": case.released_on,
        "release_type": case.release_type,
        "censored_on": case.censored_on,
        "sources": list(case.sources),
        "covariates": dict(case.covariates),
    }


def default_out(project: Project, suffix: str) -> Path:
    """`<project folder name>.<suffix>` in the current folder."""
    return Path(f"{project.root.name}{suffix}")


def export_qdc(project: Project, out: str | Path | None = None) -> ExportOutcome:
    """Write the codebook as a `.qdc` file (whole, or not at all)."""
    path = Path(out) if out else default_out(project, ".qdc")
    with project.database.reading() as conn:
        foreign = {k: v for k, v in read_foreign_guids(conn).items() if k[0] == "code"}
    guids = export_guids(Exchange(project.codebook, foreign_guids=foreign))
    return _write(path, *codebook_to_qdc(project.codebook, guids.code), guids.notes)


def export_qdpx(project: Project, out: str | Path | None = None) -> ExportOutcome:
    """Write the whole project as a `.qdpx` archive (whole, or not at all)."""
    path = Path(out) if out else default_out(project, ".qdpx")
    exchange = exchange_of(project)
    guids = export_guids(exchange)
    notes = [*guids.notes, *_model_layers_left_out(project)]
    return _write(path, *project_to_qdpx(exchange, guids), notes)


def _model_layers_left_out(project: Project) -> list[str]:
    """Why a machine coder's suggestions are not in the file: REFI-QDA has no way to mark a
    user as a model, so another program (or our own import) would take them for a person's
    codings. Accepted suggestions are a coder's codings and go out with that coder."""
    return [
        f"left out {plural(len(project.codings(coder=layer)), 'suggestion')} of {layer} (a "
        "machine coder's layer: in REFI-QDA it would read as a person's codings); accept "
        "them first ('hrd-coder suggest review') to export them as your own"
        for layer in project.layers()
        if is_model_layer(layer)
    ]


def _write(
    path: Path, data: bytes, replaced: Counter[str], identity: list[str] | None = None
) -> ExportOutcome:
    with writing_whole(path) as temporary:
        temporary.write_bytes(data)
    return ExportOutcome(path, dict(replaced), tuple(identity or ()))


def archive_limits(
    max_bytes: int | None = None, max_entries: int | None = None, max_ratio: int | None = None
) -> ArchiveLimits:
    """The default limits, with any given one changed (`max_bytes` caps every size)."""
    changes: dict[str, int] = {}
    if max_bytes is not None:
        changes |= dict.fromkeys(
            ("max_archive_bytes", "max_total_bytes", "max_entry_bytes"), max_bytes
        )
    if max_entries is not None:
        changes["max_entries"] = max_entries
    if max_ratio is not None:
        changes["max_ratio"] = max_ratio
    return replace(ArchiveLimits(), **changes)


def import_qdpx(
    path: str | Path,
    *,
    into: str | Path | None = None,
    project: Project | None = None,
    db_url: str | None = None,
    limits: ArchiveLimits | None = None,
    base: str | Path | None = None,
) -> ExchangeOutcome:
    """Import a `.qdpx` (or `.qde`) into a new project folder `into`, or merge into `project`.

    `relative://` texts are read only from `base` (default: the folder the file is in).
    """
    exchange, report = read_qdpx(Path(path), limits, Path(base) if base is not None else None)
    return _bring_in(exchange, report, into=into, project=project, db_url=db_url)


def import_qdc(
    path: str | Path,
    *,
    into: str | Path | None = None,
    project: Project | None = None,
    db_url: str | None = None,
    limits: ArchiveLimits | None = None,
) -> ExchangeOutcome:
    """Import a `.qdc` codebook into a new project folder `into`, or merge into `project`
    (a file over `limits.max_entry_bytes` is refused)."""
    file = Path(path)
    codes, report = read_qdc(read_bare_file(file, limits), str(file))
    codebook = Codebook(
        name=file.stem,
        version="1",
        case_groups={"imported": "Cases imported with the codebook"},
        codes=tuple(c.code for c in codes),
    )
    guids = codebook_guids(((c.guid, as_written(c.written), c.code.id) for c in codes), report)
    exchange = Exchange(codebook, foreign_guids=guids)
    return _bring_in(exchange, report, into=into, project=project, db_url=db_url)


def _bring_in(
    exchange: Exchange, report: ExchangeReport, *, into: Any, project: Project, db_url: str | None
) -> ExchangeOutcome:
    if (into is None) == (project is None):
        raise ProjectError("import either into a new folder (--into DIR) or into this project")
    if into is not None:
        return ExchangeOutcome(*new_project(exchange, Path(into), db_url, report), report)
    merge_into(project, exchange, report)
    return ExchangeOutcome(project.root, project.status(), report)
