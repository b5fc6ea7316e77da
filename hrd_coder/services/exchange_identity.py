"""Which GUIDs an import records, and which it cannot: identity on the way back.

An import records the GUID of every code, document, user and selection it brings in new
(see docs/interop.md, "Identity"). An object the project already had keeps the GUID it was
exported with before, and a GUID that already names another object here is not recorded
again: two objects must never be exported with the same GUID.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrd_coder.interop.identity import SHOWN, Key
from hrd_coder.interop.model import Exchange, ExchangeReport
from hrd_coder.interop.refi import canonical_guid
from hrd_coder.storage.coders import roles
from hrd_coder.storage.foreign_guids import (
    add_foreign_guids,
    forget_gone_selections,
    read_foreign_guids,
)

if TYPE_CHECKING:
    from hrd_coder.services.project import Project
    from hrd_coder.storage.database import Connection


@dataclass(frozen=True)
class Known:
    """What the project had before an import: none of it takes a GUID from the file."""

    codes: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()


def known_before(project: Project) -> Known:
    """The codes, documents and coders a project has now."""
    with project.database.reading() as conn:
        coders = frozenset(name for name, _ in roles(conn))
    return Known(
        codes=frozenset(c.id for c in project.codebook.codes),
        sources=frozenset(d.id for d in project.documents()),
        users=coders,
    )


def record_identity(
    conn: Connection,
    exchange: Exchange,
    known: Known,
    present: dict[str, set[str]],
    report: ExchangeReport | None,
) -> None:
    """Record the GUIDs the file gave the objects this import brought in, in the import's
    own transaction. `present` lists what the project has after the import, by kind
    (`selection`: the ids of the codings this import added)."""
    brought_in = {
        key: value
        for key, value in exchange.foreign_guids.items()
        if _brought_in(*key, known, present)
    }
    forget_gone_selections(conn)  # so a GUID of a coding long removed blocks nothing
    refused = add_guids(conn, brought_in)
    if report is not None:
        report.warnings.extend(refused)


def add_guids(conn: Connection, candidates: dict[Key, str]) -> list[str]:
    """Record GUIDs of objects that have none yet, except a GUID that already names another
    object here; returns a line for each one not recorded for that reason."""
    recorded = read_foreign_guids(conn)
    owners: dict[str, Key] = {}
    for key, value in recorded.items():
        owners.setdefault(_owner_key(value), _owner(key))
    new: dict[Key, str] = {}
    refused: list[str] = []
    for (kind, local_id), value in sorted(candidates.items()):
        if (kind, local_id) in recorded:
            continue
        taken = owners.setdefault(_owner_key(value), _owner((kind, local_id)))
        if taken != _owner((kind, local_id)):
            refused.append(
                f"GUID {value} of {SHOWN[kind]} '{local_id}' already names "
                f"{_shown(taken)} in this project: '{local_id}' gets a GUID of its own "
                "on export"
            )
            continue
        new[(kind, local_id)] = value
    add_foreign_guids(conn, new)
    return refused


def _owner(key: Key) -> Key:
    """Who a GUID belongs to: the object; for a selection, every coding that came in it."""
    kind, local_id = key
    return (kind, "" if kind == "selection" else local_id)


def _owner_key(value: str) -> str:
    return canonical_guid(value) or value


def _brought_in(kind: str, local_id: str, known: Known, present: dict[str, set[str]]) -> bool:
    if local_id not in present.get(kind, set()):
        return False
    before = {"code": known.codes, "source": known.sources, "user": known.users}
    return local_id not in before.get(kind, frozenset())


def _shown(owner: Key) -> str:
    kind, local_id = owner
    return "a selection" if kind == "selection" else f"the {SHOWN[kind]} '{local_id}'"
