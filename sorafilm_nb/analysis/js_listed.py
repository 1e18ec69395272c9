"""Members a JavaScript module defines by name over a list it writes out, for scan_js.

axios makes its request methods in a loop, never writing ``get`` as a member::

    utils.forEach(['delete', 'get', 'head', 'options'], function forEachMethodNoData(method) {
      Axios.prototype[method] = function(url, config) { ... };
    });

Such a member is as real as ``Axios.prototype.get = function`` and the list says its name:
this reads the names from the list, never running any code. The forms read, at the top level
of a module (a loop inside a function makes members only when that function runs, on its own
locals, such as axios' ``instance`` in createInstance):

- ``LIST.forEach(function (m) {...})`` and ``LIST.map(m => {...})``;
- ``utils.forEach(LIST, function (m) {...})`` and ``forEach(LIST, m => {...})`` (the helpers
  of axios, lodash and angular, which hand the callback each value first);
- ``for (const m of LIST) {...}``;

where LIST is an array of plain string literals written there or held by a top-level
``const`` declared before the loop (``const methods = ['get', 'post'] as const``). A list
with anything else in it (a spread, a variable, a template string, an escape)
is not read: what it holds would have to be computed. In the loop's body, outside any
function nested in it, ``X[m] = ...`` and ``X.prototype[m] = ...`` define ``X.<name>`` for
each name; ``exports[m] = ...`` defines ``<name>`` and exports it. The value must be a
function, or, on a prototype (which holds its instances' methods), a call that makes one
(axios' ``Axios.prototype[method] = generateHTTPMethod()``). A body that chooses what it runs
(``if (m !== 'head')``, ``switch``, ``?:``, ``return``, ``continue``, ``break``, ``throw``,
``try``) or assigns or declares the loop variable (``m = 'x' + m``, ``let m``) is not read:
which names its ``X[m]`` gets only running it says, so ``X`` stays a member of unknown name.

Each name passes the same checks as a member written in the source (``member_name``): an
identifier, not private (``_x``, ``#x``), not a method the runtime calls (``toString``), not
Latin mixed with Cyrillic or Greek look-alikes (``"dоIt"``), so ``"__proto__"`` and
``"<script>"`` define nothing. A list of more than MAX_LIST names is data
(a table of words), not members, and is not read; a file makes at most MAX_MADE members this
way and from factories (js_factory) together, as one list reused by many loops would
otherwise make each string many members.
"""

from __future__ import annotations

from typing import Any

from ..lazyre import LazyPattern
from .js_family import Family
from .js_family import jsdoc as _jsdoc
from .jsdoc import comment_text as _comment
from .jsdoc import node_text as _text
from .scan_python import summary_line

MAX_LIST = 64  # names in one list (the HTTP methods are 7 to 35 of them)
MAX_MADE = 256  # members one file makes by name, from lists and factories (js_factory) together
# methods the runtime calls, not users: JSON.stringify calls toJSON, util.inspect (and
# console.log) inspect, string conversion toString/valueOf; ``static get default()`` is ES
# module interop. JavaScript's counterpart of Python's dunder methods (scan_js reads it too).
PROTOCOL = frozenset({"constructor", "toJSON", "toString", "valueOf", "inspect", "default"})
_NAME = LazyPattern(r"[A-Za-z$][\w$]*")  # an identifier that is not private (no _ or #)
_OWNER = LazyPattern(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")  # ``Axios.prototype``
_EXPORTS = ("exports", "module.exports")
_SELF = frozenset({"this", "super", "globalThis", "window", "self", "global"})  # no owner's name
_LOOPS = frozenset({"forEach", "map"})
_CALLBACKS = frozenset({"function_expression", "function", "arrow_function"})
# what starts code that runs later, not in the loop: its assignments make nothing now
_NESTED = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "generator_function",
        "class",
        "class_declaration",
        "method_definition",
    }
)
# a value that is a function (a member's, or what a factory returns); js_factory's and
# scan_js' (an ``exports.x = <value>`` that is API) too
FUNCTION_VALUES = frozenset(
    {"function_expression", "function", "arrow_function", "generator_function", "class"}
)
_WRAPPERS = frozenset({"as_expression", "satisfies_expression", "parenthesized_expression"})


