"""The one writer of `codebook.yaml`: new files and edits alike, through a round-trip YAML.

`hrd-coder init`, the REFI-QDA import (a new project, or codes appended to one), and the
codebook rename, merge and split all write here. ruamel.yaml reads the file into a tree
that remembers its comments, key order, quoting and block scalars, so an edit changes only
what it must, whatever the file's layout (lists at column 0 as PyYAML writes them, or
indented as people do). Everything written is read back with our own reader before it is
used; a text that would not read back the same is an error, never a file.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from hrd_coder.codebook.load import parse_codebook
from hrd_coder.codebook.model import Code, Codebook
from hrd_coder.problems import InvalidInput, ProjectError

if TYPE_CHECKING:
    from ruamel.yaml import YAML

# Long lines are never re-wrapped: a user's line stays as they wrote it.
WIDTH = 4096
# The layout of a new codebook: the one docs/codebook.md and `hrd-coder init` show.
NEW_LAYOUT = (2, 4, 2)  # mapping indent, sequence indent, dash offset
_DASH = re.compile(r"^(\s*)-\s")


def new_codebook_text(codebook: Codebook) -> str:
    """A codebook.yaml holding exactly this codebook (for a project made by an import)."""
    from ruamel.yaml.comments import CommentedMap

    data = codebook.model_dump(mode="json", exclude_defaults=True, exclude={"codes"})
    document = CommentedMap((key, _value(value)) for key, value in data.items())
    document["codes"] = _new_list([code_entry(c) for c in codebook.codes])
    text = _dump(document, NEW_LAYOUT)
    _require_same(text, codebook)
    return text


def code_entry(code: Code) -> dict[str, Any]:
    """A code as its codebook.yaml entry: only the keys that differ from the defaults."""
    entry = code.model_dump(mode="json", exclude_defaults=True)
    if code.case_variable != ("presence",):
        entry["case_variable"] = list(code.case_variable) or "none"
    return entry


class CodebookFile:
    """codebook.yaml as an editable tree: comments, order, quoting and layout are kept."""

    def __init__(self, text: str, path: str = "codebook.yaml"):
        from ruamel.yaml.error import YAMLError

        self.path = path
        self._yaml = _round_trip()
        try:
            self._document = self._yaml.load(text)
        except YAMLError as error:
            raise ProjectError(
                f"{path}: cannot edit it ({error}); run 'hrd-coder codebook check' and "
                "correct what it reports"
            ) from None
        if not isinstance(self._document, dict):
            raise ProjectError(f"{path}: not a codebook; run 'hrd-coder codebook check'")
        self._layout = _layout_of(self._document, text)

    def set_name(self, name: str) -> None:
        """Give the codebook (the study) its name."""
        self._document["name"] = _scalar(name, self._document.get("name"))

    def append_codes(self, codes: list[Code], comment: str | None = None) -> None:
        """Add codes at the end of the codes list, after a comment line if given."""
        codes_list = self._codes()
        start = len(codes_list)
        for code in codes:
            codes_list.append(_value(code_entry(code)))
        if comment and codes:
            codes_list.yaml_set_comment_before_after_key(
                start, before=comment, indent=self._layout[2]
            )

    def rename_codes(self, renames: dict[str, str]) -> None:
        """Change codes' ids, and every `parent:` naming one of them."""
        for entry in self._codes():
            for key in ("id", "parent"):
                value = entry.get(key) if isinstance(entry, dict) else None
                if isinstance(value, str) and value in renames:
                    entry[key] = _scalar(renames[value], value)
                    _shift_comment(entry, key, _width(entry[key]) - _width(value))

    def remove_code(self, code_id: str) -> None:
        """Drop a code's entry; the comments after it (about what follows) stay."""
        codes_list = self._codes()
        found = [
            i for i, e in enumerate(codes_list) if isinstance(e, dict) and e.get("id") == code_id
        ]
        if len(found) != 1:
            raise ProjectError(
                f"{self.path}: cannot find exactly one entry 'id: {code_id}' to remove: "
                "delete that code's entry yourself, then run the same command again"
            )
        _keep_comments_after(codes_list, found[0])
        del codes_list[found[0]]

    def text(self) -> str:
        """The edited file's text."""
        return _dump(self._document, self._layout)

    def _codes(self) -> Any:
        from ruamel.yaml.comments import CommentedSeq

        codes_list = self._document.get("codes")
        if not isinstance(codes_list, CommentedSeq):
            codes_list = _new_list([])
            self._document["codes"] = codes_list
        codes_list.fa.set_block_style()  # `codes: []` grows into a normal block list
        return codes_list


def write_codebook(path: Path, text: str) -> None:
    """Replace the file in one step (written beside it, flushed, renamed): a crash leaves
    the old file or the new one, never half of one."""
    from hrd_coder.whole_file import (
        _flush_folder,
        _flush_to_disk,
        remove_left_behind,
        temporary_for,
    )

    remove_left_behind(path)  # a killed writer's temporary file
    temporary = temporary_for(path, os.getpid())  # one per process: two writers never mix
    try:
        temporary.write_text(text, encoding="utf-8")
        _flush_to_disk(temporary)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ProjectError(
            f"{path}: could not write it ({error.strerror or error}); it is unchanged. "
            "Free some disk space or check the folder's permissions, then try again"
        ) from None
    _flush_folder(path.parent)


def _round_trip() -> YAML:
    from ruamel.yaml import YAML

    round_trip = YAML()  # round-trip mode: comments, order and block scalars kept
    round_trip.preserve_quotes = True
    round_trip.width = WIDTH
    # Our reader refuses aliases: a value used twice is written out twice.
    round_trip.representer.ignore_aliases = lambda _data: True
    return round_trip


