"""Members a JavaScript factory gives the value it returns, for scan_js.

axios' default export is made by a factory, and its ``create`` with it::

    function createInstance(defaultConfig) {
      const instance = bind(Axios.prototype.request, context);
      instance.create = function create(instanceConfig) { ... };
      return instance;
    }
    const axios = createInstance(defaults);

``axios.create`` is never written, yet it is as real as a top-level ``axios.create =
function``: the module's ``axios`` is what createInstance returns, and createInstance gives
what it returns a ``create``. So for each top-level ``const V = F(...)`` (or ``let``, ``var``)
where F is a function declared at the top level (``function F``, ``const F = (...) => {``)
whose body returns a local L (``return L;`` among its own statements), each ``L.x = <a
function>`` among those statements defines ``V.x``, at its line, with the JSDoc right before
it. Read, never run: only statements of F's body itself (not inside an ``if`` or a loop, which
may not run), and x passes js_listed.member_name as any member does. A factory gives at most
MAX_MEMBERS; a file makes js_listed.MAX_MADE members by name in all, from lists and factories
together, one cap (each call gives all the factory's members: a thousand calls are not
64,000 members).
"""

from __future__ import annotations

from typing import Any

from .js_listed import FUNCTION_VALUES, member_name
from .jsdoc import comment_text as _comment
from .jsdoc import node_text as _text
from .scan_python import summary_line

MAX_MEMBERS = 64  # members one factory gives (axios' createInstance: 1; ky's: 2)
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


def factory_members(
    root: Any, functions: list[list[Any]], docs: list[str], ret: dict[str, str], room: int
) -> None:
    """Add to functions the members the module's top-level values get from the factories
    that make them (module docstring), at most ``room``: what js_listed.MAX_MADE leaves after
    the members the file's lists made."""
    bodies: dict[str, Any] = {}  # top-level function -> its body
    made: list[tuple[str, str]] = []  # (value, the factory whose call it is), in order
    for stmt in root.named_children:
        if stmt.type == "function_declaration":
            name = stmt.child_by_field_name("name")
            body = stmt.child_by_field_name("body")
            if name is not None and body is not None:
                bodies[_text(name)] = body
        elif stmt.type in _DECLARATIONS:
            for decl in stmt.named_children:
                if decl.type != "variable_declarator":
                    continue
                name = decl.child_by_field_name("name")
                value = decl.child_by_field_name("value")
                if name is None or value is None or name.type != "identifier":
                    continue
                if value.type in ("arrow_function", "function_expression"):
                    body = value.child_by_field_name("body")
                    if body is not None and body.type == "statement_block":
                        bodies[_text(name)] = body
                elif value.type == "call_expression":
                    func = value.child_by_field_name("function")
                    if func is not None and func.type == "identifier":
                        made.append((_text(name), _text(func)))
    given: dict[str, list[tuple[str, int, str]]] = {}  # factory -> its members, once each
    count = 0
    for value_name, factory in made:
        if factory not in bodies:
            continue
        if factory not in given:
            given[factory] = _members(bodies[factory], docs)
        for member, line, doc in given[factory]:
            if count >= room:
                return
            count += 1
            full = f"{value_name}.{member}"
            if doc:
                _comment(doc, ret, full)  # its ``@returns {Type}``, under the member's name
            functions.append([full, line, summary_line(_comment(doc))])


def _members(body: Any, docs: list[str]) -> list[tuple[str, int, str]]:
    """(member, line, its JSDoc's text) of each ``L.x = <a function>`` among the body's own
    statements, where the body returns L; [] when it returns no local by name."""
    stmts = list(body.named_children)
    returned = ""
    for stmt in stmts:
        if stmt.type == "return_statement":
            value = next((c for c in stmt.named_children if c.type != "comment"), None)
            returned = _text(value) if value is not None and value.type == "identifier" else ""
            break
    if not returned:
        return []
    out: list[tuple[str, int, str]] = []
    seen: set[str] = set()
    prev = None
    for stmt in stmts:
        before, prev = prev, stmt
        if stmt.type != "expression_statement" or not stmt.named_child_count:
            continue
        assign = stmt.named_children[0]
        if assign.type != "assignment_expression":
            continue
        left = assign.child_by_field_name("left")
        value = assign.child_by_field_name("right")
        if left is None or value is None or left.type != "member_expression":
            continue
        obj = left.child_by_field_name("object")
        member = _text(left.child_by_field_name("property"))
        if obj is None or obj.type != "identifier" or _text(obj) != returned:
            continue
        if value.type not in FUNCTION_VALUES or not member_name(member) or member in seen:
            continue
        seen.add(member)
        doc = _text(before) if before is not None and before.type == "comment" else ""
        said = _comment(doc)
        if said:
            docs.append(said)
        out.append((member, assign.start_point[0] + 1, doc))
        if len(out) >= MAX_MEMBERS:
            break
    return out
