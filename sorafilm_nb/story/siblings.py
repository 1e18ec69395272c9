"""Sibling concepts: one shot for a family of look-alike names (get, post, put, patch).

A project often defines several concepts that are one idea said once per variant: the HTTP
verbs of requests ("Sends a GET request.", "Sends a PUT request."), zod's schema builders
(``string``, ``number``, ``object``, declared in one export statement). Filmed one shot each,
they fill a film with the same gag; filmed together, they free shots for other concepts and
the caption teaches the family at once ("get, put, patch, post: sends a request").

Two concepts are siblings when they share a kind and an owner (the class of ``Owner.method``,
else the file) and their docstrings say the same thing once each one's own name is taken out;
JavaScript/TypeScript top-level concepts without docstrings are siblings only when declared
side by side (within ``SIDE_BY_SIDE`` lines: one export list or statement), never methods.
Errors, themes and modules are never grouped: an error is a distinct trouble, a theme a word,
a module a place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .captions import DANGLING, GLOSS_LIMIT, plain

if TYPE_CHECKING:
    from ..analysis.concepts import Concept

# A group's names on its caption ("get, put, patch, post, head, options, delete": 44), and the
# whole caption: the names, then what they share; read in 4-5 s of an 8-12 s shot.
NAMES_LIMIT = 48
GROUP_LIMIT = GLOSS_LIMIT + 20
SIDE_BY_SIDE = 1  # lines apart two undocumented concepts may be declared and still be siblings
_NEVER = frozenset({"exception", "theme", "module"})
_WORD = re.compile(r"[a-z0-9]+")


def _owner(c: Concept) -> str:
    """Where a concept belongs: its class for a method ("Command.option"), else its file."""
    head, dot, _ = c.name.rpartition(".")
    return f"{c.file}::{head}" if dot else c.file


def _own_words(name: str) -> set[str]:
    """A name's words, lower case: "get" -> {"get"}, "AxiosHeaders.get" -> {"get"}."""
    last = name.rsplit(".", 1)[-1]
    split = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", last).lower()
    return set(_WORD.findall(split)) | {re.sub(r"[^a-z0-9]", "", last.lower())}


def without_name(summary: str, name: str, shared: Iterable[str] = ()) -> str:
    """The docstring's first line with the concept's own name taken out, as its siblings'
    docstrings say it too: "Sends a GET request." -> "Sends a request." (the name as an
    adjective goes), "Attaches an option to the command." -> "Attaches one to the command."
    (the name as a noun becomes "one"). Words of ``shared``, which every sibling's name has
    ("pass" of pass_context and pass_environment), stay."""
    own = _own_words(name) - set(shared)
    words = plain(summary).split()
    out: list[str] = []
    for i, w in enumerate(words):
        if re.sub(r"[^a-z0-9]", "", w.lower()) not in own or not own:
            out.append(w)
            continue
        after = re.sub(r"[^a-z0-9]", "", words[i + 1].lower()) if i + 1 < len(words) else ""
        if after and after not in DANGLING and not re.search(r"[.,;:!?]$", w):
            continue  # "a GET request": an adjective, the noun after it stays
        if out and out[-1].lower() in ("a", "an", "the"):
            out.pop()
        out.append("one" + (w[-1] if w[-1] in ".,;:!?" else ""))
    text = " ".join(out)
    return re.sub(r"\ban (?=[^aeiouAEIOU\W])", "a ", text)


def _said(c: Concept, shared: set[str]) -> tuple[str, ...]:
    """The words a docstring says beside the name; none for a label and no prose ("Usage
    docs: <link>", which many unrelated docstrings of one project open with)."""
    text = without_name(c.summary, c.name, shared).strip()
    if text.endswith(":"):
        return ()
    return tuple(_WORD.findall(text.lower()))


def shared_words(concepts: Sequence[Concept]) -> set[str]:
    """The name words every one of these concepts has ("pass" of pass_context, pass_env)."""
    sets = [_own_words(c.name) for c in concepts]
    return set.intersection(*sets) if sets else set()


def are_siblings(a: Concept, b: Concept) -> bool:
    """Whether two concepts are variants of one idea (module docstring)."""
    if a.name == b.name or a.kind != b.kind or a.kind in _NEVER:
        return False
    if not a.file or _owner(a) != _owner(b):
        return False
    shared = shared_words((a, b))
    said_a, said_b = _said(a, shared), _said(b, shared)
    if said_a or said_b:
        return said_a == said_b and len(said_a) >= 2
    # without docstrings: declared in one export statement. A Python def has its own lines, so
    # two undocumented Python functions are side by side only by accident of the scan.
    # Methods are left out: an object's undocumented methods sit side by side whatever they do
    # (ky.post beside ky.json).
    return (
        a.language != "python"
        and a.language == b.language
        and "." not in a.name
        and "." not in b.name
        and a.line > 0
        and b.line > 0
        and abs(a.line - b.line) <= SIDE_BY_SIDE
    )


def group_names(concepts: Sequence[Concept]) -> str:
    """ "get, put, patch": the names of a group as its caption and title say them."""
    return ", ".join(c.name for c in concepts)
