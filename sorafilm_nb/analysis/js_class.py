"""What scan_js reads of a JavaScript class (its row, its public methods) and of a module's
anonymous default export (``module.exports = function (val, options)``, ``export default
class {...}``), which has no name in the file: it is kept as FileScan "dflt" under DEFAULT,
and js_default.py names it when the profile is built (the name is the package's)."""

from __future__ import annotations

from typing import Any

from .js_family import Family
from .js_family import jsdoc as _jsdoc
from .js_listed import PROTOCOL as _PROTOCOL
from .jsdoc import comment_text as _comment
from .jsdoc import node_text as _text
from .scan_python import summary_line

DEFAULT = "<default>"  # an anonymous default export's name until js_default.py names it


def add_class(
    node: Any,
    classes: list[list[Any]],
    docs: list[str],
    doc: str,
    name: str = "",
    *,
    signed: bool = False,
) -> None:
    """One class (a declaration, or the named class expression a module exports); name: an
    anonymous one's (DEFAULT). signed: its method signatures count among its methods (see
    _count_methods)."""
    name = name or _text(node.child_by_field_name("name"))
    if not name:
        return
    bases: list[str] = []
    body = node.child_by_field_name("body")
    methods = _count_methods(body, signed) if body is not None else 0
    for child in node.named_children:
        if child.type == "class_heritage":
            for h in child.named_children:
                if h.type == "extends_clause":
                    value = h.child_by_field_name("value")
                    if value is not None:
                        bases.append(_text(value))
                elif h.type in ("identifier", "member_expression"):
                    bases.append(_text(h))
    if doc:
        docs.append(doc)
    classes.append([name, node.start_point[0] + 1, bases, summary_line(doc), methods])


def _count_methods(body: Any, signed: bool) -> int:
    """A class body's methods: each definition and, when ``signed``, each name a declaration
    only signs (``clone(): Dayjs`` in a .d.ts; overloads ``year()``, ``year(value)`` once)
    that no definition has.

    Signed: a class declared in a namespace (``declare namespace dayjs { class Dayjs
    {...} }``), how typings describe a class the compiled code builds inside a function,
    where no scan sees it: dayjs' Dayjs counted 0 methods. Not a top-level declared class:
    that is ordinarily the twin of a class a .js file defines and counts (commander's
    typings/index.d.ts beside lib/help.js), and counted again there it outranked commander's
    ``program``."""
    defined = [c for c in body.named_children if c.type == "method_definition"]
    if not signed:
        return len(defined)
    own = {_text(c.child_by_field_name("name")) for c in defined}
    signs = {
        _text(c.child_by_field_name("name"))
        for c in body.named_children
        if c.type == "method_signature"
    }
    return len(defined) + len(signs - own - {"constructor", ""})


def methods(
    cls: Any, functions: list[list[Any]], docs: list[str], ret: dict[str, str], name: str = ""
) -> None:
    """The public methods of a top-level class, as ``Class.method``; name: an anonymous
    class's (DEFAULT)."""
    name = name or _text(cls.child_by_field_name("name"))
    body = cls.child_by_field_name("body")
    if not name or body is None:
        return
    prev = None  # each member's previous sibling, read on the way (see _family)
    for member in body.children:
        prev, before = member, prev
        if member.type not in ("method_definition", "method_signature"):
            continue
        key = member.child_by_field_name("name")
        method = _text(key)
        if not method or key.type != "property_identifier" or method in _PROTOCOL:
            continue
        if method.startswith("_") or any(
            c.type == "accessibility_modifier" and _text(c) != "public"
            for c in member.named_children
        ):
            continue
        doc = ""
        if before is not None and before.type == "comment":
            doc = _comment(_text(before), ret, f"{name}.{method}")
        if doc:
            docs.append(doc)
        functions.append([f"{name}.{method}", member.start_point[0] + 1, summary_line(doc)])


def default_export(
    value: Any, stmt: Any, family: Family, docs: list[str], ret: dict[str, str], out: list[Any]
) -> None:
    """The module's anonymous default export, as FileScan "dflt" (see DEFAULT): [kind ("fn"
    or "cls"), line, summary, bases, methods, [[method, line, summary], ...]]. The last one
    written wins, as it does when the module runs; its JSDoc is its docstring."""
    doc = _jsdoc(stmt, family)
    if doc:
        docs.append(doc)
    line = value.start_point[0] + 1
    if value.type != "class":
        out[:] = ["fn", line, summary_line(doc), [], 0, []]
        return
    row: list[list[Any]] = []
    add_class(value, row, [], doc, DEFAULT)
    members: list[list[Any]] = []
    methods(value, members, docs, ret, DEFAULT)
    members = [[m.split(".", 1)[1], at, said] for m, at, said in members]
    out[:] = ["cls", line, summary_line(doc), row[0][2], row[0][4], members]


def constructed(root: Any, family: Family, classes: list[list[Any]], docs: list[str]) -> None:
    """The classes a declaration file declares as values that ``new`` makes (``export const
    Chalk: new (options?: Options) => ChalkInstance``, ``declare const X: {new (): Y}``), each
    under its JSDoc: chalk's ``class Chalk`` in its hand-written source has no comment, and
    its typings say "Return a new Chalk instance." (rank._select hands a declaration's
    comment to the twin that has none)."""
    for stmt in root.named_children:
        held = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        if held is not None and held.type == "ambient_declaration" and held.named_child_count:
            held = held.named_children[0]
        if held is None or held.type != "lexical_declaration":
            continue
        for decl in held.named_children:
            annotation = decl.child_by_field_name("type")
            kind = annotation.named_children[0] if annotation is not None else None
            if kind is None or decl.child_by_field_name("value") is not None:
                continue
            if kind.type == "constructor_type" or (
                kind.type == "object_type"
                and any(m.type == "construct_signature" for m in kind.named_children)
            ):
                doc = _jsdoc(stmt, family)
                if doc:
                    docs.append(doc)
                name = _text(decl.child_by_field_name("name"))
                classes.append([name, decl.start_point[0] + 1, [], summary_line(doc), 0])
