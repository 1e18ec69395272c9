"""What a class's (or a module's) own members say they do: the first sentence of each one's
doc comment or docstring, for the caption of a container that says nothing of itself.

commander's ``Command`` has no comment of its own, but its methods say "Define a command.",
"Define option with flags ...", "Define argument syntax for command."; koa's ``request``
module is only "Koa's Request object provides helpful methods for working with http
requests." in the README, while its getters say "Get request URL.", "Set request method.".
The caption (story.fallback_gloss.members_do) says what they do together: "defines
commands, options and arguments", "gets and sets the header, URL, method and path".

Why a reader of its own: the scanners keep one summary per definition they report, and an
object literal's getters (koa) or a class's undocumented-by-name members are not concepts.
Only the best-ranked containers with no docstring sentence of their own are read, line by
line from the definition to the end of its body, as analysis.signature reads parameters and
from the same texts (each file is opened once for both, signature.file_lines); a member's
line is read as signature reads it (_Classes.member_line). A warm analyze() reads the
profile from its cache and none of this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .concepts import Concept
from .signature import CLASS_LINES, LOOKUP_LIMIT, Texts, _Classes, _prose, file_lines
from .text import first_sentence

__all__ = ["MAX_MEMBER_DOCS", "member_docs", "with_member_summaries"]

#: Members' sentences kept per container: a caption names three or four.
MAX_MEMBER_DOCS = 32
#: Characters of a member's sentence kept (a caption reads its first few words), and the
#: lines of a comment or docstring read for it.
DOC_CHARS = 80
DOC_LINES = 20

_CONTAINERS = ("class", "module")
_PY_DOC = re.compile(r"^\s*[rRbBuU]?(\"\"\"|''')\s*(.*)$")


def _js_comment(lines: list[str], at: int) -> tuple[str, int]:
    """(the summary of the /** comment opening on line ``at``, the line after it)."""
    said: list[str] = []
    tagged = False
    i = at
    while i < len(lines):
        if i - at >= DOC_LINES and not tagged:
            tagged = True  # a summary longer than that is no summary: the rest is skipped
        text = lines[i].strip()
        end = "*/" in text
        text = text.split("*/", 1)[0].removeprefix("/**").lstrip("*").strip()
        if text.startswith("@"):
            tagged = True
        elif not tagged and text:
            said.append(text)
        elif not tagged and said:  # a blank line ends the summary paragraph
            tagged = True
        i += 1
        if end:
            break
    return first_sentence(" ".join(said), DOC_CHARS), i


def _js_members(lines: list[str], start: int, end: int) -> list[tuple[str, str]]:
    """(member, its comment's summary) of every commented definition in lines[start:end]."""
    out: list[tuple[str, str]] = []
    i = start
    while i < end:
        if not lines[i].lstrip().startswith("/**"):
            i += 1
            continue
        said, i = _js_comment(lines, i)
        while i < end and not lines[i].strip():
            i += 1
        found = _Classes.member_line(lines[i], python=False) if i < end and said else None
        if found is not None:
            out.append((" ".join(found).strip(), said))
    return out


def _py_members(lines: list[str], start: int, end: int, depth: int) -> list[tuple[str, str]]:
    """(method, its docstring's summary) of every public def at ``depth`` in lines[start:end]."""
    out: list[tuple[str, str]] = []
    prop = False
    for i in range(start, end):
        text = lines[i]
        if text.strip() == "@property":
            prop = True
            continue
        found = _Classes.member_line(text, python=True)
        if found is None or len(text) - len(text.lstrip()) != depth:
            prop = prop and text.strip().startswith("@")
            continue
        name, getter, prop = found[1], prop, False
        said = _py_docstring(lines, i, end)
        if said:
            out.append((f"get {name}" if getter else name, said))
    return out


def _py_docstring(lines: list[str], at: int, end: int) -> str:
    """The first sentence of the docstring of the def on line ``at``: the first statement
    after the line its signature ends on (the first line ending with a colon)."""
    sig = next((j for j in range(at, min(end, at + 12)) if lines[j].rstrip().endswith(":")), -1)
    k = sig + 1
    while 0 < k < end and not lines[k].strip():
        k += 1
    doc = _PY_DOC.match(lines[k]) if 0 < k < end else None
    if doc is None:
        return ""
    quote, body = doc.group(1), doc.group(2)
    parts = [body.split(quote, 1)[0]]
    k += 1
    # its first paragraph, DOC_LINES at most: an unclosed docstring full of "def" lines
    # would be read again for each of them
    stop = min(end, k + DOC_LINES)
    while quote not in body and k < stop and lines[k].strip():
        body = lines[k]
        parts.append(body.split(quote, 1)[0])
        k += 1
    return first_sentence(" ".join(parts), DOC_CHARS)


# a JavaScript body ends at its closing brace or at the next top-level statement; a line
# at column 0 inside it may be a template literal's ("- specify the name ...", commander)
_JS_TOP = re.compile(r"^(?:\}|(?:export|class|function|const|let|var|module\.exports)\b)")


def _ends_body(text: str, python: bool) -> bool:
    """Whether a line as little indented as the container's definition ends its body."""
    if python:
        return not text.startswith(("#", ")", "]", "}"))
    return bool(_JS_TOP.match(text))


def member_docs(lines: list[str], c: Concept) -> tuple[str, ...]:
    """ "get url: Get request URL.", "command: Define a command.": each documented public
    member of the container ``c`` defined at ``c.line`` (a module: its whole file), "get" or
    "set" before an accessor's name, at most MAX_MEMBER_DOCS, in the file's order."""
    python = c.language == "python"
    if c.kind == "module":
        start, end, depth = 0, len(lines), 0
    else:
        start = c.line  # the line after the class's own
        indent = len(lines[c.line - 1]) - len(lines[c.line - 1].lstrip())
        end = start
        depth = -1
        for end in range(start, min(len(lines), start + CLASS_LINES * 10)):
            text = lines[end]
            if not text.strip():
                continue
            level = len(text) - len(text.lstrip())
            if level <= indent and _ends_body(text.lstrip(), python):
                break
            if depth < 0 and not text.lstrip().startswith(("#", "/", "*", "@")):
                depth = level
        else:
            end = min(len(lines), start + CLASS_LINES * 10)
    found = (
        _py_members(lines, start, end, max(depth, 0)) if python else _js_members(lines, start, end)
    )
    return tuple(f"{name}: {said}" for name, said in found[:MAX_MEMBER_DOCS])


def with_member_summaries(
    root: Path, concepts: Iterable[Concept], texts: Texts | None = None
) -> list[Concept]:
    """The concepts, each class or module among the first LOOKUP_LIMIT with no docstring
    sentence of its own given what its documented members say (Concept.member_docs).
    ``texts``: the files signature.with_params read for the same profile, read again never."""
    out: list[Concept] = []
    texts = {} if texts is None else texts
    looked = 0
    for c in concepts:
        if (
            looked < LOOKUP_LIMIT
            and c.kind in _CONTAINERS
            and not _prose(c.summary)
            and c.file
            and (c.line > 0 or c.kind == "module")
        ):
            looked += 1
            lines = file_lines(root, c.file, texts) or []
            said = member_docs(lines, c) if c.line <= len(lines) else ()
            c = replace(c, member_docs=said) if said else c
        out.append(c)
    return out