def member_name(name: str) -> bool:
    """Whether a member of this name is API: an identifier, public, not a protocol method,
    and in one alphabet (_one_alphabet)."""
    return bool(_NAME.fullmatch(name)) and name not in PROTOCOL and _one_alphabet(name)


# the alphabets whose letters copy Latin ones (Cyrillic "о", "е", "а", Greek "ο", "ν")
_LOOKALIKES = frozenset({"CYRILLIC", "GREEK"})


def _one_alphabet(name: str) -> bool:
    """Whether name does not mix the Latin alphabet with Cyrillic or Greek letters.

    Why: the names come from the filmed repository's lists, and "dоIt" with a Cyrillic "о"
    beside the real "doIt" made two concepts that read alike, the fake one saying whatever
    its author wrote; so did fullwidth, mathematical and other look-alikes of ASCII letters. A
    Latin name with accents ("größe", "café") stays a name."""
    if name.isascii():
        return True
    import unicodedata

    from ..redact import compatible

    scripts = {unicodedata.name(ch, "").split(" ", 1)[0] for ch in name if ch.isalpha()}
    if "LATIN" in scripts and scripts & _LOOKALIKES:
        return False
    # a name that reads as an ASCII one and is not (fullwidth "dｏIt", bold "d𝐨It", Armenian
    # "dօIt", small-capital "dᴏIt"): redact.compatible is the one table of such look-alikes
    seen = compatible(name)
    return seen == name or not seen.isascii()


def listed_members(
    root: Any,
    family: Family,
    functions: list[list[Any]],
    exported: list[str],
    docs: list[str],
    ret: dict[str, str],
) -> set[int]:
    """Add to functions (and exported) the members the module's top-level loops over literal
    lists define (module docstring); return the ids of the objects of the ``X[m]``
    assignments read, which are no longer members of unknown name (scan_js's ``dyn``).

    A member's docstring is the JSDoc right before its assignment, else the one before the
    loop (which speaks for all it makes); its line is the assignment's, or, for a function a
    factory declared in the loop or the module returns (axios' ``generateHTTPMethod()``),
    that function's: where its code and parameters are."""
    lists: dict[str, list[str]] = {}  # top-level const -> its names
    read: set[int] = set()
    made = 0
    top: dict[str, Any] | None = None  # the module's functions, read at its first loop
    for stmt in root.named_children:
        kind = stmt.child_by_field_name("kind") if stmt.type == "lexical_declaration" else None
        if kind is not None and kind.type == "const":
            for decl in stmt.named_children:
                if decl.type == "variable_declarator":
                    names = _names(decl.child_by_field_name("value"), lists)
                    name = decl.child_by_field_name("name")
                    if names is not None and name is not None and name.type == "identifier":
                        lists[_text(name)] = names
            continue
        loop = _loop(stmt, lists)
        if loop is None:
            continue
        names, var, body = loop
        if _branches_or_rebinds(body, var):
            continue  # what it makes depends on what runs: dyn's, a member of unknown name
        loop_doc = _jsdoc(stmt, family)
        loop_said = False
        top = _declared_functions(root) if top is None else top
        factories = {**top, **_declared_functions(body)}
        for assign, doc_node in _assignments(body, var):
            if made >= MAX_MADE:
                return read
            left = assign.child_by_field_name("left")
            obj = left.child_by_field_name("object")
            target = _text(obj)
            value = assign.child_by_field_name("right")
            prototype = target.endswith(".prototype")
            if value.type not in FUNCTION_VALUES and not (
                prototype and value.type == "call_expression"
            ):
                continue
            read.add(obj.id)  # its names are known, whether or not they are API
            owner = target.removesuffix(".prototype").rsplit(".", 1)[-1]
            if target not in _EXPORTS and not (
                _OWNER.fullmatch(target) and _NAME.fullmatch(owner) and owner not in _SELF
            ):
                continue  # ``this[m]``, ``a.b()[m]``, ``x[i][m]``, ``_cache[m]``: no API owner
            made_by = _returned(value, factories) if value.type == "call_expression" else None
            line = (made_by or assign).start_point[0] + 1
            doc = _comment(_text(doc_node), ret) if doc_node is not None else ""
            if doc:
                docs.append(doc)
            elif loop_doc:
                doc = loop_doc
                if not loop_said:  # the loop's words count once, however many it makes
                    docs.append(loop_doc)
                    loop_said = True
            for name in names:
                if not member_name(name) or made >= MAX_MADE:
                    continue
                full = name if target in _EXPORTS else f"{owner}.{name}"
                if target in _EXPORTS:
                    exported.append(name)
                if doc_node is not None:  # its ``@returns {Type}``, under each name it makes
                    _comment(_text(doc_node), ret, full)
                functions.append([full, line, summary_line(doc)])
                made += 1
    return read


