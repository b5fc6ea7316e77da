"""What a codebook may contain, as pydantic models (field checks live here)."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

CODE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
NAME_ID = re.compile(r"^[a-z0-9_]+$")
COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
HOTKEY = re.compile(r"^[a-z0-9]$")
CASE_VARIABLES = ("presence", "count", "first_date", "strength")

DEFAULT_RELEASE_TYPES = {
    "pardon": "Pardoned or clemency granted",
    "amnesty": "Released under a general amnesty",
    "sentence_completed": "Released at the end of the sentence",
    "acquitted": "Charges dropped or acquitted",
    "conditional_release": "Bail, parole or medical parole",
    "house_arrest": "Moved from prison to house arrest",
    "exile": "Released on condition of leaving the country",
}


def _as_text(value: object) -> object:
    """YAML reads `version: 1.0` as a number and `hotkey: 1` as an int; both mean text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _as_list(value: object) -> object:
    """Let a single example be written without list brackets."""
    return [value] if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_as_text)]
TextList = Annotated[tuple[str, ...], BeforeValidator(_as_list)]


class Code(BaseModel):
    """One code of the codebook, as written in `codebook.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: Text
    definition: Text
    parent: str | None = None
    include: Text = ""
    exclude: Text = ""
    examples: TextList = ()
    counterexamples: TextList = ()
    color: str | None = None
    hotkey: Text | None = None
    level: Literal["segment", "case"] = "segment"
    case_variable: tuple[str, ...] = ("presence",)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not CODE_ID.match(value):
            raise PydanticCustomError(
                "code_id",
                "code id '{value}' is not a valid id",
                {
                    "value": value,
                    "hint": "use lowercase letters, digits and _, "
                    "with dots for hierarchy (e.g. 'mobilizing.ngos')",
                },
            )
        return value

    @field_validator("definition")
    @classmethod
    def _check_definition(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError(
                "empty_definition",
                "the definition is empty",
                {"hint": "write one to three sentences saying what the code means"},
            )
        return value

    @field_validator("color")
    @classmethod
    def _check_color(cls, value: str | None) -> str | None:
        if value is not None and not COLOR.match(value):
            raise PydanticCustomError(
                "bad_color",
                "'{value}' is not a colour",
                {"value": value, "hint": 'use a quoted hex colour like "#1f77b4"'},
            )
        return value.lower() if value else value

    @field_validator("hotkey")
    @classmethod
    def _check_hotkey(cls, value: str | None) -> str | None:
        if value is not None and not HOTKEY.match(value):
            raise PydanticCustomError(
                "bad_hotkey",
                "hotkey '{value}' is not a single lowercase letter or digit",
                {"value": value, "hint": "choose one key from a-z or 0-9"},
            )
        return value

    @field_validator("case_variable", mode="before")
    @classmethod
    def _check_case_variable(cls, value: object) -> tuple[str, ...]:
        values = [value] if isinstance(value, str) else value
        if values in (None, ["none"]):
            return ()
        if not isinstance(values, list | tuple) or any(v not in CASE_VARIABLES for v in values):
            raise PydanticCustomError(
                "bad_case_variable",
                "case_variable '{value}' is not one of presence, count, first_date, strength, none",
                {
                    "value": value,
                    "hint": "write e.g. 'case_variable: presence'"
                    " or 'case_variable: [presence, count]'",
                },
            )
        return tuple(values)


def _check_names(kind: str, names: dict[str, str]) -> dict[str, str]:
    for name in names:
        if not isinstance(name, str) or not NAME_ID.match(name):
            raise PydanticCustomError(
                "bad_name",
                "{kind} '{name}' is not a valid id",
                {"kind": kind, "name": name, "hint": "use lowercase letters, digits and _"},
            )
    return names


class Codebook(BaseModel):
    """A whole codebook: project metadata, case groups, release types and codes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    version: Text
    description: Text = ""
    case_groups: dict[str, Text] = Field(min_length=1)
    release_types: dict[str, Text] = Field(default_factory=lambda: dict(DEFAULT_RELEASE_TYPES))
    codes: tuple[Code, ...] = ()

    @field_validator("case_groups")
    @classmethod
    def _check_groups(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_names("case group", value)

    @field_validator("release_types")
    @classmethod
    def _check_release_types(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_names("release type", value)

    @cached_property
    def hash(self) -> str:
        """Content hash naming this codebook version (comments and layout do not count)."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def code(self, code_id: str) -> Code | None:
        """Return the code with this id, or None."""
        return next((c for c in self.codes if c.id == code_id), None)

    def parent_of(self, code: Code) -> str | None:
        """The parent id: the explicit `parent`, else the id before the last dot."""
        if code.parent:
            return code.parent
        return code.id.rpartition(".")[0] or None

    @cached_property
    def ancestors(self) -> dict[str, tuple[str, ...]]:
        """Code id -> the ids of the codes above it, nearest first (a coding of a child
        counts for its parents in agreement, case variables and media counts)."""
        found = {}
        for code in self.codes:
            chain, parent = [], self.parent_of(code)
            while parent:
                chain.append(parent)
                above = self.code(parent)
                parent = self.parent_of(above) if above else None
            found[code.id] = tuple(chain)
        return found

    def children_of(self, code_id: str | None) -> tuple[Code, ...]:
        """Codes directly under `code_id` (None: the top level), in file order."""
        return tuple(c for c in self.codes if self.parent_of(c) == code_id)

    def by_hotkey(self) -> dict[str, Code]:
        """Map each hotkey to its code."""
        return {c.hotkey: c for c in self.codes if c.hotkey}
