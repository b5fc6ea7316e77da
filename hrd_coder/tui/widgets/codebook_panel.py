"""The codebook panel: the code tree with counts (mine / all) and the focused code's
definition."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from hrd_coder.codebook import Code, Codebook
from hrd_coder.tui.colors import code_colors


class CodeTree(Tree[str]):
    """The codes; a label too wide for the panel ends with … rather than a cut word."""

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        room = self.scrollable_content_region.width - self.guide_depth * _depth(node)
        if 0 < room < label.cell_len:
            label.truncate(room, overflow="ellipsis")
        return label


def _depth(node: TreeNode[str]) -> int:
    """How deep a code sits: 0 for a top-level code (the hidden root is not counted)."""
    depth = -1
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return max(depth, 0)


class CodebookPanel(Vertical):
    """Codes as a tree; highlighting shows a definition, Enter applies the code."""

    DEFAULT_CSS = """
    CodebookPanel { height: 1fr; }
    CodebookPanel Tree { height: 2fr; background: $panel; overflow-x: hidden; }
    CodebookPanel #code-definition { height: 1fr; padding: 0 1; background: $panel;
        color: $text-muted; overflow-y: auto; }
    """

    BINDINGS = [
        Binding(
            "enter",
            "choose",
            "Apply this code",
            id="codebook.apply",
            tooltip="Apply the highlighted code to the selection",
        ),
    ]

    class CodeHighlighted(Message):
        """The coder moved to a code in the tree."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    class CodeChosen(Message):
        """The coder chose a code in the tree (to apply it)."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codebook: Codebook | None = None
        self.counts: dict[str, tuple[int, int]] = {}
        self.highlighted: str | None = None
        self.code_colors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        tree = CodeTree("Codes", id="code-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        yield Static("", id="code-definition")

    def show(self, codebook: Codebook, counts: dict[str, tuple[int, int]]) -> None:
        """Fill the tree (keeps expansion simple: everything open)."""
        self.codebook, self.counts = codebook, counts
        self.code_colors = code_colors(codebook)
        tree = self.query_one(Tree)
        tree.clear()
        self._add_children(tree.root, None)
        tree.root.expand_all()
        tree.cursor_line = 0

    def update_counts(self, counts: dict[str, tuple[int, int]]) -> None:
        """Refresh the counts shown beside each code."""
        self.counts = counts
        for node in self._walk(self.query_one(Tree).root):
            if node.data:
                node.set_label(self._label(node.data))

    def _walk(self, node):  # type: ignore[no-untyped-def]
        for child in node.children:
            yield child
            yield from self._walk(child)

    def _add_children(self, node, parent: str | None) -> None:  # type: ignore[no-untyped-def]
        assert self.codebook is not None
        for code in self.codebook.children_of(parent):
            children = self.codebook.children_of(code.id)
            if children:
                branch = node.add(self._label(code.id), data=code.id)
                self._add_children(branch, code.id)
            else:
                node.add_leaf(self._label(code.id), data=code.id)

    def _label(self, code_id: str) -> Text:
        assert self.codebook is not None
        code = self.codebook.code(code_id)
        assert code is not None
        mine, everyone = self.counts.get(code_id, (0, 0))
        # Key and counts first: the label is what gets cut on a narrow panel.
        label = Text()
        label.append("\u2588", style=self.code_colors.get(code_id, ""))
        label.append(f" {code.hotkey or ' '} ", style="bold")
        label.append(f"{mine}/{everyone} ", style="dim")
        label.append(code.label)
        return label

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        """Show the definition of the highlighted code."""
        event.stop()
        if event.node.data and self.codebook:
            self.highlighted = event.node.data
            code = self.codebook.code(event.node.data)
            assert code is not None
            self.query_one("#code-definition", Static).update(_definition(code))
            self.post_message(self.CodeHighlighted(code.id))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        """Enter on a code applies it."""
        event.stop()

    def action_choose(self) -> None:
        """Apply the highlighted code."""
        if self.highlighted:
            self.post_message(self.CodeChosen(self.highlighted))

    def select_code(self, code_id: str) -> None:
        """Move the tree's cursor to a code."""
        tree = self.query_one(Tree)
        for node in self._walk(tree.root):
            if node.data == code_id:
                tree.move_cursor(node)
                return


def _definition(code: Code) -> Text:
    text = Text()
    text.append(f"{code.label}", style="bold")
    text.append(f"  {code.id}\n", style="dim")
    text.append(code.definition.strip() + "\n")
    if code.include:
        text.append("Use when: ", style="bold")
        text.append(code.include.strip() + "\n")
    if code.exclude:
        text.append("Not when: ", style="bold")
        text.append(code.exclude.strip() + "\n")
    if code.examples:
        text.append("e.g. ", style="bold")
        text.append(code.examples[0].strip(), style="italic")
    return text
