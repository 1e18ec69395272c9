"""The ranking's last pass: mark each concept public/exported/in the README, score it by
that, drop what is not the project's API, and add the methods README examples call.

Why a pass of its own: rank.py scores what the code says about itself (references, imports,
subclasses); this adds what the project says to its users, which is what a maintainer would
name first (see public.py for the rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .examples import CodeUse, code_uses, doc_uses, js_bindings, module_names
from .exports import find_method, js_exports
from .files import DECLARATIONS, is_built
from .js_inside import inside_modules
from .js_listed import member_name
from .module_family import module_families
from .project import Metadata, js_entries
from .public import (
    EXPORTED_BONUS,
    JS_BUILTIN_NAMES,
    PRIVATE_PENALTY,
    PY_BUILTINS,
    docs_bonus,
    private_path,
    readme_bonus,
)
from .rank import file_group
from .scan_python import FileScan
from .standing import (  # noqa: F401
    abstract_bases,
    exception_standing,
    neighbours,
    representative_exception,
    without_twins,
)

DEFAULT_EXPORT = "<default>"  # instances key: the class or function the JS entry module is
MAX_METHODS = 40  # README method calls looked up in the source (each may read a file)
_API_KINDS = ("class", "exception", "function")


def _top_inits(files: list[str], in_tests: Any) -> list[str]:
    # file_group: public.group_of remembered per path (in_tests is always rank.in_tests)
    inits = [
        rel for rel in files if rel.rsplit("/", 1)[-1] == "__init__.py" and file_group(rel) is None
    ]
    depth = min((rel.count("/") for rel in inits), default=0)
    return [rel for rel in inits if rel.count("/") == depth]


def import_names(files: list[str], in_tests: Any) -> frozenset[str]:
    """The names the project's top packages are imported as (``click`` for
    src/click/__init__.py)."""
    out = set()
    for rel in _top_inits(files, in_tests):
        parts = rel.split("/")[:-1]
        if parts and parts[0] == "src":
            parts = parts[1:]
        if parts and parts[-1].isidentifier():
            out.add(parts[-1])
    return frozenset(out)


def exported_names(
    results: Mapping[str, FileScan], files: list[str], in_tests: Any, meta: Metadata | None
) -> tuple[set[str], dict[str, str], frozenset[str] | None]:
    """(names the package hands to users, JS exported instance -> class, the JS files the
    entry hands out, or None when there is no JavaScript entry to start from).

    Python: ``__all__`` of public modules and of the top package, and every name the top
    package's ``__init__`` imports (re-exports). JavaScript: what is reachable from the
    package entry's exports (project.js_exports): a helper file's ``exports.etag`` that the
    entry never hands out is internal, however it is exported between the package's files.
    """
    top = set(_top_inits(files, in_tests))
    names: set[str] = set()
    instances: dict[str, str] = {}
    js_modules: frozenset[str] | None = None
    if meta is not None and any(results[rel].get("lang", "python") != "python" for rel in files):
        entries = js_entries(meta)
        js = js_exports(meta, entries)
        names.update(js.names)
        instances = dict(js.instances)
        js_modules = js.modules if entries else None
        if js.default:  # ``new Koa()`` where Koa = require('koa'): the class the module is
            instances[DEFAULT_EXPORT] = js.default
    for rel in files:
        r = results[rel]
        if file_group(rel) is not None:
            continue
        if r.get("lang", "python") != "python" and js_modules is not None:
            if rel in js_modules:
                names.update(r.get("all", ()))
            continue
        if rel in top or not private_path(rel):
            names.update(r.get("all", ()))
        if rel in top:
            names.update(r.get("imn", ()))
    return names, instances, js_modules


def _builtin(name: str, lang: str) -> bool:
    return name in PY_BUILTINS if lang == "python" else name in JS_BUILTIN_NAMES


def _empty(scan: FileScan | None) -> bool:
    """A module with nothing in it to show: no class, function, import or docstring. A
    TypeScript file of types only compiles to ``export {};`` (ky's distribution/types/
    options.js), yet the declaration files' ``import type`` lines name it as often as real
    code, so the ranking counted it among the most used modules.

    A module of build output (files.is_built) or a declaration file (.d.ts) is no concept
    either: its name is the build's path ("distribution.core.constants",
    "distribution.types.ResponsePromise.d"), which no user imports; what it defines (its
    classes, functions, exports) still counts, under their own names."""
    if scan is None:
        return False
    return not any(scan.get(key) for key in ("cls", "fn", "imp", "doc", "dyn"))


def _whole(scan: FileScan | None) -> bool:
    """A module that is one anonymous function or class and exports nothing else (FileScan
    "whole", js_default): that function is a concept already, and the module beside it said
    nothing ("index: a module in index", npm's ms)."""
    return scan is not None and bool(scan.get("whole"))


def _readme_use(uses: Mapping[str, CodeUse], name: str, lang: str) -> CodeUse | None:
    use = uses.get(name)
    if use is None:
        return None
    # ``print``/``list``/``Promise`` in an example are the language's, unless imported from
    # the project (``from rich import print``)
    return None if _builtin(name, lang) and not use.module else use


def api_pass(
    raws: list[tuple[Any, ...]],
    results: Mapping[str, FileScan],
    files: list[str],
    class_defs: list[tuple[str, str, int, list[str], str, int, str]],
    bases_of: Mapping[str, set[str]],
    readme: str,
    meta: Metadata | None,
    include: frozenset[str],
    include_private: bool,
    *,
    exc_bonus: Mapping[str, float] | None = None,
    docs: list[str] | None = None,
) -> list[tuple[Any, ...]]:
    """raws (rank.Raw) -> raws with (public, exported, in_readme, readme_order, decorator)
    appended and the score raised by them; concepts outside the API dropped.

    exc_bonus (exception name -> what its raises and catches add) counts only for the
    exceptions users are shown (exception_standing). docs are the documentation pages'
    text: a name their examples use gains docs_bonus (a README name already has more).
    meta, the repository's metadata, gives the JavaScript entry's exports and the root the
    README's method calls are looked up in; without it, neither is."""
    from .rank import in_tests

    submodules = module_names(files)
    uses, method_uses = code_uses(readme, submodules) if readme else ({}, [])
    taught = doc_uses(docs, import_names(files, in_tests), submodules) if docs else {}
    total = len(uses) + len(method_uses)
    exported, instances, js_modules = exported_names(results, files, in_tests, meta)
    if DEFAULT_EXPORT in instances and readme:
        # the README's names for the package (``const Koa = require('koa')``) are its
        # default export: ``new Koa()`` makes an Application, ``app.use`` is Application.use
        aliases = {b: instances[DEFAULT_EXPORT] for b in js_bindings(readme)}
        method_uses = [
            replace(m, owner=aliases[m.owner]) if m.owner in aliases else m for m in method_uses
        ]
        first = min((uses[b] for b in aliases if b in uses), key=lambda u: u.order, default=None)
        if first is not None and instances[DEFAULT_EXPORT] not in uses:
            uses = {
                **uses,
                instances[DEFAULT_EXPORT]: replace(first, name=instances[DEFAULT_EXPORT]),
            }
    # A JavaScript function assigned onto an object (``app.use = function use(...)``) is a
    # concept named "app.use"; a README example calling ``app.use(...)`` uses that very one.
    by_receiver: dict[str, CodeUse] = {}
    for m in method_uses:
        if m.receiver:
            by_receiver.setdefault(f"{m.receiver}.{m.name}", m)
        owner = m.owner or instances.get(m.receiver, "")
        if owner:  # ``program.option`` where program is a Command: ``Command.option``
            by_receiver.setdefault(f"{owner}.{m.name}", m)
    by_receiver.update(_chained(raws, method_uses, readme, js_modules, by_receiver))
    class_names = {c[0] for c in class_defs}
    out: list[tuple[Any, ...]] = []
    left: list[tuple[Any, ...]] = []  # modules left out here, of a family all the same
    for raw in raws:
        kind, name, rel = raw[0], raw[1], raw[2]
        score = raw[5]
        group = file_group(rel) if rel else None
        if group is not None and group not in include:
            continue
        if kind == "module" and (
            _empty(results.get(rel))
            or is_built(rel, results)
            or rel.endswith(DECLARATIONS)
            or _whole(results.get(rel))
        ):
            if not rel.endswith(DECLARATIONS) and (include_private or not private_path(rel)):
                # dayjs' plugins, built beside their typings: still members of a family
                left.append((*raw[:12], True, False, False, -1, False))
            continue  # see _empty and _whole; a built file's dotted path is the build's
        if kind == "module":
            public = not private_path(rel)
        elif kind == "theme":
            public = True
        else:
            public = not name.startswith("_") and (not private_path(rel) or name in exported)
        if not public and not include_private:
            continue
        api = kind in _API_KINDS
        use = _readme_use(uses, name, raw[8] or "python") if api else None
        if use is None and api and "." in name:
            use = by_receiver.get(name)
        # a JavaScript member (``app.use``) of a file the entry hands out is handed out too.
        # A class's method, though, is the class's interface or its workings (JavaScript had
        # no private mark before ``#``): it is handed out when anything shows users reach it,
        # another file or an example naming it; one nothing names (koa's handleRequest and
        # createContext, which only ``this.`` calls) is how the class works inside
        # JavaScript has no private mark but the export: with an entry to start from, a
        # top-level function or class it does not export (ky's createInstance in the entry
        # itself, timeout in utils/timeout.js, which the entry never hands out) is how the
        # package works inside unless users are shown it (a README or docs example): it
        # stays a concept, ranked as a private name is (a member, ``app.use``, is judged below).
        # Python's mark is ``__all__``: a name its module leaves out (tabulate's JupyterHTMLStr)
        lang = raw[8] or "python"
        if lang == "python":
            marked = "." not in name and rel in results and bool(results[rel].get("all"))
        else:
            marked = js_modules is not None and (rel not in js_modules or "." not in name)
        inside = api and marked and name not in exported and use is None and name not in taught
        member = "." in name and js_modules is not None and rel in js_modules
        if member and name.rsplit(".", 1)[0] in class_names:
            member = raw[11] > 0 or use is not None or name.rsplit(".", 1)[-1] in taught
        exp = api and (name in exported or member)
        if use is not None:
            score += readme_bonus(use.order, total, use.decorator)
        elif api and name in taught and not _builtin(name, raw[8] or "python"):
            score += docs_bonus(taught[name])
        if exp:
            score += EXPORTED_BONUS
        if not public or inside:
            score -= PRIVATE_PENALTY
        out.append(
            (
                *raw[:5],
                score,
                *raw[6:12],
                public,
                exp,
                use is not None,
                use.order if use else -1,
                bool(use and use.decorator),
            )
        )
    out = inside_modules(out, js_modules)  # chalk's source/utilities.js: see js_inside
    out.extend(
        _dynamic(
            out,
            results,
            files,
            method_uses + _reference_uses(readme, total),
            total,
            js_modules,
            include,
        )
    )
    out = exception_standing(without_twins(out), bases_of, exc_bonus or {}, taught)
    out = abstract_bases(neighbours(out, uses, total), bases_of, taught)
    if meta is not None and method_uses:
        standing: dict[str, float] = {}
        for row in out:
            if row[0] in ("class", "exception"):
                standing[row[1]] = max(standing.get(row[1], 0.0), row[5])
        out.extend(
            _methods(
                meta.root, method_uses, standing, class_defs, bases_of, exported, instances, include
            )
        )
    return module_families(out, readme, left)  # dayjs' 145 locales: one concept


def _chained(
    raws: list[tuple[Any, ...]],
    method_uses: list[CodeUse],
    readme: str,
    js_modules: frozenset[str] | None,
    known: Mapping[str, CodeUse],
) -> dict[str, CodeUse]:
    """Member concept name -> the README call of it in a chain on the package's export.

    ``yargs(hideBin(process.argv)).command(...).option(...)``: what the call returns is not
    written anywhere an example can see, but a member of that name that one class or object
    of the package's handed-out modules defines (YargsInstance.command) is the one called.
    A name several owners define (``get`` on a Router and a Response) stays unresolved,
    unless one owner is the binding's class by convention (instance_of: ``axios.get`` is
    Axios.get, not AxiosHeaders.get)."""
    if not readme or js_modules is None:
        return {}
    bindings = js_bindings(readme)
    members: dict[str, set[str]] = {}
    for raw in raws:
        if raw[0] == "function" and "." in raw[1] and raw[8] != "python" and raw[2] in js_modules:
            owner, last = raw[1].rsplit(".", 1)
            members.setdefault(last, set()).add(owner)
    out: dict[str, CodeUse] = {}
    for m in method_uses:
        if m.receiver not in bindings or m.owner:
            continue
        owners = members.get(m.name, set())
        if len(owners) > 1:
            owners = {o for o in owners if instance_of(m.receiver, o)}
        if len(owners) == 1:
            name = f"{next(iter(owners))}.{m.name}"
            if name not in known and name not in out:
                out[name] = m
    return out


def instance_name(owner: str) -> str:
    """What JavaScript packages call an instance of ``owner`` by convention: the class's
    name with its first letter lower case (``axios`` for Axios, ``app`` for App)."""
    return owner[:1].lower() + owner[1:]


def instance_of(receiver: str, owner: str) -> bool:
    """Whether a README's ``receiver`` names an instance of ``owner`` (instance_name)."""
    return bool(owner) and receiver == instance_name(owner)


def _reference_uses(readme: str, total: int) -> list[CodeUse]:
    """The calls a README's API reference headings show ("### ky.get(input, options?)"), as
    method uses ordered after every example. Only _dynamic takes them: for a member made at
    run time (``ky[method] = ...`` in a loop) a reference heading is as sure a sign that it
    exists as an example calling it; they add nothing to any other concept's score."""
    if not readme:
        return []
    from .readme_names import reference_calls

    calls = reference_calls(readme)
    if not calls:
        return []
    _, methods = code_uses("```js\n" + ";\n".join(calls) + ";\n```\n")
    return [replace(m, order=m.order + total) for m in methods]


def _dynamic(
    rows: list[tuple[Any, ...]],
    results: Mapping[str, FileScan],
    files: list[str],
    method_uses: list[CodeUse],
    total: int,
    js_modules: frozenset[str] | None,
    include: frozenset[str],
) -> list[tuple[Any, ...]]:
    """Concepts for members made at run time that a README example calls.

    ``methods.forEach(function (m) { app[m] = function () {...} })`` defines ``app.get``
    without ever writing its name: the scanner keeps the owner (FileScan "dyn"), and a README
    call ``app.get(...)`` on that owner (the same name, or its instance by convention:
    ``axios`` for ``Axios``) is the evidence that ``app.get`` exists and matters. It is scored
    as an explicit member the README calls would be.
    """
    have = {r[1] for r in rows}
    owners: dict[str, tuple[str, str, int]] = {}  # receiver name -> (owner, file, line)
    for rel in files:
        if js_modules is not None and rel not in js_modules:
            continue
        group = file_group(rel)
        if group is not None and group not in include:
            continue
        for owner, line in results[rel].get("dyn", ()):
            owners.setdefault(owner, (owner, rel, line))
            owners.setdefault(instance_name(owner), (owner, rel, line))
    out: list[tuple[Any, ...]] = []
    for use in method_uses:
        # a README's call is the filmed repository's word: its name passes the checks of
        # a member written in the source (``app.constructor(3)`` made App.constructor)
        if use.lang == "python" or not use.call or not member_name(use.name):
            continue
        if use.receiver not in owners:
            continue
        owner, rel, line = owners[use.receiver]
        name = f"{owner}.{use.name}"
        if name in have or f"{use.receiver}.{use.name}" in have:
            continue
        have.add(name)
        exp = js_modules is not None and rel in js_modules
        score = 1.0 + readme_bonus(use.order, total, use.decorator)
        score += EXPORTED_BONUS if exp else 0.0
        out.append(
            (
                "function",
                name,
                rel,
                line,
                "",
                score,
                0,
                0,
                results[rel].get("lang", "javascript"),
                (),
                0,
                0,
                True,
                exp,
                True,
                use.order,
                use.decorator,
            )
        )
    return out


def _methods(
    root: Path,
    method_uses: list[CodeUse],
    standing: Mapping[str, float],
    class_defs: list[tuple[str, str, int, list[str], str, int, str]],
    bases_of: Mapping[str, set[str]],
    exported: set[str],
    instances: Mapping[str, str],
    include: frozenset[str],
) -> list[tuple[Any, ...]]:
    """Concepts ``Owner.method`` for the methods README examples call on an object whose class
    the example shows (``app = Flask(...)``; ``program`` exported as ``new Command()``).

    A method has no references or imports of its own to count: it takes its owner's standing
    (standing: class name -> score), most of it when the README uses it as a decorator (the
    project's signature style: ``@app.route``), half of it for a plain call.
    """
    where: dict[str, tuple[str, str]] = {}
    for name, rel, _line, _bases, _summary, _n, lang in class_defs:
        group = file_group(rel)
        if (group is None or group in include) and name not in where:
            where[name] = (rel, lang)
    out: list[tuple[Any, ...]] = []
    done: set[tuple[str, str]] = set()
    sources: dict[str, Any] = {}  # each file read and parsed once (exports.find_method)
    looked = 0
    last = max(1, max(u.order for u in method_uses))
    for use in method_uses:
        owner = use.owner or instances.get(use.receiver, "")
        attr = use.name
        if not owner or owner not in where or attr.startswith("_") or (owner, attr) in done:
            continue
        if looked >= MAX_METHODS:
            break
        looked += 1
        done.add((owner, attr))
        chain, seen = [owner], {owner}
        while chain:  # the class, then its bases in the repo, nearest first
            cls = chain.pop(0)
            rel, lang = where[cls]
            hit = find_method(root, rel, cls, attr, lang, sources)
            if hit is not None:
                line, summary = hit
                share = 0.9 if use.decorator else 0.5
                early = 1.0 - use.order / last  # the README's order breaks the ties
                score = share * standing.get(owner, 0.0) + (0.5 if summary else 0.0) + early
                out.append(
                    (
                        "function",
                        f"{owner}.{attr}",
                        rel,
                        line,
                        summary,
                        score,
                        0,
                        0,
                        lang,
                        (),
                        0,
                        0,
                        True,
                        owner in exported,
                        True,
                        use.order,
                        use.decorator,
                    )
                )
                break
            for base in sorted(bases_of.get(cls, ())):
                if base in where and base not in seen:
                    seen.add(base)
                    chain.append(base)
    return out
