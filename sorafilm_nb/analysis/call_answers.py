"""What a README example shows a call gives: ``ms('2 days')  // 172800000``, or a console
session's ``>>> humanize.intword(123455913)`` and its next line ``'123.5 million'``.

readme_names.example_uses reads each concept's first call; this says whether its line shows
the answer, and which: only a call that is its line's whole statement (``x = f(1) // 2`` is
x's, ``g(f(1)) // 2`` is g's) and only a literal (a remark such as "// accepts undefined"
is no answer). A caption shows it (story.gloss_example): the project's own example of what
a function does. Apart from readme_names, which finds the calls, to stay under the module
size (tests/test_module_size.py).
"""

from __future__ import annotations

import re

from .text import brackets

__all__ = ["CALL_MAX", "call_gives"]

CALL_MAX = 80  # characters of an example call kept from its line (readme_names reads it here)

# What an example shows a call gives: a literal (a short string, a number, a boolean or
# null), after "//" or "#" on the call's line ("ms('2 days')  // 172800000", "// => true")
# or on the line after a ">>> " prompt (a console session's output: "'123.5 million'").
_LITERAL = re.compile(
    r"""'[^'\\\n]{0,40}'|"[^"\\\n]{0,40}"|-?\d[\d_,.]*(?:e[+-]?\d+)?n?|"""
    r"true|false|null|undefined|None|True|False|NaN|Infinity"
)
# What may stand before a call whose answer the example shows: a prompt and what it is
# called on (`>>> humanize.`, `semver.`), nothing that takes its value (`x = `, `f(`).
_ONLY_CALLED_ON = re.compile(r"\s*(?:>>>\s+)?(?:[A-Za-z_$][\w$]*\s*\.\s*)*")


def call_gives(line: str, at: int, after: str = "") -> tuple[str, ...]:
    """(the call, what it gives) when ``line`` is the call at ``at`` and no more, and the
    example shows its answer as a literal (_LITERAL): in a comment after it, or on ``after``,
    the next line, below a ">>> " prompt; ()."""
    # (a call, its prompt and receivers, and its comment each within CALL_MAX characters:
    # each is read once per name and receiver, and a hostile line is megabytes long)
    if at > CALL_MAX or not _ONLY_CALLED_ON.fullmatch(line, 0, at):
        return ()
    end = _call_end(line, at)
    if end < 0 or len(line) - end > CALL_MAX:
        return ()
    rest = line[end:].strip().removeprefix(";").strip()
    if rest.startswith(("//", "#")):
        said = rest.lstrip("/#").strip()
        said = re.sub(r"^(?:=>|->|→|returns?:?|gives:?)\s*", "", said)
    elif (
        not rest
        and line.lstrip().startswith(">>>")
        and not after.lstrip().startswith((">>>", "..."))
    ):
        said = after.strip()
    else:
        return ()
    if not _LITERAL.fullmatch(said):
        return ()
    return (line[at:end], said)


def _call_end(line: str, at: int) -> int:
    """Where the call at line[at] ends (after its closing parenthesis), or -1 when it goes on
    past the line or CALL_MAX characters: its parentheses counted, none inside a quoted
    string."""
    stop = min(len(line), at + CALL_MAX)
    i = line.find("(", at, stop)
    if i < 0:
        return -1
    for where, ch, depth in brackets(line, i, stop):
        if depth == 0 and ch in ")]}":
            return where + 1
    return -1
