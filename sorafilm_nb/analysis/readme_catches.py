"""Which call a README example catches an error from: what raises it, for its caption.

An error with no sentence of its own said only "AxiosError: an error your code can catch"
(true of every error). axios's README catches it in an example:

    try {
      const { data } = await axios.get('/user?ID=12345');
    } catch (error) {
      if (axios.isAxiosError(error)) { ...

The handler names the error (``isAxiosError(error)``, ``error instanceof AxiosError``, or
Python's ``except ValidationError``), so the call the ``try`` makes is what throws it:
"AxiosError: what axios.get() throws". Read once when a profile is built (Concept.
caught_from); a plan never reads the README.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .examples import code_blocks

__all__ = ["caught_from"]

_TRY = re.compile(r"^\s*(?:\}\s*)?try\s*(?:\{|:)\s*$")
_HANDLER = re.compile(r"^\s*(?:\}\s*)?(?:catch\b|except\b)")
# the first call a statement makes, with what it is called on: "axios.get",
# "UserSchema().load"; never a keyword's parenthesis ("if (", "await (")
_CALL = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*(?:\(\))?\s*\.\s*)*[A-Za-z_$][\w$]*)\s*\(")
# what _CALL reads a call from: a word and what it is called on, with their dots ("a . b")
_CHAIN = re.compile(r"(?<![\w$.])(?:[A-Za-z_$][\w$]*(?:\(\))?\s*\.\s*)*[A-Za-z_$][\w$]*")
_NOT_CALLS = frozenset(
    {"if", "for", "while", "switch", "return", "await", "function", "print", "console.log"}
)
HANDLER_LINES = 6  # lines of a JavaScript catch block read for the error's name
TRY_LINES = 20  # lines of a try block read for its handler (a hostile README has many tries)
CALL_MAX = 40  # characters of a call a caption may show


def _names_it(handler: str, name: str) -> bool:
    """Whether a handler catches ``name``: ``except Name``, ``except (A, Name)``,
    ``instanceof Name`` or a predicate ``isName(``."""
    short = re.escape(name.rpartition(".")[2])
    return bool(
        re.search(rf"\bexcept\b[^:\n]*\b{short}\b", handler)
        or re.search(rf"\binstanceof\s+(?:[\w$]+\.)*{short}\b", handler)
        or re.search(rf"\bis{short}\s*\(", handler)
    )


def _first_call(lines: list[str]) -> str:
    """The first call a block of statements makes, shown as code with empty parentheses:
    "axios.get", "UserSchema().load"; ""."""
    for line in lines:
        # each chain's spaces taken out first ("a . b" is "a.b", its "b" no start of a call):
        # every word of "a . a . a ..." was one, read to the line's end, and a README line of
        # 40,000 characters in a try block cost 8 s of CPU (quadratic). The same calls: a
        # call from inside a chain is a part of the chain's own, found first.
        line = _CHAIN.sub(lambda c: re.sub(r"\s+", "", c[0]), line)
        for m in _CALL.finditer(line):
            call = re.sub(r"\s+", "", m.group(1))
            if call not in _NOT_CALLS and call.rpartition(".")[2] not in _NOT_CALLS:
                return call if len(call) <= CALL_MAX else ""
    return ""


def caught_from(text: str, names: Iterable[str]) -> dict[str, str]:
    """Each error name -> the call a README example's ``try`` makes where its handler names
    that error (the first such example), as code without arguments ("axios.get")."""
    wanted = [n for n in names if n]
    out: dict[str, str] = {}
    if not wanted or not text:
        return out
    for _lang, body in code_blocks(text):
        if "try" not in body:
            continue
        lines = body.splitlines()
        for i, line in enumerate(lines):
            if not _TRY.match(line):
                continue
            end = min(len(lines), i + 1 + TRY_LINES)
            j = next((k for k in range(i + 1, end) if _HANDLER.match(lines[k])), -1)
            if j < 0:
                continue
            handler = "\n".join(lines[j : j + HANDLER_LINES])
            call = ""
            for name in wanted:
                # (the name as text first: a pattern per name and handler only where it is)
                short = name.rpartition(".")[2]
                if name in out or short not in handler or not _names_it(handler, name):
                    continue
                call = call or _first_call(lines[i + 1 : j])
                if call:
                    out[name] = call
    return out
