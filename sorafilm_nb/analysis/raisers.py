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
    # what each name raises through what it is built on, and each error's project errors
    # (what raises a JammedDrawerError raises a TillError too, the one it is built on)
    through = _closure(bases, direct)
    built_on = _closure(bases, {e: {e} for e in errors})

    def raises(name: str) -> tuple[str, ...]:
        found: set[str] = set()
        for error in through.get(name, ()):
            found |= built_on.get(error, {error})
        return tuple(sorted(found - {name}))

    out = []
    for c in concepts:
        if c.kind in ("class", "function"):
            said = raises(c.name)
            if said:
                c = replace(c, raises=said)
        out.append(c)
    return out


def _closure(
    bases: Mapping[str, Iterable[str]], seeds: Mapping[str, Iterable[str]]
) -> dict[str, frozenset[str]]:
    """name -> the seeds of the name and of every class it is built on, transitively, for
    every name of ``bases`` and ``seeds``.

    Why not a walk up from each concept: that walk went over every ancestor again for each of
    the 600 concepts, and a repository chaining 60,000 classes (C0 on C1 ... on C60000, in
    three files under the scan's 1 MB each) spent 17 s of CPU in it. Each name is visited
    once here (Tarjan's strongly connected components, in the order that puts what a name
    is built on first: names merged by spelling across files can be built on each other in
    a circle, and share one answer)."""
    out: dict[str, frozenset[str]] = {}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in sorted({*bases, *seeds}):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(bases.get(root, ()))))]
        while work:
            node, todo = work[-1]
            for base in todo:
                if base not in index:
                    index[base] = low[base] = len(index)
                    stack.append(base)
                    on_stack.add(base)
                    work.append((base, iter(sorted(bases.get(base, ())))))
                    break
                if base in on_stack:
                    low[node] = min(low[node], index[base])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:  # node heads a component: all it reaches is done
                    members: list[str] = []
                    while not members or members[-1] != node:
                        members.append(stack.pop())
                        on_stack.discard(members[-1])
                    inside = set(members)
                    got: set[str] = set()
                    for m in members:
                        got.update(seeds.get(m, ()))
                        for base in bases.get(m, ()):
                            if base not in inside:
                                got |= out[base]
                    shared = frozenset(got)
                    for m in members:
                        out[m] = shared
    return out