def _declared_functions(block: Any) -> dict[str, Any]:
    """name -> ``function name(...) {...}`` declared among a block's statements."""
    out: dict[str, Any] = {}
    for stmt in block.named_children:
        if stmt.type == "function_declaration":
            name = stmt.child_by_field_name("name")
            if name is not None:
                out[_text(name)] = stmt
    return out


def _returned(call: Any, factories: dict[str, Any]) -> Any:
    """The function ``factory(...)`` returns, when factory is one of factories and its body
    returns a function written there (``return function httpMethod(url, data, config)``),
    else None. Read, never run: the first return statement of the body's own statements."""
    func = call.child_by_field_name("function")
    decl = factories.get(_text(func)) if func is not None and func.type == "identifier" else None
    body = decl.child_by_field_name("body") if decl is not None else None
    for stmt in body.named_children if body is not None else ():
        if stmt.type == "return_statement":
            value = next((c for c in stmt.named_children if c.type != "comment"), None)
            return value if value is not None and value.type in FUNCTION_VALUES else None
    return None


def _names(node: Any, lists: dict[str, list[str]]) -> list[str] | None:
    """The strings of an array literal of plain strings (``['get', 'post'] as const``), a
    known const's, or None; each name once, in order."""
    while node is not None and node.type in _WRAPPERS:
        node = node.named_children[0] if node.named_child_count else None
    if node is None:
        return None
    if node.type == "identifier":
        return lists.get(_text(node))
    if node.type != "array" or node.named_child_count > MAX_LIST:
        return None
    out: list[str] = []
    for item in node.named_children:
        if item.type == "comment":
            continue
        if item.type != "string" or item.named_child_count > 1:
            return None  # not a string, or one with an escape in it
        part = item.named_children[0] if item.named_child_count else None
        if part is not None and part.type != "string_fragment":
            return None
        text = _text(part)  # "" for '' (which member_name refuses)
        if text not in out:
            out.append(text)
    return out


def _loop(stmt: Any, lists: dict[str, list[str]]) -> tuple[list[str], str, Any] | None:
    """(names, the loop variable, the body) of a loop over a literal list, or None."""
    if stmt.type == "for_in_statement":
        op = stmt.child_by_field_name("operator")
        left = stmt.child_by_field_name("left")
        body = stmt.child_by_field_name("body")
        if op is None or op.type != "of" or left is None or left.type != "identifier":
            return None
        names = _names(stmt.child_by_field_name("right"), lists)
        return (names, _text(left), body) if names and body is not None else None
    if stmt.type != "expression_statement" or not stmt.named_child_count:
        return None
    call = stmt.named_children[0]
    if call.type != "call_expression":
        return None
    func = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if func is None or args is None or args.type != "arguments":
        return None
    given = [a for a in args.named_children if a.type != "comment"]
    if func.type == "member_expression":
        method = _text(func.child_by_field_name("property"))
        listed = func.child_by_field_name("object")
    else:
        method, listed = _text(func), None
    if method not in _LOOPS:
        return None
    if listed is not None and given and given[0].type in _CALLBACKS:
        names, callback = _names(listed, lists), given[0]  # LIST.forEach(fn)
    elif method == "forEach" and len(given) >= 2 and given[1].type in _CALLBACKS:
        names, callback = _names(given[0], lists), given[1]  # utils.forEach(LIST, fn)
    else:
        return None
    var = _first_param(callback)
    body = callback.child_by_field_name("body")
    if not names or not var or body is None:
        return None
    return names, var, body


