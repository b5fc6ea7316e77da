"""Bindings built one way everywhere: an id (for the keys file) and a tooltip always."""

from __future__ import annotations

from textual.binding import Binding


def key(
    keys: str,
    action: str,
    description: str,
    binding_id: str,
    show: bool = False,
    tooltip: str = "",
) -> Binding:
    """A binding; the tooltip (the long form, used by help and the palette) defaults to
    the description."""
    return Binding(
        keys, action, description, show=show, id=binding_id, tooltip=tooltip or description
    )
