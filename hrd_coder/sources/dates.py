"""Dates as case files write them: a day, or only a month or a year when that is all
that is known. The precision is kept so analyses can report and handle it."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from pydantic_core import PydanticCustomError

Precision = Literal["day", "month", "year"]
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the day, the month or the year."""

    earliest: dt.date
    precision: Precision

    @property
    def latest(self) -> dt.date:
        """The last day the written date could mean."""
        if self.precision == "day":
            return self.earliest
        if self.precision == "month":
            last = calendar.monthrange(self.earliest.year, self.earliest.month)[1]
            return self.earliest.replace(day=last)
        return self.earliest.replace(month=12, day=31)

    def __str__(self) -> str:
        text = self.earliest.isoformat()
        return {"day": text, "month": text[:7], "year": text[:4]}[self.precision]


def parse_partial_date(value: object, field_name: str | None = None) -> PartialDate:
    """Read YYYY-MM-DD, YYYY-MM or YYYY (YAML may already have made a date or an int)."""
    field = f"{field_name}: " if field_name else ""
    if isinstance(value, dt.datetime):
        return PartialDate(value.date(), "day")
    if isinstance(value, dt.date):
        return PartialDate(value, "day")
    text = str(value).strip() if isinstance(value, str | int) else ""
    match = _PATTERN.match(text)
    if not match:
        raise PydanticCustomError(
            "bad_date",
            "{field}'{value}' is not a date",
            {
                "value": value,
                "field": field,
                "hint": "write YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known",
            },
        )
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise PydanticCustomError(
            "bad_date",
            "{field}'{value}' is not a real date ({reason})",
            {
                "value": value,
                "reason": str(error),
                "field": field,
                "hint": "check the day and month",
            },
        ) from None
    precision: Precision = "day" if day else "month" if month else "year"
    return PartialDate(date, precision)
