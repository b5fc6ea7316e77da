"""Designs (`analysis.yaml`): declared comparisons, and the survival table each one makes.

A design says which cases to compare (by group), which group is "treated", where time
starts (`origin`), when follow-up ends (`censor_date`), which release types count as the
event, and the covariates and strata of the Cox model.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from hrd_coder.analysis.coverage import Coverage
from hrd_coder.codebook.model import NAME_ID
from hrd_coder.problems import InvalidInput, Problem, ProjectError, raise_if_any
from hrd_coder.sources.dates import parse_partial_date
from hrd_coder.yaml_source import YamlDocument, parse_yaml, validate

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.codebook import Codebook

DURATION, EVENT, ENTRY = "days", "released", "entry"
IMPRECISE = "imprecise_dates"  # which of a row's dates are known only to the month or year


def _day(value: object, info: ValidationInfo) -> dt.date:
    date = parse_partial_date(value, info.field_name)
    if date.precision != "day":
        raise PydanticCustomError(
            "imprecise_date",
            "{field}: '{value}' is not a day",
            {"field": info.field_name, "value": value, "hint": "write the full date, YYYY-MM-DD"},
        )
    return date.earliest


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


Day = Annotated[dt.date, BeforeValidator(_day)]
Names = Annotated[tuple[str, ...], BeforeValidator(_as_list)]


def _known(kind: str, values: tuple[str, ...], known: Mapping[str, str] | None) -> tuple[str, ...]:
    for value in values:
        if known is not None and value not in known:
            raise PydanticCustomError(
                "unknown_name",
                "{kind} '{value}' is not declared in the codebook",
                {"kind": kind, "value": value, "hint": "use one of: " + ", ".join(known)},
            )
    return values


class Design(BaseModel):
    """One comparison, as written under `designs:`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    cases: Names = Field(min_length=1)
    group: str
    origin: Literal["campaign", "featured_on", "detained_on"] = "campaign"
    censor_date: Day
    events: Names = Field(min_length=1)
    covariates: Names = ()
    strata: Names = ()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_ID.match(value):
            raise PydanticCustomError(
                "bad_name",
                "design name '{value}' is not a valid name",
                {"value": value, "hint": "use lowercase letters, digits and _"},
            )
        return value

    @field_validator("cases")
    @classmethod
    def _groups(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _known("case group", value, (info.context or {}).get("case_groups"))

    @field_validator("group")
    @classmethod
    def _treated(cls, value: str, info: ValidationInfo) -> str:
        chosen = info.data.get("cases")
        if chosen is not None and value not in chosen:
            raise PydanticCustomError(
                "group_not_in_cases",
                "group '{value}' is not one of the design's cases ({chosen})",
                {
                    "value": value,
                    "chosen": ", ".join(chosen),
                    "hint": "the compared group must be among the groups listed under 'cases:'",
                },
            )
        if len(chosen or ()) < 2:
            raise PydanticCustomError(
                "one_group",
                "the design compares group '{value}' with nothing",
                {"value": value, "hint": "list at least two groups under 'cases:'"},
            )
        return value

    @field_validator("events")
    @classmethod
    def _events(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _known("release type", value, (info.context or {}).get("release_types"))


class AnalysisFile(BaseModel):
    """The whole `analysis.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign_date: Day
    designs: tuple[Design, ...] = Field(min_length=1)
    coverage: tuple[Coverage, ...] = ()


@dataclass(frozen=True)
class AnalysisPlan:
    """A checked analysis.yaml, with its YAML tree so later checks can name lines."""

    campaign_date: dt.date
    designs: tuple[Design, ...]
    document: YamlDocument
    coverage: tuple[Coverage, ...] = ()

    def design(self, name: str) -> Design:
        """The design with this name, or ValueError listing the names."""
        for design in self.designs:
            if design.name == name:
                return design
        names = ", ".join(d.name for d in self.designs)
        raise ValueError(f"there is no design '{name}' in analysis.yaml: the designs are {names}")

    def check_columns(self, columns: Sequence[str], only: str | None = None) -> None:
        """InvalidInput, located in the YAML, for covariates or strata that are no column."""
        problems = []
        for index, design in enumerate(self.designs):
            if only is not None and design.name != only:
                continue
            for key in ("covariates", "strata"):
                for position, name in enumerate(getattr(design, key)):
                    if name in columns:
                        continue
                    close = difflib.get_close_matches(name, list(columns), n=1, cutoff=0.6)
                    hint = f"did you mean '{close[0]}'? " if close else ""
                    problems.append(
                        self.document.problem(
                            ("designs", index, key, position),
                            f"design '{design.name}': '{name}' is not a case variable",
                            hint + "use a case covariate or a code variable "
                            "('hrd-coder export cases' lists them all)",
                        )
                    )
        raise_if_any(problems)


def parse_analysis(text: str, path: str, codebook: Codebook) -> AnalysisPlan:
    """Check analysis.yaml text; raise InvalidInput listing every problem with its line."""
    document, problems = parse_yaml(text, path)
    raise_if_any(problems)
    assert document is not None
    if not isinstance(document.data, dict):
        hint = "start with 'campaign_date:' and 'designs:' (see docs/analysis.md)"
        raise InvalidInput(
            [Problem(path, 1, 1, "the file is not a block of 'key: value' lines", hint)]
        )
    context = {
        "case_groups": codebook.case_groups,
        "release_types": codebook.release_types,
        "codes": [code.id for code in codebook.codes],
    }
    plan, problems = validate(
        AnalysisFile, document, context=context, subject=lambda loc: _subject(document, loc)
    )
    problems += _cross_check(document, plan)
    raise_if_any(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return AnalysisPlan(plan.campaign_date, plan.designs, document, plan.coverage)


def _subject(document: YamlDocument, loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] in ("designs", "coverage") and isinstance(loc[1], int):
        what = "design" if loc[0] == "designs" else "coverage"
        entries = document.data.get(loc[0])
        raw = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            return f"{what} '{raw['name']}': "
        return f"{what} #{loc[1] + 1}: "
    return ""


def _cross_check(document: YamlDocument, plan: AnalysisFile | None) -> list[Problem]:
    if plan is None:
        return []
    problems, first = [], {}
    for index, design in enumerate(plan.designs):
        if design.name in first:
            line, _ = document.position(("designs", first[design.name], "name"))
            problems.append(
                document.problem(
                    ("designs", index, "name"),
                    f"design name '{design.name}' is used twice",
                    f"give one of them another name (the first is on line {line})",
                )
            )
        first.setdefault(design.name, index)
        if design.censor_date <= plan.campaign_date:
            problems.append(
                document.problem(
                    ("designs", index, "censor_date"),
                    f"design '{design.name}': censor_date {design.censor_date} is not after "
                    f"campaign_date {plan.campaign_date}",
                    "follow-up ends after the campaign starts: check both dates",
                )
            )
    named: set[str] = set()
    for index, coverage in enumerate(plan.coverage):
        if coverage.name in named:
            problems.append(
                document.problem(
                    ("coverage", index, "name"),
                    f"coverage name '{coverage.name}' is used twice",
                    "give each coverage measure its own name (it starts its column names)",
                )
            )
        named.add(coverage.name)
    return problems


def survival_table(
    design: Design, campaign_date: dt.date, cases: pd.DataFrame, files: Mapping[str, str]
) -> pd.DataFrame:
    """The design's survival table: one row per case with origin, end, days, released, entry.

    Then come the group column (1 for the design's group) and the model's covariates and
    strata.

    `cases` is a case table (`hrd_coder.analysis.case_variables`); `files` maps case id
    to its case file for messages. `days` runs from the origin to release, or to the end of
    follow-up (the earlier of `censor_date` and the case's `censored_on`); `released` is 1
    only for release types in the design's `events` (others are censored at release).
    With origin `detained_on`, `entry` is the days from detention to the campaign date (0
    for cases detained later): the case is under observation only from then on.
    """
    import pandas as pd

    chosen = cases[cases[list(design.cases)].eq(1).any(axis=1)].reset_index(drop=True)
    problems: list[Problem] = []
    rows = []
    for case in chosen.to_dict("records"):
        row = _outcome(design, campaign_date, case, files.get(case["id"], case["id"]), problems)
        if row is not None:
            rows.append(row)
    for name in (*design.covariates, *design.strata):
        for case in chosen.to_dict("records"):
            if name in case and pd.isna(case[name]):
                problems.append(
                    Problem(
                        files.get(case["id"], case["id"]),
                        None,
                        None,
                        f"case {case['id']} has no value for '{name}', which design "
                        f"'{design.name}' uses",
                        f"give covariates.{name} a value in the case file, or drop '{name}' "
                        "from the design (cases are never dropped silently)",
                    )
                )
    raise_if_any(problems)
    if not rows:  # a new project, or groups nobody is in yet
        raise ProjectError(
            f"design '{design.name}' has no cases: no imported case is in its groups "
            f"({', '.join(design.cases)}); add case files under cases/ (groups: [...]) and "
            "run 'hrd-coder import'"
        )
    outcomes = pd.DataFrame(rows)
    model = chosen[["id", design.group, *dict.fromkeys((*design.covariates, *design.strata))]]
    table = outcomes.merge(model, on="id", how="left")
    if design.origin != "detained_on":
        table = table.drop(columns=[ENTRY])
    return table


def _outcome(
    design: Design, campaign: dt.date, case: dict, path: str, problems: list[Problem]
) -> dict | None:
    def fail(message: str, hint: str) -> None:
        problems.append(Problem(path, None, None, f"case {case['id']}: {message}", hint))

    released, censored = _date(case["released_on"]), _date(case["censored_on"])
    detained, featured = _date(case["detained_on"]), _date(case["featured_on"])
    origin = campaign
    if design.origin == "detained_on":
        origin = detained
    elif design.origin == "featured_on" and case[design.group] == 1:
        if featured is None:
            fail(
                f"design '{design.name}' counts time from featured_on, which is empty",
                "add the date the campaign named her (featured_on:) to the case file",
            )
            return None
        origin = featured
    if origin > design.censor_date:
        fail(
            f"the time origin {origin} is after the design's censor_date {design.censor_date}",
            f"leave the case out of design '{design.name}' or move its censor_date",
        )
        return None
    observed_from = max(origin, campaign) if design.origin == "detained_on" else origin
    for key, date in (("released_on", released), ("censored_on", censored)):
        if date is not None and date < observed_from:
            fail(
                f"{key} {date} is before the start of observation {observed_from} "
                f"({'campaign date' if observed_from == campaign else design.origin})",
                f"check the date, or leave the case out of design '{design.name}' "
                "(she was not held when observation began)",
            )
            return None
    if released is not None and released <= design.censor_date:
        end, event = released, int(case["release_type"] in design.events)
    else:
        end = min(d for d in (censored, design.censor_date) if d is not None)
        event = 0
    entry = max((campaign - detained).days, 0) if design.origin == "detained_on" else 0
    used = {
        "detained_on": design.origin == "detained_on",
        "featured_on": origin is featured and design.origin == "featured_on",
        "released_on": end is released,
        "censored_on": end is censored,
    }
    return {
        "id": case["id"],
        "origin": origin,
        "end": end,
        DURATION: (end - origin).days,
        EVENT: event,
        ENTRY: entry,
        IMPRECISE: _imprecise(case, [key for key, wanted in used.items() if wanted]),
    }


def _imprecise(case: dict, keys: list[str]) -> str:
    """The dates a row used that are known only to the month or year, e.g. 'detained 2011-03'."""
    found = []
    for key in keys:
        precision = case.get(key.replace("_on", "_precision"))
        if precision in ("month", "year"):
            written = str(case[key])[: 7 if precision == "month" else 4]
            found.append(f"{key.replace('_on', '')} {written}")
    return ", ".join(found)


def _date(value: Any) -> dt.date | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
