"""Extract what a film can use from one Python file, with the real parser (``ast``).

The result is a plain dict of str/int/list/dict values so it can be cached with marshal and
sent between processes cheaply (its type: ``FileScan``). Keys (all optional except "lang"):

    lang  "python"
    doc   module docstring summary
    cls   [[name, line, [bases], summary, n_methods], ...]   module-level classes
    fn    [[name, line, summary], ...]                        module-level functions
    rz    {exception name: [count, first line]}               ``raise X`` / ``raise X(...)``
    ct    {exception name: [count, first line]}               ``except X`` / ``except (X, Y)``
    refs  "identifier identifier ..."                         distinct identifier tokens
                                                              (one string: marshal is ten
                                                              times faster than for a list)
    imn   [name, ...]                                         names imported (from x import n)
    imp   [module, ...]                                       modules imported (relative ones
                                                              with their leading dots; for
                                                              `from m import n` also "m.n")
    all   [name, ...]                                         the module's __all__
    dw    {keyword: docstrings of this file that use it}     for docstring themes
    warn  reason                                              the file could not be read

Two scanners give this same result. The C one (_pyscan.c, built at install by hatch_build.py)
is a real tokenizer and statement parser: on Django it reads 885 files in about a fifth of the
time ``ast.parse`` alone takes, because it builds no node for the expressions a scan never
looks at. It is not the judge of validity: whenever it is unsure, or the file is not valid
Python as far as tokens and statements show (Python 2, bad indentation, a foreign encoding,
long operator chains that exhaust CPython's parser, bad escapes and numbers, syntax newer
than the running Python...), it declines and ``ast`` reads the file, so every warning is
CPython's own. tests/analysis/test_pyscan.py holds it to "same result as ast, or decline" on every
file of Django, openai, httpx, pytest, hypothesis and the standard library, on hundreds of
constructed cases, and on fuzzed mutations of real source (1.4 million inputs under ASan and
UBSan, 0 memory errors). What it cannot see is an error only CPython's full grammar knows
(``1 = x``, ``del f()``, ``x = a := 1``, a keyword argument before a positional one): such a
file is read for what it holds instead of being skipped with a warning. Without a compiler
the package is pure Python and ``ast`` reads everything: the same results, three to five
times slower.

Why not tree-sitter: measured on Django, its parse is 25-35% cheaper than ``ast.parse``, but
reading the facts back through Node objects costs more in Python than that saves (whole scan
1.74 s against 1.51 s of CPU); it accepts Python 2 and 300 nested parentheses without an error
node; and py-tree-sitter 0.26's Parser.parse holds the GIL (benchmarks/bench_analysis.py).
"""

from __future__ import annotations

import ast
import inspect
import warnings
from collections.abc import Callable
from typing import Any, TypedDict

from .text import doc_words, summary_line


class _FileScanLang(TypedDict):
    lang: str  # "python", "javascript", "typescript", "tsx"


class FileScan(_FileScanLang, total=False):
    """One file's scan result, as every scanner returns it and the cache stores it (the keys
    are described in this module's docstring). A plain dict at run time: marshal stores it."""

    doc: str
    cls: list[list[Any]]  # [name, line, [bases], summary, n_methods]
    fn: list[list[Any]]  # [name, line, summary]
    rz: dict[str, list[int]]  # exception -> [count, first line]
    ct: dict[str, list[int]]
    refs: str
    imn: list[str]
    imp: list[str]
    all: list[str]
    dw: dict[str, int]
    warn: str  # the file could not be read
    partial: str  # JavaScript/TypeScript only: read up to a syntax error
    gen: int  # JavaScript only: 1 when the file is build output (a banner or a source map)
    dyn: list[list[Any]]  # JavaScript only: [owner, line] of members assigned by a computed name
    min: int  # JavaScript only: 1 when the file is a minified bundle (mangled names dropped)
    made: list[list[str]]  # JavaScript only: [class, exported function that is its .create]
    ret: list[list[str]]  # JavaScript only: [function, the class its JSDoc @returns names]
    mdoc: list[list[str]]  # TypeScript only: [Type.member, summary] of documented callables
    # JavaScript only: the module's anonymous default export (``module.exports = function``),
    # [kind "fn"/"cls", line, summary, bases, n_methods, [[method, line, summary]]]; named by
    # js_default.py
    dflt: list[Any]
    whole: str  # set by js_default, not a scanner: the module is this function or class alone


