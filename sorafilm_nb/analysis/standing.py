"""After the API pass: how the exceptions stand among themselves, and what the README's
names lift beside them (their neighbours in the same module or object).

Apart from api.py, which decides what the API is; these two rules only move scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .examples import CodeUse
from .public import readme_bonus

# Row fields (api_pass's output): 0 kind, 1 name, 2 file, 5 score, 13 exported, 14 in_readme,
# 15 readme_order, 16 decorator.
ROOT_EXCEPTION_BONUS = 1.0
UNSHOWN_EXCEPTION_SHARE = 0.5


def representative_exception(
    rows: list[tuple[Any, ...]], bases_of: Mapping[str, set[str]]
) -> str | None:
    """The exception that stands for all: one the package hands out (exported) when any is,
    with the most of the project's exceptions below it (the root of the tree: ``ClickException``
    for click, ``RequestException`` for requests), then the best score."""
    excs = {r[1] for r in rows if r[0] == "exception"}
    children: dict[str, set[str]] = {}
    for name in excs:
        for base in bases_of.get(name, ()):
            if base in excs and base != name:
                children.setdefault(base, set()).add(name)
    best: tuple[Any, ...] | None = None
    for r in rows:
        if r[0] != "exception":
            continue
        below, todo = set(), list(children.get(r[1], ()))
        while todo:
            n = todo.pop()
            if n not in below:
                below.add(n)
                todo.extend(children.get(n, ()))
        key = (bool(r[13]), len(below), r[5], r[1])
        if best is None or key > best[0]:
            best = (key, r[1])
    return best[1] if best else None


def exception_standing(
    rows: list[tuple[Any, ...]],
    bases_of: Mapping[str, set[str]],
    exc_bonus: Mapping[str, float],
    taught: Mapping[str, int] | None = None,
) -> list[tuple[Any, ...]]:
    """Which exceptions a film shows is a question of evidence, not of how often the code
    raises them: the ones a README example names (``except requests.ConnectionError``) lead;
    when it names none, one stands for all: the one the docs' examples use most (taught:
    name -> pages), else the root of the tree (representative_exception). These get what
    their raises and catches add (exc_bonus); every other exception is trouble the code
    meets, not something users are shown: it keeps UNSHOWN_EXCEPTION_SHARE of its score
    (whose references are mostly its own raise sites), so the exceptions keep their order
    among themselves but rank below the API."""
    excs = [r for r in rows if r[0] == "exception"]
    named = {r[1] for r in excs if r[14]}
    in_docs = [r for r in excs if (taught or {}).get(r[1])]
    if named:
        lead = named
    elif in_docs:
        lead = {max(in_docs, key=lambda r: ((taught or {})[r[1]], r[5], r[1]))[1]}
    else:
        lead = {representative_exception(rows, bases_of)} - {None}
    out: list[tuple[Any, ...]] = []
    for r in rows:
        if r[0] == "exception":
            if r[1] in lead:
                score = r[5] + exc_bonus.get(r[1], 0.0) + (0.0 if named else ROOT_EXCEPTION_BONUS)
            else:  # its references are mostly its own raise sites: they count for less
                score = (r[5] + exc_bonus.get(r[1], 0.0)) * UNSHOWN_EXCEPTION_SHARE
            r = (*r[:5], score, *r[6:])
        out.append(r)
    return out


def neighbours(
    rows: list[tuple[Any, ...]], uses: Mapping[str, CodeUse], total: int
) -> list[tuple[Any, ...]]:
    """The README introduces a module: what is exported beside a name it uses (``post`` and
    ``put`` beside ``requests.get``, ``click.group`` beside ``click.command``; ``app.set``
    beside ``app.get`` on the same object) is what a user reads about next. Such a neighbour
    gets half the README bonus of the name that introduced its module. A member rises only
    when some other file names it: one nothing outside names (koa's Application.handleRequest
    beside Application.use) is the object's inner working, not the next thing users read."""
    intro: dict[tuple[str, str], float] = {}  # (file, owner or "") -> bonus of the README name
    for r in rows:
        if r[0] in ("class", "function") and r[14] and r[2]:
            owner = r[1].rsplit(".", 1)[0] if "." in r[1] else ""
            bonus = readme_bonus(r[15], total, r[16])
            intro[(r[2], owner)] = max(intro.get((r[2], owner), 0.0), bonus)
    if not intro:
        return rows
    out: list[tuple[Any, ...]] = []
    for r in rows:
        if r[0] in ("class", "function") and not r[14] and r[2]:
            owner = r[1].rsplit(".", 1)[0] if "." in r[1] else ""
            got = intro.get((r[2], owner))
            if got and ((owner and r[11] > 0) or (not owner and r[13])):
                r = (*r[:5], r[5] + 0.5 * got, *r[6:])
        out.append(r)
    return out