def _first_param(callback: Any) -> str:
    """The name the callback gives each value: ``m`` of ``function (m, i)`` and ``m => ``."""
    single = callback.child_by_field_name("parameter")
    if single is not None:
        return _text(single) if single.type == "identifier" else ""
    params = callback.child_by_field_name("parameters")
    first = next(
        (p for p in (params.named_children if params is not None else ()) if p.type != "comment"),
        None,
    )
    if first is not None and first.type == "required_parameter":  # TypeScript: ``(m: string)``
        first = first.child_by_field_name("pattern")
    return _text(first) if first is not None and first.type == "identifier" else ""


# what makes a loop's body do something else for some names, or stop before the rest:
# ``if (m !== 'head') {...}``, an early return (``?:`` and ``switch`` choose too)
_CHOICES = frozenset(
    {
        "if_statement",
        "switch_statement",
        "return_statement",
        "continue_statement",
        "break_statement",
        "throw_statement",
        "try_statement",
        "ternary_expression",
    }
)
# patterns a declaration or an assignment binds names in (``const {m} = x``, ``[m] = y``)
_PATTERNS = frozenset(
    {"object_pattern", "array_pattern", "pair_pattern", "assignment_pattern", "rest_pattern"}
)


def _branches_or_rebinds(body: Any, var: str) -> bool:
    """Whether the loop's body, outside the functions nested in it, chooses what it runs
    (if, switch, ?:, return, continue, break, throw, try) or assigns or declares the loop
    variable (``m = 'x' + m``, ``let m``, ``function m``): then ``X[m]`` holds no name of
    the list for sure, and reading the list would make members the code never makes."""
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type in _CHOICES:
            return True
        if node.type in _NESTED:
            name = node.child_by_field_name("name")
            if name is not None and _text(name) == var:
                return True  # ``function m() {}`` declares m in the block
            continue
        bound = None
        if node.type == "variable_declarator":
            bound = node.child_by_field_name("name")
        elif node.type in ("assignment_expression", "augmented_assignment_expression"):
            bound = node.child_by_field_name("left")
        elif node.type == "update_expression":
            bound = node.child_by_field_name("argument")
        elif node.type == "for_in_statement":
            bound = node.child_by_field_name("left")
        if bound is not None and _binds(bound, var):
            return True
        stack.extend(node.named_children)
    return False


def _binds(target: Any, var: str) -> bool:
    """Whether an assignment's or declaration's target names ``var`` itself, or in a
    destructuring pattern; ``X[m]`` and ``X.m`` do not."""
    if target.type in ("identifier", "shorthand_property_identifier_pattern"):
        return _text(target) == var
    if target.type in _PATTERNS:
        return any(_binds(child, var) for child in target.named_children)
    return False


def _assignments(body: Any, var: str) -> list[tuple[Any, Any]]:
    """(``X[var] = value`` assignment, the comment before its statement or None) in body,
    outside the functions nested in it; in source order."""
    out: list[tuple[Any, Any]] = []
    stack: list[tuple[Any, Any]] = [(body, None)]
    while stack:
        node, before = stack.pop()
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            index = left.child_by_field_name("index") if left is not None else None
            if (
                left is not None
                and left.type == "subscript_expression"
                and index is not None
                and index.type == "identifier"
                and _text(index) == var
            ):
                out.append((node, before))
            continue
        prev = None
        kids = []
        for child in node.named_children:
            if child.type not in _NESTED:
                if node.type == "expression_statement":  # its assignment: the statement's
                    kids.append((child, before))
                elif child.type == "expression_statement" and prev is not None:
                    kids.append((child, prev if prev.type == "comment" else None))
                else:
                    kids.append((child, None))
            prev = child
        stack.extend(reversed(kids))
    return out
