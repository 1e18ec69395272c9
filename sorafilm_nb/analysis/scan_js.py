"""Extract concepts from one JavaScript or TypeScript file with tree-sitter (a real parser).

Same result shape as _scan_python.scan_python. JavaScript has no typed ``catch``, so a type
counts as caught when a catch block tests ``err instanceof X``. JSDoc comments (``/** ... */``)
right before a declaration are its docstring.

Much of a JavaScript API is not declared but assigned, so these count as functions too:
``app.use = function use() {}`` and ``Foo.prototype.bar = ...`` (named ``app.use``,
``Foo.bar``), ``exports.x = ...`` and ``module.exports.x = ...`` (named ``x``, also when the
value is a call or ``new``, as ``exports.json = bodyParser.json`` is Express's ``json``), and
the public methods of a class (``Command.option``). Exported names (``module.exports = {a,
b}``, ``export`` declarations and ``export { a as b }``) go to ``all``, the public API list.
Members made with a computed name in a loop over a list of strings written out
(``utils.forEach(['get', 'post'], ...)``, js_listed.py) are named by the list; others
(``app[method] = function`` over a list from elsewhere) go to ``dyn`` as their owner: only a
README call can name them. A top-level value a factory makes (``const axios =
createInstance()``) has the members the factory gives what it returns (js_factory.py).
A file that looks like build output (a source map comment, the ``__esModule`` marker) is
flagged ``gen``, so profile.py can say when a package holds only compiled code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..lazyre import LazyPattern
from .js_class import add_class as _add_class
from .js_class import constructed as _constructed
from .js_class import default_export as _default
from .js_class import methods as _methods
from .js_depth import TOO_DEEP, too_deep
from .js_factory import factory_members as _factory_members
from .js_family import Family as _Family
from .js_family import family as _family
from .js_family import jsdoc as _jsdoc
from .js_family import source_order as _source_order
from .js_family import top_level as _top_level
from .js_family import top_names as _top_names
from .js_listed import FUNCTION_VALUES
from .js_listed import MAX_MADE as _MAX_MADE
from .js_listed import listed_members as _listed_members
from .js_minified import minified, unmangle
from .js_version import PARSER_VERSION as PARSER_VERSION  # its home: js_version.py
from .jsdoc import member_docs as _member_docs
from .jsdoc import node_text as _text
from .scan_python import FileScan, identifiers, summary_line
from .text import doc_words

_QUERY = """
(class_declaration) @class
(export_statement) @export
(throw_statement (new_expression constructor: (_) @thrown))
(catch_clause body: (statement_block) @catch)
(import_statement source: (string) @import)
(call_expression function: (identifier) arguments: (arguments) @call)
(assignment_expression
  left: (subscript_expression object: (_) @dynobj index: [(identifier) (member_expression)])
  right: [(function_expression) (arrow_function)])
