"""The `llm` backend's pure part: the prompt built from the codebook, the JSON schema its
answer must follow, and the check of every answer against the text it was given.

A language model is trusted with nothing: an answer that is not the JSON asked for, a code
the codebook does not have, or a quote that is not found exactly in the unit's text is
discarded and counted, never stored. What is kept is a span of the document, found here by
searching for the quote, never an offset the model claims.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

BACKEND = "llm"
TEMPERATURE = 0.0
INVALID_KINDS = ("json", "unknown_code", "quote")
"""Why an answer (json: the whole answer; unknown_code, quote: one coding of it) was dropped."""

SYSTEM_TEMPLATE = """\
You are a careful qualitative coder. You apply the codes of a codebook to passages of \
interviews and case histories about human rights diplomacy.

Codebook:
{codebook}

Rules:
- Apply a code only when the passage fits its definition and inclusion rule, and not its \
exclusion rule.
- For each code you apply, copy the words that show it into "quote", exactly as they are \
written in the passage: same spelling, same punctuation, nothing added or left out.
- Give the reason in one or two sentences in "reasoning".
- Use only the code ids listed above. If no code applies, answer {{"codings": []}}.
- Answer with JSON only: {{"codings": [{{"code": "...", "quote": "...", "reasoning": "..."}}]}}"""

USER_TEMPLATE = """\
Passage:
<<<
{text}
>>>"""

CODE_TEMPLATE = """\
- id: {id}
  label: {label}
  definition: {definition}"""


@dataclass(frozen=True)
class CodeText:
    """What the prompt says of one code: the codebook's own words."""

    id: str
    label: str
    definition: str
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    """One coding an answer gave that passed every check: a span of the passage."""

    code: str
    start: int  # in the passage
    end: int
    reasoning: str


@dataclass
class Checked:
    """An answer's codings that passed, and the counts of what was dropped, by kind."""

    found: list[Found] = field(default_factory=list)
    invalid: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INVALID_KINDS, 0))


def template_hash() -> str:
    """SHA-256 of the prompt's templates: recorded with a run, it changes when they do."""
    text = "\n\x00\n".join((SYSTEM_TEMPLATE, USER_TEMPLATE, CODE_TEMPLATE))
    return hashlib.sha256(text.encode()).hexdigest()


def system_prompt(codes: Sequence[CodeText]) -> str:
    """The instructions with every code's definition, include, exclude and examples."""
    return SYSTEM_TEMPLATE.format(codebook="\n".join(_code_text(code) for code in codes))


def _code_text(code: CodeText) -> str:
    lines = [CODE_TEMPLATE.format(id=code.id, label=code.label, definition=_one_line(code))]
    if code.include.strip():
        lines.append(f"  include: {' '.join(code.include.split())}")
    if code.exclude.strip():
        lines.append(f"  exclude: {' '.join(code.exclude.split())}")
    lines.extend(f"  example: {' '.join(example.split())}" for example in code.examples)
    return "\n".join(lines)


def _one_line(code: CodeText) -> str:
    return " ".join(code.definition.split())


def user_prompt(text: str) -> str:
    """The passage to code, between markers."""
    return USER_TEMPLATE.format(text=text)


def answer_schema(codes: Iterable[str]) -> dict[str, Any]:
    """The JSON schema the model's answer is constrained to (Ollama's `format`, llama.cpp's
    `response_format`): a list of codings, each a code of the codebook, a quote, a reason."""
    return {
        "type": "object",
        "properties": {
            "codings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "enum": list(codes)},
                        "quote": {"type": "string"},
                        "reasoning": {"type": "string"},
                    },
                    "required": ["code", "quote", "reasoning"],
                },
            }
        },
        "required": ["codings"],
    }


def check_answer(answer: str, passage: str, codes: Iterable[str]) -> Checked:
    """The answer's codings whose code exists and whose quote is found exactly in the
    passage (its first occurrence), each once; everything else counted as invalid.

    Constrained decoding should make bad JSON impossible, but a server may ignore the
    schema (an old Ollama) or stop at its token limit mid-answer: the check does not rely
    on it."""
    checked = Checked()
    known = set(codes)
    items = _codings(answer)
    if items is None:
        checked.invalid["json"] += 1
        return checked
    seen: set[tuple[str, int, int]] = set()
    for item in items:
        if not _is_coding(item):
            checked.invalid["json"] += 1
        elif item["code"] not in known:
            checked.invalid["unknown_code"] += 1
        else:
            span = quote_span(passage, item["quote"])
            if span is None:
                checked.invalid["quote"] += 1
            elif (item["code"], *span) not in seen:
                seen.add((item["code"], *span))
                reasoning = " ".join(str(item.get("reasoning", "")).split())
                checked.found.append(Found(item["code"], *span, reasoning))
    return checked


def _codings(answer: str) -> list | None:
    try:
        data = json.loads(answer)
    except (json.JSONDecodeError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("codings"), list):
        return None
    return data["codings"]


def _is_coding(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("code"), str)
        and isinstance(item.get("quote"), str)
        and isinstance(item.get("reasoning", ""), str)
    )


def quote_span(passage: str, quote: str) -> tuple[int, int] | None:
    """Where the quote first occurs in the passage, exactly; None when it does not (or is
    blank). Only the quote's outer whitespace is forgiven: a model often trims or pads it."""
    wanted = quote.strip()
    if not wanted:
        return None
    start = passage.find(wanted)
    return None if start < 0 else (start, start + len(wanted))


def add_invalid(total: dict[str, int], more: dict[str, int]) -> None:
    """Add one answer's invalid counts to the run's."""
    for kind, count in more.items():
        total[kind] = total.get(kind, 0) + count
