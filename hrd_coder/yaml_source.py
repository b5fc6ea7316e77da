"""YAML read with node positions, so every problem can name its line and column."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from hrd_coder.problems import Problem

# Limits on what a project's YAML may hold (docs/limits.md). Our formats nest a few levels
# and need no aliases; refusing both before the node tree is built keeps a hostile file
# from hanging an import ("billion laughs") or exhausting the stack.
MAX_DEPTH = 50
INT_BITS = 64  # SQLite's integers; also what Stata, R and pandas read without loss
_INT_RANGE = range(-(2 ** (INT_BITS - 1)), 2 ** (INT_BITS - 1))
_INT_TEXT = 40  # longer than any 64-bit integer, even with '_' separators


class _Refused(Exception):
    """A construct refused before it is built: an alias, too deep a nesting, a huge integer."""

    def __init__(self, mark: yaml.Mark, message: str, hint: str):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


def _alias_refused(event: yaml.Event) -> _Refused:
    return _Refused(
        event.start_mark,
        f"YAML aliases ('*{event.anchor}') are not allowed in project files",
        "write the value out in full where it is needed (aliases can make a small file "
        "expand to billions of values, so hrd-coder reads none)",
    )


def _too_deep(mark: yaml.Mark) -> _Refused:
    return _Refused(
        mark,
        f"lists and blocks are nested more than {MAX_DEPTH} levels deep here",
        "our files need only a few levels: check the indentation and brackets",
    )


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """Whole numbers must fit in 64 bits: SQLite stores no more, and Python refuses to turn
    numbers of over 4,300 digits into text. Checked on the text first, so a 5,000-digit
    number is never converted."""
    value = None
    if len(node.value) <= _INT_TEXT:
        value = yaml.SafeLoader.construct_yaml_int(loader, node)
    if value is None or value not in _INT_RANGE:
        shown = (
            node.value
            if len(node.value) <= 30
            else f"{node.value[:20]}... ({len(node.value)} characters)"
        )
        raise _Refused(
            node.start_mark,
            f"the whole number {shown} is too large: whole numbers must fit in "
            f"{INT_BITS} bits (up to {_INT_RANGE.stop - 1:,})",
            "write it as a decimal number (e.g. 1.5e30), or in quotes as text",
        )
    return value


def _bad_scalar(loader: yaml.SafeLoader, node: yaml.Node) -> _Refused:
    """The scalar an explicit tag made impossible to build (`!!int x`, `!!bool maybe`,
    `!!timestamp 2015-13-45`), looked for only once building failed."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.yaml_constructors.get(current.tag, _as_text)(loader, current)
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
                kind = current.tag.rpartition(":")[2]
                return _Refused(
                    current.start_mark,
                    f"'{current.value[:40]}' is not a valid {kind}",
                    f"correct the value, or remove the '!!{kind}' in front of it",
                )
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
    return _Refused(node.start_mark, "this YAML cannot be read", "check its '!!' tags")


