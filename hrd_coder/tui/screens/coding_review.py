"""Reviewing machine suggestions in the workbench (F4): the open document's suggestions of the
latest run (or another, `r`) drawn apart from codings, stepped through one by one, highest
confidence first or by code; `y` accepts (a coding of mine, with an event naming the run and
the suggestion), `n` rejects, `e` adjusts the span first, `s` skips (docs/tui.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hrd_coder.services.records import Suggestion
from hrd_coder.tui.screens.coding_workbench import Loaded, Workbench
from hrd_coder.tui.text_layout import Mark

ORDERS = ("confidence", "code")
REVIEW_ACTIONS = frozenset(
    {"accept_suggestion", "reject_suggestion", "adjust_suggestion", "skip_suggestion", "next_run"}
)
"""Actions whose keys (letters) mean review, not a code's hotkey, while reviewing."""


@dataclass(frozen=True)
class ReviewState:
    """What the review shows: the run, the open document's undecided suggestions in queue
    order, the one at hand, and whether its span is being adjusted."""

    run: str | None = None  # None: the latest run the viewer may see
    order: str = "confidence"
    queue: tuple[Suggestion, ...] = ()
    at: int = 0
    adjusting: bool = False
    shown_run: str = field(default="", compare=False)

    @property
    def current(self) -> Suggestion | None:
        """The suggestion at hand, if any is left."""
        return self.queue[self.at] if 0 <= self.at < len(self.queue) else None


