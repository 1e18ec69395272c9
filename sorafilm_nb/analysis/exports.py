"""What a JavaScript package's entry hands out, and the methods README examples call.

Why apart from project.py: these patterns (about twenty regexes) and readers serve only the
cold profile build (analysis.api), while project.py's metadata checks run on every warm plan;
compiling them there cost every `sorafilm plan` ~10 ms for nothing.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from ..lazyre import LazyPattern, word_start
from .project import Metadata, _read, _resolve
from .scan_python import parse_quietly, summary_line

_ID = r"[A-Za-z_$][\w$]*"
# The words the patterns open on (lazyre.word_start: found by their letters, not tried at
# every character of the file).
_EXPORT_W = word_start("export")
_EXPORTS_W = word_start(r"module\.exports", "exports")  # \b(?:module\.)?exports
_MODULE_EXPORTS_W = word_start(r"module\.exports")
_DECLARE_W = word_start("const", "let", "var")
# Every pattern here reads hostile files of up to _MAX bytes, so none may try a start against
# the rest of the file: a list stops at the next brace of either kind ("export{" a thousand
# times without "}"), a name starts only where no name goes on ("a$a$a$"). Linear, not hours.
_EXPORT_DECL = LazyPattern(
    rf"{_EXPORT_W}\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?"
    rf"(?:function\*?|class|const|let|var|interface|type|enum|namespace)\s+({_ID})"
)
_EXPORT_LIST = LazyPattern(rf"{_EXPORT_W}\s*(?:type\s*)?\{{([^{{}}]*)\}}")
_EXPORTS_DOT = LazyPattern(rf"{_EXPORTS_W}\.({_ID})\s*=(?!=)")
_DEFINE_PROP = LazyPattern(rf"Object\.defineProperty\(\s*exports\s*,\s*['\"]({_ID})['\"]")
_MODULE_EXPORTS = LazyPattern(rf"{_MODULE_EXPORTS_W}\s*=\s*(?:exports\s*=\s*)?({_ID})\s*[;\n]")
# up to the first brace either way (a nested object ends the list, as "}" did)
_MODULE_OBJECT = LazyPattern(rf"{_MODULE_EXPORTS_W}\s*=\s*\{{([^{{}}]*)[{{}}]")
# the module itself is a named class or function: its default export
_DEFAULT_DECL = LazyPattern(
    rf"(?:{_MODULE_EXPORTS_W}\s*=\s*|{_EXPORT_W}\s+default\s+)(?:abstract\s+)?"
    rf"(?:class|(?:async\s+)?function\*?)\s+({_ID})"
)
_INSTANCE = LazyPattern(rf"{_EXPORTS_W}\.({_ID})\s*=\s*new\s+({_ID})")
_MODULE_REQUIRE = LazyPattern(rf"""{_MODULE_EXPORTS_W}\s*=\s*require\(\s*['"](\.[^'"]+)['"]""")
_FOLLOW = LazyPattern(
    rf"""(?:{_EXPORT_W}\s*\*\s*(?:as\s+[\w$]+\s*)?from\s*|{_EXPORT_W}\s*\{{[^{{}}]*\}}\s*from\s*|"""
    rf"""{_MODULE_EXPORTS_W}\s*=\s*require\(\s*|__exportStar\(\s*require\(\s*)['"](\.[^'"]+)['"]"""
)


_REL = r"""['"](\.[^'"]+)['"]"""
# local bindings of the package's own files: const x = require('./x'), import x from './x'
_BIND_REQUIRE = LazyPattern(rf"{_DECLARE_W}\s+({_ID})\s*=\s*require\(\s*{_REL}\s*\)")
_BIND_DESTRUCT = LazyPattern(rf"{_DECLARE_W}\s*\{{([^{{}}]*)\}}\s*=\s*require\(\s*{_REL}")
# Each part takes the spaces after it, never two quantifiers the same run: "\s+(ID)?\s*,?\s*
# ({...})?\s*from" split a run of spaces four ways, and a JSDoc comment "import" and 800
# spaces cost 33 s of CPU (quartic)
_BIND_IMPORT = LazyPattern(
    rf"{word_start('import')}\s+(?:\*\s+as\s+)?(?:({_ID})\s*)?(?:,\s*)?(?:\{{([^{{}}]*)\}}\s*)?"
    rf"from\s*{_REL}"
)
# what a module hands out: exports.x = v, module.exports = v, export default v, obj.x = v on
# an exported object (``var app = exports = module.exports = {}``; axios's ``axios.Axios =``)
_EXPORT_OBJECT = LazyPattern(rf"{_DECLARE_W}\s+({_ID})\s*=\s*(?:module\.)?exports\s*=")
_EXPORT_DEFAULT = LazyPattern(rf"{_EXPORT_W}\s+default\s+({_ID})\s*[;\n]")
_EXPORTS_VALUE = LazyPattern(
    rf"{_EXPORTS_W}(?:\.{_ID})?\s*=\s*(?:exports\s*=\s*)?({_ID})\b(?!\s*\()"
)
_EXPORTS_REQUIRE = LazyPattern(rf"{_EXPORTS_W}\.{_ID}\s*=\s*require\(\s*{_REL}")
_MEMBER_VALUE = LazyPattern(rf"(?<![\w$])({_ID})\.{_ID}\s*=\s*({_ID})\s*[;\n]")
# a value a factory makes: ``const Yargs = YargsFactory(shim)`` (its members are the factory's)
_MADE_BY = LazyPattern(rf"{_DECLARE_W}\s+({_ID})\s*=\s*(?:new\s+)?({_ID})\s*\(")


@dataclass(frozen=True)
class JsExports:
    names: frozenset[str]  # exported names (and the local names they export)
    instances: dict[str, str]  # exported instance -> its class (commander's program -> Command)
    # the package's files whose exports the entry hands out, directly or through a value it
    # exports (``exports.application = require('./application')``); their members are public
    modules: frozenset[str] = frozenset()
    # what ``require('pkg')`` / ``import x from 'pkg'`` gives: the name of the class or
    # function the entry's module is (koa's Application), "" when it is an object of names
    default: str = ""


# ``b as c`` or ``d: e`` in a list of names; a name alone (patterns of their own: a hostile
# entry has ten thousand lists, and re.split's cache lookup cost as much as the split)
_AS = LazyPattern(r"\s+as\s+|\s*:\s*")
_NAME = LazyPattern(_ID)


def _split_names(text: str) -> list[tuple[str, str]]:
    """``a, b as c, d: e`` -> [(a, a), (b, c), (d, e)]: (name in the source, local name)."""
    out = []
    split, name = _AS.compiled().split, _NAME.compiled().fullmatch
    for part in text.split(","):
        bits = [b for b in split(part.strip()) if b]
        if bits and all(name(b) for b in bits):
            out.append((bits[0], bits[-1]))
    return out


def _handed_out(text: str) -> list[str]:
    """The relative modules a file's exports hand out: those bound to a name it exports (as
    a value, or as a member of its exported object), or to the factory that makes an
    exported value (``const Yargs = YargsFactory(shim)``), and ``exports.x = require('./y')``."""
    bound: dict[str, str] = {}
    for m in _BIND_REQUIRE.finditer(text):
        bound[m.group(1)] = m.group(2)
    for m in _BIND_DESTRUCT.finditer(text):
        for _, local in _split_names(m.group(1)):
            bound[local] = m.group(2)
    for m in _BIND_IMPORT.finditer(text):
        if m.group(1):
            bound[m.group(1)] = m.group(3)
        for _, local in _split_names(m.group(2) or ""):
            bound[local] = m.group(3)
    objects = set(_EXPORT_OBJECT.findall(text)) | set(_EXPORT_DEFAULT.findall(text))
    values = set(_EXPORTS_VALUE.findall(text)) | objects
    if objects:  # (the one pattern that opens on any name: not run for no object)
        values.update(v for obj, v in _MEMBER_VALUE.findall(text) if obj in objects)
    for m in (*_EXPORT_LIST.finditer(text), *_MODULE_OBJECT.finditer(text)):
        values.update(name for name, _ in _split_names(m.group(1)))
    values.update(maker for made, maker in _MADE_BY.findall(text) if made in values)
    out = [bound[v] for v in sorted(values) if v in bound]
    out.extend(_EXPORTS_REQUIRE.findall(text))
    return out


def js_exports(meta: Metadata, entries: list[str], depth: int = 3) -> JsExports:
    """The names a JavaScript package's entry files export, following relative re-exports
    (``export * from``, ``module.exports = require``) and the package's own modules that an
    export hands out as a value (_handed_out) up to depth files deep; and those files."""
    root = meta.root
    names: set[str] = set()
    instances: dict[str, str] = {}
    seen: set[str] = set()
    default = ""
    followed: set[str] = set()  # reached by ``module.exports = require(...)``: the entry itself
    split, is_name = _AS.compiled().split, _NAME.compiled().fullmatch
    todo = [(rel, 0) for rel in entries]
    while todo:
        rel, level = todo.pop(0)
        if rel in seen:
            continue
        seen.add(rel)
        text = _read(root, rel)
        names.update(_EXPORT_DECL.findall(text))
        names.update(_EXPORTS_DOT.findall(text))
        names.update(_DEFINE_PROP.findall(text))
        names.update(_MODULE_EXPORTS.findall(text))
        own = _DEFAULT_DECL.findall(text)
        names.update(own)
        if own and not default and (level == 0 or rel in followed):
            default = own[0]
        for m in (*_EXPORT_LIST.finditer(text), *_MODULE_OBJECT.finditer(text)):
            for part in m.group(1).split(","):
                names.update(b for b in split(part.strip()) if is_name(b))
        instances.update(_INSTANCE.findall(text))
        if level < depth:
            folder = posixpath.dirname(rel)
            whole = set(_MODULE_REQUIRE.findall(text))
            for target in [*_FOLLOW.findall(text), *_handed_out(text)]:
                nxt = _resolve(root, posixpath.normpath(posixpath.join(folder, target)))
                if nxt:
                    todo.append((nxt, level + 1))
                    if target in whole and (level == 0 or rel in followed):
                        followed.add(nxt)
    names.update(_declared(meta))
    names.discard("default")
    return JsExports(frozenset(names), instances, frozenset(seen), default)


_DTS = (".d.ts", ".d.mts", ".d.cts")


def _declared(meta: Metadata, limit: int = 50) -> set[str]:
    """The names the package's declarations (package.json ``types``/``typings`` and the
    ``types`` conditions of ``exports["."]``) export, following ``export * from``: they
    name the public API cleanly where the compiled entry (``Object.assign(exports, ...)``,
    a bundle) does not. Each file is read like any other (``_read``: inside the root only)."""
    root, pkg = meta.root, meta.package_json()
    todo: list[str] = []

    def walk(value: object, typed: bool) -> None:
        if isinstance(value, str):
            if typed and value.endswith(_DTS):
                todo.append(posixpath.normpath(value))
        elif isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, typed or key == "types")
        elif isinstance(value, list):
            for sub in value:
                walk(sub, typed)

    walk(pkg.get("types"), True)
    walk(pkg.get("typings"), True)
    exports = pkg.get("exports")
    walk(exports.get(".") if isinstance(exports, dict) else exports, False)
    names: set[str] = set()
    seen: set[str] = set()
    while todo and len(seen) < limit:
        rel = todo.pop(0)
        if rel in seen or rel.startswith("../") or rel.startswith("/"):
            continue
        seen.add(rel)
        text = _read(root, rel)
        names.update(_EXPORT_DECL.findall(text))
        for m in _EXPORT_LIST.finditer(text):
            names.update(local for _, local in _split_names(m.group(1)))
        for target in _FOLLOW.findall(text):
            nxt = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
            stem = re.sub(r"\.(c|m)?js$", "", nxt)
            for cand in (stem + ".d.ts", stem + "/index.d.ts", nxt):
                if cand.endswith(_DTS) and (root / cand).is_file():
                    todo.append(cand)
                    break
    return names


# ------------------------------------------------------------------ methods in README examples


# a parameter list, parentheses nested two deep (``f(a = g(h(x)))``): it stops at the third
# paren, where ``\([^)]*\)`` read on from every ``run(`` of a file to its next ")": quadratic
_PARAMS = r"\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"


def find_method(
    root: Path,
    rel: str,
    cls: str,
    method: str,
    lang: str,
    sources: dict[str, ast.Module | str | None] | None = None,
) -> tuple[int, str] | None:
    """(line, docstring summary) of ``method`` defined in class ``cls`` of file rel, or None.

    Python is read with ast; JavaScript/TypeScript with a pattern for a method in the class
    body (``name(args) {``) or an assignment to its prototype. sources: the files earlier
    lookups read (rel -> its tree, its text, or None), kept by the caller so that a file
    whose methods the README calls many of is read and parsed once: rich's console.py
    (2,600 lines) was parsed again for each of print, log, rule, ... (~40 ms of its build).
    """
    if sources is None:
        sources = {}
    if rel not in sources:
        sources[rel] = _source(root, rel, lang)
    source = sources[rel]
    if source is None:
        return None
    if isinstance(source, ast.Module):
        for node in source.body:
            if isinstance(node, ast.ClassDef) and node.name == cls:
                for item in node.body:
                    if (
                        isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                        and item.name == method
                        and not any(_is_property(d) for d in item.decorator_list)
                    ):
                        return item.lineno, summary_line(ast.get_docstring(item))
        return None
    text = source
    start = re.search(rf"\bclass\s+{re.escape(cls)}\b", text)
    pats = [rf"{re.escape(cls)}\.prototype\.{re.escape(method)}\s*=\s*(?:async\s+)?function"]
    if start:
        body = text[start.end() :]
        m = re.search(
            rf"^[ \t]+(?:(?:public|async|static|override)\s+)*{re.escape(method)}\s*(?:<[^>\n]*>)?"
            + _PARAMS
            + r"[^{;\n]*\{",
            body,
            re.M,
        )
        if m:
            line = text.count("\n", 0, start.end() + m.start()) + 1
            return line, _jsdoc_before(text, start.end() + m.start())
    for pat in pats:
        m = re.search(pat, text)
        if m:
            return text.count("\n", 0, m.start()) + 1, _jsdoc_before(text, m.start())
    return None


def _source(root: Path, rel: str, lang: str) -> ast.Module | str | None:
    """What find_method reads of a file: a Python file's tree, another's text; None when it
    is empty, unreadable or does not parse."""
    text = _read(root, rel)
    if not text:
        return None
    if lang != "python":
        return text
    try:
        return parse_quietly(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _is_property(node: ast.expr) -> bool:
    """``@property`` / ``@cached_property`` / ``@x.setter``: data, not a method one calls."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name.endswith("property") or name in ("setter", "getter", "deleter")


def _jsdoc_before(text: str, pos: int) -> str:
    head = text[:pos].rstrip()
    if not head.endswith("*/"):
        return ""
    start = head.rfind("/**")
    if start < 0:
        return ""
    lines = [ln.strip().lstrip("*").strip() for ln in head[start + 3 : -2].splitlines()]
    return summary_line("\n".join(ln for ln in lines if not ln.startswith("@")).strip())