"""
_TS_EXTRA = """
(abstract_class_declaration) @class
"""
_DECLS = frozenset(
    {
        "class_declaration",
        "abstract_class_declaration",
        "function_declaration",
        "export_statement",
        "lexical_declaration",
        "variable_declaration",
    }
)
# values that are data, not API: ``exports.version = "1.0"``, ``exports.z = void 0``
_DATA = frozenset(
    {
        "string",
        "template_string",
        "number",
        "true",
        "false",
        "null",
        "undefined",
        "regex",
        "unary_expression",
        "binary_expression",
        "array",
    }
)
_EXPORTS = ("exports", "module.exports")
# a value a module may be without a name: ``module.exports = function (val, options)``
_ANONYMOUS = frozenset({"function_expression", "arrow_function", "generator_function", "class"})
# TypeScript's and Babel's CommonJS output, and any bundler's source map comment
# LazyPattern: compiled at first use, as a Python-only analysis never needs them (issue 14)
_GENERATED = LazyPattern(rb'Object\.defineProperty\(exports, "__esModule"|exports\.__esModule = ')
_SOURCE_MAP = LazyPattern(rb"//# sourceMappingURL=")


@lru_cache(maxsize=4)
def _parser(lang: str) -> tuple[Any, Any]:
    from tree_sitter import Language, Parser, Query

    if lang == "javascript":
        import tree_sitter_javascript as grammar

        language = Language(grammar.language())
        query = _QUERY
    else:
        import tree_sitter_typescript as ts

        language = Language(ts.language_tsx() if lang == "tsx" else ts.language_typescript())
        query = _QUERY + _TS_EXTRA
    return Parser(language), Query(language, query)


def scan_js(data: bytes, lang: str) -> FileScan:
    """Parse one JavaScript/TypeScript/TSX source file."""
    from tree_sitter import QueryCursor

    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {"lang": lang, "warn": f"not valid UTF-8: {exc.reason}"}
    parser, query = _parser(lang)
    tree = parser.parse(data)
    if too_deep(tree.root_node):
        return {"lang": lang, "warn": TOO_DEEP}
    caps = QueryCursor(query).captures(tree.root_node)
    caps["import"] = [*caps.get("import", ()), *_string_args(caps.pop("call", []))]
    caps = _in_order(caps)
    named = _top_names(tree.root_node, caps.get("export", ()))
    family = _family(tree.root_node, [*caps.get("class", ()), *named])

    classes: list[list[Any]] = []
    functions: list[list[Any]] = []
    raised: dict[str, list[int]] = {}
    caught: dict[str, list[int]] = {}
    docs: list[str] = []
    ret: dict[str, str] = {}  # function -> the class its JSDoc says it returns

    for node in caps.get("class", ()):
        signed = _in_namespace(node, family)
        _add_class(node, classes, docs, _jsdoc(node, family), signed=signed)
    for node in named:
        decl = family[node.id][0]
        if not _top_level(decl, family):
            continue
        at = decl if decl.type != "variable_declarator" else family[decl.id][0]
        if family[at.id][0] is not None and family[at.id][0].type == "ambient_declaration":
            at = family[at.id][0]  # ``/** doc */ export declare function f(): void``
        doc = _jsdoc(at, family, ret, _text(node))
        if doc:
            docs.append(doc)
        functions.append([_text(node), node.start_point[0] + 1, summary_line(doc)])
    for node in caps.get("thrown", ()):
        name = _text(node).rsplit(".", 1)[-1]
        if name[:1].isupper():
            entry = raised.setdefault(name, [0, node.start_point[0] + 1])
            entry[0] += 1
    for block in caps.get("catch", ()):
        for name in _instanceof_names(block):
            line = block.start_point[0] + 1
            entry = caught.setdefault(name, [0, line])
            entry[0] += 1
    exported: list[str] = []
    default: list[Any] = []  # the module's anonymous default export (js_class.DEFAULT)
    made = _assigned(tree.root_node, family, functions, exported, docs, classes, ret, default)
    # ``Axios.prototype[method] = ...`` in a loop over ``['get', 'post']``: the list names them
    before = len(functions)
    listed = _listed_members(tree.root_node, family, functions, exported, docs, ret)
    # ``const axios = createInstance()`` where createInstance gives ``instance.create``; one
    # cap (js_listed.MAX_MADE) for the members made by name from lists and factories together
    room = _MAX_MADE - (len(functions) - before)
    _factory_members(tree.root_node, functions, docs, ret, room)
    # ``app[method] = function`` (in a methods.forEach loop over a list not written there):
    # members made at run time, whose names only a README example can tell (analysis.api);
    # owner and line are kept
    dynamic: dict[str, int] = {}
    for node in caps.get("dynobj", ()):
        owner = _text(node).removesuffix(".prototype")
        if owner and "(" not in owner and "[" not in owner and node.id not in listed:
            dynamic.setdefault(owner.rsplit(".", 1)[-1], node.start_point[0] + 1)
    for node in caps.get("class", ()):
        if (
            _top_level(node, family)
            or family[node.id][0].type == "ambient_declaration"
            or _in_namespace(node, family)
        ):
            _methods(node, functions, docs, ret)
    imports = []
    for node in caps.get("import", ()):
        text = _text(node).strip("'\"`")
        if text:
            imports.append(text)
    refs = identifiers(data)
    if lang != "javascript":
        _constructed(tree.root_node, family, classes, docs)
    functions.sort(key=lambda f: f[1])
    classes.sort(key=lambda c: c[1])
    first = tree.root_node.named_children[0] if tree.root_node.named_child_count else None
    mod_doc = ""
    if first is not None and first.type == "comment" and _text(first).startswith("/**"):
        mod_doc = "\n".join(
            ln.strip().lstrip("*").strip() for ln in _text(first)[3:-2].splitlines()
        ).strip()
        if classes or functions:  # a leading JSDoc belongs to the first declaration, if any
            mod_doc = "" if _jsdoc_owner(first) else mod_doc
    result: FileScan = {"lang": lang, "doc": summary_line(mod_doc)}
    if classes:
        result["cls"] = classes
    if functions:
        result["fn"] = functions
    if raised:
        result["rz"] = raised
    if caught:
        result["ct"] = caught
    if refs:
        result["refs"] = refs
    if imports:
        result["imp"] = imports
    if exported:
        result["all"] = sorted(set(exported))
    if dynamic:
        result["dyn"] = [[owner, line] for owner, line in sorted(dynamic.items())]
    if made:
        result["made"] = made
    if default:
        result["dflt"] = default
    if ret:
        result["ret"] = [[name, cls] for name, cls in sorted(ret.items())]
    if lang != "javascript":
        members = _member_docs(tree.root_node)
        if members:
            result["mdoc"] = members
    if _GENERATED.search(data[:2048]) or _SOURCE_MAP.search(data[-512:]):
        result["gen"] = 1
    if minified(data):
        unmangle(result)
    if docs or mod_doc:
        result["dw"] = doc_words([*docs, mod_doc] if mod_doc else docs)
    if tree.root_node.has_error:
        line = _first_error_line(tree.root_node)
        result["partial"] = f"syntax error near line {line}: read partially"
    return result


def _string_args(calls: list[Any]) -> list[Any]:
    """The strings among the arguments of ``name(...)`` calls: ``require('./x')`` names a
    module. Why not the query pattern ``(arguments (string) @import)``: a match of it stays
    open while the cursor is inside the arguments, waiting for a string, and the cursor
    checks every open match at each node it visits: quadratic in the nesting of calls, so
    10,000 callbacks nested in calls took 9.3 s (issue 11). Capturing the arguments node
    finishes the match there; its children are read here."""
    return [arg for args in calls for arg in args.children if arg.type == "string"]


def _in_order(caps: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Each capture's nodes in source order. py-tree-sitter collects them in a set, so their
    order followed node addresses, which depend on what the process parsed before: the line
    an exception is first raised on and the order of imports changed from run to run."""
    return {name: sorted(nodes, key=_source_order) for name, nodes in caps.items()}


