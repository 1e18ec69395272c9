"""Where a declaration of a JavaScript/TypeScript tree stands, for scan_js: its parent and
previous sibling (is it top level? which comment documents it?), found in one walk down the
tree instead of asking tree-sitter for each node's parent (see family)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .jsdoc import comment_text as _comment
from .jsdoc import node_text as _text

_TOP = frozenset({"program", "export_statement"})
_VARS = frozenset({"lexical_declaration", "variable_declaration", "variable_declarator"})
_FUNCTIONS = frozenset({"function_declaration", "generator_function_declaration"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
_VALUES = frozenset({"arrow_function", "function_expression"})  # of a declared function
_SIGNED = frozenset({"function_signature", "ambient_declaration"})  # ``declare function f()``
# parent and previous sibling (None at the root or first), by node id
Family = dict[int, tuple[Any, Any]]


def top_names(root: Any, exports: Iterable[Any]) -> list[Any]:
    """The names of the functions declared at the top level (statements of the program or of
    an export statement): ``function f``, ``function* g`` and ``const h = () => ...`` or
    ``var h = function ...``; the declared functions first, each kind in source order.

    Why not query patterns (``(variable_declarator name: (identifier) @var value: ...)``, as
    scan_js had): they captured every such name at any depth, inside every function body
    too, where only the top-level ones count; reading the program's statements and the
    export statements (which the query captures) gives those alone, and leaves family fewer
    nodes to walk to.

    A declaration file's function signatures (``export function nanoid(size?: number):
    string``, ``declare function f(): void``) count too, with their JSDoc: there the package
    says what its API does ("Generate secure URL-friendly unique ID."), where its hand-written
    JavaScript has no comment (nanoid's caption said "nanoid: takes a size").
    """
    fns: list[Any] = []
    var: list[Any] = []
    signs: list[Any] = []
    top = [root] if root.type in _TOP else []  # not when the whole file is an ERROR
    for holder in (*top, *exports):
        for stmt in holder.children:
            kind = stmt.type
            if kind in _FUNCTIONS:
                name = stmt.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    fns.append(name)
            elif kind in _SIGNED:
                sig = stmt if kind == "function_signature" else stmt.named_children[0]
                name = sig.child_by_field_name("name") if sig.type == "function_signature" else None
                if name is not None and name.type == "identifier":
                    signs.append(name)
            elif kind in _DECLARATIONS:
                for decl in stmt.children:
                    if decl.type != "variable_declarator":
                        continue
                    name = decl.child_by_field_name("name")
                    value = decl.child_by_field_name("value")
                    if (
                        name is not None
                        and name.type == "identifier"
                        and value is not None
                        and value.type in _VALUES
                    ):
                        var.append(name)
    # a signature only where no body defines the name, once (overloads sign it again)
    seen = {_text(n) for n in fns}
    for name in sorted(signs, key=source_order):
        if _text(name) not in seen:
            seen.add(_text(name))
            fns.append(name)
    fns.sort(key=source_order)
    var.sort(key=source_order)
    return fns + var


def source_order(node: Any) -> tuple[int, int]:
    """A sort key: nodes in the order their text comes in the file."""
    return node.start_byte, node.end_byte


def family(root: Any, targets: Iterable[Any]) -> Family:
    """The parent and previous sibling of each statement of the program, of each target node
    and of each node above a target (its declaration, the export statement holding it).

    Why not ``node.parent`` and ``node.prev_sibling``: tree-sitter keeps no parent links, so
    each call searches down from the root, costing the node's depth times the width of the
    levels above it. Asked for every declaration, that was quadratic: a hostile file of 4,000
    nested ``export function f() {`` took 21 s, and 1 MB of such JavaScript 11 min (issue 11).

    Why not a walk of every node (``node.children`` all the way down, the fix for that): it
    made ordinary JavaScript a third slower to scan, minified bundles most (issue 14). This
    walks one TreeCursor down to each target in source order, never back up past a node it
    still needs: it leaves a node only when the next target lies after it, steps across
    siblings forwards and jumps into a node's children at the target's byte (in C). So it
    visits the nodes on the targets' paths and the siblings it steps over, each once: on
    ordinary code a few per cent of the tree, on hostile nesting the one deep path.
    """
    found: Family = {}
    prev = None
    for child in root.children:
        found[child.id] = (root, prev)
        prev = child
    cursor = root.walk()
    path = [root]  # the cursor's node and the nodes above it
    for target in sorted(targets, key=_outer_first):
        if target.id in found:
            continue
        if not _walk_to(target, cursor, path, found):
            return _every_node(root)  # a node where its bytes did not lead (zero-width)
    return found


def _outer_first(node: Any) -> tuple[int, int]:
    return node.start_byte, -node.end_byte


def _holds(node: Any, start: int, end: int) -> bool:
    return bool(node.start_byte <= start and end <= node.end_byte)


def _walk_to(target: Any, cursor: Any, path: list[Any], found: Family) -> bool:
    """Move cursor (at path[-1]) to target, recording what it enters in found. Targets come
    in source order, so a node left for a later one is never needed again."""
    start, end = target.start_byte, target.end_byte
    while len(path) > 1 and not _holds(path[-2], start, end):
        cursor.goto_parent()
        path.pop()
    node = path[-1]
    if len(path) > 1 and not _holds(node, start, end):  # a later sibling holds target
        parent = path[-2]
        while node.end_byte <= start and cursor.goto_next_sibling():
            prev, node = node, cursor.node
            found[node.id] = (parent, prev)
        path[-1] = node
    while node != target:
        if not _holds(node, start, end) or cursor.goto_first_child_for_byte(start) is None:
            return False
        child = cursor.node
        prev = None
        if cursor.goto_previous_sibling():
            prev = cursor.node
            cursor.goto_next_sibling()
        found[child.id] = (node, prev)
        path.append(child)
        node = child
    return True


def _every_node(root: Any) -> Family:
    """family by a walk of the whole tree: for a tree where family's walk by bytes missed
    a target (a zero-width node at a sibling's edge, as error recovery makes)."""
    found: Family = {}
    stack = [root]
    while stack:
        node = stack.pop()
        prev = None
        for child in node.children:
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
    const declaration, or the ``declare``, that holds it)."""
    parent = family[node.id][0]
    while parent is not None and (parent.type in _VARS or parent.type == "ambient_declaration"):
        parent = family[parent.id][0]
    return parent is None or parent.type in _TOP
