"""Make user text carriable by XML 1.0: characters it forbids become U+FFFD, and are counted.

XML 1.0 allows tab, line feed and carriage return but no other C0 control character, no
surrogate and neither U+FFFE nor U+FFFF, not even as character references. Text that came in
through a merged database or a foreign file may still hold them (an ESC of a terminal colour
code), and an export that wrote them raw would be refused by every XML reader, ours included.
Each such character is replaced by U+FFFD (the Unicode replacement character) rather than
removed, so a text keeps its length: one code point for one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from hrd_coder.interop.refi import local

REPLACEMENT = "\ufffd"
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Where user text sits in our REFI-QDA files, in the words of the export report.
FIELDS = {
    "Project@name": "codebook name",
    "Project/Description": "codebook description",
    "User@name": "coder name",
    "Code@name": "code label",
    "Code/Description": "code description (definition, rules, examples)",
    "Variable@name": "variable name",
    "Case@name": "case name",
    "TextSource@name": "document title",
    "Note@name": "memo title",
    "Note/PlainTextContent": "memo",
}


def xml_safe(text: str) -> tuple[str, int]:
    """The text with every character XML 1.0 cannot carry replaced, and how many there were."""
    return NOT_IN_XML.subn(REPLACEMENT, text)


def serialise(root: ET.Element) -> tuple[bytes, Counter[str]]:
    """Indented UTF-8 XML with a declaration (same tree, same bytes), made XML-safe first.

    Also returns how many characters were replaced in each field (empty when none were).
    """
    replaced = make_tree_xml_safe(root)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", replaced


def make_tree_xml_safe(root: ET.Element) -> Counter[str]:
    """Replace what XML cannot carry in every text and attribute; count it per field."""
    variables = {
        v.get("guid"): xml_safe(v.get("name", ""))[0] for v in root.iter() if local(v) == "Variable"
    }
    parents = {child: parent for parent in root.iter() for child in parent}
    replaced: Counter[str] = Counter()
    for element in root.iter():
        tag = local(element)
        for name, value in list(element.attrib.items()):
            text, count = xml_safe(value)
            if count:
                element.set(name, text)
                replaced[FIELDS.get(f"{tag}@{name}", f"{tag} attribute {name}")] += count
        if element.text:
            element.text, count = xml_safe(element.text)
            if count:
                replaced[_text_field(element, parents.get(element), variables)] += count
    return replaced


def _text_field(
    element: ET.Element, parent: ET.Element | None, variables: dict[str | None, str]
) -> str:
    tag = local(element)
    if parent is None:
        return f"text of <{tag}>"
    if local(parent) == "VariableValue":
        ref = next((c for c in parent if local(c) == "VariableRef"), None)
        name = variables.get(ref.get("targetGUID")) if ref is not None else None
        return f"value of variable '{name}'" if name else "variable value"
    return FIELDS.get(f"{local(parent)}/{tag}", f"text of <{tag}>")
