"""The names a README's code examples use: which parts of the API people call first.

Why a module of its own: README examples are the strongest evidence of what users touch
(``@app.route``, ``click.option``); analysis.api turns these uses into ranking. Python examples
are read with ``ast`` (tokens when an elided fragment does not parse), JavaScript ones with
patterns over code whose strings and comments are blanked.
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import sys
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..lazyre import LazyPattern, word_start
from .scan_python import all_nodes, parse_quietly


@dataclass(frozen=True)
class CodeUse:
    """One name as a README example uses it."""

    name: str
    order: int  # 0-based: the first name the examples use is 0
    owner: str = ""  # ``app.route`` where ``app = Flask(...)``: "Flask"; "" if unknown
    module: bool = False  # used as an attribute of an imported module (``click.option``)
    decorator: bool = False
    lang: str = "python"
    receiver: str = ""  # methods: the variable it is called on (``program`` in program.parse)
    call: bool = False  # methods: called (``app.get(...)``), not only read (``app.locals``)


@dataclass
class _Uses:
    items: dict[str, CodeUse] = field(default_factory=dict)
    # receiver methods: (owner class or "", receiver, attr) in order of first use
    methods: dict[tuple[str, str, str], CodeUse] = field(default_factory=dict)

    def add(self, use: CodeUse) -> None:
        key = use.name
        old = self.items.get(key)
        if old is None:
            self.items[key] = replace(use, order=len(self.items))
        elif use.decorator and not old.decorator:
            self.items[key] = replace(old, decorator=True)

    def method(
        self, owner: str, receiver: str, attr: str, decorator: bool, lang: str, call: bool = False
    ) -> None:
        key = (owner, receiver, attr)
        old = self.methods.get(key)
        if old is None or (decorator and not old.decorator) or (call and not old.call):
            order = old.order if old else len(self.items) + len(self.methods)
            call = call or bool(old and old.call)
            decorator = decorator or bool(old and old.decorator)
            self.methods[key] = CodeUse(attr, order, owner, False, decorator, lang, receiver, call)


_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) - {"test"}
_PY_FENCES = frozenset({"python", "py", "python3", "pycon", "py3", "ipython", "pyi"})
_JS_FENCES = frozenset(
    {"js", "javascript", "ts", "typescript", "jsx", "tsx", "mjs", "cjs", "node", "es6"}
)
# The opening run is taken whole ("(?=(...))\1": a lookahead gives nothing back): a line of
# 600,000 "~" was tried at every shorter run, each a search to the end (250 s of CPU).
_FENCE = LazyPattern(
    r"^[ \t]*(?=(```+|~~~+))\1[ \t]*\{?\.?([\w+-]*)[^\n]*\n(.*?)^[ \t]*\1", re.S | re.M
)
# reST examples: code-block and its aliases, and Sphinx doctest's testcode, which is Python
# that the docs' build runs (tenacity's front page shows every example in one)
_RST_CODE = LazyPattern(
    r"^\.\. (?:code-block|code|sourcecode|(testcode))::[ \t]*(\w*)[^\n]*\n"
    r"((?:[ \t]*\n|[ \t]+[^\n]*\n)+)",
    re.M,
)


# a line that opens or closes a Markdown fence, or underlines a reST title with "~"
_FENCE_LINE = LazyPattern(r"^([ \t]*)(`{3,}|~{3,})([^\n]*)$", re.M)


def _untilded(text: str) -> str:
    """text with its reST "~" title underlines drawn in "=" (same length, same lines).

    An unindented line of "~" alone under a title no longer than it, outside any fence, is
    no Markdown fence, though _FENCE would open one there and read every section down to
    the next such title as code (tenacity's "Stopping" and "Waiting before retrying"
    examples). The fences are followed line by line (only the fence lines are visited), so
    the "~~~" that closes a fenced block after a short code line stays its close."""
    if "~~~" not in text:
        return text
    parts: list[str] = []
    done = 0
    opened = ""  # the run of the open fence, "" outside one
    for m in _FENCE_LINE.finditer(text):
        indent, run, rest = m.groups()
        if opened:
            opened = "" if run.startswith(opened) else opened
            continue
        if run[0] == "~" and not indent and not rest.strip() and m.start() > 0:
            title = text[text.rfind("\n", 0, m.start() - 1) + 1 : m.start() - 1]
            if title[:1].strip() and len(title.rstrip()) <= len(run):
                parts += [text[done : m.start()], "=" * len(run)]
                done = m.start() + len(run)
                continue
        opened = run
    return "".join(parts) + text[done:] if parts else text


@lru_cache(maxsize=4)
def code_blocks(text: str) -> tuple[tuple[str, str], ...]:
    """(language, code) of every example: fenced, reST code-block, and doctest (>>>) lines.

    Kept for the last few texts: a README's examples are read by code_uses, js_bindings and
    readme_names.example_calls, each over the whole text (three passes of each pattern on a
    hostile 600 KB README)."""
    out: list[tuple[str, str]] = []
    text = _untilded(text)
    for m in _FENCE.finditer(text):
        tag = m.group(2).lower()
        body = m.group(3)
        if not tag:
            lang = _guess(body)
        else:
            lang = "python" if tag in _PY_FENCES else "js" if tag in _JS_FENCES else ""
        if lang:
            out.append((lang, body))
    rest = _FENCE.sub("", text)
    for m in _RST_CODE.finditer(rest):
        tag = "python" if m.group(1) else m.group(2).lower()
        lang = "python" if tag in _PY_FENCES else "js" if tag in _JS_FENCES else _guess(m.group(3))
        if lang:
            out.append((lang, _dedent(m.group(3))))
    rest = _RST_CODE.sub("", rest)
    doctest = [ln for ln in rest.splitlines() if ln.lstrip().startswith((">>> ", "... "))]
    if doctest:
        out.append(("python", "\n".join(doctest)))
    return tuple(out)


def _dedent(block: str) -> str:
    import textwrap

    return textwrap.dedent(block)


def _guess(body: str) -> str:
    """The language of an untagged example, or "" (shell sessions and output are skipped)."""
    s = body.lstrip()
    if s.startswith(">>>") or re.search(
        r"^(from \w[\w.]* import|import \w+$|def |class )", s, re.M
    ):
        return "python"
    # [ \t]*, not \s*: \s* at each line start ran over every blank line below it (quadratic)
    if re.search(r"\brequire\(|^[ \t]*(const|let|import .* from)\b|=>", s, re.M):
        return "js"
    return ""


def _py_source(body: str) -> str:
    lines = body.splitlines()
    if any(ln.lstrip().startswith(">>>") for ln in lines):  # a session: the prompts only
        lines = [ln.lstrip()[4:] for ln in lines if ln.lstrip().startswith((">>>", "..."))]
    return "\n".join(lines)


def _dotted(node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def module_names(files: Iterable[str]) -> frozenset[str]:
    """The names the project's Python modules are imported as, by their last part
    (``fields`` for src/marshmallow/fields.py, ``json`` for src/flask/json/__init__.py): an
    example's ``from marshmallow import fields`` imports a module, not an object."""
    out = set()
    for rel in files:
        parts = rel.split("/")
        if not parts[-1].endswith((".py", ".pyi")):
            continue
        stem = parts[-1].rsplit(".", 1)[0]
        name = parts[-2] if stem == "__init__" and len(parts) > 1 else stem
        if name.isidentifier() and name != "__init__":
            out.add(name)
    return frozenset(out)