def _as_text(_loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return node.value


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: our validators parse them, so an impossible
    date like 2012-13-01 becomes a located problem instead of a crash. It refuses aliases
    and deep nesting while composing, where the Python composer would recurse."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            raise _alias_refused(self.peek_event())
        nests = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        self._depth += nests
        if self._depth > MAX_DEPTH:
            raise _too_deep(self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= nests


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

# libyaml builds the same node tree (with line and column marks) about 15x faster, which
# matters when an import reads thousands of front matters; without it, the Python one.
# Its composer is C code we cannot hook, so aliases are looked for in its events first
# (only in text holding a '*') and depth is checked on the finished tree (libyaml itself
# stops at 1,000 levels).
_FastLoader: type = getattr(yaml, "CSafeLoader", _Loader)
if _FastLoader is not _Loader:
    _FastLoader = type("_FastLoader", (_FastLoader,), {})
    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FastLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


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
            node, data, duplicates = _load(_FastLoader, text, path, first_line)
        except yaml.YAMLError as error:
            if "maximum nesting depth" in str(error) and isinstance(error, yaml.MarkedYAMLError):
                # libyaml's own limit (1,000 levels): find where ours was passed in its
                # events; the Python scanner would take seconds over the same brackets.
                _refuse_in_events(_FastLoader, text)
                raise _too_deep(error.problem_mark or error.context_mark) from None
            # Broken YAML is rare: parse it again with the Python loader, whose messages
            # (and so our hints) are the ones users and tests know.
            node, data, duplicates = _load(_Loader, text, path, first_line)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else None
        column = mark.column + 1 if mark else None
        what = f"this is not valid YAML: {error.problem or error.context}"
        return None, [Problem(path, line, column, what, _yaml_hint(error))]
    except _Refused as refused:
        line, column = refused.mark.line + first_line, refused.mark.column + 1
        return None, [Problem(path, line, column, refused.message, refused.hint)]
    except yaml.reader.ReaderError as error:  # a control character, found before parsing
        before = text[: error.position]
        line, column = before.count("\n") + first_line, error.position - before.rfind("\n")
        what = f"character U+{error.character:04X} is not allowed in YAML"
        return None, [
            Problem(path, line, column, what, "delete it (it is invisible in most editors)")
        ]
    return YamlDocument(data, node, path, first_line), duplicates


def _load(
    loader_type: type, text: str, path: str, first_line: int
) -> tuple[yaml.Node | None, Any, list[Problem]]:
    if loader_type is not _Loader and "*" in text:  # every alias starts with '*'
        _refuse_in_events(loader_type, text)
    loader = loader_type(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None, []
        # Checked on the tree before it is built: deep nesting would exhaust the stack of
        # the (recursive) constructor.
        duplicates = _check_tree(node, path, first_line)
        try:
            return node, loader.construct_document(node), duplicates
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            raise _bad_scalar(loader, node) from None
    finally:
        loader.dispose()


def _refuse_in_events(loader_type: type, text: str) -> None:
    """Raise at the first alias or the first level nested too deep, reading events only:
    nothing is expanded or built. Stops quietly at a syntax error (reported later)."""
    loader = loader_type(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise _alias_refused(event)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _yaml_hint(error: yaml.MarkedYAMLError) -> str:
    text = f"{error.problem} {error.context}"
    if "tab" in text:
        return "indent with spaces, not tabs"
    if "mapping values" in text:
        return "put quotes around text that contains ': ' or starts with a special character"
    return "check indentation, colons and quotes on this line and the one before"


def _check_tree(node: yaml.Node, path: str, first_line: int) -> list[Problem]:
    """Refuse nesting deeper than MAX_DEPTH; report keys that appear twice in a block
    (PyYAML silently keeps the last of two equal keys)."""
    problems: list[Problem] = []
    level: list[yaml.Node] = [node]
    depth = 0  # the nodes of `level` are inside `depth` collections
    while level:
        below: list[yaml.Node] = []
        for current in level:
            if isinstance(current, yaml.MappingNode):
                if depth == MAX_DEPTH:
                    raise _too_deep(current.start_mark)
                seen: dict[str, int] = {}
                for key, value in current.value:
                    if isinstance(key, yaml.ScalarNode):
                        if key.value in seen:
                            problems.append(_duplicate_key(key, seen[key.value], path, first_line))
                        else:
                            seen[key.value] = key.start_mark.line + first_line
                    else:
                        below.append(key)
                    below.append(value)
            elif isinstance(current, yaml.SequenceNode):
                if depth == MAX_DEPTH:
                    raise _too_deep(current.start_mark)
                below.extend(current.value)
        level, depth = below, depth + 1
    return problems


def _duplicate_key(key: yaml.ScalarNode, first: int, path: str, first_line: int) -> Problem:
    return Problem(
        path,
        key.start_mark.line + first_line,
        key.start_mark.column + 1,
        f"key '{key.value}' appears twice in the same block",
        f"keep one of them (the other is on line {first})",
    )


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
        owner = _owning_model(model, loc)
        allowed = list(owner.model_fields) if owner is not None else []
        fitting = _keys_taking(owner, error.get("input")) if owner is not None else None
        return Problem(
            document.path,
            line,
            column,
            f"{where}unknown key '{field}'",
            _did_you_mean(field, allowed, fitting),
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


def _owning_model(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The (nested) model that owns the unknown key at `loc`."""
    current: Any = model
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        field = current.model_fields.get(step) if hasattr(current, "model_fields") else None
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if hasattr(current, "model_fields") else None


def _keys_taking(model: type[BaseModel], value: Any) -> set[str]:
    """The keys of `model` whose type accepts `value`: of two keys close to a wrong one,
    the value says which was meant ('release: pardon' is a release_type, not a date)."""
    taking = set()
    for name, field in model.model_fields.items():
        try:
            TypeAdapter(field.annotation).validate_python(value)
        except Exception:  # noqa: BLE001 - any refusal means "not this key"
            continue
        taking.add(name)
    return taking


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    for arg in (annotation, *args):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _did_you_mean(word: str, allowed: list[str], fitting: set[str] | None = None) -> str:
    close = difflib.get_close_matches(word, allowed, n=3, cutoff=0.6)
    close += [key for key in allowed if key.startswith(word) and key not in close]
    if fitting is not None:  # a key whose type takes the value is the likelier intent
        close.sort(key=lambda key: key not in fitting)
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


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value shared by two keys out twice: our reader refuses aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any, **options: Any) -> str:
    """YAML text our own reader accepts (no anchors or aliases), as yaml.safe_dump would
    write it otherwise."""
    return yaml.dump(data, Dumper=_NoAliasDumper, **options)
