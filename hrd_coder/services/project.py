"""The Project facade: open a project folder and do what researchers do with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.services import access as access_rules
from hrd_coder.services import coding as actions
from hrd_coder.services import coverage as coverage_rules
from hrd_coder.services import layers as layer_names
from hrd_coder.services import reanchoring
from hrd_coder.services.access import Access, read_access
from hrd_coder.services.codebook_journal import finish_interrupted_change
from hrd_coder.services.coverage import Coverage
from hrd_coder.services.model_layers import MODEL_ROLE, is_model_layer
from hrd_coder.services.records import (
    CaseInfo,
    CodingRecord,
    DocumentInfo,
    DocumentText,
    ImportReport,
    OrphanRecord,
    ProjectStatus,
    Suggestion,
)
from hrd_coder.sources.anchoring import FUZZY_THRESHOLD
from hrd_coder.sources.folders import CASES_DIR, MEDIA_DIR, TRANSCRIPTS_DIR, relative_to_project
from hrd_coder.sources.text import sha256, split_front_matter
from hrd_coder.storage import catalog
from hrd_coder.storage import codings as stored
from hrd_coder.storage import document_versions as versions
from hrd_coder.storage.codebook_versions import (
    ImportedCodebook,
    current_codebook_hash,
    imported_codebook_if_same,
)
from hrd_coder.storage.database import Database, database_url
from hrd_coder.text_file import decode, read_text_file

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.agreement.unitizing import UnitizingAgreement
    from hrd_coder.analysis.by_layer import LayerComparison
    from hrd_coder.analysis.case_variables import CaseVariables
    from hrd_coder.analysis.child_process import ChildProcess
    from hrd_coder.analysis.coder_robustness import CoderRobustness
    from hrd_coder.analysis.design_report import DesignReport
    from hrd_coder.analysis.designs import AnalysisPlan
    from hrd_coder.codebook import Codebook
    from hrd_coder.services import history
    from hrd_coder.services.adjudication import Disagreement
    from hrd_coder.services.agreement import AgreementRequest, AgreementRow
    from hrd_coder.services.analysis import Explanation
    from hrd_coder.services.analysis_inputs import AnalysisInputs
    from hrd_coder.services.audit import LogEntry, LogFilter
    from hrd_coder.services.boundaries import Boundary
    from hrd_coder.services.codebook_changes import CodebookChange
    from hrd_coder.services.codings_file import LoadReport
    from hrd_coder.services.consensus import ConsensusStatus
    from hrd_coder.services.consensus_rules import Mark
    from hrd_coder.services.exchange import ExportOutcome
    from hrd_coder.services.exchange_import import ExchangeOutcome
    from hrd_coder.services.media import CoverageTimeline
    from hrd_coder.services.media_import import ArticleImport
    from hrd_coder.services.merging import MergeReport
    from hrd_coder.services.model_corrections import CorrectedModel
    from hrd_coder.services.samples import AssignmentRecord, SampleDrawn
    from hrd_coder.services.suggestion_review import ReviewCount
    from hrd_coder.services.suggestion_review_file import ReviewOutcome
    from hrd_coder.services.suggestion_validation import Validation
    from hrd_coder.services.suggestions import SuggestRequest, SuggestRun
    from hrd_coder.services.suggestions_llm import Replication
    from hrd_coder.services.unitizing import DocumentUnitizing
    from hrd_coder.sources.project_files import ProjectFiles

CODEBOOK_FILE = "codebook.yaml"


def with_file_problems(root: Path, codebook_error: InvalidInput) -> InvalidInput:
    """The codebook's problems and every case, transcript and media file's problems, checked
    as far as they can be without a codebook: one run lists everything to fix."""
    from hrd_coder.sources.project_files import read_project_files

    try:
        read_project_files(root, None)
    except InvalidInput as files_error:
        return InvalidInput([*codebook_error.problems, *files_error.problems])
    return codebook_error


def read_codebook(root: Path, text: str) -> Codebook:
    """The whole codebook model, every rule checked; a broken codebook's problems come
    with every case, transcript and media file's problems."""
    # Imported here: the model (pydantic) and the YAML reader cost ~75 ms, which commands
    # that find codebook.yaml unchanged since its import do not pay (issue 15).
    from hrd_coder.codebook import parse_codebook

    try:
        return parse_codebook(text, str(root / CODEBOOK_FILE))
    except InvalidInput as error:
        raise with_file_problems(root, error) from None


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds a codebook.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CODEBOOK_FILE).is_file():
            return folder
    raise ProjectError(
        f"no {CODEBOOK_FILE} in {start} or any folder above it: run hrd-coder "
        "inside a project, pass --project DIR, or create one with "
        "'hrd-coder init DIR'"
    )


