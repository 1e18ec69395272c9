"""What an undocumented function or class takes: its parameter names, read from its definition.

A concept with no docstring and no README sentence still says something true in its
signature: httpx's ``Request(method, url, ...)`` is built from a method and a URL, yargs'
``option(key, opt)`` takes a key and options. The caption (story.fallback_gloss) says that
rather than "a class in httpx._models".

Why here, and why so narrow: the scanners keep no signatures (the C scanner and the
tree-sitter one return names, lines and docstrings; their result shapes are shared and
benchmarked), and most concepts have a docstring anyway. So when a profile is built, only
the best-ranked concepts that have nothing else to say are looked up, each file is read
once, and only the lines from the definition on are parsed, by a bracket-matching reader
rather than a full parse. A warm analyze() reads the profile from its cache and none of this.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..lazyre import LazyPattern
from .concepts import Concept
from .files import Skipped, open_inside

#: How many of the best-ranked concepts may be looked up (a film shows about 15).
LOOKUP_LIMIT = 120
#: Lines after a definition's first line its parameter list may run on (typer's Option
#: spreads 40 parameters over 80 lines), and a class body searched for its constructor.
SIGNATURE_LINES = 120
CLASS_LINES = 400
#: Parameters kept: a caption names the first few.
MAX_PARAMS = 4
_MAX_BYTES = 1024 * 1024
_KINDS = ("class", "exception", "function")
_SKIP = frozenset({"self", "cls", "this"})
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_DEF = re.compile(r"\bdef\s+(\w+)\s*\(")
# LazyPattern: compiled at first use; Django's plan never needs it (issue 14)
_WORD = LazyPattern(r"\w+")


#: file -> its lines (None: unreadable): the files one profile's readers (with_params, then
#: doc_members.with_member_summaries) open, each read once for both.
Texts = dict[str, list[str] | None]


def file_lines(root: Path, rel: str, texts: Texts) -> list[str] | None:
    """The file's lines (see _lines), read on the first ask and kept in ``texts``."""
    if rel not in texts:
        texts[rel] = _lines(root, rel)
    return texts[rel]


def with_params(
    root: Path, concepts: Iterable[Concept], texts: Texts | None = None
) -> list[Concept]:
    """The concepts, those among the first LOOKUP_LIMIT with nothing to say (no docstring
    summary, no README sentence) given the parameter names their definition takes.
    ``texts``: the files read, shared with the profile's next reader (assemble.build)."""
    out: list[Concept] = []
    texts = {} if texts is None else texts
    classes: dict[str, _Classes] = {}  # file -> its classes, members read when asked
    looked = 0
    for c in concepts:
        if (
            looked < LOOKUP_LIMIT
            and c.kind == "class"
            and not c.readme_sentence
            and not _prose(c.summary)
            and c.file
            and c.line > 0
        ):
            if c.file not in classes:
                classes[c.file] = _Classes(file_lines(root, c.file, texts) or [], c.language)
            found = classes[c.file]
            members = set_apart(found.bases, found.members, c.name)
            c = replace(c, members=members) if members else c
        if (
            looked >= LOOKUP_LIMIT
            or c.kind not in _KINDS
            or c.summary
            or c.readme_sentence
            or not c.file
            or c.line <= 0
        ):
            out.append(c)
            continue
        looked += 1
        lines = file_lines(root, c.file, texts)
        if not lines:
            out.append(c)
            continue
        names = definition_params(lines, c.name, c.line, c.kind, c.language)
        if c.kind == "function" and c.language == "python" and not c.makes:
            made = definition_returns(lines, c.name, c.line)
            c = replace(c, makes=made) if made else c
        out.append(replace(c, params=names) if names else c)
    return out


# A summary that says something: not code ("url = httpx.URL(...)", ">>> ..."), not empty.
_CODE_SUMMARY = re.compile(r"^\s*(?:>>>|[\w.]+\s*=|[\w.]+\()")


def _prose(summary: str) -> bool:
    return bool(summary.strip()) and not _CODE_SUMMARY.match(summary)