def _python_uses(
    src: str,
    uses: _Uses,
    strict: bool = False,
    packages: frozenset[str] = frozenset(),
    submodules: frozenset[str] = frozenset(),
) -> None:
    """Uses in one Python example; packages are the project's import names, which docs
    pages use without importing them (``@click.command()`` under ``.. click:example::``).
    submodules (module_names): a name an example imports from a package that is one of the
    project's modules (``from marshmallow import fields``) is a module, so ``fields.Str()``
    uses Str, as ``click.option`` uses option; it is no method call on an object."""
    try:
        tree = parse_quietly(src)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        if not strict:
            _token_uses(src, uses)
        return
    modules: set[str] = set(packages)
    owners: dict[str, str] = {}
    decorators: set[int] = set()
    # names the example defines itself (``def main``, ``result = ...``) are its own, not the
    # project's: a project function of the same name is not what the example uses
    local: set[str] = set()
    imported: set[str] = set()
    every = all_nodes(tree)
    for node in every:
        kind = type(node)  # the parser makes no subclasses: type() is isinstance() here
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            local.add(node.name)
            for d in node.decorator_list:
                decorators.add(id(d.func if isinstance(d, ast.Call) else d))
        elif kind is ast.Name and type(node.ctx) is not ast.Load:
            local.add(node.id)
        elif kind is ast.arg:
            local.add(node.arg)
        elif kind is ast.ImportFrom:
            names = {a.asname or a.name for a in node.names}
            if (node.module or "").split(".")[0] in _STDLIB and not node.level:
                local.update(names)  # the standard library's: as foreign as a local
            else:
                imported.update(names)
                modules.update(a.asname or a.name for a in node.names if a.name in submodules)
        elif kind is ast.Import:
            modules.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif kind is ast.Assign and isinstance(node.value, ast.Call):
            cls = _dotted(node.value.func).rsplit(".", 1)[-1]
            if cls[:1].isupper():
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        owners[t.id] = cls
    nodes = sorted(
        (n for n in every if type(n) in (ast.Name, ast.Attribute, ast.ImportFrom)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for node in nodes:
        deco = id(node) in decorators
        if isinstance(node, ast.ImportFrom):
            # ``from pprint import pprint``: the standard library's, not the project's
            if (node.module or "").split(".")[0] in _STDLIB and not node.level:
                continue
            for a in node.names:
                if a.name != "*":
                    uses.add(CodeUse(a.name, 0, module=True))
        elif isinstance(node, ast.Name):
            own = node.id in local and node.id not in imported
            if node.id not in modules and node.id not in owners and not own:
                uses.add(CodeUse(node.id, 0, decorator=deco))
        elif isinstance(node.value, ast.Name | ast.Attribute):
            base = _dotted(node.value)
            head = base.split(".")[0]
            if head in modules:
                if head not in _STDLIB:  # ``os.path``, ``datetime.date``: not the project's
                    uses.add(CodeUse(node.attr, 0, module=True, decorator=deco))
            elif base:
                uses.method(owners.get(base, ""), base, node.attr, deco, "python")


def _token_uses(src: str, uses: _Uses) -> None:
    """Names of an example that does not parse (an elided ``...`` fragment): its NAME tokens."""
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return
    for t in toks:
        if t.type == tokenize.NAME and not keyword.iskeyword(t.string):
            uses.add(CodeUse(t.string, 0))


# an unclosed /* runs to the end, as in JavaScript: a thousand of them each read on to the
# end was quadratic; an import's {list} stops at any brace for the same reason
_JS_STRING = LazyPattern(
    r"//[^\n]*|/\*.*?(?:\*/|\Z)|`(?:\\.|[^`\\])*`|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"", re.S
)
_JS_IDENT = LazyPattern(r"(?<![\w$.])([A-Za-z_$][\w$]*)((?:\s*\.\s*[A-Za-z_$][\w$]*)*)")
# The declaring words, found by their letters (lazyre.word_start): these three patterns
# read every example whole, and one that opens on \b tries every character of it.
_DECLARE_W = word_start("const", "let", "var")
_JS_NEW = LazyPattern(rf"{_DECLARE_W}\s+([\w$]+)\s*=\s*new\s+([\w$.]+)")
_JS_KEYWORDS_TEXT = (
    "break case catch class const continue debugger default delete do else export extends "
    "false finally for function if import in instanceof let new null return super switch this "
    "throw true try typeof var void while with yield async await of from as require module "
    "exports console undefined process static get set type interface"
)
_JS_KEYWORDS = frozenset(_JS_KEYWORDS_TEXT.split())


_JS_MODULE = LazyPattern(
    rf"""(?:{_DECLARE_W}\s+([\w$]+)\s*=\s*require\(\s*['"]([^'"./][^'"]*)['"]|{word_start("import")}"""
    r"""\s+(?:\*\s+as\s+)?([\w$]+)\s*(?:,\s*\{[^{}]*\}\s*)?from\s*['"]([^'"./][^'"]*)['"])"""
)
_JS_LOCAL = LazyPattern(
    rf"(?:{word_start('function')}\*?\s+([\w$]+)|{word_start('class')}\s+([\w$]+)"
    rf"|{_DECLARE_W}\s+([\w$]+)\s*=(?!\s*(?:require\s*\(|new\b|await\s+import\b)))"
)


def js_bindings(text: str) -> frozenset[str]:
    """The names a README's JavaScript examples bind to a package (``const Koa =
    require('koa')``, ``import ky from 'ky'``): a ``new Koa()`` of one is the package's
    default export, whatever the example calls it."""
    out: set[str] = set()
    for lang, body in code_blocks(text):
        if lang == "js":
            for m in _JS_MODULE.finditer(body):
                name = m.group(1) or m.group(3)
                if name:
                    out.add(name)
    return frozenset(out)


def _object_key(code: str, m: re.Match[str]) -> bool:
    """``{ encode: false }``, ``{a, encode?: fn}``: a key of an object literal or type, not
    a use of the name (a ternary's ``a ? b : c`` is not preceded by ``{`` or ``,``)."""
    # read in place: slicing the rest of the code for every name was quadratic on a long one
    if m.group(2) or _KEY_COLON.compiled().match(code, m.end(1)) is None:
        return False
    j = m.start(1) - 1
    while j >= 0 and code[j].isspace():
        j -= 1
    return j >= 0 and code[j] in "{,"


_KEY_COLON = LazyPattern(r"\s*(?:\?\s*)?:(?!:)")


def _js_uses(src: str, uses: _Uses) -> None:
    owners = {m.group(1): m.group(2).rsplit(".", 1)[-1] for m in _JS_NEW.finditer(src)}
    code = _JS_STRING.sub(lambda m: " " if m.group(0)[0] == "/" else '""', src)
    # ``const srv = require('srv')``: srv.get is the package's get, as click.option in Python
    modules = {m.group(1) or m.group(3) for m in _JS_MODULE.finditer(src)}
    # what the example declares itself (``function main``, ``const schema = ...``) is its own
    local = {n for m in _JS_LOCAL.finditer(code) for n in m.groups() if n} - modules
    # The loop is a long example's whole cost (each name, however often it comes): a name
    # used before makes no new CodeUse (uses.add would keep the first), and the patterns are
    # the compiled ones (a LazyPattern's attribute costs a call).
    items = uses.items
    not_uses = _JS_KEYWORDS | owners.keys() | local  # a name of the language or the example's
    call_at = _CALL.compiled().match
    for m in _JS_IDENT.compiled().finditer(code):
        head, tail = m.group(1, 2)
        after = code[m.end(1) : m.end(1) + 1]  # a key's ":" (or "?:") comes after blanks only
        if not tail and (after in (":", "?") or after.isspace()) and _object_key(code, m):
            continue
        if head not in items and head not in not_uses:
            uses.add(CodeUse(head, 0, lang="js"))
        if tail:
            chain = [p.strip() for p in tail.split(".") if p.strip()]
            if head in modules and chain[0] not in items:
                uses.add(CodeUse(chain[0], 0, module=True, lang="js"))
            called = len(chain) == 1 and call_at(code, m.end()) is not None
            uses.method(owners.get(head, ""), head, chain[0], False, "js", called)
        elif head in modules:
            at = m.end()
            if code[at : at + 1] == "(" and at not in _closers(code):
                continue  # a call that never closes chains nothing (60,000 ``evil(``)
            # ``yargs(hideBin(process.argv)).command(...).option(...).parse()``: each member
            # of the chain is called on what the package's export gives
            for name, called in _chain(code, at):
                uses.method("", head, name, False, "js", called)


_CHAIN_LINK = LazyPattern(r"\s*\.\s*([A-Za-z_$][\w$]*)")
_CALL = LazyPattern(r"\s*\(")  # matched in place: slicing the rest of the code per name was O(n)


def _chain(code: str, at: int) -> list[tuple[str, bool]]:
    """The members ``(name, called)`` chained onto the call that starts at code[at]
    (``(args).a(x).b.c()`` -> a, b, c), reading balanced parentheses; [] if no call is there."""
    out: list[tuple[str, bool]] = []
    pos = _skip_call(code, at)
    if pos is None:
        return out
    link_at = _CHAIN_LINK.compiled().match
    while (link := link_at(code, pos)) is not None:
        after = _skip_call(code, link.end())
        out.append((link.group(1), after is not None))
        pos = after if after is not None else link.end()
    return out


def _skip_call(code: str, at: int) -> int | None:
    """The index after the balanced ``( ... )`` that starts at code[at] (after blanks), or
    None when no call starts there."""
    i = at
    while i < len(code) and code[i] in " \t\r\n":
        i += 1
    if i >= len(code) or code[i] != "(":
        return None
    close = _closers(code).get(i)
    return None if close is None else close + 1


@lru_cache(maxsize=1)
def _closers(code: str) -> dict[int, int]:
    """Each "(" of code -> its matching ")", in one pass: counting depth from every call of
    an example anew was quadratic on a hostile one (``evil(`` a thousand times, unclosed)."""
    out: dict[int, int] = {}
    opened: list[int] = []
    for paren in _PARENS.finditer(code):  # the parentheses only, not every character
        if paren.group() == "(":
            opened.append(paren.start())
        elif opened:
            out[opened.pop()] = paren.start()
    return out


_PARENS = LazyPattern(r"[()]")


def code_uses(
    text: str, submodules: frozenset[str] = frozenset()
) -> tuple[dict[str, CodeUse], list[CodeUse]]:
    """(name -> first use, method uses in order) over every README example.

    Names are everything the examples mention (a local ``hello`` too): the caller keeps only
    those the project defines. Attributes on a receiver that is not an imported module
    (``app.route``) are methods, with the receiver's class when the example constructs it;
    a receiver imported from a package as one of the project's submodules (module_names:
    ``from marshmallow import fields``) is a module, so ``fields.Str`` uses Str.
    """
    uses = _Uses()
    for lang, body in code_blocks(text):
        if lang == "python":
            _python_uses(_py_source(body), uses, submodules=submodules)
        else:
            _js_uses(body, uses)
    return uses.items, list(uses.methods.values())


# Any reST directive with an indented body (``.. click:example::``, ``.. code-block::``) or a
# literal block after ``::``; options (``:caption: x``) are dropped from the body.
_RST_BLOCK = LazyPattern(
    r"^(?:\.\. [\w:-]+::[^\n]*|[^\n]*::)[ \t]*\n((?:[ \t]*\n|[ \t]+[^\n]*\n)+)", re.M
)
_RST_OPTION = LazyPattern(r"^[ \t]*:[\w-]+:.*$\n?", re.M)


def doc_uses(
    documents: list[str],
    packages: frozenset[str] = frozenset(),
    submodules: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """name -> how many documents' code examples use it, over a docs folder's pages.

    Stricter than the README's reading (code_uses): a docs page is mostly prose and
    directives, so only examples that parse count (no token fallback), and an untagged block
    counts only when it looks like code. What the docs' examples use again and again
    (``@click.group``, ``click.pass_context``) is the API the project teaches. packages:
    the project's import names, which pages use without an import line; submodules, its
    modules' names (module_names).
    """
    counts: dict[str, int] = {}
    for text in documents:
        uses = _Uses()
        blocks: list[tuple[str, str]] = []
        text = _untilded(text)
        for m in _FENCE.finditer(text):
            tag = m.group(2).lower()
            lang = "python" if tag in _PY_FENCES else "js" if tag in _JS_FENCES else ""
            if lang or not tag:
                blocks.append((lang or _guess(m.group(3)), m.group(3)))
        rest = _FENCE.sub("", text)
        for m in _RST_BLOCK.finditer(rest):  # code-block and any other directive, or ``::``
            body = _RST_OPTION.sub("", _dedent(m.group(1)))
            blocks.append((_guess(body), body))
        doctest = [
            ln for ln in _RST_BLOCK.sub("", rest).splitlines() if ln.lstrip().startswith(">>> ")
        ]
        blocks.append(("python" if doctest else "", "\n".join(doctest)))
        for lang, body in blocks:
            if lang == "python":
                _python_uses(
                    _py_source(body), uses, strict=True, packages=packages, submodules=submodules
                )
            elif lang == "js":
                _js_uses(body, uses)
        for name in uses.items:
            counts[name] = counts.get(name, 0) + 1
    return counts
