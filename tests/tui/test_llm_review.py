"""Reviewing a language model's suggestions in the workbench (issue 17): F4 shows each one's
reasoning beside its code, where a classifier's suggestion shows its probability."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from tests.ollama_stub import MODEL, OllamaStub
from tests.planted import code_planted, planted_files
from tests.tui.test_suggestion_review import SIZE, start_review, status

WHY = "The passage names an embargo on the country, which is economic pressure."


def explaining_coder(passage: str, seed: int) -> str:
    """Codes `sanctions` on every embargo, with a reason longer than the status line has
    room for."""
    start = passage.lower().find("embargo")
    if start < 0:
        return json.dumps({"codings": []})
    quote = passage[start : start + len("embargo")]
    return json.dumps({"codings": [{"code": "sanctions", "quote": quote, "reasoning": WHY}]})


@pytest.fixture
def llm_reviewed(tmp_path: Path) -> Path:
    """The planted project, coded by ana but for int01, with one llm run on int01."""
    root = tmp_path / "planted"
    plan = planted_files(root)
    with Project.open(root) as project:
        project.import_files()
        code_planted(project, {d: rows for d, rows in plan.items() if d != "int01"}, "ana")
        with OllamaStub(explaining_coder) as server:
            run = project.suggest(backend="llm", ollama=MODEL, host=server.url, documents=["int01"])
        assert run.suggestions > 0
    return root


async def test_f4_shows_the_models_reasoning(llm_reviewed: Path):
    with Project.open(llm_reviewed) as project:
        _, expected = project.pending_suggestions("ana", document="int01")
    assert expected and {s.reasoning for s in expected} == {WHY}
    assert {s.probability for s in expected} == {None}
    app = CoderApp(llm_reviewed, None, "ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        shown = status(screen)
        assert f"suggestion 1/{len(expected)} of llm-1: sanctions " in shown
        assert f'"{WHY[:50]}' in shown and "…" in shown and WHY not in shown
        assert "p=" not in shown