class SuggestionReview(Workbench):
    """Accept, reject or adjust a machine coder's suggestions for the open document."""

    review: ReviewState | None = None

    def action_review(self) -> None:
        """Start reviewing the open document's suggestions, or stop."""
        if self.review is not None:
            self.review = None
            self.view.set_marks(self._marks())
            self._status("review ended: your codings only")
            self.refresh_bindings()
            return
        self._load_review(ReviewState())

    def action_review_order(self) -> None:
        """Step through the suggestions by confidence (highest first) or by code."""
        if self.review is not None:
            following = ORDERS[(ORDERS.index(self.review.order) + 1) % len(ORDERS)]
            self._load_review(replace(self.review, order=following))

    def action_next_run(self) -> None:
        """Review another run's suggestions (the runs from newest to oldest, round again)."""
        if self.review is None:
            return
        shown = self.review.shown_run

        def older() -> str | None:
            runs = [r.run for r in reversed(self.project.suggestion_runs())]
            if shown not in runs:
                return runs[0] if runs else None
            return runs[(runs.index(shown) + 1) % len(runs)]

        state = self.review
        self._service(older, lambda run: self._load_review(replace(state, run=run)))

    def _load_review(self, state: ReviewState) -> None:
        if self.document is None:
            self.notify("Open a document first (ctrl+o).", severity="warning")
            return
        document = self.document.info.id

        def load() -> tuple[str, list[Suggestion]]:
            run, queue = self.project.pending_suggestions(
                self.coder, document=document, run=state.run, order=state.order
            )
            return run.run, queue

        def show(result: tuple[str, list[Suggestion]]) -> None:
            run, queue = result
            self.review = replace(state, queue=tuple(queue), at=0, adjusting=False, shown_run=run)
            self.refresh_bindings()
            self._show_suggestion()

        self._service(load, show)

    def _marks(self) -> list[Mark]:
        marks = super()._marks()
        if self.review is None:
            return marks
        return [
            *marks,
            *(Mark(s.id, s.code_id, s.start, s.end, suggested=True) for s in self.review.queue),
        ]

    def _show_suggestion(self) -> None:
        """Draw the queue and select the suggestion at hand, with its keys in the status."""
        review = self.review
        if review is None:
            return
        self.view.set_marks(self._marks())
        current = review.current
        if current is None:
            self._status(
                f"no suggestion of run {review.shown_run} left to review in this document · "
                "ctrl+o opens another, r another run, F4 ends the review"
            )
            return
        chance = "" if current.probability is None else f" p={current.probability:.2f}"
        why = f' "{_shortened(current.reasoning)}"' if current.reasoning else ""
        self._select_with_status(
            current,
            f"suggestion {review.at + 1}/{len(review.queue)} of {review.shown_run}: "
            f"{current.code_id}{chance}{why} · y accept, n reject, e adjust, s skip, "
            f"shift+F4 order ({review.order}), F4 ends",
        )

    def _select_with_status(self, suggestion: Suggestion, text: str) -> None:
        """Select the suggestion's span; the status keeps `text` rather than the size of
        the selection (the selection's own message comes after)."""
        self._pinned_status = text
        self.view.select(suggestion.start, suggestion.end)
        self._status(text)

    def action_accept_suggestion(self) -> None:
        """Accept the suggestion at hand (at the adjusted span, when adjusting)."""
        review = self.review
        current = review.current if review else None
        if review is None or current is None or self.document is None:
            return
        span = self._selection() if review.adjusting else None
        if review.adjusting and span is None:
            self.notify("Select the span to accept first (shift+arrows, ], +).", severity="warning")
            return
        start, end = span or (None, None)
        version = self.document.info.sha256

        def accept() -> str:
            coding = self.project.accept_suggestion(
                current.id, coder=self.coder, start=start, end=end, version=version
            )
            return f"accepted: {coding.code_id} [{coding.start}, {coding.end}) is now yours"

        self._service(accept, lambda message: self._decided(current, message))

    def action_reject_suggestion(self) -> None:
        """Reject the suggestion at hand: it is not offered to me again."""
        current = self.review.current if self.review else None
        if current is None:
            return
        self._service(
            lambda: self.project.reject_suggestion(current.id, coder=self.coder),
            lambda _: self._decided(current, f"rejected: {current.code_id} (not offered again)"),
        )

    def action_adjust_suggestion(self) -> None:
        """Adjust the span before accepting: move the selection's ends, then `y`."""
        review = self.review
        if review is None or review.current is None:
            return
        self.review = replace(review, adjusting=True)
        self._select_with_status(
            review.current,
            "adjust the span: shift+arrows, ctrl+t to move the other end, ] or + to "
            "select by unit; then y accepts the selection, s skips",
        )

    def action_skip_suggestion(self) -> None:
        """Leave the suggestion at hand undecided and go to the next one."""
        review = self.review
        if review is None or not review.queue:
            return
        self.review = replace(review, at=(review.at + 1) % len(review.queue), adjusting=False)
        self._show_suggestion()

    def _decided(self, suggestion: Suggestion, message: str) -> None:
        """Drop a decided suggestion from the queue, reload my codings, show the next one."""
        review = self.review
        if review is None:
            return
        queue = tuple(s for s in review.queue if s.id != suggestion.id)
        self.review = replace(
            review, queue=queue, at=min(review.at, max(0, len(queue) - 1)), adjusting=False
        )
        document_id = self.document.info.id if self.document else ""

        def reload() -> list:
            return self.project.codings(document=document_id, coder=self.coder)

        def show(codings: list) -> None:
            self.codings = codings
            self._show_suggestion()
            self.notify(message, timeout=3, markup=False)

        self._service(reload, show)

    def _review_key(self, key: str) -> bool:
        """While reviewing, a key bound to a review action is that action, not a hotkey
        (the keys as the user mapped them: active bindings follow keys.yaml)."""
        if self.review is None:
            return False
        active = self.active_bindings.get(key)
        return active is not None and active.binding.action in REVIEW_ACTIONS

    def _show_document(self, result: Loaded) -> None:
        """A document opened (or reloaded) during a review: review its own suggestions."""
        if self.review is not None:
            self.review = replace(self.review, queue=(), at=0, adjusting=False)
        super()._show_document(result)
        if self.review is not None:
            self._load_review(self.review)


def _shortened(reasoning: str, most: int = 60) -> str:
    """A language model's reasoning cut to fit the status line beside the keys."""
    return reasoning if len(reasoning) <= most else reasoning[: most - 1].rstrip() + "…"