try:  # the C scanner, built at install time when a compiler is there (see hatch_build.py)
    from . import _pyscan
except ImportError:  # pragma: no cover - depends on the install
    _pyscan = None  # type: ignore[assignment]

# Bump when the shape or meaning of the result changes: it is part of every cache key. The C
# scanner's own VERSION is in it too, so a fix there re-reads what it may have misread.
PARSER_VERSION = "py-10" + (f"+c{_pyscan.VERSION}" if _pyscan is not None else "")

_DEF = (ast.FunctionDef, ast.AsyncFunctionDef)
# statement type -> what to do with it; anything else is skipped at the cost of one lookup
_BLOCK = 0
_KIND: dict[type, int] = {
    getattr(ast, n): _BLOCK
    for n in ("If", "For", "AsyncFor", "While", "With", "AsyncWith", "Try", "TryStar", "Match")
    if hasattr(ast, n)
}
_ASSIGN = 2  # only module-level ones matter (``__all__``)
_KIND.update(
    {
        t: 1
        for t in (
            ast.FunctionDef,
            ast.AsyncFunctionDef,
            ast.ClassDef,
            ast.Raise,
            ast.ImportFrom,
            ast.Import,
        )
    }
)
_KIND.update({ast.Assign: _ASSIGN, ast.AugAssign: _ASSIGN})


def _exc_name(node: ast.expr | None) -> str | None:
    """The class name in ``raise X``, ``raise X(...)``, ``raise mod.X(...)``; else None."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute):
        name = node.attr
    else:
        return None
    # `raise exc` / `raise err` re-raise a variable, not a class: classes are CapWords
    return name if name[:1].isupper() else None


def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Subscript):  # Generic[T] -> Generic
        return _dotted(node.value)
    elif isinstance(node, ast.Call):  # with_metaclass(Meta, Base) -> with_metaclass
        return _dotted(node.func)
    else:
        return ""
    return ".".join(reversed(parts))


def _str_list(node: ast.expr) -> list[str]:
    """The strings of a literal list or tuple (``__all__ = ["a", "b"]``); else []."""
    if not isinstance(node, (ast.List, ast.Tuple)):
        return []
    return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def _tally(table: dict[str, list[int]], name: str, line: int) -> None:
    entry = table.get(name)
    if entry is None:
        table[name] = [1, line]
    else:  # the walk is not in source order: keep the first line, whatever came first
        entry[0] += 1
        if line < entry[1]:
            entry[1] = line


def scan_python(data: bytes) -> FileScan:
    """Parse one Python source file (bytes, so PEP 263 encoding cookies are honoured).

    The C scanner reads the file when it is built and sure of it; otherwise (and whenever it
    declines a file) CPython's own parser does, so warnings always come from ast.
    """
    if _pyscan is not None:
        raw = _pyscan.scan(data)
        if raw is not None:
            facts = _from_c(raw)
            if facts is not None:
                return _assemble(data, *facts)
    return scan_python_ast(data)


def parse_quietly(source: str | bytes) -> ast.Module:
    """ast.parse of a repository's Python without its warnings: an invalid escape ("\\p") or
    an `is` with a literal in someone else's code warned on the user's console while planning
    (a DeprecationWarning from "<unknown>"), which is noise about code that isn't ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


def all_nodes(tree: ast.AST) -> list[Any]:
    """Every node of tree in ast.walk's order (breadth first, children in field order),
    without its generators: ast.walk was a third of reading a docs folder's examples
    (examples: flask's 72 pages, 215 examples, ~15 ms of a cold build). Readers that sort
    the nodes by where they start rely on the order: ``a.b`` and its ``a`` start at one
    place. Any: its readers go by type(node) (the parser makes no subclasses), which mypy
    cannot narrow."""
    out = [tree]
    for node in out:  # the list grows as it is read: a queue
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                out.append(value)
            elif isinstance(value, list):
                out.extend([v for v in value if isinstance(v, ast.AST)])
    return out


