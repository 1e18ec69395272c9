"""Extract what a film can use from one Python file, with the real parser (``ast``).

The result is a plain dict of str/int/list/dict values so it can be cached with marshal and
sent between processes cheaply. Keys (all optional except "lang"):

    lang  "python"
    doc   module docstring summary
    cls   [[name, line, [bases], summary, n_methods], ...]   every class, nested ones too
    fn    [[name, line, summary], ...]                        module-level functions
    rz    {exception name: [count, first line]}               ``raise X`` / ``raise X(...)``
    ct    {exception name: [count, first line]}               ``except X`` / ``except (X, Y)``
    refs  [identifier, ...]                                   names used (Load, attrs, imports)
    imp   [module, ...]                                       modules imported
    dw    {keyword: docstrings of this file that use it}     for docstring themes
    warn  reason                                              the file could not be read

Why ast and not tree-sitter: ast is exact (it is CPython's own grammar), and the cost is
spread over worker processes by analysis.py; see benchmarks/bench_analysis.py for figures.
"""

from __future__ import annotations

import ast
from typing import Any

from ._scan_text import doc_words

# Bump when the shape or meaning of the result changes: it is part of every cache key.
PARSER_VERSION = "py-1"

_DEF = (ast.FunctionDef, ast.AsyncFunctionDef)


def summary_line(doc: str | None, limit: int = 160) -> str:
    """The first sentence of a docstring's first paragraph, on one line."""
    if not doc:
        return ""
    para = doc.strip().split("\n\n", 1)[0]
    text = " ".join(para.split())
    # first sentence only, when the paragraph has several
    for stop in (". ", "? ", "! "):
        cut = text.find(stop)
        if 0 < cut < limit:
            text = text[: cut + 1]
            break
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


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


def _tally(table: dict[str, list[int]], name: str, line: int) -> None:
    entry = table.get(name)
    if entry is None:
        table[name] = [1, line]
    else:
        entry[0] += 1


def scan_python(data: bytes) -> dict[str, Any]:
    """Parse one Python source file (bytes, so PEP 263 encoding cookies are honoured)."""
    try:
        tree = ast.parse(data)
    except SyntaxError as exc:
        hint = ""
        msg = str(exc.msg or "")
        if "print" in msg or "Missing parentheses" in msg or "exec" in msg:
            hint = " (Python 2 code?)"
        return {"lang": "python", "warn": f"syntax error at line {exc.lineno}: {msg}{hint}"}
    except UnicodeDecodeError as exc:
        return {"lang": "python", "warn": f"not valid UTF-8 and no encoding cookie: {exc.reason}"}
    except ValueError as exc:  # source code string cannot contain null bytes
        return {"lang": "python", "warn": f"cannot parse: {exc}"}
    except (RecursionError, MemoryError):
        return {"lang": "python", "warn": "nesting too deep to parse (RecursionError)"}
    try:
        return _extract(tree)
    except (RecursionError, MemoryError):
        return {"lang": "python", "warn": "nesting too deep to walk (RecursionError)"}


def _extract(tree: ast.Module) -> dict[str, Any]:
    classes: list[list[Any]] = []
    functions: list[list[Any]] = []
    raised: dict[str, list[int]] = {}
    caught: dict[str, list[int]] = {}
    refs: set[str] = set()
    imports: list[str] = []
    docs: list[str] = []

    mod_doc = ast.get_docstring(tree, clean=True)
    if mod_doc:
        docs.append(mod_doc)

    # Definitions: module level and class bodies (functions inside functions are local details).
    stack: list[tuple[list[ast.stmt], bool]] = [(tree.body, True)]
    while stack:
        body, top = stack.pop()
        for node in body:
            if isinstance(node, ast.ClassDef):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    docs.append(doc)
                methods = 0
                for item in node.body:
                    if isinstance(item, _DEF):
                        methods += 1
                        mdoc = ast.get_docstring(item, clean=True)
                        if mdoc:
                            docs.append(mdoc)
                bases = [b for b in (_dotted(x) for x in node.bases) if b]
                classes.append([node.name, node.lineno, bases, summary_line(doc), methods])
                stack.append((node.body, False))
            elif isinstance(node, _DEF):
                if top:
                    doc = ast.get_docstring(node, clean=True)
                    if doc:
                        docs.append(doc)
                    functions.append([node.name, node.lineno, summary_line(doc)])
            elif isinstance(node, (ast.If, ast.Try)) and top:
                # `if TYPE_CHECKING:` / `try: import x except ImportError:` at module level
                inner: list[ast.stmt] = list(node.body) + list(node.orelse)
                if isinstance(node, ast.Try):
                    inner += list(node.finalbody)
                    for h in node.handlers:
                        inner += h.body
                stack.append((inner, True))

    # Uses: one pass over every node.
    for node in ast.walk(tree):
        cls = type(node)
        if cls is ast.Name:
            refs.add(node.id)  # type: ignore[attr-defined]
        elif cls is ast.Attribute:
            refs.add(node.attr)  # type: ignore[attr-defined]
        elif cls is ast.Raise:
            name = _exc_name(node.exc)  # type: ignore[attr-defined]
            if name:
                _tally(raised, name, node.lineno)  # type: ignore[attr-defined]
        elif cls is ast.ExceptHandler:
            typ = node.type  # type: ignore[attr-defined]
            elts = typ.elts if isinstance(typ, ast.Tuple) else [typ] if typ is not None else []
            for elt in elts:
                name = _exc_name(elt)
                if name:
                    _tally(caught, name, node.lineno)  # type: ignore[attr-defined]
        elif cls is ast.ImportFrom:
            if node.module:  # type: ignore[attr-defined]
                imports.append("." * node.level + node.module)  # type: ignore[attr-defined]
            for alias in node.names:  # type: ignore[attr-defined]
                refs.add(alias.name)
        elif cls is ast.Import:
            for alias in node.names:  # type: ignore[attr-defined]
                imports.append(alias.name)
                refs.add(alias.name.rsplit(".", 1)[-1])

    result: dict[str, Any] = {"lang": "python", "doc": summary_line(mod_doc)}
    if classes:
        result["cls"] = classes
    if functions:
        result["fn"] = functions
    if raised:
        result["rz"] = raised
    if caught:
        result["ct"] = caught
    if refs:
        result["refs"] = sorted(refs)
    if imports:
        result["imp"] = imports
    if docs:
        result["dw"] = doc_words(docs)
    return result
