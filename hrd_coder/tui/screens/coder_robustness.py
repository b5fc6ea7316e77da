"""Does the current design's finding survive a change of coder? (issue 18, opened with `c`
on the results screen): the featured effect on every layer, each with its kind, a machine
coder's verdict and its E-values, then the coder bootstrap's quantiles and the plain
sentence `hrd-coder report DESIGN --robustness coders` prints."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from hrd_coder.analysis.coder_robustness import CoderRobustness, LayerEstimate
from hrd_coder.analysis.layer_sensitivity import MODEL
from hrd_coder.services import Project
from hrd_coder.tui.keys import key
from hrd_coder.tui.screens.results_report import ratio
from hrd_coder.tui.screens.service import ServiceScreen
from hrd_coder.wording import plural

DRAWS = 200
"""Case tables the bootstrap draws, as `report --robustness coders` by default."""
COLUMNS = ("layer", "kind", "HR", "95% CI", "p", "E-value", "E CI")
NONE = "—"
REFUSED = "refused"


def cell(value: float | None, digits: str = ".2f") -> str:
    """A figure of the table; a dash where the layer has none (refused, no model)."""
    return NONE if value is None else ratio(value) if digits == ".2f" else f"{value:{digits}}"


def layer_row(found: LayerEstimate) -> tuple[str, ...]:
    """One layer's row: its kind, hazard ratio (or "refused"), CI, p and E-values. A machine
    coder's verdict goes below the table, where it has room to say why."""
    interval = NONE if found.hr_low is None else f"{cell(found.hr_low)}–{cell(found.hr_high)}"
    evalue = found.evalue
    return (
        found.layer,
        found.kind,
        REFUSED if found.refused else cell(found.hr),
        interval,
        cell(found.p, ".3g"),
        cell(None if evalue is None else evalue.evalue),
        cell(None if evalue is None else evalue.evalue_ci),
    )


def verdict_text(found: CoderRobustness) -> Content:
    """Each machine coder's layer (and an incomplete consensus): its verdict, and why it is
    refused."""
    lines = []
    for estimate in found.by_layer:
        source = estimate.source
        if source is None or source.verdict is None:
            continue
        line = Content.assemble((estimate.layer, "bold"), f": {source.verdict}")
        if source.refused and source.kind == MODEL:
            line += Content.styled(
                f"; refused ({source.refused}; 'hrd-coder report {found.design.name} "
                "--robustness coders --allow-unvalidated' fits it knowingly)",
                "$text-warning",
            )
        elif source.refused:  # an incomplete consensus: its reason names --allow-incomplete
            line += Content.styled(f"; refused ({source.refused})", "$text-warning")
        lines.append(line)
    return Content("\n").join(lines)


class CoderRobustnessScreen(ServiceScreen):
    """The current design refitted on every layer, and the bootstrap over the human coders."""

    HELP_TITLE = "Robustness to coders keys"
    HELP_ABOUT = (
        "The design's featured hazard ratio on each layer (each coder, consensus, each "
        "machine coder's, refused until validated), with E-values, and a bootstrap in which "
        "each case takes the values of one of the human coders who coded it."
    )

    CSS_PATH = "coder_robustness.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("escape", "back", "Back", "robustness.back", show=True, tooltip="Back to the results"),
    ]

    def __init__(self, project: Project, design: str, draws: int = DRAWS, seed: int = 0) -> None:
        super().__init__(project)
        self.design = design
        self.draws = draws
        self.seed = seed
        self.result: CoderRobustness | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static(f"Robustness to coders · {self.design}", id="robustness-title")
            yield self.coder_name()
        with VerticalScroll(id="robustness"):
            yield Static("", id="message")
            yield DataTable(id="layers-table", show_cursor=False, zebra_stripes=True)
            yield Static("", id="verdicts")
            yield Static("", id="bootstrap")
            yield Static("", id="sentence")
            yield Static("", id="notes")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        """Compute in a worker: every layer's fit and the bootstrap's draws take seconds."""
        table = self.query_one(DataTable)
        table.can_focus = False  # the page scrolls as one
        self.query_one("#robustness", VerticalScroll).focus()
        self.set_class(True, "-busy")
        waiting = (
            f"Fitting {self.design} on every layer, then {self.draws} case tables that mix "
            "the human coders case by case…"
        )
        self.query_one("#message", Static).update(Content.styled(waiting, "$text-muted"))
        self._status(f"computing robustness to coders for {self.design}…")
        design, draws, seed = self.design, self.draws, self.seed
        self._service(lambda: self.project.coder_robustness(design, draws, seed), self._show)

    def _show(self, found: CoderRobustness) -> None:
        self.result = found
        self.set_class(False, "-busy")
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for name in COLUMNS:
            table.add_column(name, key=name)
        for estimate in found.by_layer:
            table.add_row(*layer_row(estimate), key=estimate.layer)
        verdicts = self.query_one("#verdicts", Static)
        text = verdict_text(found)
        verdicts.update(text)
        verdicts.display = bool(text.plain)  # only a machine coder's layer has a verdict
        self.query_one("#bootstrap", Static).update(bootstrap_text(found))
        self.query_one("#sentence", Static).update(Content.styled(found.sentence(), "bold"))
        notes = self.query_one("#notes", Static)
        notes.display = bool(found.notes)
        notes.update(
            Content("\n").join(
                [Content.styled("Notes", "bold"), *(Content(f"• {n}") for n in found.notes)]
            )
        )
        self._status(
            Content.assemble(
                (found.design.name, "bold"),
                f" · {len(found.by_layer)} layers · E-value: VanderWeele & Ding 2017",
            )
        )

    def _failed(self, message: str) -> None:
        self.set_class(False, "-busy")
        self.set_class(True, "-failed")
        self.query_one("#message", Static).update(
            Content.assemble(
                ("Nothing to show. ", "bold $text-error"),
                message,
                ("\n\nPress Escape to go back to the results.", "dim"),
            )
        )
        self._not_done(message)  # the panel says it all: no notification on top of it

    def action_back(self) -> None:
        """Go back to the results."""
        self.dismiss(None)


def bootstrap_text(found: CoderRobustness) -> Content:
    """The bootstrap's draws, which coders it drew from, and the hazard ratio's quantiles."""
    boot = found.bootstrap
    quantiles = " · ".join(f"{name} {cell(value)}" for name, value in boot.quantiles().items())
    return Content.assemble(
        ("Coder bootstrap ", "bold"),
        f"of the {found.effect} hazard ratio, drawn from the human coders only "
        f"({', '.join(boot.layers) or NONE}): {len(boot.hazard_ratios)} of {boot.draws} "
        f"draws fitted, seed {boot.seed}, {plural(boot.varying_cases, 'case')} whose code "
        "variables differ between coders.\n",
        ("Quantiles ", "bold"),
        quantiles,
    )
