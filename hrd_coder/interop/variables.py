"""Case attributes and document metadata as typed REFI-QDA variables, and back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from hrd_coder.interop.refi import canonical_guid, guid, kid, kids, local, sub

LIST_VARIABLES = ("groups", "sources", "speakers", "cases")


def value_type(value: Any) -> str:
    """The REFI type a value of ours is written as."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    return "Text"


def merged_type(types: set[str]) -> str:
    """One type for a variable whose values differ in type (numbers widen, else Text)."""
    if len(types) == 1:
        return next(iter(types))
    return "Float" if types <= {"Integer", "Float"} else "Text"


def value_text(value: Any, type_: str) -> str:
    """A value written as the variable's type needs it."""
    if type_ == "Boolean":
        return "true" if value else "false"
    if type_ == "Float":
        text = repr(float(value))
        return format(Decimal(text), "f") if "e" in text else text
    if type_ == "Integer":
        return str(int(value))
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return str(value)


def add_variables(root: ET.Element, values: list[dict[str, Any]]) -> dict[str, str]:
    """Append `<Variables>` for every name used; return name -> type."""
    types: dict[str, set[str]] = {}
    for mapping in values:
        for name, value in mapping.items():
            types.setdefault(name, set()).add(value_type(value))
    chosen = {name: merged_type(found) for name, found in sorted(types.items())}
    if chosen:
        element = sub(root, "Variables")
        for name, type_ in chosen.items():
            sub(element, "Variable", guid=guid("variable", name), name=name, typeOfVariable=type_)
    return chosen


def add_values(parent: ET.Element, mapping: dict[str, Any], types: dict[str, str]) -> None:
    """Append one `<VariableValue>` per value, in name order."""
    for name in sorted(mapping):
        type_ = types[name]
        element = sub(parent, "VariableValue")
        sub(element, "VariableRef", targetGUID=guid("variable", name))
        sub(element, f"{type_}Value", value_text(mapping[name], type_))


def read_value(element: ET.Element, names: dict[str, str]) -> tuple[str, Any] | None:
    """(name, value) of a `<VariableValue>`, typed; None when its variable is unknown."""
    ref = kid(element, "VariableRef")
    name = names.get(canonical_guid(ref.get("targetGUID")) or "") if ref is not None else None
    if name is None:
        return None
    for child in element:
        kind = local(child)
        if not kind.endswith("Value") or kind == "VariableRef":
            continue
        text = (child.text or "").strip()
        if kind == "BooleanValue":
            return name, text.lower() in ("true", "1")
        if kind in ("IntegerValue", "FloatValue"):
            return name, _number(text, int if kind == "IntegerValue" else float)
        if name in LIST_VARIABLES:
            return name, [line for line in (child.text or "").split("\n") if line.strip()]
        return name, child.text or ""
    return None


def _number(text: str, kind: type) -> Any:
    """The value as a number, or as the text it is when it is not one (never a crash)."""
    try:
        return kind(text)
    except ValueError:
        return text


def read_values(element: ET.Element, names: dict[str, str]) -> dict[str, Any]:
    """All typed variable values under an element."""
    found = (read_value(v, names) for v in kids(element, "VariableValue"))
    return dict(pair for pair in found if pair is not None)