def _dump(document: Any, layout: tuple[int, int, int]) -> str:
    writer = _round_trip()
    mapping, sequence, offset = layout
    writer.indent(mapping=mapping, sequence=sequence, offset=offset)
    out = io.StringIO()
    writer.dump(document, out)
    return out.getvalue()


def _layout_of(document: Any, text: str) -> tuple[int, int, int]:
    """The file's indents, read off its codes list and its first block mapping.

    ruamel.yaml writes one layout for the whole file; taking the codes list's (most of the
    file) keeps an import's column-0 list and a hand-indented one each as they are."""
    mapping, sequence, offset = NEW_LAYOUT
    lines = text.splitlines()
    for key, value in document.items():
        if isinstance(value, dict) and value and not value.fa.flow_style():
            mapping = max(value.lc.data[next(iter(value))][1] - document.lc.key(key)[1], 1)
            break
    codes_list = document.get("codes")
    if isinstance(codes_list, list) and codes_list and hasattr(codes_list, "lc"):
        parent = document.lc.key("codes")[1]
        line, column = codes_list.lc.item(0)
        dash = _DASH.match(lines[line]) if line < len(lines) else None
        if dash is not None and column > len(dash.group(1)):
            offset = len(dash.group(1)) - parent
            sequence = column - parent
    return mapping, max(sequence, offset + 2), offset


def _shift_comment(entry: Any, key: str, by: int) -> None:
    """Keep the gap between a changed value and the comment after it on its line."""
    slot = entry.ca.items.get(key) if hasattr(entry, "ca") else None
    mark = getattr(slot[2], "start_mark", None) if slot and len(slot) > 2 and slot[2] else None
    if mark is not None and by:
        mark.column = max(mark.column + by, 0)


def _width(value: str) -> int:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    quoted = isinstance(value, DoubleQuotedScalarString | SingleQuotedScalarString)
    return len(value) + 2 * quoted


def _keep_comments_after(codes_list: Any, index: int) -> None:
    """Comments between the removed entry and the next one belong to what follows: move
    them onto the end of the entry before it (or before the next one, if it was first)."""
    token = _pop_trailing(codes_list[index])
    # The token's first line ends the removed entry's last line (its own comment, if any).
    carried = token.value.split("\n", 1)[1] if token and "\n" in token.value else ""
    if not carried.strip():
        return
    if index > 0 and _last_slot(codes_list[index - 1]) is not None:
        node, key, position = _last_slot(codes_list[index - 1])
        slot = node.ca.items.setdefault(key, [None, None, None, None])
        if slot[position] is None:
            token.value = "\n" + carried
            slot[position] = token
        else:
            slot[position].value = slot[position].value.rstrip(" ") + carried
    elif index + 1 < len(codes_list):
        lines = [line.strip().lstrip("#").strip() for line in carried.splitlines()]
        codes_list.yaml_set_comment_before_after_key(
            index + 1, before="\n".join(line for line in lines if line), indent=token.column
        )


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel.yaml keeps the comment after a node's last line: the container, the
    key (or index) of its deepest last value, and the place in that key's comment list."""
    found = None
    while isinstance(node, dict | list) and node and hasattr(node, "ca"):
        key = list(node)[-1] if isinstance(node, dict) else len(node) - 1
        found = (node, key, 2 if isinstance(node, dict) else 0)
        node = node[key]
    return found


def _pop_trailing(node: Any) -> Any:
    """Take the comment after a node's last line off it (on whichever level it hangs)."""
    taken = None
    while isinstance(node, dict | list) and node and hasattr(node, "ca"):
        key = list(node)[-1] if isinstance(node, dict) else len(node) - 1
        slot = node.ca.items.get(key)
        position = 2 if isinstance(node, dict) else 0
        if slot and len(slot) > position and slot[position] is not None:
            taken, slot[position] = slot[position], None
        node = node[key]
    return taken


def _new_list(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq(_value(item) for item in items)


def _value(value: Any) -> Any:
    """Plain data as round-trip nodes, each string written so that PyYAML reads it back."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(value, dict):
        return CommentedMap((key, _value(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return _new_list(list(value))
    if isinstance(value, str):
        return _scalar(value)
    return value


def _scalar(text: str, like: Any = None) -> Any:
    """A string in the quoting of the value it replaces; quoted where YAML 1.1 (PyYAML, our
    reader) would read the bare word as something else (`yes`, `1:20`, `0x1f`), which
    ruamel.yaml, speaking YAML 1.2, would write bare."""
    from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString, SingleQuotedScalarString

    if isinstance(like, ScalarString) and not isinstance(like, LiteralScalarString):
        return type(like)(text)
    if "\n" in text.rstrip("\n") and _fits_a_block(text):
        return LiteralScalarString(text)
    resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    if resolved != "tag:yaml.org,2002:str":
        return SingleQuotedScalarString(text)
    return text


def _fits_a_block(text: str) -> bool:
    """A `|` block keeps text exactly unless a line ends in spaces or begins the block
    with one (YAML would read those differently)."""
    return not text.startswith((" ", "\n")) and all(
        line == line.rstrip(" \t") for line in text.split("\n")
    )


def _require_same(text: str, codebook: Codebook) -> None:
    """What we write must read back as the codebook we meant (same content hash)."""
    try:
        written = parse_codebook(text)
    except InvalidInput as error:
        raise ProjectError(
            f"could not write the codebook as YAML our reader accepts: {error}"
        ) from None
    if written.hash != codebook.hash:
        raise ProjectError(
            "could not write the codebook as YAML that reads back unchanged; please report "
            "this with the file you imported"
        )
