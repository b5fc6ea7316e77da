"""Stand-ins for a language model, for the llm backend's tests (issue 17): no model weights
can be downloaded here, so no model was ever run; these speak the model's side instead.

- `OllamaStub`: a real HTTP server in a thread, speaking the part of Ollama's API the
  backend uses (GET /api/version, GET /api/tags, POST /api/chat with `format` and
  `options`, as https://github.com/ollama/ollama/blob/main/docs/api.md describes them).
- `llama_module`: a module that can stand in for `llama_cpp`, with a `Llama` class whose
  `create_chat_completion` answers as llama-cpp-python's does (an OpenAI-style completion).

Both answer with a `coder(passage, seed)` function of the test's choosing, and keep every
request they were sent.
"""

from __future__ import annotations

import json
import re
import threading
import types
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIGEST = "9f438cb9cd581fc025612d27f7c1a6669ff83a8bb0ed86c94fcf4c5440555697"
VERSION = "0.0-stub"
MODEL = "stub-coder:7b"
PASSAGE = re.compile(r"<<<\n(.*)\n>>>", re.DOTALL)

Coder = Callable[[str, int], str]


def passage_of(user_prompt: str) -> str:
    """The passage between the prompt's markers (machine/llm.py USER_TEMPLATE)."""
    found = PASSAGE.search(user_prompt)
    assert found, user_prompt
    return found.group(1)


def embargo_coder(passage: str, seed: int) -> str:
    """Codes `sanctions` wherever the passage speaks of an embargo (what the planted
    project's coder ana does), quoting the word and its neighbour."""
    found = re.search(r"(\w+ )?embargo(es)?", passage, re.IGNORECASE)
    codings = []
    if found:
        codings.append(
            {"code": "sanctions", "quote": found.group(0), "reasoning": "An embargo is named."}
        )
    return json.dumps({"codings": codings})


class OllamaStub:
    """An Ollama-speaking HTTP server on `address` (a free port), for `with` blocks."""

    def __init__(self, coder: Coder = embargo_coder, address: str = "127.0.0.1") -> None:
        self.coder = coder
        self.chats: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path == "/api/version":
                    self._send({"version": VERSION})
                elif self.path == "/api/tags":
                    self._send({"models": [{"name": MODEL, "model": MODEL, "digest": DIGEST}]})
                else:
                    self._send({"error": "not found"}, 404)

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/api/chat":
                    self._send({"error": "not found"}, 404)
                    return
                stub.chats.append(body)
                if body["model"] != MODEL:
                    self._send({"error": f"model '{body['model']}' not found"}, 404)
                    return
                passage = passage_of(body["messages"][-1]["content"])
                content = stub.coder(passage, body["options"]["seed"])
                message = {"role": "assistant", "content": content}
                self._send({"model": MODEL, "message": message, "done": True})

            def _send(self, data: dict, status: int = 200) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                """Quiet: the tests read `chats`, not a log."""

        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.url = f"http://{address}:{self.server.server_port}"

    def __enter__(self) -> OllamaStub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def llama_module(coder: Coder = embargo_coder, version: str = "0.3.0-stub") -> Any:
    """A stand-in for the `llama_cpp` module; `module.loaded` and `module.chats` keep
    what it was asked."""
    module = types.ModuleType("llama_cpp")
    module.__version__ = version
    module.loaded = []
    module.chats = []
    module.context = 100_000  # characters of the passage's prompt it takes

    class Llama:
        def __init__(self, model_path: str, **settings: Any) -> None:
            module.loaded.append({"model_path": model_path, **settings})

        def create_chat_completion(self, messages: list[dict], **settings: Any) -> dict:
            module.chats.append({"messages": messages, **settings})
            if len(messages[-1]["content"]) > module.context:
                raise ValueError("Requested tokens exceed context window")  # as llama.cpp does
            content = coder(passage_of(messages[-1]["content"]), settings["seed"])
            return {"choices": [{"message": {"role": "assistant", "content": content}}]}

    module.Llama = Llama
    return module