#: Members a caption names at most ("has email(), url(), emoji() and uuid()").
MAX_MEMBERS = 4
_CLASS = re.compile(
    r"^(\s*)(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)"
    r"(?:\s*<[^>]*>)?\s*(?:extends\s+([\w$.]+)|\(([^)]*)\))?"
)
# a member's definition at any indentation (a module's functions are at column 0): a
# method, an accessor (``get x()``) or an object literal's ``name: function``
_PY_MEMBER = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z]\w*)\s*\(")
_JS_MEMBER = LazyPattern(
    r"^\s*(?:static\s+)?(?:async\s+)?(?:(get|set)\s+)?\*?([A-Za-z$][\w$]*)\s*"
    r"(?:\(|:\s*(?:async\s+)?function\b)"
)
_NOT_MEMBERS = frozenset(
    {"constructor", "if", "for", "while", "switch", "catch", "return", "function", "super"}
)


class _Classes:
    """The classes one file defines: ``bases`` (name -> its first base, in the file's order)
    and ``members(name)`` (its public members in order), each class's members read when first
    asked: with_params asks set_apart about a class, which needs the members of that class
    and of its base's other subclasses only (Django's 40 files it reads hold 564 classes, 208
    of them asked about; reading every body was ~15 ms of a cold `sorafilm plan`, issue 14)."""

    __slots__ = ("_heads", "_known", "bases", "lines", "python")

    def __init__(self, lines: list[str], language: str) -> None:
        self.lines = lines
        self.python = language == "python"
        self._heads: dict[str, tuple[int, int]] = {}  # name -> (line index, indentation)
        self.bases: dict[str, str] = {}  # name -> its first base, in the file's order
        self._known: dict[str, tuple[str, ...]] = {}
        for i, text in enumerate(lines):
            m = _CLASS.match(text) if "class" in text else None
            if m is None or m.group(2) in self._heads:  # the first class of a name counts
                continue
            base = (m.group(3) or (m.group(4) or "").split(",")[0]).strip().rsplit(".", 1)[-1]
            self._heads[m.group(2)] = (i, len(m.group(1)))
            self.bases[m.group(2)] = base

    def members(self, name: str) -> tuple[str, ...]:
        """The class's public members in order, () for no such class: methods as ``name()``,
        properties (``@property``, a ``get``) as ``name``. Read line by line: a member is a
        definition at the indentation of the class body's first line, and the body ends at
        the first line as little indented as the class."""
        known = self._known.get(name)
        if known is None:
            head = self._heads.get(name)
            known = () if head is None else self._read(*head)
            self._known[name] = known
        return known

    def _read(self, i: int, indent: int) -> tuple[str, ...]:
        python, lines = self.python, self.lines
        members: list[str] = []
        body = -1
        prop = False
        for line in lines[i + 1 : i + 1 + CLASS_LINES * 10]:
            text = line.lstrip()  # once a line: most lines of a body are only measured
            if not text:
                continue
            depth = len(line) - len(text)
            if depth <= indent:
                if python and text.startswith(("#", ")")):
                    continue
                break
            body = depth if body < 0 else body
            if depth != body:
                continue
            if python and text.rstrip() == "@property":
                prop = True
                continue
            found = self.member_line(line, python)
            if found is not None and found[0] != "set":
                name = found[1]
                said = name if (prop if python else found[0] == "get") else f"{name}()"
                if said not in members:
                    members.append(said)
            prop = False
        return tuple(members)

    @staticmethod
    def member_line(line: str, python: bool) -> tuple[str, str] | None:
        """("get", "set" or "", name) when the line defines a public member (a Python
        ``def``, a JavaScript method, accessor or ``name: function``), else None: the one
        reading of a member's line for the class members here and the documented members
        doc_members reads (a ``return x(`` or ``super(`` line is no member of either)."""
        if python:
            m = _PY_MEMBER.match(line)
            return None if m is None or m.group(1) in _NOT_MEMBERS else ("", m.group(1))
        m = _JS_MEMBER.match(line)
        if m is None or m.group(2) in _NOT_MEMBERS or m.group(2).startswith(("_", "$")):
            return None
        return (m.group(1) or "", m.group(2))


def set_apart(
    bases: Mapping[str, str], members: Callable[[str], tuple[str, ...]], name: str
) -> tuple[str, ...]:
    """The first MAX_MEMBERS members of class ``name`` that no other subclass of its base in
    the file has (ZodNumber's int() and finite(), not the gt() and min() ZodBigInt has too);
    all its members when fewer than two set it apart. From each class's base (_Classes.bases)
    and, asked only of the classes that share the base, its members (_Classes.members)."""
    mine = members(name) if name in bases else ()
    if not mine:
        return ()
    base = bases[name]
    others = {
        m for other, b in bases.items() if other != name and b and b == base for m in members(other)
    }
    own = [m for m in mine if m not in others]
    return tuple((own if len(own) >= 2 else list(mine))[:MAX_MEMBERS])


_TOP_DEF = re.compile(r"^(?:async\s+)?def\s+(\w+)|^@")
_RETURNS_CLASS = re.compile(r"^\s+return\s+([A-Z]\w*)\(")


def definition_returns(lines: list[str], name: str, line: int) -> str:
    """The class a top-level Python function returns when its code says it plainly: every
    ``return`` of its definitions (``@overload`` variants included) builds the same class
    (typer's ``Option`` ends ``return OptionInfo(...)``); "" otherwise."""
    if "." in name or not 0 < line <= len(lines):
        return ""
    found: set[str] = set()
    returns = built = 0
    for text in lines[line - 1 : line - 1 + CLASS_LINES]:
        if text[:1].strip() and not text.startswith((")", "]", "}", "#")):
            m = _TOP_DEF.match(text)
            if m is None or (m.group(1) and m.group(1) != name):
                break  # the next top-level statement: the definitions of name ended
        if re.match(r"^\s+return\b", text):
            returns += 1
            m = _RETURNS_CLASS.match(text)
            if m:
                found.add(m.group(1))
                built += 1
    return found.pop() if len(found) == 1 and returns == built else ""


def _lines(root: Path, rel: str) -> list[str] | None:
    """The file's lines, opened like any source file (files.open_inside), or None."""
    try:
        fd, _ = open_inside(str(root), rel)
    except (Skipped, OSError):
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(_MAX_BYTES)
        except OSError:
            return None
    return data.decode("utf-8", "replace").splitlines()


def definition_params(
    lines: list[str], name: str, line: int, kind: str, language: str = "python"
) -> tuple[str, ...]:
    """The parameters a caller passes to ``name`` defined at ``line`` (1-based): for a
    class, those of its constructor (``__init__``, ``constructor``). Python: the positional
    ones without a default (``self`` and ``*args`` never); JavaScript/TypeScript: the plain
    names in order (not ``...rest``, destructuring or ``_private``), as a default there does
    not make a parameter a keyword. () when the definition cannot be read."""
    short = name.rsplit(".", 1)[-1]
    start = line - 1
    if not 0 <= start < len(lines):
        return ()
    python = language == "python"
    if kind in ("class", "exception"):
        start = _constructor(lines, start, python)
        if start < 0:
            return ()
        short = "__init__" if python else "constructor"
    # the name is looked for in the definition's first lines (decorators may come first);
    # its parameter list may run on for SIGNATURE_LINES
    head = "\n".join(lines[start : start + 4])
    if python:  # one pattern for every name: compiling one per name cost ~10 ms a profile
        m = next((d for d in _DEF.finditer(head) if d.group(1) == short), None)
        if m is None and not _WORD.fullmatch(short):  # a name \w does not spell
            m = re.search(rf"\bdef\s+{re.escape(short)}\s*\(", head)
    else:
        m = re.search(
            rf"(?<![\w$.]){re.escape(short)}\s*(?:=\s*(?:async\s+)?(?:function\b\s*\*?\s*[\w$]*\s*)?"
            rf"|:\s*(?:async\s+)?function\b\s*[\w$]*\s*)?(?:<[^>()]*>)?\(",
            head,
        )
        if m is None and kind == "function":  # ``exports.x = function (a, b)``
            m = re.search(r"\bfunction\b\s*\*?\s*[\w$]*\s*\(", head.split("\n", 1)[0])
    if m is None:
        return ()
    inner = _balanced("\n".join(lines[start : start + SIGNATURE_LINES]), m.end() - 1)
    if inner is None:
        return ()
    return _names(inner, python)


def _constructor(lines: list[str], start: int, python: bool) -> int:
    """The line of a class's constructor, searched in its body, or -1."""
    first = lines[start]
    indent = len(first) - len(first.lstrip())
    want = re.compile(r"^\s+def\s+__init__\s*\(" if python else r"^\s+constructor\s*\(")
    for i in range(start + 1, min(len(lines), start + CLASS_LINES)):
        text = lines[i]
        if not text.strip():
            continue
        outdented = len(text) - len(text.lstrip()) <= indent
        if (
            outdented
            and not text.lstrip().startswith(("#", "@"))
            and (python or text.strip().startswith("}"))
        ):
            return -1  # the class body ended
        if want.match(text):
            return i
    return -1


_TOKEN = re.compile(r"\\.|[()\[\]{}\"'`]")
_SPLIT = re.compile(r"[()\[\]{}<>,:=]")


def _balanced(text: str, open_at: int) -> str | None:
    """The text between the bracket at open_at and its match (strings and comments skipped
    only as far as a signature needs: quotes in defaults). Jumps from bracket to bracket
    (typer's Option spreads 40 parameters over 80 lines)."""
    depth = 0
    quote = ""
    for m in _TOKEN.finditer(text, open_at):
        ch = m.group()
        if ch[0] == "\\":
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return text[open_at + 1 : m.start()]
    return None


def _split_top(text: str, sep: str) -> Iterator[str]:
    """The parts of text between top-level ``sep`` characters, lazily (the first few
    parameters are all a caption names)."""
    depth = 0
    last = 0
    for m in _SPLIT.finditer(text):
        ch = m.group()
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            yield text[last : m.start()]
            last = m.end()
    yield text[last:]


def _names(inner: str, python: bool) -> tuple[str, ...]:
    inner = re.sub(r"#[^\n]*" if python else r"/\*.*?\*/|//[^\n]*", "", inner, flags=re.S)
    inner = inner.replace("=>", "->")  # an arrow in a default or a type is no default
    out: list[str] = []
    for raw in _split_top(inner, ","):
        part = raw.strip()
        if not part or part == "/":
            continue
        if part.startswith("*") or part.startswith("..."):
            if python:
                break  # what follows *args or a bare * is passed by keyword
            continue
        if "=" in part:  # a default: optional, yet in JavaScript still passed by position
            if python:
                continue
            part = next(_split_top(part, "="))
        name = next(_split_top(part, ":")).strip().rstrip("?")
        if not _NAME.fullmatch(name) or name in _SKIP or name.startswith("_"):
            continue
        out.append(name)
        if len(out) >= MAX_PARAMS:
            break
    return tuple(out)


def with_factories(concepts: Iterable[Concept], results: Mapping[str, Any]) -> list[Concept]:
    """The concepts, a class the code makes through an exported factory given that
    function's name (Concept.made_by), and the function, in the file that says so, the
    class (Concept.makes): the JavaScript scanner's ``made`` pairs (zod's ``string`` is
    ``ZodString.create``), the first one where a class has two, and the class a JSDoc
    ``@returns {Server}`` names (koa's listen)."""
    made: dict[str, str] = {}
    makes: dict[tuple[str, str], str] = {}  # (file, function) -> class
    for rel in sorted(results):
        for cls, fn in results[rel].get("made", ()):
            made.setdefault(cls, fn)
            makes.setdefault((rel, fn), cls)
        for fn, cls in results[rel].get("ret", ()):  # ``@returns {Server}``
            makes.setdefault((rel, fn), cls)
    if not makes:
        return list(concepts)
    out = []
    for c in concepts:
        if c.kind in ("class", "exception") and made.get(c.name, c.name) != c.name:
            c = replace(c, made_by=made[c.name])
        elif c.kind == "function" and makes.get((c.file, c.name), c.name) != c.name:
            c = replace(c, makes=makes[(c.file, c.name)])  # only where the pair was found
        out.append(c)
    return out


def with_member_docs(concepts: Iterable[Concept], results: Mapping[str, Any]) -> list[Concept]:
    """The concepts, a member with nothing to say (``ky.json``: a README call ``ky.get(url)
    .json()`` on a method the runtime makes in a loop, no comment, no sentence) given the
    comment of the callable member its declarations document under that name (ky's
    ``ResponsePromise.json``: "Get the response body as JSON."), as its summary. Only one
    of the same owner, or else the one such member in the whole package: two documented
    callables of that name (a ``get`` on two interfaces) are two things, and none is said."""
    docs: dict[str, dict[str, str]] = {}  # member -> {owner: summary}
    for rel in sorted(results):
        for qualified, doc in results[rel].get("mdoc", ()):
            owner, _, member = qualified.rpartition(".")
            docs.setdefault(member, {}).setdefault(owner, doc)
    out = []
    for c in concepts:
        owner, dot, member = c.name.rpartition(".")
        found = docs.get(member, {}) if dot and c.kind == "function" else {}
        mute = not (c.summary or c.readme_sentence or c.params or c.made_by or c.makes)
        if found and mute:
            doc = found.get(owner) or (next(iter(found.values())) if len(found) == 1 else "")
            if doc:
                c = replace(c, summary=doc)
        out.append(c)
    return out
