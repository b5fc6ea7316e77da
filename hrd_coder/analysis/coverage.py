"""Coverage variables: how many media items mentioned a case before and after a date.

Declared under `coverage:` in analysis.yaml. Pure pandas: the services load the media items
(`hrd_coder.services.analysis_inputs`) and, for `coded_with`, the codings
(`hrd_coder.services.media`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from hrd_coder.analysis.case_variables import CaseVariables, Variable
from hrd_coder.codebook.model import NAME_ID
from hrd_coder.sources.dates import parse_partial_date

if TYPE_CHECKING:
    import pandas as pd

ARTICLE_COLUMNS = ("document_id", "case_id", "date", "latest", "outlet_type")
SUFFIXES = ("_before", "_after", "_change", "_first")
LONGEST_NAME = 32 - len("_before")  # Stata names have at most 32 characters


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


class Coverage(BaseModel):
    """One coverage measure, as written under `coverage:`: windows around a date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    around: Literal["campaign", "featured_on"] = "campaign"
    before: int = Field(90, gt=0)
    after: int = Field(90, gt=0)
    outlet_types: Annotated[tuple[str, ...], BeforeValidator(_as_list)] = ()
    coded_with: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_ID.match(value) or len(value) > LONGEST_NAME or value[0].isdigit():
            raise PydanticCustomError(
                "bad_name",
                "coverage name '{value}' is not a valid name",
                {
                    "value": value,
                    "hint": f"use at most {LONGEST_NAME} lowercase letters, digits and _, "
                    "starting with a letter (it starts column names such as news_before)",
                },
            )
        return value

    @field_validator("coded_with")
    @classmethod
    def _known_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        codes = (info.context or {}).get("codes")
        if value is not None and codes is not None and value not in codes:
            raise PydanticCustomError(
                "unknown_code",
                "code '{value}' is not in the codebook",
                {"value": value, "hint": "use a code id from codebook.yaml, e.g. mobilizing.media"},
            )
        return value

    def columns(self) -> list[str]:
        """The names of the four columns this measure adds to the case table."""
        return [f"{self.name}{suffix}" for suffix in SUFFIXES]


@dataclass(frozen=True)
class Week:
    """One calendar week (from Monday) of a coverage timeline: items per outlet type."""

    monday: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All items of the week."""
        return sum(self.counts.values())


def monday_of(day: dt.date) -> dt.date:
    """The Monday that starts the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def weekly_counts(items: Iterable[tuple[dt.date, str]], start: dt.date, end: dt.date) -> list[Week]:
    """Items (date, outlet type) per week, every week from `start`'s to `end`'s, empty ones too."""
    first, last = monday_of(start), monday_of(end)
    weeks = {
        first + dt.timedelta(weeks=n): Week(first + dt.timedelta(weeks=n), {})
        for n in range((last - first).days // 7 + 1)
    }
    for day, kind in items:
        week = weeks.get(monday_of(day))
        if week is not None:
            week.counts[kind] = week.counts.get(kind, 0) + 1
    return list(weeks.values())


def anchor_day(spec: Coverage, campaign: dt.date, featured_on: Any) -> dt.date:
    """The day the windows are counted from: the campaign date, or her own feature date.

    With `around: featured_on`, cases never featured count from the campaign date (as a
    design with `origin: featured_on` does); a date known only to the month or year counts
    from its first day.
    """
    if spec.around == "featured_on" and featured_on:
        return parse_partial_date(featured_on).earliest
    return campaign


def coverage_columns(
    spec: Coverage,
    campaign: dt.date,
    cases: Sequence[Mapping[str, Any]],
    articles: pd.DataFrame,
    coded: set[tuple[str, str | None]] | None = None,
) -> list[tuple[str, list[Any], Variable]]:
    """(name, values in case order, variable) for the measure's four columns.

    `articles` has ARTICLE_COLUMNS, one row per (media item, case it mentions), `date` and
    `latest` the first and last day its written date can mean. An item counts in a window
    only when all of that period lies inside it: an item of "2015-11" is in neither window
    around 10 November 2015, since it may come from either side. `first` is the earliest
    first day. `coded` (with `coded_with`) holds (document, case) pairs of codings of the
    code: an item counts for a case only when such a coding on it is tied to that case or
    to no case.
    """
    by_case = _periods_by_case(_counted_items(spec, articles, coded))
    before, after, first = [], [], []
    for case in cases:
        day = anchor_day(spec, campaign, case.get("featured_on"))
        dates = by_case.get(case["id"], [])
        start, end = day - dt.timedelta(days=spec.before), day + dt.timedelta(days=spec.after)
        before.append(sum(start <= early and late < day for early, late in dates))
        after.append(sum(day <= early and late < end for early, late in dates))
        first.append(min(early for early, _ in dates) if dates else None)
    change = [a - b for a, b in zip(after, before, strict=True)]
    columns = (before, after, change, first)
    return [(v.name, values, v) for v, values in zip(_variables(spec), columns, strict=True)]


def _counted_items(
    spec: Coverage, articles: pd.DataFrame, coded: set[tuple[str, str | None]] | None
) -> pd.DataFrame:
    """The (media item, case) rows the measure counts: of its outlet types, and (with
    `coded`) coded for that case or for no case."""
    chosen = articles
    if spec.outlet_types:
        chosen = chosen[chosen["outlet_type"].isin(spec.outlet_types)]
    if coded is not None:
        keep = [
            (doc, case) in coded or (doc, None) in coded
            for doc, case in zip(chosen["document_id"], chosen["case_id"], strict=True)
        ]
        chosen = chosen[keep]
    return chosen


def _periods_by_case(chosen: pd.DataFrame) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Case id -> the (first day, last day) of each item mentioning it."""
    return {
        case: list(zip(group["date"], group["latest"], strict=True))
        for case, group in chosen.groupby("case_id")
    }


def _variables(spec: Coverage) -> list[Variable]:
    """The measure's four variables (before, after, change, first), named and described."""
    what = _what(spec)
    anchor = "campaign date" if spec.around == "campaign" else "feature date (else campaign date)"
    source = f"coverage {spec.name}: {what}"
    described = [
        (f"{what} in the {spec.before} days before the {anchor}", "int"),
        (f"{what} from the {anchor} through the {spec.after} days from it", "int"),
        (f"{what}: after minus before", "int"),
        (f"{what}: date of the first one", "date"),
    ]
    return [
        Variable(name, label, "coverage", kind, source)
        for name, (label, kind) in zip(spec.columns(), described, strict=True)
    ]


def _what(spec: Coverage) -> str:
    kinds = f" ({', '.join(spec.outlet_types)})" if spec.outlet_types else ""
    coded = f" coded {spec.coded_with}" if spec.coded_with else ""
    return f"media items{kinds}{coded} mentioning the case"


def with_coverage(
    found: CaseVariables, columns: Sequence[tuple[str, list[Any], Variable]]
) -> CaseVariables:
    """The case table with coverage columns added after its other variables."""
    import pandas as pd

    table = found.table.copy()
    for name, values, variable in columns:
        column = pd.Series(values, index=table.index, dtype=object)
        table[name] = pd.to_datetime(column) if variable.type == "date" else column.astype("int64")
    return replace(found, table=table, variables=(*found.variables, *(c[2] for c in columns)))


def article_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows with ARTICLE_COLUMNS as a DataFrame (empty but typed when there are none)."""
    import pandas as pd

    return pd.DataFrame(list(rows), columns=list(ARTICLE_COLUMNS))
