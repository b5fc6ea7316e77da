"""The terminal app: opens a project, makes sure we know who is coding, shows the
coding screen. Kept small on purpose: features live on screens.

Who is coding: the name given for this run (--coder, $HRD_CODER_CODER), else the name
remembered for the project, else the first-run prompt's answer, which alone is remembered.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from hrd_coder.problems import InvalidInput, ProjectError
from hrd_coder.safe_text import safe_text
from hrd_coder.services import Project
from hrd_coder.settings import load_keymap, remember_coder, remembered_coder
from hrd_coder.tui.key_hold import KeyHold
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.analysis.child_process import ChildProcess


class CoderApp(App):
    """hrd-coder: code interviews and case histories against the codebook."""

    TITLE = "hrd-coder"

    # Notifications sit above the status line and the footer, never over them.
    CSS = "ToastRack { margin-bottom: 3; }"  # above a status line of up to 2 rows and the footer

    def __init__(
        self,
        project_root: Path | None = None,
        db_url: str | None = None,
        coder: str | None = None,
        statistics: ChildProcess | None = None,
    ) -> None:
        """`statistics`: a process from `Project.start_statistics()` (the app ends it when
        it quits); without one, the app starts its own as it opens the project."""
        super().__init__()
        self.project_root = project_root
        self.db_url = db_url
        self.coder = coder
        self.project: Project | None = None
        self.statistics = statistics
        """The child process fitting the results screen's models, started at launch."""
        self._keymap: dict[str, str] = {}
        self._database_gone = False
        self.key_hold = KeyHold()

    async def on_event(self, event: events.Event) -> None:
        """A key typed while held keys wait to be sent on queues behind them."""
        if isinstance(event, events.Key) and not event.is_forwarded and self.key_hold.takes(event):
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        """Open the project in the background (the first open also imports it)."""
        self.open_project()

    @work(thread=True, exclusive=True, group="open")
    def open_project(self) -> None:
        """Open, import on first use, read the keys file; report problems on a screen."""
        if self.statistics is None:
            # First of all: the statistics stack (~1.2 s of imports) loads in a child on the
            # other core while this one opens the project and paints the first document, so
            # F7 pressed at once does not wait for it (benchmarks/bench_results.py).
            self.statistics = Project.start_statistics()
        try:
            project = Project.open(self.project_root, self.db_url)
            imported = project.import_files() if project.is_empty() else None
            status = project.status()
            keymap = load_keymap(project.root)
        except (InvalidInput, ProjectError) as error:
            self.call_from_thread(
                self._show_problem, "hrd-coder cannot open this project", str(error)
            )
            return
        except Exception as error:  # noqa: BLE001 - e.g. the database is locked or unreachable
            self.call_from_thread(
                self._show_problem,
                "The database could not be opened",
                f"{type(error).__name__}: {error}",
            )
            return
        self.call_from_thread(self._opened, project, imported, status, keymap)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification that shows its text as written: the file names, quotes and
        services' messages in it are never read as markup (Textual's default) and pass no
        control characters to the terminal."""
        text, heading = safe_text(message, keep_line_breaks=True), safe_text(title)
        # The same message again replaces the one on show instead of stacking a copy
        # (Textual keeps notifications in `_notifications`; the version is pinned).
        for shown in list(self._notifications):
            if (shown.message, shown.title, shown.severity) == (text, heading, severity):
                self._unnotify(shown, refresh=False)
        super().notify(
            text,
            title=heading,
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def _show_problem(self, title: str, message: str) -> None:
        from hrd_coder.tui.screens.problem import ProblemScreen

        self.push_screen(ProblemScreen(title, message), lambda _: self.open_project())

    def _opened(self, project, imported, status, keymap: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
        if self.project is not None:
            self.project.close()
        else:
            from hrd_coder.tui.database_watch import CHECK_SECONDS

            self.set_interval(CHECK_SECONDS, self._check_database)
        self.project = project
        project.use_statistics(self.statistics)
        project.database.when_busy = self._database_busy
        if imported is not None:
            self.notify(
                f"First run: imported {plural(status.documents, 'document')} and "
                f"{plural(status.cases, 'case')}.",
                title="Welcome",
            )
        if project.database.upgrade is not None:
            self.notify(project.database.upgrade.message(), title="Database upgraded", timeout=15)
        for path in status.changed_on_disk:
            self.notify(
                f"{path} changed on disk since it was imported; codings stay on the imported text.",
                severity="warning",
                timeout=10,
            )
        self._apply_keymap(keymap)
        coder = self.coder or remembered_coder(project.root)
        if coder:
            self._start_coding(coder)
        else:
            from hrd_coder.tui.dialogs.coder_prompt import CoderPrompt

            self.push_screen(CoderPrompt(), self._coder_chosen)

    def _check_database(self) -> None:
        """Stop at once when the database file was deleted or replaced (issue 21): every
        "saved" from then on would be a lie."""
        if self.project is None or self._database_gone:
            return
        problem = self.project.database.file_problem()
        if problem is None:
            return
        from textual.content import Content
        from textual.widgets import Static

        from hrd_coder.tui.database_watch import DatabaseGoneScreen

        self._database_gone = True
        for screen in self.screen_stack:  # the last "saved" must not stay on show
            for line in screen.query("#status-line").results(Static):
                line.update(Content("stopped: the project database was deleted or replaced"))
        self.push_screen(DatabaseGoneScreen(problem))

    def _database_busy(self) -> None:
        """A write waits for another program's long write (an import): say so, once per wait."""
        message = (
            "The project is busy with a long write by another program (an import, a merge "
            "or a load). What you just did will be saved when it ends; keep this window open."
        )
        try:
            self.call_from_thread(self.notify, message, title="Waiting", timeout=15)
        except RuntimeError:  # called on the app's own thread
            self.notify(message, title="Waiting", timeout=15)

    def _coder_chosen(self, coder: str | None) -> None:
        if not coder:
            self.exit()
            return
        assert self.project is not None
        remember_coder(self.project.root, coder)  # typed here for this project: keep it
        self._start_coding(coder)

    def _start_coding(self, coder: str) -> None:
        from hrd_coder.tui.screens.coding import CodingScreen

        assert self.project is not None
        self.coder = coder
        self.project.viewer = coder  # blind coding: this coder sees only their own layer
        self.push_screen(CodingScreen(self.project, coder))

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        self._keymap = dict(keymap)
        self.set_keymap(self._keymap)
        if keymap:  # checking ids imports every screen: not before the first paint
            self.call_after_refresh(self._check_keymap, keymap)

    def _check_keymap(self, keymap: dict[str, str]) -> None:
        """Name every id of the keys file that no binding has, with the nearest real one."""
        known = known_binding_ids()
        unknown = [key for key in keymap if key not in known]
        for binding_id in unknown:
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            self.notify(
                f"keys file: no binding with id '{binding_id}'{hint}",
                severity="warning",
                timeout=10,
            )
        self._keymap = {k: v for k, v in keymap.items() if k in known}
        self.set_keymap(self._keymap)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every key's action by name, through the same method."""
        yield from super().get_system_commands(screen)
        if self.project is not None:
            yield SystemCommand(
                "export: project as REFI-QDA (.qdpx)",
                "For NVivo, ATLAS.ti, MAXQDA, QualCoder; written in the project",
                partial(self.export_exchange, "qdpx"),
            )
            yield SystemCommand(
                "export: codebook as REFI-QDA (.qdc)",
                "The codebook for other QDA programs; written in the project",
                partial(self.export_exchange, "qdc"),
            )
            yield SystemCommand(
                "import: REFI-QDA project (.qdpx)…",
                "Merge another program's project (codes, documents, cases, codings) into this one",
                partial(self.ask_import, "qdpx"),
            )
            yield SystemCommand(
                "import: codebook (.qdc)…",
                "Add the codes of another program's codebook to codebook.yaml",
                partial(self.ask_import, "qdc"),
            )
        seen = set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not enabled or binding.id in seen or binding.id is None:
                continue
            seen.add(binding.id)
            group = binding.id.split(".")[0]
            yield SystemCommand(
                f"{group}: {binding.tooltip or binding.description}",
                binding.tooltip or "",
                partial(self.call_later, node.run_action, binding.action),
            )

    @work(thread=True, group="export")
    def export_exchange(self, kind: str) -> None:
        """Write the project or codebook as REFI-QDA and say where."""
        project = self.project
        try:
            out = project.root / f"{project.root.name}.{kind}"
            outcome = (project.export_qdpx if kind == "qdpx" else project.export_qdc)(out)
        except Exception as error:  # noqa: BLE001 - shown to the user, never a traceback
            self.call_from_thread(
                self.notify,
                f"{type(error).__name__}: {error}",
                title="Export failed",
                severity="error",
            )
            return
        self.call_from_thread(
            self.notify,
            "\n".join([f"wrote {outcome.path}", *outcome.lines()]),
            title="Exported",
            severity="warning" if outcome.lines() else "information",
        )

    def ask_import(self, kind: str) -> None:
        """Ask for a .qdpx or .qdc file, then merge it into the open project."""
        from hrd_coder.tui.dialogs.path_prompt import PathPrompt

        what = "REFI-QDA project" if kind == "qdpx" else "REFI-QDA codebook"
        about = (
            "Its codes, documents, cases, codings and memos are added to this project."
            if kind == "qdpx"
            else "Its codes are appended to codebook.yaml."
        )
        suffixes = (".qdpx", ".qde") if kind == "qdpx" else (".qdc",)

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.import_exchange(kind, path)

        self.push_screen(PathPrompt(f"Import a {what}", about, suffixes), chosen)

    @work(thread=True, exclusive=True, group="import")
    def import_exchange(self, kind: str, path: Path) -> None:
        """Merge a .qdpx or .qdc file into the project and notify what the report says."""
        project = self.project
        try:
            outcome = (project.import_qdpx if kind == "qdpx" else project.import_qdc)(path)
            counts = self.project.code_counts(self.coder)
        except Exception as error:  # noqa: BLE001 - shown to the user, never a traceback
            self.call_from_thread(
                self.notify, str(error), title="Import failed", severity="error", timeout=15
            )
            return
        self.call_from_thread(self._imported, path, outcome, counts)

    def _imported(self, path: Path, outcome: Any, counts: dict) -> None:
        from hrd_coder.tui.widgets.codebook_panel import CodebookPanel

        for panel in self.screen.query(CodebookPanel):  # new codes show at once
            panel.show(self.project.codebook, counts)
        status, report = outcome.status, outcome.report
        self.notify(
            f"{path.name}: now {plural(status.documents, 'document')}, "
            f"{plural(status.cases, 'case')}, {plural(status.codes, 'code')}, "
            f"{plural(status.codings, 'coding')}; {report.summary()}",
            title="Imported",
            severity="warning" if report.dropped else "information",
            timeout=10,
        )
        for line in report.lines()[:5]:  # the rest: 'hrd-coder import-qdpx' prints them all
            self.notify(line, severity="warning", timeout=15)

    def on_unmount(self) -> None:
        """Release the database and end the statistics process."""
        if self.project is not None:
            self.project.close()
        if self.statistics is not None:
            self.statistics.close()


def known_binding_ids() -> set[str]:
    """Every binding id a keys file may remap: those of every screen, dialog and widget in
    tui/, found by importing its modules (a new screen's keys count without a list to keep)."""
    import importlib
    import pkgutil

    from textual.widget import Widget

    from hrd_coder import tui
    from hrd_coder.tui.screens.service import binding_ids

    owners = []
    for found in pkgutil.walk_packages(tui.__path__, f"{tui.__name__}."):
        module = importlib.import_module(found.name)
        owners += [
            owner
            for owner in vars(module).values()
            if isinstance(owner, type)
            and issubclass(owner, Widget)  # screens are widgets too; the app is not
            and owner.__module__ == module.__name__
        ]
    return binding_ids(*owners)
