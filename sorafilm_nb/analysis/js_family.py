"""Where a declaration of a JavaScript/TypeScript tree stands, for scan_js: its parent and
previous sibling (is it top level? which comment documents it?), found in one walk down the
tree instead of asking tree-sitter for each node's parent (see family)."""

from __future__ import annotations

from typing import Any

from .jsdoc import comment_text as _comment
from .jsdoc import node_text as _text

_TOP = frozenset({"program", "export_statement"})
_VARS = frozenset({"lexical_declaration", "variable_declaration", "variable_declarator"})
# the nodes whose parent and previous sibling the scan asks for (see family)
_KIN = frozenset(
    {
        "class_declaration",
        "abstract_class_declaration",
        "function_declaration",
        "generator_function_declaration",
        "export_statement",
        *_VARS,
    }
)
# the declarations whose name (an identifier child) the query captures as @fn or @var
_NAMED = frozenset(
    {"function_declaration", "generator_function_declaration", "variable_declarator"}
)
# parent and previous sibling (None at the root or first), by node id
Family = dict[int, tuple[Any, Any]]


def family(root: Any) -> Family:
    """The parent and previous sibling of each statement of the program, of each node of a
    _KIN type and of the identifiers a _NAMED declaration holds, found in one walk down.

    Why not ``node.parent`` and ``node.prev_sibling``: tree-sitter keeps no parent links,
    so each call searches down from the root, costing the node's depth times the width of
    the levels above it. Asked for every declaration, that was quadratic: a hostile file of
    4,000 nested ``export function f() {`` took 21 s, and 1 MB of such JavaScript 11 min
    (issue 11). The walk visits each node once.
    """
    found: Family = {}
    stack = [root]
    while stack:
        node = stack.pop()
        prev = None
        top = node is root
        named = node.type in _NAMED
        for child in node.children:
            if top or child.type in _KIN or (named and child.type == "identifier"):
                found[child.id] = (node, prev)
            if child.child_count:
                stack.append(child)
            prev = child
    return found


def jsdoc(node: Any, family: Family, ret: dict[str, str] | None = None, name: str = "") -> str:
    """The /** ... */ comment right before node (or before its export statement); its
    ``@returns {Type}`` goes to ret[name] (see jsdoc._returned). node is in family."""
    parent, prev = family[node.id]
    if parent is not None and parent.type == "export_statement":
        prev = family[parent.id][1]
    if prev is None or prev.type != "comment":
        return ""
    return _comment(_text(prev), ret, name)


def top_level(node: Any, family: Family) -> bool:
    """Whether node is a statement of the program or of an export (through the var or
    const declaration that holds it)."""
    parent = family[node.id][0]
    while parent is not None and parent.type in _VARS:
        parent = family[parent.id][0]
    return parent is None or parent.type in _TOP