def _first_error_line(root: Any) -> int:
    """The line of the first ERROR or MISSING node (iterative: deep trees are fine)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return int(node.start_point[0]) + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return 1


def _jsdoc_owner(comment: Any) -> bool:
    nxt = comment.next_sibling
    return nxt is not None and nxt.type in _DECLS and nxt.start_point[0] <= comment.end_point[0] + 1


def _instanceof_names(block: Any) -> list[str]:
    """Names X in ``... instanceof X`` inside a catch block (iterative, no recursion)."""
    out: list[str] = []
    stack = [block]
    while stack:
        node = stack.pop()
        if node.type == "binary_expression":
            op = node.child_by_field_name("operator")
            right = node.child_by_field_name("right")
            if op is not None and op.type == "instanceof" and right is not None:
                name = _text(right).rsplit(".", 1)[-1]
                if name[:1].isupper():
                    out.append(name)
        stack.extend(node.named_children)
    return out


def _assigned(
    root: Any,
    family: _Family,
    functions: list[list[Any]],
    exported: list[str],
    docs: list[str],
    classes: list[list[Any]],
    ret: dict[str, str],
    default: list[Any],
) -> list[list[str]]:
    """Functions assigned at the top level, and the names a module exports.

    ``var app = exports = module.exports = {}`` chains are followed; ``export`` statements
    add their declared names and ``export { a as b }`` its public names (b) to exported.
    A module that is itself a named class or function (``module.exports = class Application
    extends Emitter {...}``, koa; ``module.exports = function compose() {}``) defines and
    exports that name, as ``export default class X`` does. One that is an anonymous function
    or class (``module.exports = function (val, options)``, ms; ``export default () => ...``)
    has no name here: it goes to default (js_class.default_export), and js_default.py names it.

    Returns [[class, function]] for each exported function that is a class's factory: zod's
    ``const stringType = ZodString.create`` exported as ``string`` makes ``ZodString: what
    string() returns`` possible, where neither has a comment to say so.
    """
    factories: dict[str, str] = {}  # local name -> the class whose ``create`` it is
    aliases: list[tuple[str, str]] = []  # (local name, exported name)
    for stmt in root.named_children:
        if stmt.type == "export_statement":
            _exports(stmt, exported, aliases)
            value: Any = stmt.child_by_field_name("value")
            if value is not None and value.type in _ANONYMOUS:  # export default () => ...
                _default(value, stmt, family, docs, ret, default)
            continue
        if stmt.type == "expression_statement" and stmt.named_child_count:
            value = stmt.named_children[0]
            _assignment(
                value, stmt, family, functions, exported, docs, classes, aliases, ret, default
            )
        elif stmt.type in ("lexical_declaration", "variable_declaration"):
            for decl in stmt.named_children:
                if decl.type == "variable_declarator":
                    value = decl.child_by_field_name("value")
                    if value is not None:
                        _factory(decl, value, factories)
                        _assignment(
                            value,
                            stmt,
                            family,
                            functions,
                            exported,
                            docs,
                            classes,
                            aliases,
                            ret,
                            default,
                        )
    return [[factories[local], public] for local, public in aliases if local in factories]


def _factory(decl: Any, value: Any, factories: dict[str, str]) -> None:
    """``const stringType = ZodString.create``: a class's static factory under a new name."""
    if value.type != "member_expression":
        return
    obj = value.child_by_field_name("object")
    prop = value.child_by_field_name("property")
    name = _text(decl.child_by_field_name("name"))
    if obj is not None and obj.type == "identifier" and _text(prop) == "create" and name:
        cls = _text(obj)
        if cls[:1].isupper():
            factories[name] = cls


