"""The two ways the `llm` backend reaches a language model on this machine: a GGUF file
through llama-cpp-python (an optional extra, imported only here and only when used), or an
Ollama server through its HTTP API (the standard library's urllib: nothing to install).

Each says which model answered (a checksum of its weights) and answers one passage at a
time at temperature 0 with a seed, its output constrained to the JSON schema it is given.
Whether a host may be used at all is decided by the caller (services/suggestions_llm.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from hrd_coder.machine.llm import TEMPERATURE
from hrd_coder.problems import ProjectError

DEFAULT_HOST = "http://localhost:11434"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
CONTEXT_TOKENS = 8192  # llama.cpp's window: a codebook of 15 codes and a long paragraph fit
ANSWER_TIMEOUT = 600  # seconds for one passage: a CPU-only model can be that slow
INSTALL = "pip install 'hrd-coder[llm]'"


@dataclass(frozen=True)
class LlmSource:
    """Which model to ask: a GGUF file, or a model an Ollama server has (at `host`)."""

    model_file: str | None = None
    ollama: str | None = None
    host: str = DEFAULT_HOST
    allow_remote: bool = False


@dataclass(frozen=True)
class ModelIdentity:
    """What the run records of the model that answered."""

    source: str  # "gguf" or "ollama"
    model: str  # the file's name, or Ollama's model name
    checksum: str  # "sha256:..." of the GGUF file, or the digest Ollama reports
    version: str  # "llama-cpp-python 0.3.2" or "Ollama 0.5.1"


class ChatModel(Protocol):
    """A model that codes one passage: the raw text of its answer."""

    identity: ModelIdentity

    def answer(self, system: str, user: str, schema: dict[str, Any], seed: int) -> str: ...


def host_name(url: str) -> str:
    """The host of a server's address (`http://gpu.lab:11434` -> `gpu.lab`); a clear
    ProjectError for an address that is not http(s)://HOST[:PORT]."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProjectError(
            f"'{url}' is not a server address: give --host http://HOST:PORT "
            f"(default {DEFAULT_HOST})"
        )
    return parts.hostname


def is_local(url: str) -> bool:
    """True for a server on this machine (localhost, 127.0.0.1, ::1)."""
    return host_name(url) in LOCAL_HOSTS


def base_url(url: str) -> str:
    """The address with a scheme and no trailing slash."""
    return (url if "://" in url else f"http://{url}").rstrip("/")


# -- a GGUF file through llama-cpp-python -------------------------------------------------


class GgufModel:
    """A GGUF file loaded by llama-cpp-python, its answers constrained to the schema."""

    def __init__(self, path: Path) -> None:
        llama_cpp = _llama_cpp()
        if not path.is_file():
            raise ProjectError(
                f"there is no model file {path}: give the path of a GGUF file with --model "
                "(nothing is downloaded)"
            )
        self.identity = ModelIdentity(
            "gguf",
            path.name,
            f"sha256:{file_sha256(path)}",
            f"llama-cpp-python {getattr(llama_cpp, '__version__', 'unknown')}",
        )
        try:
            self._llama = llama_cpp.Llama(
                model_path=str(path), n_ctx=CONTEXT_TOKENS, seed=0, verbose=False
            )
        except (ValueError, RuntimeError) as error:
            raise ProjectError(
                f"llama.cpp could not load {path} ({error}): is it a GGUF model file?"
            ) from error

    def answer(self, system: str, user: str, schema: dict[str, Any], seed: int) -> str:
        """The model's answer to one passage."""
        try:
            done = self._llama.create_chat_completion(
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                response_format={"type": "json_object", "schema": schema},
                temperature=TEMPERATURE,
                seed=seed,
            )
        except ValueError as error:  # llama.cpp's "Requested tokens exceed context window"
            raise ProjectError(
                f"llama.cpp could not answer ({error}): the codebook and one unit must fit in "
                f"{CONTEXT_TOKENS} tokens; use a shorter unit (--unit sentence) or fewer codes "
                "(--code)"
            ) from error
        return done["choices"][0]["message"]["content"] or ""


def _llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as error:
        raise ProjectError(
            "a GGUF model needs llama-cpp-python, which is not installed: "
            f"{INSTALL} (or use --ollama MODEL with an Ollama server on this machine)"
        ) from error
    return llama_cpp


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in pieces (a GGUF file is gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for piece in iter(lambda: file.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


# -- an Ollama server -----------------------------------------------------------------------


class OllamaModel:
    """A model of an Ollama server, asked through /api/chat with `format` = the schema."""

    def __init__(self, host: str, model: str) -> None:
        self.host = base_url(host)
        self.model = model
        version = self._get("/api/version").get("version", "unknown")
        self.identity = ModelIdentity("ollama", model, self._digest(), f"Ollama {version}")

    def _digest(self) -> str:
        """The digest Ollama lists for the model (/api/tags): which weights answered."""
        models = self._get("/api/tags").get("models") or []
        for found in models:
            if self.model in (found.get("name"), found.get("model")) or (
                ":" not in self.model and found.get("name") == f"{self.model}:latest"
            ):
                return f"sha256:{found.get('digest', '')}"
        names = ", ".join(str(m.get("name")) for m in models) or "none"
        raise ProjectError(
            f"the Ollama server at {self.host} has no model '{self.model}' (it has: {names}): "
            f"run 'ollama pull {self.model}' on that machine, or name one it has"
        )

    def answer(self, system: str, user: str, schema: dict[str, Any], seed: int) -> str:
        """The model's answer to one passage."""
        done = self._post(
            "/api/chat",
            {
                "model": self.model,
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                "format": schema,
                "stream": False,
                "options": {"temperature": TEMPERATURE, "seed": seed},
            },
        )
        message = done.get("message")
        return str(message.get("content", "")) if isinstance(message, dict) else ""

    def _get(self, path: str) -> dict[str, Any]:
        return self._call(path, None)

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call(path, json.dumps(body).encode())

    def _call(self, path: str, body: bytes | None) -> dict[str, Any]:
        from urllib.error import HTTPError, URLError
        from urllib.request import Request, urlopen

        request = Request(self.host + path, data=body, headers={"Content-Type": "application/json"})
        try:
            with urlopen(request, timeout=ANSWER_TIMEOUT) as response:
                data = json.loads(response.read().decode("utf-8"))
        except HTTPError as error:
            raise ProjectError(
                f"the Ollama server at {self.host} refused {path}: {error.code} {_reason(error)}"
            ) from error
        except (URLError, OSError) as error:
            raise ProjectError(
                f"cannot reach an Ollama server at {self.host} ({error}): start it with "
                "'ollama serve', or give its address with --host"
            ) from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ProjectError(
                f"{self.host}{path} did not answer as Ollama does (no JSON): is it an "
                "Ollama server?"
            ) from error
        return data if isinstance(data, dict) else {}


def _reason(error: Any) -> str:
    try:
        return str(json.loads(error.read().decode("utf-8")).get("error", error.reason))
    except (ValueError, AttributeError, OSError):
        return str(error.reason)


def open_model(source: LlmSource) -> ChatModel:
    """The model the source names, ready to answer."""
    if source.model_file:
        return GgufModel(Path(source.model_file))
    return OllamaModel(source.host, source.ollama or "")
