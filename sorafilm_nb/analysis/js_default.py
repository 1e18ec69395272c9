"""The name of a JavaScript module that is itself an anonymous function or class.

``module.exports = function (val, options) {...}`` (npm's ms) is the whole API of its
package, yet has no name in the code: users write the one they bind it to (``const ms =
require('ms')``, ``ms('2 days')``), which is the package's name. The scanner keeps such an
export apart (FileScan "dflt": its result is cached by the file's content alone, and the
name depends on package.json); here, once per profile build, it becomes a function or class
named by the package (package.json "name", when the file is one of the package's entries,
project.js_entries) or else by the file (its stem; an index file's folder), and is exported
(FileScan "all"), so it ranks with the API and the helpers the module never exports below it.
A module that exports nothing else is that function or class (FileScan "whole"): it is no
concept of its own (api_pass), where ms's film had a shot of "index: a module in index".
Without this, ms's film starred "index: a module in index" and never showed ``ms('2 days')``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from .project import Metadata, js_entries, npm_name
from .scan_python import FileScan

_PART = re.compile(r"[^A-Za-z0-9_$]+")


def identifier(name: str) -> str:
    """What JavaScript code calls a module named ``name``: its unscoped name in camelCase
    (``body-parser`` bodyParser, ``@scope/kit`` kit, ``lodash.debounce`` lodashDebounce);
    "" when no identifier comes of it (``7zip``)."""
    parts = [p for p in _PART.split(name.rsplit("/", 1)[-1]) if p]
    if not parts:
        return ""
    out = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return out if not out[0].isdigit() else ""


def _file_name(rel: str) -> str:
    stem = posixpath.basename(rel).split(".", 1)[0]
    if stem == "index":
        stem = posixpath.basename(posixpath.dirname(rel)) or stem
    return identifier(stem) or "default"


def named_defaults(results: Mapping[str, FileScan], meta: Metadata) -> dict[str, FileScan]:
    """results with each anonymous default export ("dflt") turned into the function or
    class (and its methods) it is, named as the module docstring says. Files without one are
    the same objects; with none at all, results come back as they are."""
    out = dict(results)
    with_default = [rel for rel, r in results.items() if r.get("dflt")]
    if not with_default:
        return out
    entries = set(js_entries(meta))
    package = identifier(npm_name(meta) or "")
    for rel in with_default:
        r: FileScan = {**results[rel]}
        kind, line, summary, bases, methods, members = r.pop("dflt")
        name = package if package and rel in entries else _file_name(rel)
        if kind == "cls":
            r["cls"] = sorted([*r.get("cls", ()), [name, line, bases, summary, methods]], key=_line)
        fns = [[name, line, summary]] if kind == "fn" else []
        fns += [[f"{name}.{m}", at, said] for m, at, said in members]
        if fns:
            r["fn"] = sorted([*r.get("fn", ()), *fns], key=_line)
        r["all"] = sorted({*r.get("all", ()), name})
        if r["all"] == [name]:
            r["whole"] = name
        out[rel] = r
    return out


def _line(row: list[Any]) -> int:
    return int(row[1])