class Project:
    """A project folder (codebook, cases, transcripts) and its database."""

    def __init__(
        self,
        root: Path,
        database: Database,
        codebook: Codebook | ImportedCodebook,
        codebook_text: str,
        viewer: str | None = None,
    ):
        """`codebook` is the whole model, or (when codebook.yaml holds the very text last
        imported, so is known valid) only the imported codebook's name and hash: the model
        is then read when first needed."""
        self.root = root
        # Who is looking: with blind coding on, a coder reads only their own layer.
        self.viewer = viewer
        self.database = database
        self._codebook: Codebook | None = None
        self._imported: ImportedCodebook | None = None
        if isinstance(codebook, ImportedCodebook):
            self._imported = codebook
        else:
            self._codebook = codebook
        self.codebook_text = codebook_text
        self._documents: dict[str, DocumentText] = {}
        self._imported_hash: str | None = None
        self._case_ids: set[str] | None = None
        self._statistics: ChildProcess | None = None

    @classmethod
    def open(
        cls,
        root: str | Path | None = None,
        db_url: str | None = None,
        viewer: str | None = None,
        *,
        create: bool = True,
    ) -> Project:
        """Open the project at or above `root` (default: the current folder) for `viewer`;
        without `create`, a project whose database does not exist yet is refused."""
        found = find_project_root(Path(root or "."))
        path = found / CODEBOOK_FILE
        text = read_text_file(path)
        # Commands that create the database import the codebook: check it whole first.
        codebook: Codebook | ImportedCodebook | None = (
            read_codebook(found, text) if create else None
        )
        database = cls._open_database(found, db_url, create, text)
        try:
            if finish_interrupted_change(found, database):  # a rename/merge/split was killed
                text = read_text_file(path)
                codebook = None
            if codebook is None:
                with database.reading() as conn:
                    codebook = imported_codebook_if_same(conn, text)
            if codebook is None:  # new or edited since the import: check every rule
                codebook = read_codebook(found, text)
        except (ProjectError, InvalidInput):
            database.close()
            raise
        return cls(found, database, codebook, text, viewer)

    @staticmethod
    def _open_database(root: Path, db_url: str | None, create: bool, text: str) -> Database:
        """The project's database with its schema current. If it cannot be opened, a broken
        codebook is still what is reported first (it needs fixing before anything else)."""
        database = None
        try:
            database = Database(database_url(root, db_url), create=create)
            database.create_schema()
        except ProjectError:
            if database is not None:
                database.close()
            read_codebook(root, text)
            raise
        return database

    @property
    def codebook(self) -> Codebook:
        """The whole codebook model (read from codebook.yaml when first needed)."""
        if self._codebook is None:
            self._codebook = read_codebook(self.root, self.codebook_text)
        return self._codebook

    @codebook.setter
    def codebook(self, codebook: Codebook) -> None:
        self._codebook, self._imported = codebook, None

    @property
    def codebook_name(self) -> str:
        """The codebook's name, without reading the whole model when it is not needed."""
        return self._imported.name if self._imported else self.codebook.name

    @property
    def codebook_hash(self) -> str:
        """The codebook's content hash, without reading the whole model when not needed."""
        return self._imported.hash if self._imported else self.codebook.hash

    def close(self) -> None:
        """Release the database."""
        self.database.close()

    def access(self) -> Access:
        """What the viewer may see now (read each time: a lead may reveal the layers)."""
        with self.database.reading() as conn:
            return read_access(conn, self.viewer)

    def team(self) -> list[tuple[str, str]]:
        """Everyone in the project with their role."""
        with self.database.reading() as conn:
            return access_rules.team(conn)

    def set_role(self, name: str, role: str) -> str | None:
        """Give someone a role (the viewer must be the lead); return their old role."""
        with self.database.writing() as conn:
            return access_rules.set_role(conn, self.viewer, name, role)

    def set_layers(self, layers: str) -> str:
        """Turn blind coding on ("blind") or reveal the layers ("revealed"); leads only."""
        with self.database.writing() as conn:
            return access_rules.set_layers(conn, self.viewer, layers)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- importing ---------------------------------------------------------------------------

    def read_files(self) -> ProjectFiles:
        """Read and check every case and transcript file (raises InvalidInput)."""
        from hrd_coder.sources.project_files import read_project_files

        return read_project_files(self.root, self.codebook)

    def import_files(
        self, *, dry_run: bool = False, fuzzy_threshold: float = FUZZY_THRESHOLD
    ) -> ImportReport:
        """Bring codebook, cases and documents into the database (idempotent); codings of
        changed documents are re-anchored (see docs/reanchoring.md)."""
        from hrd_coder.services.importing import import_project

        report = import_project(
            self.database,
            self.read_files(),
            self.codebook,
            self.codebook_text,
            relative_to_project(self.root, self.root / CODEBOOK_FILE),
            dry_run=dry_run,
            fuzzy_threshold=fuzzy_threshold,
        )
        self._documents.clear()
        self._imported_hash = None
        self._case_ids = None
        return report

    def adopt_codebook(self, codebook: Codebook, text: str) -> None:
        """Use a codebook just stored by a codebook change (rename, merge, split)."""
        self.codebook, self.codebook_text = codebook, text
        self._imported_hash = None

    def rename_code(self, old: str, new: str) -> CodebookChange:
        """Rename a code in codebook.yaml and in every coding (see docs/codebook.md)."""
        from hrd_coder.services import codebook_changes

        self.access().require_role("renaming a code", ("lead",))
        return codebook_changes.rename_code(self, old, new)

    def merge_codes(self, sources: list[str], target: str) -> CodebookChange:
        """Move the source codes' codings to the target and drop the sources."""
        from hrd_coder.services import codebook_changes

        self.access().require_role("merging codes", ("lead",))
        return codebook_changes.merge_codes(self, sources, target)

    def split_code(
        self, code: str, into: list[str], default: str | None, choices: dict[str, str]
    ) -> CodebookChange:
        """Share a code's codings among new codes (per coding, else the default)."""
        from hrd_coder.services import codebook_changes

        self.access().require_role("splitting a code", ("lead",))
        return codebook_changes.split_code(self, code, into, default, choices)

    def is_empty(self) -> bool:
        """True before the first import."""
        with self.database.reading() as conn:
            return current_codebook_hash(conn) is None

    # -- reading -----------------------------------------------------------------------------

    def status(self) -> ProjectStatus:
        """Counts of everything, plus files that changed or were never imported. While the
        layers are blind, a coder's codings are counted alone (another layer's totals, and
        how many coders there are, are not theirs to see)."""
        with self.database.reading() as conn:
            blind = not read_access(conn, self.viewer).sees_all
            # Unnamed while blind: no layer at all (a coder's name is never None).
            numbers: dict[str, Any] = catalog.counts(
                conn,
                layer_names.CONSENSUS,
                only_coder=(self.viewer,) if blind else None,
                not_a_role=MODEL_ROLE,
            )
            coder_rows = numbers.pop("coder_rows")
            numbers["coders"] = min(numbers["codings"], 1) if blind else coder_rows
            numbers["blind_layer"] = (self.viewer or "") if blind else None
            stored = catalog.versions_by_path(conn)
            hash_now = current_codebook_hash(conn)
        changed, missing = self._disk_differences(stored)
        return ProjectStatus(
            root=str(self.root),
            database=self.database.url.render_as_string(hide_password=True),
            codebook_name=self.codebook_name,
            codebook_hash=self.codebook_hash,
            codebook_changed=hash_now is not None and hash_now != self.codebook_hash,
            changed_on_disk=changed,
            not_imported=missing,
            **numbers,
        )

    def _disk_differences(self, stored: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Compare file bodies with what was imported, without failing on bad files."""
        changed, missing = [], []
        for folder in (CASES_DIR, TRANSCRIPTS_DIR, MEDIA_DIR):
            for path in sorted((self.root / folder).glob("*")):
                if path.suffix.lower() not in (".md", ".txt") or path.name.startswith("."):
                    continue
                shown = relative_to_project(self.root, path)
                if shown not in stored:
                    missing.append(shown)
                    continue
                try:
                    body = split_front_matter(decode(path.read_bytes(), shown), shown).body
                except InvalidInput:
                    changed.append(shown)
                    continue
                if sha256(body) != stored[shown]:
                    changed.append(shown)
        return tuple(changed), tuple(missing)

    def documents(self, kind: str | None = None) -> list[DocumentInfo]:
        """Documents (without text), optionally of one kind, in id order."""
        with self.database.reading() as conn:
            links = catalog.case_links(conn)
            return [
                DocumentInfo(
                    id=r[0],
                    kind=r[1],
                    title=r[2],
                    path=r[3],
                    length=r[4],
                    case_ids=links.get(r[0], ()),
                    metadata=r[5],
                    sha256=r[6],
                )
                for r in catalog.document_list(conn, kind)
            ]

    def document(self, document_id: str) -> DocumentText:
        """One document with its text."""
        with self.database.reading() as conn:
            row = catalog.document_row(conn, document_id)
            if row is None:
                raise versions.no_such_document(document_id)
            cases = catalog.case_links(conn, document_id).get(document_id, ())
        info = DocumentInfo(
            id=row["id"],
            kind=row["kind"],
            title=row["title"],
            path=row["path"],
            length=len(row["text"]),
            case_ids=cases,
            metadata=row["meta"],
            sha256=row["sha256"],
        )
        return DocumentText(info, row["text"])

    def document_version(self, document_id: str) -> str:
        """The version (SHA-256) of a document's stored text: cheap enough to poll, so the
        workbench notices when another shell re-imports the document it shows."""
        with self.database.reading() as conn:
            version = catalog.version_of(conn, document_id)
        if version is None:
            raise versions.no_such_document(document_id)
        return version

    def cases(self) -> list[CaseInfo]:
        """All cases in id order, dates written at their known precision."""
        with self.database.reading() as conn:
            rows = catalog.case_rows(conn)
        return [_case_info(row) for row in rows]

    def codings(
        self,
        *,
        document: str | None = None,
        code: str | None = None,
        coder: str | None = None,
        case: str | None = None,
    ) -> list[CodingRecord]:
        """Codings matching every filter given (and visible to the viewer), in text order."""
        coder = self.access().check_layer(coder)
        with self.database.reading() as conn:
            found = stored.find_codings(conn, document=document, code=code, coder=coder, case=case)
        return [CodingRecord(**row) for row in found]

    def layers(self) -> list[str]:
        """The layers with codings that the viewer may see: coders by name, then consensus."""
        visible = self.access().check_layer(None)
        with self.database.reading() as conn:
            return layer_names.in_layer_order(stored.layers_with_codings(conn, only=visible))

    def code_counts(self, coder: str | None) -> dict[str, tuple[int, int]]:
        """Code id -> (codings by this coder, codings by every coder: no model, no consensus)."""
        return self._counts("code_id", coder)

    def document_counts(self, coder: str | None) -> dict[str, tuple[int, int]]:
        """Document id -> (codings by this coder, by every coder: no model, no consensus)."""
        return self._counts("document_id", coder)

    def _counts(self, by: str, coder: str | None) -> dict[str, tuple[int, int]]:
        own = self.access().visible_layer()  # blind: "everyone" is only the viewer
        with self.database.reading() as conn:
            found = stored.coding_counts(conn, by, only=own)
        counts: dict[str, tuple[int, int]] = {}
        for (key, layer), n in found.items():
            # Everyone means the people: a model's suggestions and the consensus (copies of
            # the people's codings) would read as codings nobody made, or made twice.
            if layer == layer_names.CONSENSUS or is_model_layer(layer):
                continue
            mine, everyone = counts.get(key, (0, 0))
            counts[key] = (mine + (n if layer == coder else 0), everyone + n)
        return counts

    def document_memo(self, document_id: str, coder: str) -> str | None:
        """A coder's memo on a document, if any."""
        coder = self.access().check_layer(coder) or coder
        with self.database.reading() as conn:
            return stored.memo_text(conn, document_id, coder)

    def document_memos(self) -> list[tuple[str, str, str]]:
        """Every memo on a document as (document id, coder, text), in that order."""
        own = self.access().visible_layer()
        with self.database.reading() as conn:
            return stored.memos(conn, only=own)

    # -- coding actions (each saved at once) -------------------------------------------------

    def add_coding(
        self,
        *,
        document: str,
        code: str,
        start: int,
        end: int,
        coder: str,
        case: str | None = None,
        memo: str | None = None,
        version: str | None = None,
    ) -> CodingRecord:
        """Apply a code to [start, end) of a document, saved at once with its event.

        `version` is the SHA-256 of the text the offsets were taken in (the workbench always
        gives it): if the document was re-imported since, StaleDocument is raised and nothing
        is saved. Without it the offsets count in the text stored at the moment of writing."""
        layer_names.check_coder_name(coder)
        self.require_code(code)
        if case is None and self.document_kind(document) == "case_history":
            case = document  # a case history is about its own case unless said otherwise
        self.require_case(case)
        codebook_hash = self.codebook_hash_for_new_codings()
        with self.database.writing() as conn:
            coding = actions.new_coding(
                text=self._text_for_write(conn, document, version),
                document_id=document,
                coder=coder,
                code_id=code,
                start=start,
                end=end,
                case_id=case,
                memo=memo,
                codebook_hash=codebook_hash,
            )
            stored.ensure_coder(conn, coder)
            stored.insert_codings(conn, [coding])
        return coding

    def _text_for_write(self, conn: Any, document_id: str, version: str | None) -> str:
        """The text a write's offsets count in, read in the write's own transaction (the
        document row locked), after refusing a write taken in another version."""
        current = versions.locked_version(conn, document_id)
        versions.require_version(document_id, version, current)
        cached = self._documents.get(document_id)
        if cached is not None and cached.info.sha256 == current:
            return cached.text
        self._documents.pop(document_id, None)  # re-imported elsewhere: our copy is old
        return versions.current_text(conn, document_id)

    def remove_coding(self, coding_id: str, *, coder: str, as_lead: bool = False) -> CodingRecord:
        """Remove a coding of the coder's own layer (kept whole in the event log); another
        coder's only `as_lead`, by a lead or adjudicator, and logged as such."""
        with self.database.writing() as conn:
            coding = self._owned(conn, coding_id, coder, as_lead, "remove")
            stored.delete_coding(conn, coding, coder, as_lead=coding.coder != coder)
        return coding

    def _owned(
        self, conn: Any, coding_id: str, actor: str, as_lead: bool, verb: str
    ) -> CodingRecord:
        """The coding, if `actor` may change it: layers belong to their coders."""
        coding = actions.fetch_coding(conn, coding_id)
        if coding.coder == actor:
            return coding
        access = access_rules.read_access(conn, actor)  # the actor's role, not the viewer's
        if not access.sees_all:  # blind: another layer's id answers as if it did not exist
            raise ProjectError(actions.no_such_coding(coding_id))
        if not as_lead:
            raise ProjectError(
                f"coding '{coding_id}' is in {coding.coder}'s layer, not {actor}'s: only its "
                f"coder may {verb} it; a lead or adjudicator can, with --as-lead (logged)"
            )
        access.require_role(f"changing {coding.coder}'s codings", ("lead", "adjudicator"))
        return coding

    def update_coding(
        self,
        coding_id: str,
        *,
        coder: str,
        as_lead: bool = False,
        version: str | None = None,
        **changes: Any,
    ) -> CodingRecord:
        """Move a boundary, change the code, the case or the memo of one of the coder's own
        codings (another coder's only `as_lead`, as for removing). `version` as for
        `add_coding`: the text the new boundaries were taken in."""
        allowed = {"start", "end", "code_id", "case_id", "memo"}
        if unknown := set(changes) - allowed:
            raise ProjectError(f"cannot change {', '.join(sorted(unknown))} of a coding")
        if "code_id" in changes:
            self.require_code(changes["code_id"])
        if changes.get("case_id"):
            self.require_case(changes["case_id"])
        with self.database.writing() as conn:
            before = self._owned(conn, coding_id, coder, as_lead, "change")
            text = self._text_for_write(conn, before.document_id, version)
            return actions.change_coding(conn, before, text, coder, changes)

    def set_document_memo(self, document: str, *, coder: str, text: str) -> None:
        """Write (or clear, with empty text) a coder's memo on a document."""
        layer_names.check_coder_name(coder)
        self.text_of(document)
        with self.database.writing() as conn:
            stored.ensure_coder(conn, coder)
            stored.save_document_memo(conn, document, coder, text)

    def load_codings(self, path: str | Path, *, mark_done: bool = False) -> LoadReport:
        """Add codings from a CSV table (see docs/codings-file.md); idempotent. With
        `mark_done`, every coder's documents in the table are marked done by them."""
        from hrd_coder.services.codings_file import load_codings

        return load_codings(self, Path(path), mark_done)

    def undo(self, coder: str) -> history.HistoryStep:
        """Undo the coder's latest coding action not yet undone (see docs/storage.md)."""
        from hrd_coder.services import history

        layer_names.check_coder_name(coder)
        with self.database.writing() as conn:
            return history.undo(conn, coder)

    def redo(self, coder: str) -> history.HistoryStep:
        """Redo the coder's latest undone coding action."""
        from hrd_coder.services import history

        layer_names.check_coder_name(coder)
        with self.database.writing() as conn:
            return history.redo(conn, coder)

    # -- orphaned codings (the review list after re-anchoring) -------------------------------

    def orphaned_codings(self, document: str | None = None) -> list[OrphanRecord]:
        """Codings whose text is gone from a changed document, waiting to be re-placed."""
        with self.database.reading() as conn:
            return reanchoring.orphans(conn, document)

    def orphaned_codings_of(self, coder: str) -> list[OrphanRecord]:
        """One coder's orphaned codings (their layer only, as coding is blind)."""
        return [o for o in self.orphaned_codings() if o.coder == coder]

    def replace_orphan(self, coding_id: str, *, start: int, end: int, coder: str) -> CodingRecord:
        """Restore an orphaned coding (same id) at [start, end) of its document's text now."""
        layer_names.check_coder_name(coder)
        with self.database.writing() as conn:
            stored.ensure_coder(conn, coder)
            return reanchoring.replace_orphan(conn, coding_id, start, end, coder)

    def discard_orphan(self, coding_id: str, *, coder: str) -> OrphanRecord:
        """Drop an orphaned coding from the review list (the event log keeps it whole)."""
        layer_names.check_coder_name(coder)
        with self.database.writing() as conn:
            stored.ensure_coder(conn, coder)
            return reanchoring.discard_orphan(conn, coding_id, coder)

    # -- who coded what (see services/coverage.py) -------------------------------------------

    def coverage(self) -> Coverage:
        """Per coder: documents assigned, marked done and coded, and the rule in force."""
        with self.database.reading() as conn:
            return coverage_rules.read_coverage(conn)

    def mark_done(self, documents: list[str], *, coder: str, undo: bool = False) -> list[str]:
        """Mark documents done by a coder (undo: not done); return those that changed."""
        self.access().check_layer(coder)
        with self.database.writing() as conn:
            stored.ensure_coder(conn, coder)
            return coverage_rules.mark_done(conn, coder, documents, undo=undo)

    def assign(self, coder: str, documents: list[str], *, undo: bool = False) -> list[str]:
        """Give documents to a coder to code (undo: take them back); leads only."""
        self.access().require_role("assigning documents", ("lead",))
        with self.database.writing() as conn:
            return coverage_rules.assign(conn, coder, documents, self.viewer, undo=undo)

    def set_coverage_rule(self, rule: str) -> str:
        """`done` or `any_coding` for the whole project; return the old rule; leads only."""
        self.access().require_role("changing the coverage rule", ("lead",))
        with self.database.writing() as conn:
            return coverage_rules.set_coverage_rule(conn, rule, self.viewer)

    # -- agreement and adjudication ----------------------------------------------------------

    def agreement(self, request: AgreementRequest) -> list[AgreementRow]:
        """Agreement between coders, per code (or group, pooled, document, coder pair)."""
        self.access().require_all_layers("agreement")
        from hrd_coder.services.agreement import agreement_rows

        return agreement_rows(self, request)

    def disagreements(
        self, codes: tuple[str, ...] = (), documents: tuple[str, ...] = ()
    ) -> list[Disagreement]:
        """The adjudication queue: units where coders differ on a code, decided or not."""
        from hrd_coder.services import adjudication

        self.access().require_role("adjudication")
        return adjudication.disagreements(self, codes, documents)

    def decide(
        self, item: Disagreement | str, choice: str, *, reason: str = "", adjudicator: str
    ) -> Mark:
        """Settle one disagreement (an item or its id); the consensus is rebuilt at once.
        Returns what the consensus now holds in the unit."""
        return self.decide_many([(item, choice, reason)], adjudicator=adjudicator)[0]

    def decide_many(
        self,
        decisions: list[tuple[Disagreement | str, str, str]],
        *,
        adjudicator: str,
        boundaries: Sequence[tuple[Boundary, str, str]] = (),
    ) -> list[Mark]:
        """Settle several disagreements (item, choice, reason) and boundaries at once, all
        or nothing; return what the consensus holds in each unit item."""
        from hrd_coder.services import adjudication
        from hrd_coder.services.boundaries import pending

        self.access().require_role("adjudication")
        layer_names.check_coder_name(adjudicator)
        queue: list[Disagreement] | None = None
        found = []
        for item, choice, reason in decisions:
            if isinstance(item, str):
                queue = queue if queue is not None else adjudication.disagreements(self)
                item = adjudication.find(queue, item)
            found.append((item, choice, reason))
        on_boundaries = [
            pending(b, choice, reason, adjudicator) for b, choice, reason in boundaries
        ]
        made = adjudication.decide_many(self, found, adjudicator, on_boundaries)
        return [made[item.key] for item, _, _ in found]

    def boundary_disagreements(
        self, codes: tuple[str, ...] = (), documents: tuple[str, ...] = ()
    ) -> list[Boundary]:
        """The boundary queue: passages every coder gave a code, each with another extent."""
        from hrd_coder.services.boundaries import boundary_disagreements

        self.access().require_role("adjudication")
        return boundary_disagreements(self, codes, documents)

    def find_boundary(self, wanted: str) -> Boundary | None:
        """The boundary in the queue with this id (or a unique prefix); None if none."""
        from hrd_coder.services.boundaries import find_boundary

        return find_boundary(self.boundary_disagreements(), wanted)

    @staticmethod
    def resolve_boundary_choice(item: Boundary, choice: str) -> str:
        """A boundary choice in full: a coder (name or letter), union, intersection or
        START-END inside the boundary's stretch."""
        from hrd_coder.services.boundaries import resolve_choice

        return resolve_choice(item, choice)

    def decide_boundary(
        self, item: Boundary, choice: str, *, reason: str = "", adjudicator: str
    ) -> tuple[int, int]:
        """Settle one boundary; the consensus is rebuilt at once. Returns the extent the
        consensus now holds there (cut at the consensus units, as every consensus coding)."""
        from hrd_coder.services.boundaries import extent_chosen

        extent = extent_chosen(item, choice)
        self.decide_many([], adjudicator=adjudicator, boundaries=[(item, choice, reason)])
        return extent

    def consensus_status(self) -> ConsensusStatus:
        """Per code: units agreed, single-coded, decided, reopened, undecided and stale."""
        from hrd_coder.services import consensus

        self.access().require_all_layers("the consensus status")
        return consensus.status_of(self, consensus.plan(self))

    def rebuild_consensus(self, *, by: str | None, unit: str | None = None) -> ConsensusStatus:
        """Rebuild the consensus layer from the layers and decisions (optionally on another
        unit kind); return its status afterwards."""
        from hrd_coder.services import consensus

        self.access().require_role("rebuilding the consensus")
        if unit is not None:
            with self.database.writing() as conn:
                consensus.set_consensus_unit(conn, unit, by)
        consensus.rebuild(self, by)
        return consensus.status_of(self, consensus.plan(self))

    def check_consensus(
        self,
        layer: str | None,
        *,
        allow_incomplete: bool,
        design: str | None = None,
        inputs: AnalysisInputs | None = None,
    ) -> list[str]:
        """Refuse (or, when allowed, warn about) an analysis of an incomplete consensus
        layer; return the warning lines (empty when complete or another layer is read).
        With a design, only when its model reads codings (`inputs`: see analysis_inputs)."""
        from hrd_coder.services import analysis
        from hrd_coder.services.consensus import incomplete_message

        if layer not in (None, layer_names.CONSENSUS):
            return []
        if (
            design is not None
            and layer is None
            and not analysis.reads_codings(inputs or self.analysis_inputs(), design)
        ):
            return []
        status = self.consensus_status()
        if status.complete:
            return []
        if not allow_incomplete:
            raise ProjectError(incomplete_message(status))
        return [incomplete_message(status, warning=True)]

    def assign_sample(
        self, coder: str, share: float, seed: int, kind: str | None = None
    ) -> SampleDrawn:
        """Give a coder a reproducible random share of documents to double-code."""
        self.access().require_role("assigning a double-coding sample", ("lead",))
        from hrd_coder.services.samples import assign_sample

        return assign_sample(self, coder, share, seed, kind)

    def assignments(self, coder: str | None = None) -> list[AssignmentRecord]:
        """The documents assigned to each coder (with blind coding on, a coder sees their own)."""
        from hrd_coder.services.samples import list_assignments

        return list_assignments(self, self.access().check_layer(coder))

    def clear_sample(self, coder: str) -> list[AssignmentRecord]:
        """Take a coder's assigned documents back (their codings stay); return what was."""
        self.access().require_role("clearing a double-coding sample", ("lead",))
        from hrd_coder.services.samples import clear_assignments

        return clear_assignments(self, coder)

    # -- analysis (see docs/analysis.md) -----------------------------------------------------

    def analysis_inputs(self) -> AnalysisInputs:
        """The inputs of one analysis request (analysis.yaml, the cases, the media items),
        each read on first use: pass it to every call of the request (`inputs=`) so that
        none is read twice. Open a new one for the next request."""
        from hrd_coder.services.analysis_inputs import AnalysisInputs

        return AnalysisInputs(self)

    def case_variables(
        self, layer: str | None = None, *, allow_unvalidated: bool = False
    ) -> CaseVariables:
        """One row per case: attributes and code variables from one layer (default consensus);
        a model layer's unvalidated codes are refused unless `allow_unvalidated`."""
        from hrd_coder.services import analysis

        if not allow_unvalidated:
            self.check_model_layer(layer, "cases")
        return analysis.case_variables(self.analysis_inputs(), layer)

    def explain(self, case_id: str, variable: str, layer: str | None = None) -> Explanation:
        """The codings behind one case variable's value for one case."""
        from hrd_coder.services import analysis

        return analysis.explain(self.analysis_inputs(), case_id, variable, layer)

    def analysis_plan(self, *, inputs: AnalysisInputs | None = None) -> AnalysisPlan:
        """The designs of analysis.yaml, checked."""
        return (inputs or self.analysis_inputs()).plan

    def analyze(
        self,
        design: str,
        layer: str | None = None,
        out: str | Path | None = None,
        released_by: float | None = None,
        *,
        inputs: AnalysisInputs | None = None,
        allow_unvalidated: bool = False,
    ) -> DesignReport:
        """Kaplan–Meier, log-rank, Cox and PH checks for one design; the figure into `out`.
        A model layer's unvalidated codes are refused unless `allow_unvalidated`."""
        from hrd_coder.services import analysis

        if not allow_unvalidated:
            self.check_model_layer(layer, "report", design=design)
        run = self._statistics.call if self._statistics else None
        return analysis.analyze(
            inputs or self.analysis_inputs(), design, layer, out, released_by, run
        )

    def analyze_by_layer(
        self,
        design: str,
        released_by: float | None = None,
        *,
        allow_unvalidated: bool = False,
        allow_incomplete: bool = False,
    ) -> LayerComparison:
        """The design's Cox model fitted once per layer (each coder, consensus, each machine
        coder's), side by side, each with its E-values and, with `released_by` (days), the
        robustness values. A model layer whose codes are not validated as usable is listed
        as refused unless `allow_unvalidated` (then fitted, and logged); so is an
        incomplete consensus unless `allow_incomplete` (then fitted, with a warning)."""
        from hrd_coder.services import layer_comparison

        self.access().require_all_layers("a report by layer")
        return layer_comparison.analyze_by_layer(
            self.analysis_inputs(), design, released_by, allow_unvalidated, allow_incomplete
        )

    def coder_robustness(
        self,
        design: str,
        draws: int = 200,
        seed: int = 0,
        released_by: float | None = None,
        *,
        allow_unvalidated: bool = False,
        allow_incomplete: bool = False,
    ) -> CoderRobustness:
        """The design's featured effect on every layer (each coder, consensus, each machine
        coder's, refused as in `analyze_by_layer`) with its sensitivity, and the bootstrap
        over which human coder's version of each case enters the case table."""
        from hrd_coder.services import layer_comparison

        self.access().require_all_layers("a report of robustness to coders")
        return layer_comparison.coder_robustness(
            self.analysis_inputs(),
            design,
            draws,
            seed,
            released_by,
            allow_unvalidated,
            allow_incomplete,
        )

    def corrected_released_by(
        self, design: str, layer: str, t: float, coder: str
    ) -> CorrectedModel:
        """The released-by-t model on a machine coder's layer, naive and corrected (DSL)
        with the random sample `coder` coded."""
        from hrd_coder.services.model_corrections import corrected_released_by

        self.access().require_all_layers("a correction with a human sample")
        return corrected_released_by(self.analysis_inputs(), design, layer, t, coder)

    def export_cases(
        self,
        fmt: str,
        layer: str | None = None,
        out: str | Path | None = None,
        raw_cells: bool = False,
        *,
        allow_unvalidated: bool = False,
    ) -> tuple[Path, Path]:
        """Write the case table with the designs' outcomes, and its data dictionary (csv
        cells a spreadsheet would run as formulas are neutralised unless `raw_cells`). A
        model layer's unvalidated codes are refused unless `allow_unvalidated`."""
        from hrd_coder.services import analysis

        if not allow_unvalidated:
            self.check_model_layer(layer, "cases")
        return analysis.export_cases(self.analysis_inputs(), fmt, layer, out, raw_cells)

    def export_table(
        self,
        table: str,
        fmt: str,
        out: str | Path | None = None,
        *,
        allow_unvalidated: bool = False,
        **options: Any,
    ) -> Path:
        """Write the codings, code x case matrix or code co-occurrence table to a file (a
        model layer's matrix or co-occurrence only once its codes are validated, unless
        `allow_unvalidated`)."""
        from hrd_coder.services.coding_exports import export_table

        if table != "codings" and not allow_unvalidated:
            self.check_model_layer(options.get("layer"), table)
        return export_table(self, table, fmt, out, **options)

    # -- front-end doors ---------------------------------------------------------------------
    # What tui/, cli/ and api.py need beyond the use cases above, so that they import only this
    # class, the records (services/records.py) and the problems. Each imports its module on
    # first use: `hrd-coder status` must not load pandas, numpy or the statistics stack.

    CONSENSUS: ClassVar[str] = layer_names.CONSENSUS
    """The consensus layer's name (no person may code under it)."""

    @staticmethod
    def check_coder_name(name: str) -> str:
        """The name, if a coder may use it: plain (it goes into file names) and not the
        consensus layer's."""
        return layer_names.check_coder_name(name)

    @staticmethod
    def coverage_warnings(coverage: Coverage, coders: Iterable[str] = ()) -> list[str]:
        """One note per coder whose work agreement cannot count yet, saying what to do."""
        return coverage_rules.coverage_warnings(coverage, coders)

    @staticmethod
    def statistic_range(statistic: str) -> tuple[float, float]:
        """The values an agreement statistic can take (its intervals are clipped to them)."""
        from hrd_coder.agreement import value_range

        return value_range(statistic)

    def unitizing_agreement(
        self,
        coders: tuple[str, ...] = (),
        codes: tuple[str, ...] = (),
        documents: tuple[str, ...] = (),
        bootstrap: int = 1000,
        seed: int = 0,
    ) -> UnitizingAgreement:
        """Agreement on where each code is: alpha_U per code and pooled and the u-alpha
        family, each document's text a continuum, over the documents all coders covered."""
        from hrd_coder.services.unitizing import unitizing_agreement

        self.access().require_all_layers("agreement")
        return unitizing_agreement(self, coders, codes, documents, bootstrap, seed)

    def unitizing_by_document(
        self,
        coders: tuple[str, ...] = (),
        codes: tuple[str, ...] = (),
        documents: tuple[str, ...] = (),
    ) -> tuple[list[DocumentUnitizing], tuple[str, ...]]:
        """Unitizing agreement document by document: a row per document (all codes) and
        per code marked in it, and the notes; over the documents all coders covered."""
        from hrd_coder.services.unitizing import unitizing_by_document

        self.access().require_all_layers("agreement")
        return unitizing_by_document(self, coders, codes, documents)

    def find_disagreement(self, wanted: str) -> Disagreement:
        """The disagreement in the adjudication queue with this id (or a unique prefix)."""
        from hrd_coder.services import adjudication

        return adjudication.find(self.disagreements(), wanted)

    @staticmethod
    def resolve_choice(item: Disagreement, choice: str) -> str:
        """An adjudicator's choice in full: `a`/`b`/… become the first/second/… coder's name;
        a coder's name, union, intersection or neither stay as they are."""
        from hrd_coder.services.decisions_file import resolve_choice

        return resolve_choice(item, choice)

    def decide_from_file(self, path: Path, *, adjudicator: str) -> int:
        """Settle the disagreements a CSV lists (item, choice, reason), all or nothing;
        return how many."""
        from hrd_coder.services.decisions_file import decide_from_file

        return decide_from_file(self, path, adjudicator)

    @staticmethod
    def adjudication_progress(items: Sequence[Disagreement]) -> tuple[int, int]:
        """(decided, total) for an adjudication queue (a reopened item is not decided)."""
        from hrd_coder.services.adjudication import progress

        return progress(items)

    @staticmethod
    def read_split_choices(path: Path) -> dict[str, str]:
        """Coding id -> new code, from the CSV a researcher filled in to split a code."""
        from hrd_coder.services.split_choices import read_split_choices

        return read_split_choices(path)

    @staticmethod
    def coding_rows(
        codings: Iterable[CodingRecord], *, with_quotes: bool = False
    ) -> list[dict[str, Any]]:
        """Codings as flat rows, as `codings list` shows them; quotes only when asked."""
        from hrd_coder.services.codings_file import coding_rows

        return coding_rows(codings, with_quotes=with_quotes)

    @staticmethod
    def write_codings_csv(
        rows: list[dict[str, Any]],
        stream: IO[str],
        *,
        with_quotes: bool = False,
        raw_cells: bool = False,
    ) -> None:
        """Coding rows as the CSV `codings load` reads back (spreadsheet formulas
        neutralised unless `raw_cells`)."""
        from hrd_coder.services.codings_file import write_csv

        write_csv(rows, stream, with_quotes=with_quotes, raw_cells=raw_cells)

    @staticmethod
    def log_filter(
        *,
        coder: str | None = None,
        document: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> LogFilter:
        """Which events of the log to show; `since` and `until` are dates (2026-03-01) or
        moments (2026-03-01T14:00), and a date `until` takes in the whole day."""
        from hrd_coder.services.audit import LogFilter, parse_moment

        return LogFilter(
            coder=coder,
            document=document,
            action=action,
            since=parse_moment(since) if since else None,
            until=parse_moment(until, end_of_day=True) if until else None,
        )

    def event_log(self, wanted: LogFilter) -> list[LogEntry]:
        """The events matching `wanted` that the viewer may see, oldest first."""
        from hrd_coder.services.audit import event_log

        return event_log(self, wanted)

    @staticmethod
    def write_log(
        entries: list[LogEntry], path: Path, fmt: str, *, raw_cells: bool = False
    ) -> Path:
        """Write log entries to a CSV or JSON file, whole or not at all."""
        from hrd_coder.services.audit import write_log

        return write_log(entries, path, fmt, raw_cells=raw_cells)

    def merge_database(self, other: str, *, dry_run: bool = False) -> MergeReport:
        """Merge a copy's database (a file or URL) into this one, all or nothing; leads only."""
        from hrd_coder.services.merging import merge_database

        return merge_database(self, other, dry_run=dry_run)

    def export_qdc(self, out: str | Path | None = None) -> ExportOutcome:
        """Write the codebook as a REFI-QDA `.qdc` file (whole, or not at all)."""
        from hrd_coder.services.exchange import export_qdc

        return export_qdc(self, out)

    def export_qdpx(self, out: str | Path | None = None) -> ExportOutcome:
        """Write the whole project as a REFI-QDA `.qdpx` archive (whole, or not at all)."""
        from hrd_coder.services.exchange import export_qdpx

        return export_qdpx(self, out)

    def import_qdc(self, path: str | Path, *, max_bytes: int | None = None) -> ExchangeOutcome:
        """Append the codes of a REFI-QDA `.qdc` file to this project's codebook."""
        from hrd_coder.services.exchange import archive_limits, import_qdc

        return import_qdc(path, project=self, limits=archive_limits(max_bytes))

    def import_qdpx(self, path: str | Path, **options: Any) -> ExchangeOutcome:
        """Merge a REFI-QDA `.qdpx` into this project; `options` as `new_from_qdpx`."""
        from hrd_coder.services.exchange import import_qdpx

        return import_qdpx(path, project=self, **_archive_options(**options))

    @staticmethod
    def new_from_qdc(
        path: str | Path,
        into: str | Path,
        *,
        db_url: str | None = None,
        max_bytes: int | None = None,
    ) -> ExchangeOutcome:
        """A new project folder `into` holding the codes of a REFI-QDA `.qdc` file."""
        from hrd_coder.services.exchange import archive_limits, import_qdc

        return import_qdc(path, into=into, db_url=db_url, limits=archive_limits(max_bytes))

    @staticmethod
    def new_from_qdpx(
        path: str | Path, into: str | Path, *, db_url: str | None = None, **options: Any
    ) -> ExchangeOutcome:
        """A new project folder `into` from a REFI-QDA `.qdpx`. Options: `max_bytes`,
        `max_entries`, `max_ratio` (the archive limits) and `base` (the only folder
        relative:// texts are read from; default the file's folder)."""
        from hrd_coder.services.exchange import import_qdpx

        return import_qdpx(path, into=into, db_url=db_url, **_archive_options(**options))

    def import_media(
        self, path: Path, *, dry_run: bool = False, allow_outside: Iterable[Path] = ()
    ) -> ArticleImport:
        """Write media/ID.md for each new article of a CSV list, then import the project."""
        from hrd_coder.services.media_import import import_articles

        return import_articles(self, path, dry_run=dry_run, allow_outside=allow_outside)

    def media_timeline(self, case_id: str) -> CoverageTimeline:
        """The media items mentioning one case, week by week, with its key dates."""
        from hrd_coder.services.media import timeline

        return timeline(self.analysis_inputs(), case_id)

    def media_by_case(self) -> dict[str, tuple[int, dt.date]]:
        """Case id -> (media items mentioning it, the first one's date), for cases with any."""
        from hrd_coder.services.media import coverage_by_case

        return coverage_by_case(self)

    def load_statistics(self) -> None:
        """Import what results need ahead of need (the workbench does it in the background,
        so that the first results do not wait for the imports): with a statistics process
        in use, only what this process needs besides it."""
        from hrd_coder.services import statistics

        if self._statistics:
            statistics.load_statistics(statistics.RESULTS_MODULES)
        else:
            statistics.load_statistics()

    @staticmethod
    def start_statistics() -> ChildProcess:
        """A child process that imports the statistics stack now, on another core; hand it
        to `use_statistics` and `analyze` fits its models there. Close it when done (a
        child whose parent dies ends too)."""
        from hrd_coder.services.statistics import start_statistics

        return start_statistics()

    def use_statistics(self, process: ChildProcess | None) -> None:
        """Fit `analyze`'s models in `process` (from `start_statistics`), or here if None."""
        self._statistics = process

    def survival_table(self, design: str, layer: str | None = None) -> pd.DataFrame:
        """One row per case in the design: id, origin, end, days, released, covariates."""
        from hrd_coder.services.analysis import design_table

        return design_table(self.analysis_inputs(), design, layer)[1]

    def codings_frame(self, layer: str | None = None, with_quotes: bool = False) -> pd.DataFrame:
        """Every coding (of one layer, if given) as a row; quotes and memos only if asked."""
        from hrd_coder.services.coding_exports import codings_frame

        return codings_frame(self, layer, with_quotes)

    def matrix_frame(self, layer: str | None = None) -> pd.DataFrame:
        """Code x case counts of one layer's codings tied to cases (default consensus)."""
        from hrd_coder.services.coding_exports import matrix_frame

        return matrix_frame(self, layer)

    def cooccurrence_frame(self, layer: str | None = None, unit: str = "sentence") -> pd.DataFrame:
        """Code x code co-occurrence of one layer's codings, by unit or overlapping codings."""
        from hrd_coder.services.coding_exports import cooccurrence_frame

        return cooccurrence_frame(self, layer, unit)

    # -- machine coder -----------------------------------------------------------------------
    # Suggestions go to their own layer `model:<run>` and are validated against a human layer
    # before use (docs/machine-coding.md). scikit-learn loads only inside these calls.

    def suggest(
        self,
        *,
        backend: str = "classifier",
        train: str | None = None,
        unit: str = "sentence",
        documents: Sequence[str] = (),
        codes: Sequence[str] = (),
        seed: int = 0,
        model_dir: str | Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        **llm: Any,
    ) -> SuggestRun:
        """Train a machine coder on a human layer (default consensus) and store its
        suggestions in a new layer `model:<run>`; the run is recorded in the event log.
        `model_dir`: the folder of the `embedding` backend's model2vec model. The llm
        backend takes `model` (a GGUF file) or `ollama` (a model name), with `host` and
        `allow_remote` (docs/machine-coding.md), and calls `progress(done, total)` after
        each unit it asked about."""
        from dataclasses import replace

        from hrd_coder.services.suggestions import run_suggestions

        request = self._suggest_request(backend, train, unit, documents, codes, seed, llm)
        if model_dir is not None:
            request = replace(request, model_dir=str(model_dir))
        return run_suggestions(self, request, progress)

    def replicate_suggestions(
        self,
        times: int,
        *,
        backend: str = "llm",
        unit: str = "sentence",
        documents: Sequence[str] = (),
        codes: Sequence[str] = (),
        seed: int = 0,
        progress: Callable[[int, int], None] | None = None,
        **llm: Any,
    ) -> Replication:
        """An llm run repeated `times` times with seeds seed, seed+1, ..., each its own
        layer, and per code Krippendorff's alpha across the runs."""
        from hrd_coder.services.suggestions_llm import replicate_llm

        if backend != "llm":
            raise ProjectError(
                f"--replicate repeats an llm run (a {backend} run with the same seed gives the "
                "same suggestions): use it with --backend llm"
            )
        request = self._suggest_request(backend, None, unit, documents, codes, seed, llm)
        return replicate_llm(self, request, times, progress)

    def _suggest_request(
        self,
        backend: str,
        train: str | None,
        unit: str,
        documents: Sequence[str],
        codes: Sequence[str],
        seed: int,
        llm: dict[str, Any],
    ) -> SuggestRequest:
        from hrd_coder.machine.llm_clients import DEFAULT_HOST, LlmSource
        from hrd_coder.services.suggestions import SuggestRequest

        unknown = set(llm) - {"model", "ollama", "host", "allow_remote"}
        if unknown:
            raise TypeError(f"suggest() got unexpected keyword arguments {sorted(unknown)}")
        source = None
        if any(llm.values()):
            source = LlmSource(
                model_file=str(llm["model"]) if llm.get("model") else None,
                ollama=llm.get("ollama"),
                host=llm.get("host") or DEFAULT_HOST,
                allow_remote=bool(llm.get("allow_remote")),
            )
        return SuggestRequest(
            backend,
            train or self.CONSENSUS,
            unit,
            tuple(documents),
            tuple(codes),
            seed,
            llm=source,
        )

    def suggestion_runs(self) -> list[SuggestRun]:
        """Every machine coder run recorded, oldest first."""
        from hrd_coder.services.suggestions import list_runs

        return list_runs(self)

    def validate_suggestions(
        self, run: str, *, folds: int = 5, bootstrap: int = 1000, reference: str | None = None
    ) -> Validation:
        """Per code, cross-validated agreement between a run's classifier and its training
        layer (an llm run: agreement with `reference`, default consensus, on the documents
        it covers), beside a shuffled baseline, with the verdicts used for humans."""
        from hrd_coder.services.suggestion_validation import validate_run

        return validate_run(self, run, folds, bootstrap, reference)

    @staticmethod
    def methods_paragraph(validation: Validation) -> str:
        """How the suggestions were made and checked, in words for a paper."""
        from hrd_coder.services.suggestion_validation import methods_paragraph

        return methods_paragraph(validation)

    @staticmethod
    def is_model_layer(layer: str | None) -> bool:
        """True for a machine coder's layer (`model:<run>`)."""
        return is_model_layer(layer)

    def pending_suggestions(
        self,
        reviewer: str,
        *,
        document: str | None = None,
        run: str | None = None,
        order: str = "confidence",
    ) -> tuple[SuggestRun, list[Suggestion]]:
        """The run (the latest the viewer may see, unless named) and its suggestions that
        the reviewer has not decided, by confidence (highest first) or by code."""
        from hrd_coder.services.suggestion_review import pending_suggestions

        return pending_suggestions(self, reviewer, document=document, run=run, order=order)

    def accept_suggestion(
        self,
        suggestion: str,
        *,
        coder: str,
        start: int | None = None,
        end: int | None = None,
        version: str | None = None,
    ) -> CodingRecord:
        """Make a suggestion the coder's own coding (at an adjusted span, if given), with an
        event naming the run and the suggestion; both saved at once, or neither."""
        from hrd_coder.services.suggestion_review import Decision, decide

        decision = Decision(suggestion, True, start, end, version=version)
        return decide(self, coder, [decision])[0]

    def reject_suggestion(self, suggestion: str, *, coder: str, reason: str = "") -> None:
        """Record that the coder rejected a suggestion: it is not offered to them again."""
        from hrd_coder.services.suggestion_review import Decision, decide

        decide(self, coder, [Decision(suggestion, False, reason=reason)])

    def review_suggestions_from_csv(self, run: str, path: Path, *, coder: str) -> ReviewOutcome:
        """Accept or reject a run's suggestions as a CSV lists them (suggestion, decision,
        reason), every row checked first: all or nothing."""
        from hrd_coder.services.suggestion_review_file import review_from_file

        return review_from_file(self, run, Path(path), coder)

    def suggestion_review_counts(self, run: str) -> dict[str, ReviewCount]:
        """Per code of a run, its suggestions accepted, adjusted and rejected in review."""
        from hrd_coder.services.suggestion_review import review_counts

        return review_counts(self, run)

    def check_model_layer(
        self,
        layer: str | None,
        what: str,
        *,
        design: str | None = None,
        allow_unvalidated: bool = False,
    ) -> list[str]:
        """Refuse an export (`what`: cases, matrix, cooccurrence) or a report of a model
        layer that reads a code its run's validation did not find usable; when allowed,
        log it and return the warning lines (empty for any other layer)."""
        from hrd_coder.services.model_use import check_model_layer

        return check_model_layer(
            self, layer, what, design=design, allow_unvalidated=allow_unvalidated
        )

    # -- helpers -----------------------------------------------------------------------------

    def text_of(self, document_id: str) -> str:
        """Document text, cached: it only changes through an import, which clears the cache."""
        if document_id not in self._documents:
            self._documents[document_id] = self.document(document_id)
        return self._documents[document_id].text

    def document_kind(self, document_id: str) -> str:
        """'transcript' or 'case_history'."""
        self.text_of(document_id)
        return self._documents[document_id].info.kind

    def require_code(self, code_id: str) -> None:
        """Raise ProjectError unless the codebook has this code."""
        if self._codebook is None:  # unchanged since its import: its codes are the table's
            with self.database.reading() as conn:
                known = code_id in catalog.ids(conn, "code")
        else:
            known = self.codebook.code(code_id) is not None
        if not known:
            raise ProjectError(
                f"there is no code '{code_id}' in the codebook: see "
                "'hrd-coder codebook check' for the list of codes"
            )

    def require_case(self, case_id: str | None) -> None:
        """Raise ProjectError unless the case exists (None is always fine)."""
        if case_id is None:
            return
        if self._case_ids is None or case_id not in self._case_ids:
            # Cases change only through an import (which clears this), so ask once.
            with self.database.reading() as conn:
                self._case_ids = catalog.ids(conn, "case")
        if case_id not in self._case_ids:
            raise ProjectError(f"there is no case '{case_id}': check the id in cases/")

    def codebook_hash_for_new_codings(self) -> str:
        """The imported codebook's hash; refuse if codebook.yaml changed since the import."""
        if self._imported_hash is None:
            with self.database.reading() as conn:
                self._imported_hash = current_codebook_hash(conn)
        imported = self._imported_hash
        if imported != self.codebook_hash:
            raise ProjectError(
                "codebook.yaml changed since the last import: run "
                "'hrd-coder import' first so codings record the right version"
            )
        return imported


def _archive_options(
    max_bytes: int | None = None,
    max_entries: int | None = None,
    max_ratio: int | None = None,
    base: str | Path | None = None,
) -> dict[str, Any]:
    """The REFI-QDA archive limits a researcher may change, and the folder relative://
    texts come from, as the exchange service takes them."""
    from hrd_coder.services.exchange import archive_limits

    return {"limits": archive_limits(max_bytes, max_entries, max_ratio), "base": base}


def _case_info(row: Any) -> CaseInfo:
    from hrd_coder.sources.dates import PartialDate  # pydantic-core: not for every command

    def written(name: str) -> str | None:
        value = row[f"{name}_on"]
        return str(PartialDate(value, row[f"{name}_precision"])) if value else None

    return CaseInfo(
        id=row["id"],
        name=row["name"],
        country=row["country"],
        groups=tuple(row["groups"]),
        detained_on=written("detained") or "",
        featured_on=written("featured"),
        released_on=written("released"),
        release_type=row["release_type"],
        censored_on=written("censored"),
        sources=tuple(row["sources"]),
        covariates=dict(row["covariates"]),
    )
