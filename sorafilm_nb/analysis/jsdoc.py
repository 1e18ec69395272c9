"""JSDoc comments: their prose, the class a ``@returns`` tag names, and the documented
callable members of TypeScript types (the declarations' words for what a README calls).

Apart from scan_js.py, which walks a file's syntax tree for its concepts, because these read
comments and type declarations only for captions: a concept with no docstring of its own
still has the words its JSDoc tags and its declarations give it.
"""

from __future__ import annotations

from typing import Any

from ..lazyre import LazyPattern
from .text import summary_line


def node_text(node: Any) -> str:
    """A tree-sitter node's source text (scan_js reads nodes through it too)."""
    return node.text.decode("utf-8", "replace") if node is not None else ""


def comment_text(text: str, ret: dict[str, str] | None = None, name: str = "") -> str:
    """A JSDoc comment's prose, its tags left out."""
    if not text.startswith("/**"):
        return ""
    lines = [ln.strip().lstrip("*").strip() for ln in text[3:-2].splitlines()]
    if ret is not None and name:
        returned = _returned(lines)
        if returned:
            ret[name] = returned
    return "\n".join(ln for ln in lines if not ln.startswith("@")).strip()


# ``@return {Server}``: a class a function returns, said in its JSDoc. Not a built-in or a
# JSDoc catch-all, which says nothing a caption can use.
# LazyPattern (here and below): compiled at first use, as only JavaScript needs it (issue 14)
_RETURNS = LazyPattern(r"^@returns?\s+\{([A-Z][\w$]*)\}")
_PLAIN_TYPES = frozenset(
    {"Object", "Function", "String", "Number", "Boolean", "Array", "Promise", "Mixed"}
    | {"Any", "Date", "Error", "RegExp", "Map", "Set", "Symbol", "Buffer", "Void", "Null"}
)


def _returned(lines: list[str]) -> str:
    for ln in lines:
        m = _RETURNS.match(ln)
        if m and m.group(1) not in _PLAIN_TYPES:
            return m.group(1)
    return ""


_TYPE_DECLS = frozenset({"type_alias_declaration", "interface_declaration"})


def member_docs(root: Any) -> list[list[str]]:
    """[[Type.member, summary]] of the documented callable members of the top-level types
    and interfaces (``json: () => Promise<J>`` under ``/** Get the response body as JSON. */``
    in ky's ResponsePromise): what a README call (``ky.get(url).json()``) invokes, where the
    runtime code (a dynamic ``ky[method] = ...``) has no comment. Not concepts: only a
    caption for a concept with nothing else to say reads them (analysis.signature)."""
    out: list[list[str]] = []
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        if decl is None or decl.type not in _TYPE_DECLS:
            continue
        owner = node_text(decl.child_by_field_name("name"))
        stack = [c for c in decl.named_children if c.type != "type_parameters"]
        while stack:  # the object types of ``{...} & Promise<...>`` and interface bodies
            node = stack.pop()
            if node.type in ("object_type", "interface_body"):
                _documented_members(node, owner, out)
            elif node.type in ("intersection_type", "union_type", "parenthesized_type"):
                stack.extend(node.named_children)
    return out


def _documented_members(body: Any, owner: str, out: list[list[str]]) -> None:
    for member in body.named_children:
        if member.type == "property_signature":
            annotation = member.child_by_field_name("type")
            value = annotation.named_children[0] if annotation is not None else None
            if value is None or value.type != "function_type":
                continue  # a data property (an option), not something called
        elif member.type != "method_signature":
            continue
        prev = member.prev_sibling
        if prev is None or prev.type != "comment":
            continue
        doc = summary_line(comment_text(node_text(prev)))
        name = node_text(member.child_by_field_name("name"))
        if doc and name and not name.startswith(("_", "#")):
            out.append([f"{owner}.{name}", doc])
