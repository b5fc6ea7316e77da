"""Stepping through a queue of items to decide: F6's disagreements and its boundaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar


class QueueSteps:
    """Next, previous and next-undecided for a screen with `items` (each with `open`), an
    `index`, `go_to(index)` and `_status(text)`; `ITEM` names an item in its messages.
    Listed first among the screen's bases, so its actions are the ones bound."""

    ITEM: ClassVar[str] = "item"
    items: Sequence[Any]
    index: int

    def _undecided_after(self, index: int) -> int | None:
        """The next undecided item after `index`, wrapping round; None when all are decided."""
        count = len(self.items)
        for step in range(1, count + 1):
            candidate = (index + step) % count
            if self.items[candidate].open:
                return candidate
        return None

    def action_step(self, step: int) -> None:
        """Show the next or previous item (stops at either end)."""
        target = self.index + step
        if not 0 <= target < len(self.items):
            self._status(f"this is the {'last' if step > 0 else 'first'} {self.ITEM}")
            return
        self.go_to(target)

    def action_next_undecided(self) -> None:
        """Jump to the next item not decided yet."""
        following = self._undecided_after(self.index)
        if following is None:
            self._status(f"all {len(self.items)} decided")
            return
        self.go_to(following)
