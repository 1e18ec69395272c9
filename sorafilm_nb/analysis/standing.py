"""After the API pass: how the exceptions stand among themselves, what the README's names
lift beside them (their neighbours in the same module or object), and what stands below
what users call: a runtime twin's copies of the originals' names, and abstract bases.

Apart from api.py, which decides what the API is; these rules only move scores (a twin's
copy goes: the original is the same concept).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .examples import CodeUse
from .public import readme_bonus

# Row fields (api_pass's output): 0 kind, 1 name, 2 file, 5 score, 9 bases, 13 exported,
# 14 in_readme, 15 readme_order, 16 decorator.
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


# folders (or module files) that re-implement a package's names for another runtime:
# tenacity/asyncio/retry.py beside tenacity/retry.py, redis/asyncio/, elasticsearch/_async/
TWIN_PARTS = frozenset({"asyncio", "aio", "async", "_async", "trio", "anyio"})


def _twin(rel: str) -> bool:
    return any(p.rsplit(".", 1)[0] in TWIN_PARTS for p in rel.split("/"))


def without_twins(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows less a runtime twin's copies: a class or function a twin module (TWIN_PARTS)
    defines under a name the package also defines outside any twin. The copy is the same
    concept for another runtime, with the same references (they are counted by name), so
    the two tied and the path's order chose the copy: tenacity's film cast the asyncio
    retry_if_exception, whose summary is the original's, from asyncio/retry.py."""
    # asked once a file, not twice a row: Django's 3,500 rows lie in 900 files (~5 ms)
    twins = {rel for rel in {r[2] for r in rows} if rel and _twin(rel)}
    if not twins:
        return rows
    originals = {(r[0], r[1]) for r in rows if r[2] and r[2] not in twins}
    return [r for r in rows if not (r[2] in twins and (r[0], r[1]) in originals)]


ABSTRACT_PENALTY = 2.5  # as much as being handed out adds (public.EXPORTED_BONUS)
_ABC = frozenset({"ABC", "ABCMeta"})
_BASE_NAME = re.compile(r"^_?Base[A-Z_]|_base$|^base_")


def abstract_bases(
    rows: list[tuple[Any, ...]],
    bases_of: Mapping[str, set[str]],
    taught: Mapping[str, int] | None = None,
) -> list[tuple[Any, ...]]:
    """An abstract base is what the package builds its classes on, not what users call: a
    class the package subclasses that is an ABC or is named as a base (``retry_base``,
    ``BaseRetrying``) loses ABSTRACT_PENALTY unless an example (the README's, the docs')
    uses it. Its subclasses share its references, its module and its export, so it stood
    beside them: tenacity's retry_base among the retry_if_* its README lists, and in its
    film. pydantic's BaseModel, which the README's example subclasses, keeps its place."""
    parents = {b for bases in bases_of.values() for b in bases}
    out: list[tuple[Any, ...]] = []
    for r in rows:
        if (
            r[0] == "class"
            and r[1] in parents
            and not r[14]
            and not (taught or {}).get(r[1])
            and (_BASE_NAME.search(r[1]) or _ABC.intersection(b.rsplit(".", 1)[-1] for b in r[9]))
        ):
            r = (*r[:5], r[5] - ABSTRACT_PENALTY, *r[6:])
        out.append(r)
    return out
