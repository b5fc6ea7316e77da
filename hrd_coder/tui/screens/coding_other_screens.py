"""The screens the workbench's F-keys open: agreement (F5), adjudication (F6), survival
results (F7) and the case's media coverage (F9)."""

from __future__ import annotations

from hrd_coder.tui.screens.coding_workbench import Workbench
from hrd_coder.tui.widgets.case_panel import CasePanel


class OtherScreens(Workbench):
    """Open the project-wide screens from the workbench, with its project and coder."""

    def action_agreement(self) -> None:
        """Agreement between coders, per code (sortable; Enter lists disagreements)."""
        from hrd_coder.services.records import AgreementRequest
        from hrd_coder.tui.screens.agreement import AgreementScreen

        self.app.push_screen(AgreementScreen(self.project, AgreementRequest()))

    def action_adjudicate(self) -> None:
        """The queue of disagreements, to build the consensus layer."""
        from hrd_coder.services.records import AgreementRequest
        from hrd_coder.tui.screens.adjudication import AdjudicationScreen

        self.app.push_screen(AdjudicationScreen(self.project, AgreementRequest(), self.coder))

    def action_results(self) -> None:
        """Kaplan-Meier curves, Cox tables and PH verdicts for each design."""
        from hrd_coder.tui.screens.results import ResultsScreen

        self.app.push_screen(ResultsScreen(self.project))

    def action_coverage(self) -> None:
        """The case's media items week by week, with its key dates; Enter opens one."""
        from hrd_coder.tui.dialogs.coverage import CoverageDialog

        panel = self.query_one(CasePanel).case_id
        cases = (panel,) if panel else (self.document.info.case_ids if self.document else ())
        if not cases:
            self.notify(
                "This document is about no case: open a case history or an item that names cases.",
                severity="warning",
            )
            return

        def show(timelines: dict) -> None:
            self.app.push_screen(
                CoverageDialog(timelines), lambda chosen: chosen and self.open_document(chosen)
            )

        self._service(lambda: {case: self.project.media_timeline(case) for case in cases}, show)