def _assignment(
    node: Any,
    stmt: Any,
    family: _Family,
    functions: list[list[Any]],
    exported: list[str],
    docs: list[str],
    classes: list[list[Any]],
    aliases: list[tuple[str, str]],
    ret: dict[str, str],
    default: list[Any],
) -> None:
    while node is not None and node.type == "assignment_expression":
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        target = _text(left)
        if target in _EXPORTS:
            if right.type == "object":  # module.exports = { a, b: c }
                for prop in right.named_children:
                    key = prop.child_by_field_name("key") if prop.type == "pair" else prop
                    if key is not None and key.type in (
                        "shorthand_property_identifier",
                        "property_identifier",
                    ):
                        exported.append(_text(key))
            elif right.type == "identifier":
                exported.append(_text(right))
            elif right.type in ("class", "function_expression", "generator_function"):
                name = _text(right.child_by_field_name("name"))
                if name:  # stmt is a statement of the program (see _assigned)
                    exported.append(name)
                    if right.type == "class":
                        _add_class(right, classes, docs, _jsdoc(stmt, family))
                        _methods(right, functions, docs, ret)
                    else:
                        _add_fn(functions, docs, name, right, stmt, family, ret)
            if right.type in _ANONYMOUS and not _text(right.child_by_field_name("name")):
                _default(right, stmt, family, docs, ret, default)
        elif left.type == "member_expression":
            obj = _text(left.child_by_field_name("object"))
            prop = _text(left.child_by_field_name("property"))
            public = prop and not prop.startswith(("_", "#"))
            if public and obj in _EXPORTS:
                exported.append(prop)
                if right.type == "identifier":  # exports.string = stringType
                    aliases.append((_text(right), prop))
                if right.type not in _DATA and right.type != "identifier":
                    _add_fn(functions, docs, prop, left, stmt, family, ret)
            elif public and right.type in FUNCTION_VALUES and "[" not in obj and "(" not in obj:
                owner = obj.removesuffix(".prototype").rsplit(".", 1)[-1]
                _add_fn(
                    functions, docs, f"{owner}.{prop}" if owner else prop, left, stmt, family, ret
                )
        node = right  # a = b = c: go on down the chain


def _in_namespace(node: Any, family: _Family) -> bool:
    """Whether a class is a statement of a namespace (``declare namespace dayjs { class
    Dayjs {...} }``, exported there or not): the one class of dayjs' typings, whose methods
    and their comments (``format``, ``add``, ``diff``) are the API its users call."""
    parent = family[node.id][0]
    if parent is not None and parent.type == "export_statement":
        parent = family[parent.id][0]
    if parent is None or parent.type != "statement_block":
        return False
    holder = family[parent.id][0]
    return holder is not None and holder.type in ("internal_module", "module")


def _add_fn(
    functions: list[list[Any]],
    docs: list[str],
    name: str,
    at: Any,
    stmt: Any,
    family: _Family,
    ret: dict[str, str],
) -> None:
    doc = _jsdoc(stmt, family, ret, name)
    if doc:
        docs.append(doc)
    functions.append([name, at.start_point[0] + 1, summary_line(doc)])


def _exports(stmt: Any, exported: list[str], aliases: list[tuple[str, str]]) -> None:
    decl = stmt.child_by_field_name("declaration")
    if decl is not None:
        name = decl.child_by_field_name("name")
        if name is not None:
            exported.append(_text(name))
        for d in decl.named_children if decl.type.endswith("declaration") else ():
            if d.type == "variable_declarator":
                exported.append(_text(d.child_by_field_name("name")))
        return
    for child in stmt.named_children:
        if child.type == "export_clause":
            for spec in child.named_children:
                alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                text = _text(alias)
                if text and text != "default":
                    exported.append(text)
                    aliases.append((_text(spec.child_by_field_name("name")), text))
