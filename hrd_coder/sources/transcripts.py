"""Transcript files (`transcripts/*.md|*.txt`): interview metadata and speaker turns."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from hrd_coder.codebook.model import TextList
from hrd_coder.sources.cases import Date, check_id


class TranscriptFile(BaseModel):
    """The front matter of an interview transcript."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    date: Date | None = None
    interviewer: str | None = None
    interviewee_role: str | None = None
    cases: TextList = ()
    speakers: TextList = ()
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return check_id(value)
