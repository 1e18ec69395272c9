"""How a user starts with a JavaScript package in code, as its README's examples write it
(RepoProfile.entry): ``const Koa = require('koa')``, ``import { z } from "zod"``.

Why: the film's tools card said "JavaScript · npm install koa" and its closing card "koa: npm
install koa", one fact twice. How to get it is the closing card's (RepoProfile.install);
the tools card says how a program starts using it, as Python's says "import flask". Only a
line the README writes counts, and only for the package its install line names (or
package.json's name, when there is no install line), or a module of it
(``require('yargs/yargs')``): a made-up ``require('ky')`` would be false of an
ESM-only package, and a line importing another package is not how this one starts.
"""

from __future__ import annotations

import re

from ..lazyre import LazyPattern
from .examples import code_blocks

__all__ = ["entry_line"]

MAX_CHARS = 48  # a card's line; a longer import (a dozen names in braces) is not said
_LINE = LazyPattern(
    r"""^[ \t]*((?:(?:const|let|var)\s+[^=;\n]+?=\s*require\(\s*(['"])([^'"\n]+)\2\s*\)"""
    r"""|import\s+[^;'"\n]+?\s+from\s*(['"])([^'"\n]+)\4))""",
    re.M,
)


def entry_line(readme: str, install: str, npm_name: str | None = None) -> str:
    """The README's first JavaScript example line that brings in the package ``install``
    ("npm install koa") names, without its ";", of at most MAX_CHARS; "" when none does.

    Without an install line, package.json's name (npm_name) is the package: nanoid's README
    shows no ``npm install`` but ``import { nanoid } from 'nanoid'``, and its tools card said
    only "JavaScript". An example importing the very name package.json gives is how users
    start; it proves nothing published, so the install line keeps its own rule
    (project.install_line)."""
    if install.startswith("npm install "):
        package = install.rsplit(" ", 1)[-1]
    elif npm_name and not install:
        package = npm_name
    else:
        return ""
    for lang, body in code_blocks(readme):
        if lang != "js":
            continue
        for m in _LINE.finditer(body):
            module = m.group(3) or m.group(5)
            if module == package or module.startswith(package + "/"):
                line = " ".join(m.group(1).split())
                if len(line) <= MAX_CHARS:  # else a later, shorter one ("import axios from")
                    return line
    return ""