def scan_python_ast(data: bytes) -> FileScan:
    """scan_python with ast alone: the reference the C scanner is tested against."""
    try:
        tree = parse_quietly(data)
    except SyntaxError as exc:
        hint = ""
        msg = str(exc.msg or "")
        if "'unicodeescape' codec" in msg or "'bytes' codec" in msg:  # "\x1", "\N{NOPE}"
            detail = msg.removeprefix("(unicode error) ")
            return {
                "lang": "python",
                "warn": f"syntax error at line {exc.lineno}: bad escape in a string: {detail}",
            }
        if "codec can't decode" in msg:
            return {
                "lang": "python",
                "warn": f"not valid UTF-8 and no encoding cookie (line {exc.lineno}): {msg}",
            }
        if (
            "Missing parentheses" in msg
            or "must be parenthesized" in msg
            or ("invalid syntax" in msg and exc.text and "print " in exc.text)
        ):
            hint = " (Python 2 code?)"
        return {"lang": "python", "warn": f"syntax error at line {exc.lineno}: {msg}{hint}"}
    except UnicodeDecodeError as exc:
        return {"lang": "python", "warn": f"not valid UTF-8 and no encoding cookie: {exc.reason}"}
    except ValueError as exc:  # source code string cannot contain null bytes
        return {"lang": "python", "warn": f"cannot parse: {exc}"}
    except (RecursionError, MemoryError):
        return {"lang": "python", "warn": "nesting too deep to parse (RecursionError)"}
    try:
        return _assemble(data, *_extract(tree))
    except (RecursionError, MemoryError):
        return {"lang": "python", "warn": "nesting too deep to walk (RecursionError)"}


# What both scanners find, before it is summarised: module docstring, classes
# [name, line, bases, docstring, methods], functions [name, line, docstring], the docstrings
# of methods, raised and caught tallies, names and modules imported, __all__ entries.
Facts = tuple[
    "str | None",
    list[list[Any]],
    list[list[Any]],
    list[str],
    dict[str, list[int]],
    dict[str, list[int]],
    "set[str] | list[str]",
    list[str],
    list[str],
]


def _assemble(
    data: bytes,
    mod_doc: str | None,
    classes: list[list[Any]],
    functions: list[list[Any]],
    method_docs: list[str],
    raised: dict[str, list[int]],
    caught: dict[str, list[int]],
    imported: set[str] | list[str],
    imports: list[str],
    exported: list[str],
) -> FileScan:
    """The cached result of one file, in one canonical order whichever scanner read it."""
    docs = [d for d in (mod_doc, *(c[3] for c in classes), *(f[2] for f in functions)) if d]
    docs.extend(d for d in method_docs if d)
    result: FileScan = {"lang": "python", "doc": summary_line(mod_doc)}
    if classes:
        result["cls"] = sorted(
            ([name, line, bases, summary_line(doc), n] for name, line, bases, doc, n in classes),
            key=lambda c: c[1],
        )
    if functions:
        result["fn"] = sorted(
            ([name, line, summary_line(doc)] for name, line, doc in functions),
            key=lambda f: f[1],
        )
    if raised:
        result["rz"] = dict(sorted(raised.items()))
    if caught:
        result["ct"] = dict(sorted(caught.items()))
    refs = identifiers(data)
    if refs:
        result["refs"] = refs
    if imported:
        result["imn"] = sorted(set(imported))
    if imports:
        result["imp"] = sorted(imports)
    if exported:
        result["all"] = sorted(exported)
    if docs:
        result["dw"] = doc_words(docs)
    return result


def _from_c(raw: tuple[Any, ...]) -> Facts | None:
    """The C scanner's tuple with its docstrings evaluated and cleaned as ast.get_docstring
    does; None when a docstring's escapes do not evaluate (ast must then judge the file)."""
    mod_doc, classes, functions, method_docs, raised, caught, imported, imports, exported = raw
    try:
        mod_doc = _clean(mod_doc)
        for c in classes:
            c[3] = _clean(c[3])
        for f in functions:
            f[2] = _clean(f[2])
        method_docs = [_clean(d) for d in method_docs]
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    return mod_doc, classes, functions, method_docs, raised, caught, imported, imports, exported


def _clean(doc: str | bytes | None) -> str | None:
    """A docstring from the C scanner: str as is, bytes (source with escapes) evaluated."""
    if doc is None:
        return None
    if isinstance(doc, bytes):
        with warnings.catch_warnings():  # an invalid escape warns; ast.parse warned too
            warnings.simplefilter("ignore")
            doc = ast.literal_eval(doc.decode("utf-8"))
        if not isinstance(doc, str):
            return None
    return inspect.cleandoc(doc)


