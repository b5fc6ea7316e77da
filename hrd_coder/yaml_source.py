"""YAML read with node positions, so every problem can name its line and column."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from hrd_coder.problems import Problem


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: our validators parse them, so an impossible
    date like 2012-13-01 becomes a located problem instead of a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml builds the same node tree (with line and column marks) about 15x faster, which
# matters when an import reads thousands of front matters; without it, the Python one.
_FastLoader: type = getattr(yaml, "CSafeLoader", _Loader)
if _FastLoader is not _Loader:
    _FastLoader = type("_FastLoader", (_FastLoader,), {})
    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML data together with its node tree (for line numbers)."""

    data: Any
    node: yaml.Node | None
    path: str
    first_line: int  # file line of the YAML text's first line (front matter starts at 2)

    def position(self, loc: tuple[Any, ...]) -> tuple[int | None, int | None]:
        """Return the 1-based (line, column) of the node at a pydantic-style location."""
        node = _node_at(self.node, loc)
        if node is None:
            return None, None
        return node.start_mark.line + self.first_line, node.start_mark.column + 1

    def problem(self, loc: tuple[Any, ...], message: str, hint: str = "") -> Problem:
        """Build a problem located at `loc` in this document."""
        line, column = self.position(loc)
        return Problem(self.path, line, column, message, hint)


def parse_yaml(
    text: str, path: str, first_line: int = 1
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text; return the document or the syntax / duplicate-key problems."""
    try:
        try:
            node, data = _load(_FastLoader, text)
        except yaml.YAMLError:
            # Broken YAML is rare: parse it again with the Python loader, whose messages
            # (and so our hints) are the ones users and tests know.
            node, data = _load(_Loader, text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else None
        column = mark.column + 1 if mark else None
        what = f"this is not valid YAML: {error.problem or error.context}"
        return None, [Problem(path, line, column, what, _yaml_hint(error))]
    document = YamlDocument(data, node, path, first_line)
    return document, _duplicate_keys(node, document)


def _load(loader_type: type, text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_type(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _yaml_hint(error: yaml.MarkedYAMLError) -> str:
    text = f"{error.problem} {error.context}"
    if "tab" in text:
        return "indent with spaces, not tabs"
    if "mapping values" in text:
        return "put quotes around text that contains ': ' or starts with a special character"
    return "check indentation, colons and quotes on this line and the one before"


def _duplicate_keys(node: yaml.Node | None, document: YamlDocument) -> list[Problem]:
    """PyYAML silently keeps the last of two equal keys; we report them instead."""
    problems: list[Problem] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        problems.append(
                            Problem(
                                document.path,
                                key.start_mark.line + document.first_line,
                                key.start_mark.column + 1,
                                f"key '{key.value}' appears twice in the same block",
                                f"keep one of them (the other is on line {seen[key.value]})",
                            )
                        )
                    else:
                        seen[key.value] = key.start_mark.line + document.first_line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return problems


def _node_at(node: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """Walk mapping keys and list indices; stop at the deepest node that exists."""
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == step), None)
            if child is None:
                return node
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return node
            node = node.value[step]
        else:
            return node
    return node


def validate(
    model: type[BaseModel],
    document: YamlDocument,
    *,
    context: dict | None = None,
    subject: Callable[[tuple[Any, ...]], str] | None = None,
) -> tuple[Any, list[Problem]]:
    """Validate YAML data against a pydantic model; map every error to a located problem."""
    try:
        return model.model_validate(document.data, context=context), []
    except ValidationError as errors:
        problems = [_problem_for(model, document, error, subject) for error in errors.errors()]
        return None, problems


def _problem_for(
    model: type[BaseModel],
    document: YamlDocument,
    error: dict[str, Any],
    subject: Callable[[tuple[Any, ...]], str] | None,
) -> Problem:
    loc = tuple(error["loc"])
    where = subject(loc) if subject else ""
    field = str(loc[-1]) if loc else "file"
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        line, column = document.position(loc[:-1])
        message = f"{where}required key '{field}' is missing"
        return Problem(document.path, line, column, message, f"add a '{field}:' line")
    if kind == "extra_forbidden":
        line, column = _key_position(document, loc)
        allowed = _allowed_keys(model, loc)
        return Problem(
            document.path,
            line,
            column,
            f"{where}unknown key '{field}'",
            _did_you_mean(field, allowed),
        )
    line, column = document.position(loc)
    if "hint" in ctx:
        return Problem(document.path, line, column, f"{where}{error['msg']}", ctx["hint"])
    return Problem(
        document.path, line, column, f"{where}'{field}': {error['msg']}", _generic_hint(kind, field)
    )


def _key_position(document: YamlDocument, loc: tuple[Any, ...]) -> tuple[int | None, int | None]:
    parent = _node_at(document.node, loc[:-1])
    if isinstance(parent, yaml.MappingNode):
        for key, _ in parent.value:
            if getattr(key, "value", None) == loc[-1]:
                return key.start_mark.line + document.first_line, key.start_mark.column + 1
    return document.position(loc)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Find the field names of the (nested) model that owns the unknown key."""
    current: Any = model
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        field = current.model_fields.get(step) if hasattr(current, "model_fields") else None
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    for arg in (annotation, *args):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _did_you_mean(word: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(word, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if allowed:
        return "allowed keys are: " + ", ".join(allowed)
    return "remove this key"


def _generic_hint(kind: str, field: str) -> str:
    if kind.startswith(("string", "str")):
        return f"write '{field}' as text (put it in quotes)"
    if kind.startswith("list"):
        return f"write '{field}' as a list, e.g. [a, b]"
    if kind.startswith(("dict", "mapping")):
        return f"write '{field}' as a block of 'key: value' lines"
    if kind.startswith(("int", "float")):
        return f"write '{field}' as a number"
    return f"correct the value of '{field}'"
