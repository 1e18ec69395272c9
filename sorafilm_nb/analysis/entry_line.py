"""How a user starts with a package in code, as its README's examples write it
(RepoProfile.entry): ``const Koa = require('koa')``, ``import { z } from "zod"``, ``from
tabulate import tabulate``.

Why: the film's tools card said "JavaScript · npm install koa" and its closing card "koa: npm
install koa", one fact twice. How to get it is the closing card's (RepoProfile.install);
the tools card says how a program starts using it ("from flask import Flask"). Only a
line the README writes counts, and only for the package its install line names (or
package.json's name, when there is no install line), or a module of it
(``require('yargs/yargs')``): a made-up ``require('ky')`` would be false of an ESM-only
package, and a line importing another package is not how this one starts. Python's tools
card said "import tabulate" above a README whose every example starts ``from tabulate import
tabulate``: the README's line is how its users start (card_facts.entry_point keeps it when it
imports the package the code lives in, the pip name being no module name).
"""

from __future__ import annotations

import re

from ..lazyre import LazyPattern
from .examples import code_blocks

__all__ = ["entry_line"]

MAX_CHARS = 48  # a card's line; a longer import (a dozen names in braces) is not said
# What is bound starts and ends with a character that is not a space: the spaces around it
# are \s+'s alone. Why: "[^;'\"\n]+?\s+from" let both take a run of spaces, and one README
# line "import" and 2,000 spaces cost 2.5 s of CPU in tries (cubic: 8,000 took minutes).
_LINE = LazyPattern(
    r"""^[ \t]*((?:(?:const|let|var)\s+[^=;\s][^=;\n]*?="""
    r"""\s*require\(\s*(['"])([^'"\n]+)\2\s*\)"""
    r"""|import\s+[^;'"\s](?:[^;'"\n]*?[^;'"\s])?\s+from\s*(['"])([^'"\n]+)\4))""",
    re.M,
)
# ``from tabulate import tabulate``, ``import numpy as np``, ``>>> import attr`` (a doctest);
# not a parenthesised or continued import (its names are on the lines below). The names start
# with a word character, as _LINE's do: "[ \t]+[\w., \t*]*" both took a run of spaces, and
# "from x import" and 40,000 spaces cost 14.7 s of CPU.
_PY_LINE = LazyPattern(
    r"^[ \t]*(?:>>>[ \t]+)?((?:from[ \t]+([\w.]+)[ \t]+import[ \t]+[\w*](?:[\w., \t*]*[\w*])?"
    r"|import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+\w+)?))[ \t]*(?:#.*)?$",
    re.M,
)


def entry_line(readme: str, install: str, npm_name: str | None = None) -> str:
    """The README's first JavaScript example line that brings in the package ``install``
    ("npm install koa") names, without its ";", or its first Python one importing the
    module "pip install NAME" names (as pip spells it: "py-yaml" is py_yaml), of at most
    MAX_CHARS; "" when none does.

    Without an install line, package.json's name (npm_name) is the package: nanoid's README
    shows no ``npm install`` but ``import { nanoid } from 'nanoid'``, and its tools card said
    only "JavaScript". An example importing the very name package.json gives is how users
    start; it proves nothing published, so the install line keeps its own rule
    (project.install_line)."""
    if install.startswith("pip install "):
        return _python_line(readme, install.rsplit(" ", 1)[-1])
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


def _python_line(readme: str, package: str) -> str:
    module = package.lower().replace("-", "_").replace(".", "_")
    for lang, body in code_blocks(readme):
        if lang != "python":
            continue
        for m in _PY_LINE.finditer(body):
            top = (m.group(2) or m.group(3)).split(".", 1)[0]
            if top.lower() == module:
                line = " ".join(m.group(1).split())
                if len(line) <= MAX_CHARS:
                    return line
    return ""
