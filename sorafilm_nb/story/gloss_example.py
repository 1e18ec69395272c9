"""A caption that shows what the README's example gives: "ms: turns '2 days' into 172800000".

A sentence of a few words says what kind of thing a function does ("naturalday: returns a
natural day", "ms: parses or formats the given value"); the project's own example shows it
("naturalday: turns dt.datetime.now() into 'today'"), and teaches in one line what a user
gets back. The analysis keeps the call and its answer where the README's example shows
one as a literal (Concept.readme_gives: a "// 172800000" comment, a console session's
output line); this module says it, short, and never what redact would mask: the README is
the filmed repository's, hostile, and a caption is on screen and in film.vtt.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..analysis.text import brackets
from ..redact import masks

if TYPE_CHECKING:
    from ..analysis.concepts import Concept

__all__ = ["SHORT_SAYING", "example_gloss", "says_little"]

#: A caption's saying of this many words or fewer only names what kind of thing a function
#: does ("returns a natural day": 4; "parses or formats the given value": 6); where the
#: README shows what a call gives, the example says it instead. Longer sayings
#: ("returns the parsed version, or null if it's not valid") keep their place.
SHORT_SAYING = 7

# an answer that is a value a user reads as text or a number, not a yes/no or nothing:
# "turns X into false" says no such thing
_NO_VALUE = frozenset({"true", "false", "null", "undefined", "None", "True", "False", "NaN"})
# an argument that is only a variable the example made before ("precisedelta(delta)"): the
# viewer never saw it, so the call is said whole
_VARIABLE = re.compile(r"[A-Za-z_$][\w$]*")


def _one_argument(args: str) -> bool:
    """Whether ``args`` is one argument: no comma outside brackets or quotes."""
    return not any(ch == "," and depth == 0 for _, ch, depth in brackets(args))


def _unquoted(text: str) -> str:
    """A literal with its quotes made one kind: "'1.2.3'" and '"1.2.3"' are one value."""
    return text.replace('"', "'")


def example_gloss(c: Concept, room: int) -> str:
    """What the README's example of ``c`` gives, within ``room`` characters: "turns '2
    days' into 172800000" for one argument and a value, else "gt('1.2.3', '9.8.7') gives
    false"; "" when the README shows none, the answer is the argument again
    ("valid('1.2.3') // '1.2.3'" shows nothing valid does), a caption would change it (two
    spaces in a row are one on screen: clean('  =v1.2.3   ') is the point of clean), or it
    holds what redact(strict=True) masks."""
    if len(c.readme_gives) != 2:
        return ""
    call, answer = c.readme_gives
    name = c.name.rsplit(".", 1)[-1]
    if not call.startswith(f"{name}(") or not call.endswith(")"):
        return ""
    args = call[len(name) + 1 : -1].strip()
    shown = f"{call} {answer}"
    if _unquoted(args) == _unquoted(answer) or re.search(r"\s\s|\n", shown):
        return ""
    if masks(shown):
        return ""
    if args and _one_argument(args) and answer not in _NO_VALUE and not _VARIABLE.fullmatch(args):
        said = f"turns {args} into {answer}"
    else:
        said = f"{call} gives {answer}"
    return said if len(said) <= room else ""


def says_little(said: str) -> bool:
    """Whether a caption's saying (after "names: ") is short enough that an example of
    what it gives teaches more (SHORT_SAYING)."""
    return len(said.split()) <= SHORT_SAYING
