"""Media files (`media/*.md|*.txt`): news articles, press releases and statements about cases."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic_core import PydanticCustomError

from hrd_coder.codebook.model import NAME_ID, TextList
from hrd_coder.problems import Problem
from hrd_coder.sources.cases import Date, check_id
from hrd_coder.sources.text import sha256
from hrd_coder.yaml_source import YamlDocument

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class MediaFile(BaseModel):
    """The front matter of a media item: where and when it appeared, and whom it mentions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    outlet: str
    outlet_type: str
    date: Date
    language: str | None = None
    url: str | None = None
    source: str | None = None
    cases: TextList = ()
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return check_id(value)

    @field_validator("title", "outlet")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError(
                "blank", "this must not be empty", {"hint": "write the text, or remove the file"}
            )
        return value.strip()

    @field_validator("outlet_type")
    @classmethod
    def _plain_type(cls, value: str) -> str:
        if not NAME_ID.match(value):
            raise PydanticCustomError(
                "bad_outlet_type",
                "outlet_type '{value}' is not a plain name",
                {
                    "value": value,
                    "hint": "use lowercase letters, digits and _, e.g. international, "
                    "domestic, state, wire, exile (analysis.yaml filters on these names)",
                },
            )
        return value

    @field_validator("language")
    @classmethod
    def _language_code(cls, value: str | None) -> str | None:
        if value is not None and not LANGUAGE.match(value):
            raise PydanticCustomError(
                "bad_language",
                "language '{value}' is not a language code",
                {"value": value, "hint": "write an ISO 639 code such as en, fr, ar or pt-BR"},
            )
        return value

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value.strip()):
            raise PydanticCustomError(
                "bad_url",
                "url '{value}' is not a web address",
                {
                    "value": value,
                    "hint": "write the full address (https://...), or put a note on where "
                    "the item comes from under 'source:' instead",
                },
            )
        return value.strip() if value else value

    @model_validator(mode="after")
    def _traceable(self) -> MediaFile:
        # Coverage counts are evidence: every item must say where it can be found again.
        if not self.url and not (self.source or "").strip():
            raise PydanticCustomError(
                "untraceable",
                "the item has neither 'url' nor 'source'",
                {
                    "hint": "add 'url: https://...' or 'source: ...' (e.g. "
                    "'print edition, p. 3' or 'archive copy in the team folder')"
                },
            )
        return self


def media_document_fields(meta: MediaFile, body: str) -> dict[str, Any]:
    """The fields of the stored document: kind `media`, front matter as metadata."""
    metadata = meta.model_dump(mode="json", exclude={"id", "title", "cases", "date"})
    metadata["date"] = str(meta.date)
    metadata["date_precision"] = meta.date.precision
    return {
        "id": meta.id,
        "kind": "media",
        "title": meta.title,
        "text": body,
        "sha256": sha256(body),
        "metadata": metadata,
        "case_ids": meta.cases,
    }


def normalised_url(url: str) -> str:
    """An address with the differences that do not change the page taken out.

    Scheme, `www.`, letter case of the host, a trailing slash, the fragment and tracking
    parameters (`utm_*`, `fbclid`, `gclid`) do not make another article.
    """
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in ("fbclid", "gclid")
    ]
    return f"{host}{parts.path.rstrip('/')}" + (f"?{urlencode(sorted(query))}" if query else "")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def duplicate_keys(
    outlet: str, date: str, title: str, url: str | None, body: str
) -> list[tuple[str, str]]:
    """(what, key) pairs: two items sharing any key are the same article."""
    keys = [("the same outlet, date and title", f"{_words(outlet)}|{date}|{_words(title)}")]
    if url:
        keys.append(("the same url", normalised_url(url)))
    if body.strip():
        text = " ".join(body.split())
        keys.append(("the same text", hashlib.sha256(text.encode("utf-8")).hexdigest()))
    return keys


def media_key_list(meta: MediaFile, body: str) -> list[tuple[str, str]]:
    """The duplicate keys of a parsed media file."""
    return duplicate_keys(meta.outlet, str(meta.date), meta.title, meta.url, body)


def duplicate_media(parsed: list[tuple[MediaFile, YamlDocument, str, str]]) -> list[Problem]:
    """One problem per media file that repeats an earlier one (it would be counted twice)."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for meta, document, path, body in parsed:
        for what, key in media_key_list(meta, body):
            if (what, key) in seen:
                problems.append(
                    document.problem(
                        ("id",),
                        f"media item '{meta.id}' repeats {seen[(what, key)]} ({what})",
                        "delete one of the two files: coverage would count the article twice",
                    )
                )
                break
        else:
            for what, key in media_key_list(meta, body):
                seen[(what, key)] = path
    return problems
