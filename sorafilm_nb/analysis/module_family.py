"""Many sibling modules of one shape are ONE concept: dayjs' 145 locales (``esm/locale/af.js``
... ``zh-tw.js``), its 37 plugins (``esm/plugin/utc/index.js``), an icon set, a folder of
translations.

Each was a module concept of its own at the floor score (no import names it, no docstring),
and a film short of concepts that fit its theme cast five of them in alphabetical order
("esm.locale.az: a module in esm/locale/az"), while what a user calls never appeared. What
the files share is the concept, ranked once ("locale: 142 modules, such as es and zh-cn").
What a member defines is that member's (one locale's ``months``, named in every locale as a
key, scored above the package's own class; a plugin's helpers), unless the package hands it
out or the README uses it.

A family is FAMILY_MIN or more modules of one folder (one parent module name, one
language) that nothing imports and that say nothing of themselves: what a project's code
imports or documents is a module in its own right.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["FAMILY_MIN", "module_families"]

FAMILY_MIN = 8  # fewer sibling modules are a few places of the package, each its own
TWIN_SHARE = 0.9  # of its names another family has too: a build's twin of that family
EXAMPLES = 2  # member names the family's summary gives: "such as es and zh-cn"

# api_pass rows: (kind, name, rel, line, summary, score, raised, caught, lang, bases,
# methods, refs, public, exported, in_readme, readme_order, decorator)
_KIND, _NAME, _REL, _SUMMARY, _SCORE, _LANG, _REFS = 0, 1, 2, 4, 5, 8, 11
_EXPORTED, _IN_README, _DECORATOR = 13, 14, 16


def _place(rel: str) -> str:
    """What a member module covers: its folder for an ``index`` file (a plugin's folder, its
    helpers with it), else its file."""
    folder, _, base = rel.rpartition("/")
    return f"{folder}/" if base.split(".", 1)[0] == "index" and folder else rel


def _folder(places: Sequence[str]) -> str:
    """The folder the members' places share: "esm/locale", "esm/plugin"."""
    parts = [p.rstrip("/").rsplit("/", 1)[0] for p in places]
    return parts[0] if len(set(parts)) == 1 else ""


# A string or a path's end in the README: the delimiter before it, what it names, the
# closing quote (looked at, not taken: it may open the next string)
_QUOTED = re.compile(r"""['"/]([^'"/]*)(?=['"])""")


def _quoted(readme: str) -> dict[str, int]:
    """Each name the README writes as a string or a path's end -> where it is first written.

    Why one pass: a search of the README for each member cost members x README, and a
    repository of 2,000 empty modules in one folder and a 1 MB README spent 4.7 s of CPU in
    it (20,000: 47 s). A name with a quote or a slash in it is none a README shows."""
    out: dict[str, int] = {}
    for m in _QUOTED.finditer(readme):
        out.setdefault(m[1], m.start())
    return out


def _examples(members: Sequence[tuple[Any, ...]], readme: str) -> list[str]:
    """The members the README's code names as a string or a path's end (``import
    'dayjs/locale/es'``, ``.locale('zh-cn')``), in its order, then the best-scored: the ones
    a reader has met. Not a bare word: dayjs' README opens with links to its translations
    (``docs/ja/README-ja.md``), which are no locale it shows."""
    quoted = _quoted(readme)
    found: list[tuple[int, str]] = []
    for row in members:
        short = row[_NAME].rsplit(".", 1)[-1]
        if short in quoted:
            found.append((quoted[short], short))
    said = [s for _, s in sorted(found)][:EXAMPLES]
    for row in members:
        if len(said) >= EXAMPLES:
            break
        short = row[_NAME].rsplit(".", 1)[-1]
        if short not in said:
            said.append(short)
    return said


def module_families(
    rows: list[tuple[Any, ...]], readme: str = "", left: Sequence[tuple[Any, ...]] = ()
) -> list[tuple[Any, ...]]:
    """rows (api_pass's) with each family of sibling modules (module docstring) as one module
    row named by its parent ("esm.locale", file: the folder, line 0) and what its members
    define left out, but for what the package hands out or the README uses. left: the
    module rows api_pass left out as no concept of their own (built beside a .d.ts twin, as
    dayjs' plugins are; empty; one anonymous default export), members of a family all the
    same."""
    groups: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for row in (*rows, *left):
        parent, dot, _ = row[_NAME].rpartition(".")
        if (
            row[_KIND] == "module"
            and dot
            and not row[_SUMMARY]
            and not row[_REFS]
            and not row[_IN_README]
        ):
            groups.setdefault((parent, row[_LANG]), []).append(row)
    families = {key: g for key, g in groups.items() if len(g) >= FAMILY_MIN}
    if not families:
        return rows
    places: list[str] = []
    made: list[tuple[Any, ...]] = []
    kept_members: list[list[tuple[Any, ...]]] = []
    for (parent, _), members in sorted(families.items()):
        members.sort(key=lambda r: (-r[_SCORE], r[_NAME]))
        own = [_place(r[_REL]) for r in members]
        folder = _folder(own)
        if not folder:
            continue
        places.extend(own)
        # not "142 locale modules": a caption drops a clause that restates the name
        summary = f"{len(members)} modules, such as {' and '.join(_examples(members, readme))}"
        score = members[0][_SCORE] + 0.5 * math.log1p(len(members))
        first = members[0]
        made.append(("module", parent, folder, 0, summary, score, *first[6:]))
        kept_members.append(members)
    if not made:
        return rows
    # a build's twin of a family (dayjs' minified locale/ beside esm/locale/: nearly the
    # same names) is the same concept: the shorter name stays, which is the path users
    # import (``dayjs/locale/es``)
    named = sorted(
        zip(made, kept_members, strict=True), key=lambda p: (len(p[0][_NAME]), p[0][_NAME])
    )
    made = []
    seen: list[set[str]] = []
    for row, members in named:
        names = {r[_NAME].rsplit(".", 1)[-1] for r in members}
        if not any(
            len(names & other) >= TWIN_SHARE * min(len(names), len(other)) for other in seen
        ):
            made.append(row)
            seen.append(names)
    files = {p for p in places if not p.endswith("/")}
    folders = {p for p in places if p.endswith("/")}
    depths = sorted({p.count("/") for p in folders})  # one a family: its members' depth

    def inside(rel: str) -> bool:
        """rel is a member's file or lies in a member's folder, looked up at each depth a
        member folder has (a startswith over every folder cost rows x members: 1 s of CPU
        at 20,000 members)."""
        if rel in files:
            return True
        parts = rel.split("/")
        return any("/".join(parts[:d]) + "/" in folders for d in depths if d < len(parts))

    kept = [
        row
        for row in rows
        if not (inside(row[_REL]) and not (row[_EXPORTED] or row[_IN_README] or row[_DECORATOR]))
    ]
    return kept + made
