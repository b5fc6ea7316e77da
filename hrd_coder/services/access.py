"""Roles and blind coding: who may see which layers.

Solo projects have no roles and everyone sees everything. Once a lead turns blind coding
on, a coder sees only their own layer (in the workbench, the CLI, exports and the API)
until a lead reveals the layers; adjudicators and leads always see every layer.

This guards against reading a colleague's codings by accident, which is what blind
coding needs; it is not a security boundary against someone who opens the database
file or server directly (docs/teams.md says how to set that up on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrd_coder.problems import AccessRefused, ProjectError
from hrd_coder.services.layers import CONSENSUS, check_coder_name
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.storage.coders import leads, role_of, roles, store_role
from hrd_coder.storage.events import record_event
from hrd_coder.storage.settings import read_setting, store_setting

if TYPE_CHECKING:
    from hrd_coder.storage.database import Connection

ROLES = ("coder", "adjudicator", "lead")
SEES_ALL = ("adjudicator", "lead")
BLIND_SETTING = "layers"  # absent: open (solo); "blind"; "revealed"


@dataclass(frozen=True)
class Access:
    """What the person at the keyboard (the viewer) may see right now."""

    viewer: str | None
    role: str | None
    layers: str  # "open", "blind" or "revealed"

    @property
    def sees_all(self) -> bool:
        """True when every layer is visible to the viewer."""
        return self.layers != "blind" or self.role in SEES_ALL

    def visible_layer(self) -> str | None:
        """The one layer the viewer may read, or None when they may read them all."""
        if self.sees_all:
            return None
        if self.viewer is None:
            raise AccessRefused(
                "blind coding is on: say who you are with --coder NAME (or "
                "$HRD_CODER_CODER) to see your own codings"
            )
        return self.viewer

    def check_layer(self, layer: str | None) -> str | None:
        """The layer to read for a request of `layer` (None: all the viewer may see)."""
        own = self.visible_layer()
        if own is None or layer is None or layer == own:
            return own if layer is None else layer
        raise AccessRefused(
            f"blind coding is on: {self._who()} may read only their own layer, not "
            f"'{layer}'; a lead can reveal the layers with 'hrd-coder team reveal'"
        )

    def require_all_layers(self, what: str) -> None:
        """Refuse `what` (which shows every layer) unless the viewer may see them all."""
        if not self.sees_all:
            raise AccessRefused(
                f"blind coding is on: {what} shows every coder's layer, which "
                f"{self._who()} may not see until a lead runs 'hrd-coder team reveal'"
            )

    def require_role(self, what: str, roles: tuple[str, ...] = SEES_ALL) -> None:
        """Refuse `what` unless the project has no roles yet or the viewer holds one of `roles`."""
        if self.layers == "open" or self.role in roles:
            return
        raise AccessRefused(
            f"{what} needs the {' or '.join(roles)} role; {self._who()} does not have it "
            "(a lead gives roles with 'hrd-coder team role NAME ROLE')"
        )

    def check_load(self, coders: list[str], path: str) -> bool:
        """May the viewer load codings of these coders? True when it is a bulk load of
        other layers (logged as such): a coder loads only their own layer; a lead, or
        anyone while the project has no roles in force, may load several."""
        if coders == [self.viewer] or not coders:
            return False
        if self.layers == "open" or self.role == "lead":
            return True
        others = ", ".join(c for c in coders if c != self.viewer)
        raise AccessRefused(
            f"{path}: rows for {others} would write into their layers; {self._who()} may load "
            "only their own codings. A lead loads several coders' codings at once "
            "(hrd-coder --coder LEAD codings load FILE)"
        )

    def _who(self) -> str:
        if self.viewer is None:
            return "an unnamed user (give --coder NAME)"
        return f"'{self.viewer}' ({self.role or 'coder'})"


def read_access(conn: Connection, viewer: str | None) -> Access:
    """The viewer's role and the project's layer setting, read now (a lead may change them)."""
    return Access(viewer, role_of(conn, viewer), read_setting(conn, BLIND_SETTING, "open"))


def set_role(conn: Connection, acting: str | None, name: str, role: str) -> str | None:
    """Give `name` a role; only a lead may, except for naming the very first lead."""
    check_coder_name(name)
    if role not in ROLES:
        raise ProjectError(f"unknown role '{role}': choose one of {', '.join(ROLES)}")
    named = leads(conn)
    if named and role_of(conn, acting) != "lead":
        raise ProjectError(
            f"only a lead ({', '.join(named)}) can change roles: run the command with --coder LEAD"
        )
    if not named and role != "lead":
        raise ProjectError(
            "name a lead first (hrd-coder --coder YOU team role YOU lead): a lead turns "
            "blind coding on and reveals the layers"
        )
    before = role_of(conn, name)
    store_role(conn, name, role)
    record_event(
        conn,
        coder=acting,
        action="team.role",
        entity="coder",
        entity_id=name,
        before={"role": before} if before else None,
        after={"role": role},
    )
    return before


def set_layers(conn: Connection, acting: str | None, layers: str) -> str:
    """Turn blind coding on ("blind") or reveal the layers ("revealed"); leads only."""
    if role_of(conn, acting) != "lead":
        raise ProjectError(
            "only a lead can turn blind coding on or reveal the layers: give yourself "
            "the role first (hrd-coder --coder YOU team role YOU lead) or ask the lead"
        )
    before = read_access(conn, acting).layers
    store_setting(conn, BLIND_SETTING, layers)
    record_event(
        conn,
        coder=acting,
        action=f"team.{'reveal' if layers == 'revealed' else 'blind'}",
        entity="project",
        entity_id=BLIND_SETTING,
        before={"layers": before},
        after={"layers": layers},
    )
    return before


def team(conn: Connection) -> list[tuple[str, str]]:
    """Everyone known to the project with their role, by name."""
    return [
        (name, role) for name, role in roles(conn) if name != CONSENSUS and not is_model_layer(name)
    ]
