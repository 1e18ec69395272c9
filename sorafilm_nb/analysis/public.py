"""What a maintainer would name: the public API, and what is left out of a film by default.

A name is *public* unless it starts with ``_`` or lives in a ``_private`` module without being
exported; *exported* when the package hands it to users (``__all__``, a re-export in the top
``__init__``, a JavaScript entry's exports); *in the README* when a code example there uses it:
the strongest sign of what users touch. Code under tests/, examples/, docs/, benchmarks/ and
vendored folders is not the project's API: it is left out unless asked for (``include=``;
vendored code always).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Iterable
from functools import lru_cache

from .files import VENDOR_DIRS

# path groups analyze(include=...) can bring back; "tests" uses rank.in_tests. Vendored code
# ("vendor") is always out: files.list_files already drops the usual vendor folders, and
# the rest (3rdparty/, _vendored/) is dropped here the same way.
GROUPS = ("tests", "examples", "docs", "benchmarks")
_GROUP_DIRS = {
    "examples": frozenset({"examples", "example", "samples", "sample", "demo", "demos"}),
    "docs": frozenset({"docs", "doc", "documentation", "_docs", "docs_src"}),
    "benchmarks": frozenset({"benchmarks", "benchmark", "bench", "benches", "asv_bench"}),
    "vendor": frozenset({"3rdparty", "_vendored", "vendors", "bundled"}) | VENDOR_DIRS,
}

# Sphinx/reST roles and directives, docstring field names, Markdown/HTML leftovers: the words
# documentation tooling writes, never what the project is about
_MARKUP_TEXT = """
    versionadded versionchanged deprecated seealso note warning todo admonition rubric
    meth func class attr param params parameter parameters returns return rtype type raises
    raise ivar cvar var kwarg kwargs arg args obj exc data const mod ref doc term envvar
    option program keyword keywords code literal codeblock sourcecode autoclass autofunction
    automodule automethod autoattribute toctree literalinclude testsetup doctest
    http https www com org html htm href src img png svg gif jpg div span nbsp amp quot
    github gitlab readme rst md url urls link links example examples see also
"""
MARKUP_WORDS = frozenset(_MARKUP_TEXT.split())

PY_BUILTINS = frozenset(dir(builtins))
_JS_BUILTINS_TEXT = """
    Error TypeError RangeError SyntaxError ReferenceError EvalError URIError AggregateError
    Object Array String Number Boolean Symbol BigInt Promise Map Set WeakMap WeakSet Date
    RegExp JSON Math Reflect Proxy Function Buffer console process require module exports
    parseInt parseFloat isNaN isFinite setTimeout setInterval clearTimeout fetch URL
"""
JS_BUILTIN_NAMES = frozenset(_JS_BUILTINS_TEXT.split())


def group_of(rel: str, in_tests: bool) -> str | None:
    """The excluded-by-default group a path belongs to, or None for the project's own code."""
    if in_tests:
        return "tests"
    dirs = {p.lower() for p in rel.split("/")[:-1]}
    for group, names in _GROUP_DIRS.items():
        if not names.isdisjoint(dirs):
            return group
    return None


@lru_cache(maxsize=65536)
def private_path(rel: str) -> bool:
    """A module no user is meant to import: a ``_name`` file or folder on its path. Asked of
    every concept (ten times more than files), so remembered per path (issue 14)."""
    for part in rel.split("/"):
        stem = part.rsplit(".", 1)[0] if "." in part else part
        if stem.startswith("_") and not (stem.startswith("__") and stem.endswith("__")):
            return True
    return False


def check_include(include: Iterable[str]) -> frozenset[str]:
    """The groups asked for, validated: a typo must not silently do nothing."""
    out = frozenset(include)
    unknown = out - set(GROUPS)
    if unknown:
        raise ValueError(
            f"include: unknown group(s) {sorted(unknown)}; choose from {', '.join(GROUPS)}"
        )
    return out


def is_markup(word: str) -> bool:
    """Whether a docstring keyword is documentation markup, not a theme."""
    return word in MARKUP_WORDS


def readme_bonus(order: int, total: int, decorator: bool) -> float:
    """How much a README example's use of a name adds to its score.

    Users copy the README first, so its names lead; the earlier an example uses a name, the
    more central it is (the first example is the project's own summary of itself), and a
    decorator (``@app.route``, ``@click.option``) is the project's signature style of use.
    """
    early = 1.0 - order / max(total, 1)
    return 4.0 + 1.5 * early + (1.0 if decorator else 0.0)


def docs_bonus(pages: int) -> float:
    """What a name the documentation's examples use adds (README names add more): nothing
    for one page (an aside), then by how many pages use it, on a log scale, at most 3 (a
    README name gets at least 4)."""
    return 0.0 if pages < 2 else min(3.0, 1.5 * math.log(pages))


EXPORTED_BONUS = 2.5
PRIVATE_PENALTY = 4.0
