"""Which of the project's errors each class or function raises (Concept.raises).

Why: a film showed LedgerError and then Ledger with nothing between them, though every
method of Ledger that can fail raises LedgerError. The story tells "X raises Y" only from
this fact of the code (story.causes: the error follows the thing that raises it, or the
thing follows the error it raised), never from shared words.

Read off what the scanners keep already, nothing more: each file's ``rz`` (an error's
first ``raise``/``throw`` line in that file) and its top-level definitions' first lines
(``cls``, ``fn``). The definition a raise lies in is the last one that starts before it
(a method's raise is its class's, whose methods are not top-level definitions; a
JavaScript member ``Foo.bar`` also counts for Foo). A class raises what the project's
classes it is built on raise (Ledger's LedgerError comes from its base Reservations), and
an error raises the project's errors it is built on too (what raises JammedDrawerError
raises a TillError).
Only the first raise of each file is seen, so a fact may be missing, never made up beyond
that line; test code raising an error to test it says nothing of the project.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .concepts import Concept
from .rank import in_tests

__all__ = ["raised_in", "with_raises"]


def raised_in(results: Mapping[str, Any], errors: Iterable[str]) -> dict[str, set[str]]:
    """definition name -> the ``errors`` a raise inside it raises (see the module
    docstring), over every file of ``results`` but test code."""
    wanted = frozenset(errors)
    out: dict[str, set[str]] = {}
    if not wanted:
        return out
    for rel in sorted(results):
        scan = results[rel]
        raised = scan.get("rz")
        if not raised or in_tests(rel) or wanted.isdisjoint(raised):
            continue
        defs = sorted(
            [(d[1], d[0]) for d in scan.get("cls", ())] + [(d[1], d[0]) for d in scan.get("fn", ())]
        )
        lines = [line for line, _ in defs]
        for error, (_, line) in raised.items():
            if error not in wanted:
                continue
            at = bisect_right(lines, line) - 1
            if at < 0:
                continue  # raised at module level, before any definition
            name = defs[at][1]
            for holder in {name, name.rsplit(".", 1)[0]}:
                if holder != error:
                    out.setdefault(holder, set()).add(error)
    return out


def with_raises(concepts: Iterable[Concept], results: Mapping[str, Any]) -> list[Concept]:
    """The concepts, each class and function given the project's errors it raises
    (Concept.raises, sorted): its own raise sites and those of the project classes it is
    built on, transitively, with the project's errors those errors are built on."""
    concepts = list(concepts)
    errors = {c.name for c in concepts if c.kind == "exception"}
    direct = raised_in(results, errors)
    if not direct:
        return concepts
    bases: dict[str, set[str]] = {}
    for rel in sorted(results):
        for cls in results[rel].get("cls", ()):
            bases.setdefault(cls[0], set()).update(b.rsplit(".", 1)[-1] for b in cls[2])

    def up(names: Iterable[str]) -> set[str]:
        """names and every class they are built on, transitively."""
        seen: set[str] = set()
        todo = list(names)
        while todo:
            here = todo.pop()
            if here not in seen:
                seen.add(here)
                todo.extend(bases.get(here, ()))
        return seen

    def raises(name: str) -> tuple[str, ...]:
        found: set[str] = set()
        for here in up([name]):
            found |= direct.get(here, set())
        # what raises a JammedDrawerError raises a TillError too (the one it is built on)
        found = {e for e in up(found) if e in errors} - {name}
        return tuple(sorted(found))

    out = []
    for c in concepts:
        if c.kind in ("class", "function"):
            said = raises(c.name)
            if said:
                c = replace(c, raises=said)
        out.append(c)
    return out
