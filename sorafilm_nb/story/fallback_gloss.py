"""A caption for a concept whose code says nothing about it: never a bare name.

About one shot in ten showed a bare "string" or "Request": the concept has no docstring, so
captions.gloss had no prose to draw on. A name alone teaches nothing, so:

1. the README's sentence around the name's first use in prose ("Use `Session` to keep
   cookies across requests." -> "Session: use it to keep cookies across requests"), the
   project's own words about it;
2. else a short gloss from its kind and owner: "Request: a class in requests.models",
   "Command.option: a method of Command", "string, number: functions in lib/types".

The README is read once per repository, through analysis.files.open_inside (a README that is a
link out of the repository, a FIFO or a device is never read).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from .captions import GLOSS_LIMIT, gloss

if TYPE_CHECKING:
    from ..analysis.concepts import Concept

NEAR_START = 5  # words before the name in a README sentence that is about it
README_MAX = 512 * 1024  # bytes of a README read for captions; the rest is not prose anyway
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*_(\[])")
# A sentence opening on one of these is about something named before it ("This matches the
# Command method .requiredOption()"): the name in it is not its subject.
_ELSEWHERE = frozenset(
    [
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "they",
        "their",
        "there",
        "here",
        "which",
        "we",
        "you",
        "such",
    ]
)
_PLURAL = {
    "class": "classes",
    "function": "functions",
    "module": "modules",
    "exception": "exceptions",
    "theme": "themes",
}


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")
_EMPHASIS = re.compile(r"(\*\*|__|\*)(\S(?:.*?\S)?)\1")


def _paragraph_text(text: str) -> str:
    """Markdown prose on one line: code blocks, headings, images and tags out, links keep
    their words, `inline code` keeps its backticks. A light reading (a plan must not load
    analysis.readme): enough to find a sentence, not to render one."""
    text = _FENCE.sub("\n", _COMMENT.sub("\n", text.replace("\r\n", "\n")))
    lines = [
        ln
        for ln in text.split("\n")
        if not ln.startswith(("    ", "\t", "#", ">>>", "$ ", "|"))
        and not ln.strip().startswith("=")
    ]
    # a list item is a sentence of its own, without its bullet
    lines = [
        re.sub(r"[.!?:;,]?\s*$", ".", m.group(1)) if (m := _BULLET.match(ln)) else ln
        for ln in lines
    ]
    text = _TAG.sub(" ", _LINK.sub(r"\1", _IMAGE.sub(" ", "\n".join(lines))))
    return " ".join(_EMPHASIS.sub(r"\2", text).split())


@lru_cache(maxsize=32)
def readme_prose(root: str) -> str:
    """The README's prose as plain text (code blocks left out, `inline code` kept with its
    backticks, which tell a name from an English word), or ""."""
    from pathlib import Path

    from ..analysis.files import open_inside
    from ..analysis.text import find_readme

    if not root or not os.path.isdir(root):
        return ""
    path = find_readme(Path(root))
    if path is None:
        return ""
    try:
        fd, _ = open_inside(os.path.realpath(root), path.name)
    except Exception:  # a README we may not read gives no caption, never a crash
        return ""
    with os.fdopen(fd, "rb") as f:
        return _paragraph_text(f.read(README_MAX).decode("utf-8", "replace"))


def readme_sentence(name: str, prose: str) -> str:
    """The first README sentence about ``name``: one that names it among its first NEAR_START
    words ("Koa provides a Request object"), not one that mentions it in passing or whose
    subject is something said before ("This matches the Command method ..."), and names it
    as code: in backticks, called (``name()``), or capitalised mid-sentence; a dotted name
    (``Typer.command``) only where its owner is named too. "" when none does."""
    owner, dot, short = name.rpartition(".")
    word = re.compile(rf"(?<![\w.]){re.escape(short)}(?:\(\))?(?![\w])")
    for sentence in _SENTENCE.split(prose):
        if len(sentence.split()) < 4 or (dot and owner.rsplit(".", 1)[-1] not in sentence):
            continue
        if sentence.split()[0].strip("`*_(").lower() in _ELSEWHERE:
            continue
        for m in word.finditer(sentence):
            if len(sentence[: m.start()].split()) >= NEAR_START:
                break
            ticked = sentence[max(0, m.start() - 1) : m.start()] == "`"
            called = m.group(0).endswith("()")
            capital = short[:1].isupper() and m.start() > 0
            if ticked or called or capital:
                return sentence.replace("`", "").strip()
    return ""


def _module(c: Concept) -> str:
    """Where a concept is defined, as its users would name it: requests.models, lib/types."""
    path = re.sub(r"(\.d)?\.(pyi?|[cm]?[jt]sx?)$", "", c.file)
    if c.language == "python":
        path = re.sub(r"^(src|lib)/", "", path).replace("/", ".")
        return re.sub(r"\.__init__$", "", path)
    return path


def kind_gloss(concepts: Sequence[Concept]) -> str:
    """ "a class in requests.models", "a method of Command", "functions in lib/types"."""
    c = concepts[0]
    owner, dot, _ = c.name.rpartition(".")
    many = len(concepts) > 1
    if dot and c.kind == "function":
        return f"methods of {owner}" if many else f"a method of {owner}"
    kind = c.kind if c.kind in _PLURAL else "name"
    noun = _PLURAL.get(kind, "names") if many else kind
    where = _module(c)
    if not where:
        return noun if many else f"a {noun}"
    return (
        f"{noun} in {where}" if many else f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} in {where}"
    )


def fallback_gloss(
    names: str, concepts: Sequence[Concept], prose: str, limit: int = GLOSS_LIMIT
) -> str:
    """``names: <what the README says, else kind and owner>`` within limit characters. The
    README speaks for one concept at a time: a family of siblings takes the kind gloss."""
    if len(concepts) == 1:
        c = concepts[0]
        sentence = readme_sentence(c.name, prose)
        if sentence:
            text = gloss(c.name, sentence, kind=c.kind, limit=limit)
            if text.startswith(f"{c.name}: ") and len(text.split()) >= 4:
                return text
    return f"{names}: {kind_gloss(concepts)}"
