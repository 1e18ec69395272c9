"""The facts a film's cards and captions quote about the project: its title and promise,
its main language and how code starts using it ("from flask import Flask"), how to get it,
and the names the film showed (recap). Read off the RepoProfile; boards fills beats' lines
with them.

Apart from plot.py, which orders the cast: these say what the project is, not who plays what.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..redact import masks
from .clauses import lowered_opening, short_clause

if TYPE_CHECKING:
    from ..analysis.profile import RepoProfile
    from .casting import CastEntry


def recap(names: Sequence[str], limit: int = 44) -> str:
    """ "Flask, Blueprint and url_for, working together": as many names as fit the limit,
    in the order given ("" for none)."""
    names = list(dict.fromkeys(names))
    for k in range(len(names), 0, -1):
        text = ", ".join(names[: k - 1]) + (" and " if k > 1 else "") + names[k - 1]
        if len(text) <= limit:
            return text + ", working together"
    return ""


# -- the facts captions and cards quote ----------------------------------------------------

_LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript"}
_SOURCE_ROOTS = ("src", "lib", "source", "python", "packages")


def language(profile: RepoProfile) -> str:
    """The project's main language, as people write it ("Python", "TypeScript")."""
    counts = dict(profile.languages)
    if not counts:  # a profile made by hand: the concepts say where they come from
        counts = dict(Counter(c.language for c in profile.concepts if c.file))
    if not counts:
        return ""
    top = max(counts, key=lambda k: (counts[k], k == "typescript"))
    # a TypeScript project ships compiled JavaScript beside its sources: the sources tell
    if top == "javascript" and counts.get("typescript", 0) * 5 >= counts[top] * 4:
        top = "typescript"
    return _LANGUAGE_NAMES.get(top, top[:1].upper() + top[1:])


def _python_package(profile: RepoProfile) -> str:
    tops: Counter[str] = Counter()
    for c in profile.concepts[:40]:
        if c.language != "python" or not c.file:
            continue
        parts = c.file.split("/")
        if len(parts) > 1 and parts[0] in _SOURCE_ROOTS:
            parts = parts[1:]
        top = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        if top.isidentifier():
            tops[top] += 2 if c.exported else 1
    return tops.most_common(1)[0][0] if tops else ""


def entry_point(profile: RepoProfile) -> str:
    """How a user starts in code: the README's own line for the published package
    (RepoProfile.entry: "const Koa = require('koa')", "from tabulate import tabulate", this
    one only when it imports the package the code lives in), else "import flask" (that
    package), or "" when unknown. Never the install line: the closing card says how to get
    it, and koa's tools card said "JavaScript · npm install koa" above a closing "koa: npm
    install koa".

    Why not the metadata's or the README's name: "@acme/kit" without its scope is "kit",
    another package, and a README heading is the filmed repository's word; either said as
    a command sends viewers to whoever owns that name."""
    lang = language(profile)
    # never a line holding what redact masks, as gloss_example says no such example: the
    # README is hostile, and its "import { AKIA... } from 'koa'" on the tools card blocked
    # the plan (lint's secret finding) over a line the film can do without
    said = "" if masks(profile.entry) else profile.entry
    if lang == "Python":
        package = _python_package(profile)
        # the README's own line ("from tabulate import tabulate") when it imports that package
        m = re.match(r"(?:from|import)\s+(\w+)", said)
        if package and m and m.group(1) == package:
            return said
        return f"import {package}" if package else ""
    if lang in ("JavaScript", "TypeScript"):
        return said
    return ""


def promise(profile: RepoProfile, limit: int = 80) -> str:
    """The README's one-line promise without the name it opens with: "a lightweight WSGI web
    application framework" from "Flask is a lightweight WSGI web application framework.".
    A promise whose subject is the name ("Kiln fires clay pots ...") is kept whole: without
    its name it would read "kiln fires clay pots" under a "Kiln:" label."""
    text = profile.tagline.strip().rstrip("…").strip()
    if not text:
        return ""
    names = {n for n in (profile.title, profile.name) if n}
    for name in sorted(names, key=len, reverse=True):
        m = re.match(rf"^{re.escape(name)}(?:\.js)?\s*(?:is|are|[-–—:])\s+", text, re.I)
        if m:
            text = text[m.end() :]
            break
        if re.match(rf"^{re.escape(name)}\b", text, re.I):
            return short_clause(text, limit)  # "Kiln fires clay pots": the name is its subject
    return lowered_opening(short_clause(text, limit), text)


def _promise_line(title: str, pledge: str) -> str:
    """ "Flask: a lightweight WSGI web application framework"; a promise whose subject is the
    name already ("Kiln fires clay pots") stands as it is; no promise: the title."""
    if not pledge:
        return title
    if pledge.lower().startswith(title.lower()):
        return pledge
    return f"{title}: {pledge}"


def facts(profile: RepoProfile, shown: Sequence[CastEntry] = ()) -> dict[str, str]:
    """What a beat's card and caption lines may quote: {title}, {tagline}, {promise},
    {language}, {entry}, {tools} (the two), {recap} (the names of the concepts the film
    shows), {install} ("pip install Flask": RepoProfile.install) and {closing} (the title
    and how to get it, "Flask: pip install Flask", else the title alone). A line whose fact
    is unknown ("" here) is not said at all (boards._say)."""
    title = profile.title or profile.name
    lang = language(profile)
    entry = entry_point(profile)
    pledge = promise(profile)
    together = recap([e.concept.name for e in shown if e.concept.kind != "exception"])
    install = profile.install
    return {
        "title": title,
        "name": profile.name,
        "tagline": profile.tagline,
        "promise": _promise_line(title, pledge),
        "language": lang or "Code",
        "entry": entry or title,
        "tools": " · ".join(x for x in (lang, entry) if x),  # "" when unknown: no card
        "recap": together or title,
        "install": install,
        "closing": f"{title}: {install}" if install else title,
    }
