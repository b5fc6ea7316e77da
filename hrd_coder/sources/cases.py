"""Case files (`cases/*.md`): one prisoner per file, front matter plus case history."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from hrd_coder.codebook.model import NAME_ID, TextList
from hrd_coder.sources.dates import PartialDate, parse_partial_date


def _date_field(value: object, info: ValidationInfo) -> PartialDate:
    return parse_partial_date(value, info.field_name)


Date = Annotated[PartialDate, BeforeValidator(_date_field)]


def _finite(value: Any) -> Any:
    """No model can use an infinite (or NaN) covariate, and Stata cannot store one."""
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError(
            "covariate_not_finite",
            "covariate value {value} is not a finite number",
            {"value": value, "hint": "write a number, or null if it is not known"},
        )
    return value


Covariate = Annotated[Any, AfterValidator(_finite)]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def check_id(value: str) -> str:
    """Ids name files and appear in exports: keep them plain."""
    if not ID_PATTERN.match(value):
        raise PydanticCustomError(
            "bad_id",
            "id '{value}' is not a valid id",
            {
                "value": value,
                "hint": "use letters, digits, '-', '_' or '.', starting with a letter or digit",
            },
        )
    return value


class CaseFile(BaseModel):
    """The front matter of a case file; the narrative body is stored as a document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    country: str
    groups: tuple[str, ...]
    detained_on: Date
    featured_on: Date | None = None
    released_on: Date | None = None
    release_type: str | None = None
    censored_on: Date | None = None
    sources: TextList = ()
    covariates: dict[str, Covariate] = {}

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return check_id(value)

    @field_validator("groups", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("groups")
    @classmethod
    def _known_groups(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        known = (info.context or {}).get("case_groups")
        for group in value:
            if known is not None and group not in known:
                raise PydanticCustomError(
                    "unknown_group",
                    "group '{group}' is not declared in the codebook",
                    {
                        "group": group,
                        "hint": "use one of: "
                        + ", ".join(known)
                        + " (or add it under 'case_groups:' in codebook.yaml)",
                    },
                )
        if not value:
            raise PydanticCustomError(
                "no_group",
                "the case belongs to no group",
                {"hint": "list at least one group, e.g. [comparison]"},
            )
        return value

    @field_validator("featured_on", "released_on", "censored_on")
    @classmethod
    def _after_detention(
        cls, value: PartialDate | None, info: ValidationInfo
    ) -> PartialDate | None:
        detained = info.data.get("detained_on")
        if value is not None and detained is not None and value.latest < detained.earliest:
            what = info.field_name.replace("_on", "")
            raise PydanticCustomError(
                "before_detention",
                "{field} {value} is before detained_on {detained}",
                {
                    "field": info.field_name,
                    "value": str(value),
                    "detained": str(detained),
                    "hint": f"check both dates: a prisoner cannot be {what} before being detained",
                },
            )
        return value

    @field_validator("release_type")
    @classmethod
    def _release_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        released = info.data.get("released_on")
        known = (info.context or {}).get("release_types")
        if value is not None and released is None and "released_on" in info.data:
            raise PydanticCustomError(
                "type_without_release",
                "release_type is set but released_on is empty",
                {"hint": "add the release date, or set release_type: null"},
            )
        if value is None and released is not None:
            raise PydanticCustomError(
                "release_without_type",
                "released_on is set but release_type is empty",
                {"hint": "say how she was released, e.g. release_type: pardon"},
            )
        if value is not None and known is not None and value not in known:
            raise PydanticCustomError(
                "unknown_release_type",
                "release type '{value}' is not declared in the codebook",
                {
                    "value": value,
                    "hint": "use one of: "
                    + ", ".join(known)
                    + " (or add it under 'release_types:' in codebook.yaml)",
                },
            )
        return value

    @field_validator("censored_on")
    @classmethod
    def _censored_only_if_held(
        cls, value: PartialDate | None, info: ValidationInfo
    ) -> PartialDate | None:
        if value is not None and info.data.get("released_on") is not None:
            raise PydanticCustomError(
                "censored_and_released",
                "censored_on is set although released_on is too",
                {"hint": "a released case is not censored: set censored_on: null"},
            )
        return value

    @field_validator("covariates")
    @classmethod
    def _plain_covariates(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            if not isinstance(key, str) or not NAME_ID.match(key):
                raise PydanticCustomError(
                    "bad_covariate",
                    "covariate name '{key}' is not a valid variable name",
                    {
                        "key": key,
                        "hint": "use lowercase letters, digits and _ (it becomes a "
                        "column in Stata and R)",
                    },
                )
            if not (item is None or isinstance(item, str | int | float | bool)):
                raise PydanticCustomError(
                    "bad_covariate_value",
                    "covariate '{key}' must be a single value",
                    {"key": key, "hint": "write a number, text, true/false or null"},
                )
        return value