def _extract(tree: ast.Module) -> Facts:
    """One pass over the statements only (a tenth of the nodes; raise/try/def/import/class
    are all statements)."""
    classes: list[list[Any]] = []
    functions: list[list[Any]] = []
    method_docs: list[str] = []
    raised: dict[str, list[int]] = {}
    caught: dict[str, list[int]] = {}
    imported: set[str] = set()
    imports: list[str] = []
    exported: list[str] = []

    # (statements, depth): depth 0 = module level (including if/try blocks there),
    # 1 = a top-level class body, 2 = anything deeper
    stack: list[tuple[list[ast.stmt], int]] = [(tree.body, 0)]
    while stack:
        body, depth = stack.pop()
        for node in body:
            kind = _KIND.get(type(node))
            if kind is None or (kind == _ASSIGN and depth):  # most statements end here
                continue
            if kind == _BLOCK:
                inner = depth if depth != 1 else 2
                for attr in ("body", "orelse", "finalbody"):
                    sub = getattr(node, attr, None)
                    if sub:
                        stack.append((sub, inner))
                for handler in getattr(node, "handlers", ()):
                    typ = handler.type
                    elts = typ.elts if isinstance(typ, ast.Tuple) else [typ] if typ else []
                    for elt in elts:
                        name = _exc_name(elt)
                        if name:
                            _tally(caught, name, handler.lineno)
                    stack.append((handler.body, inner))
                for case in getattr(node, "cases", ()):
                    stack.append((case.body, inner))
            elif isinstance(node, _DEF):
                if depth < 2:
                    doc = ast.get_docstring(node, clean=True)
                    if depth == 0:
                        functions.append([node.name, node.lineno, doc])
                    elif doc:
                        method_docs.append(doc)
                stack.append((node.body, 2))
            elif isinstance(node, ast.ClassDef):
                if depth == 0:
                    doc = ast.get_docstring(node, clean=True)
                    methods = sum(1 for item in node.body if isinstance(item, _DEF))
                    bases = [b for b in map(_dotted, node.bases) if b]
                    classes.append([node.name, node.lineno, bases, doc, methods])
                stack.append((node.body, 1 if depth == 0 else 2))
            elif isinstance(node, ast.Raise):
                name = _exc_name(node.exc)
                if name:
                    _tally(raised, name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                base = "." * node.level + (node.module or "")
                if node.module:
                    imports.append(base)
                sep = "" if base.endswith(".") else "."
                for alias in node.names:
                    imported.add(alias.name)
                    # `from pkg import mod` imports a module as often as a name: keep both
                    imports.append(base + sep + alias.name)
            elif isinstance(node, ast.Import):
                imports.extend(alias.name for alias in node.names)
            elif isinstance(node, (ast.Assign, ast.AugAssign)) and depth == 0:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                    exported.extend(_str_list(node.value))
    mod_doc = ast.get_docstring(tree, clean=True)
    return mod_doc, classes, functions, method_docs, raised, caught, imported, imports, exported


_IDENT_CHARS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
# every byte that cannot be part of an ASCII identifier -> a space
_TO_SPACE = bytes(c if c in _IDENT_CHARS else 32 for c in range(256))
_DIGITS = b"0123456789"


def py_identifiers(data: bytes) -> str:
    """Every distinct identifier-like token of 3+ characters in the file, space-separated.

    A token is ``[A-Za-z_][A-Za-z0-9_]{2,}``, found without a regex: bytes.translate turns
    every other byte into a space and split() cuts there (both in C, a fifth cheaper than
    re.findall), and leading digits are dropped (``9abc`` holds ``abc``). Non-ASCII bytes
    are never part of a token, so invalid UTF-8 cannot get in.

    Used only to count in how many files a defined name occurs (its "references"): a lexical
    scan in C is ten times cheaper than visiting every ast node, and a name that occurs in a
    docstring or a comment of another file is a fair sign of centrality too.
    """
    tokens = set(data.translate(_TO_SPACE).split())
    kept = [t if t[0] > 57 else t.lstrip(_DIGITS) for t in tokens if len(t) > 2]
    return b" ".join(t for t in kept if len(t) > 2).decode("ascii")


# The C scanner's identifiers() gives the same set of tokens (in order of first occurrence,
# each once) without a bytes object per occurrence: on Django a fifth of a file's scan in
# Python (issue 14). A module built before it had one falls back to Python.
identifiers: Callable[[bytes], str] = getattr(_pyscan, "identifiers", None) or py_identifiers
