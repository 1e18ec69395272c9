"""The ranking's last pass: mark each concept public/exported/in the README, score it by
that, drop what is not the project's API, and add the methods README examples call.

Why a pass of its own: rank.py scores what the code says about itself (references, imports,
subclasses); this adds what the project says to its users, which is what a maintainer would
name first (see public.py for the rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .project import find_method, js_entries, js_exports
from .public import (
    EXPORTED_BONUS,
    JS_BUILTIN_NAMES,
    PRIVATE_PENALTY,
    PY_BUILTINS,
    group_of,
    private_path,
    readme_bonus,
)
from .examples import CodeUse, code_uses
from .scan_python import FileScan

MAX_METHODS = 40  # README method calls looked up in the source (each may read a file)
_API_KINDS = ("class", "exception", "function")


def _top_inits(files: list[str], in_tests: Any) -> list[str]:
    inits = [
        rel
        for rel in files
        if rel.rsplit("/", 1)[-1] == "__init__.py" and group_of(rel, in_tests(rel)) is None
    ]
    depth = min((rel.count("/") for rel in inits), default=0)
    return [rel for rel in inits if rel.count("/") == depth]


def exported_names(
    results: Mapping[str, FileScan], files: list[str], in_tests: Any, root: Path | None
) -> tuple[set[str], dict[str, str]]:
    """(names the package hands to users, JS exported instance -> class).

    Python: ``__all__`` of public modules and of the top package, and every name the top
    package's ``__init__`` imports (re-exports). JavaScript: the entry files' exports.
    """
    top = set(_top_inits(files, in_tests))
    names: set[str] = set()
    for rel in files:
        r = results[rel]
        if group_of(rel, in_tests(rel)) is not None:
            continue
        if rel in top or not private_path(rel):
            names.update(r.get("all", ()))
        if rel in top:
            names.update(r.get("imn", ()))
    instances: dict[str, str] = {}
    if root is not None and any(results[rel].get("lang", "python") != "python" for rel in files):
        js = js_exports(root, js_entries(root))
        names.update(js.names)
        instances = dict(js.instances)
    return names, instances


def _readme_use(uses: Mapping[str, CodeUse], name: str, lang: str) -> CodeUse | None:
    use = uses.get(name)
    if use is None:
        return None
    # ``print``/``list``/``Promise`` in an example are the language's, unless imported from
    # the project (``from rich import print``)
    builtin = name in PY_BUILTINS if lang == "python" else name in JS_BUILTIN_NAMES
    return None if builtin and not use.module else use


def api_pass(
    raws: list[tuple[Any, ...]],
    results: Mapping[str, FileScan],
    files: list[str],
    class_defs: list[tuple[str, str, int, list[str], str, int, str]],
    bases_of: Mapping[str, set[str]],
    readme: str,
    root: Path | None,
    include: frozenset[str],
    include_private: bool,
) -> list[tuple[Any, ...]]:
    """raws (rank.Raw) -> raws with (public, exported, in_readme, readme_order, decorator)
    appended and the score raised by them; concepts outside the API dropped."""
    from .rank import in_tests

    uses, method_uses = code_uses(readme) if readme else ({}, [])
    total = len(uses) + len(method_uses)
    exported, instances = exported_names(results, files, in_tests, root)
    # A JavaScript function assigned onto an object (``app.use = function use(...)``) is a
    # concept named "app.use"; a README example calling ``app.use(...)`` uses that very one.
    by_receiver: dict[str, CodeUse] = {}
    for m in method_uses:
        if m.receiver:
            by_receiver.setdefault(f"{m.receiver}.{m.name}", m)
    out: list[tuple[Any, ...]] = []
    for raw in raws:
        kind, name, rel = raw[0], raw[1], raw[2]
        score = raw[5]
        group = group_of(rel, in_tests(rel)) if rel else None
        if group is not None and group not in include:
            continue
        if kind == "module":
            public = not private_path(rel)
        elif kind == "theme":
            public = True
        else:
            public = not name.startswith("_") and (not private_path(rel) or name in exported)
        if not public and not include_private:
            continue
        api = kind in _API_KINDS
        exp = api and name in exported
        use = _readme_use(uses, name, raw[8] or "python") if api else None
        if use is None and api and "." in name:
            use = by_receiver.get(name)
        if use is not None:
            score += readme_bonus(use.order, total, use.decorator)
        if exp:
            score += EXPORTED_BONUS
        if not public:
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
    if root is not None and method_uses:
        standing: dict[str, float] = {}
        for row in out:
            if row[0] in ("class", "exception"):
                standing[row[1]] = max(standing.get(row[1], 0.0), row[5])
        out.extend(
            _methods(
                root, method_uses, standing, class_defs, bases_of, exported, instances, include
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
    from .rank import in_tests

    where: dict[str, tuple[str, str]] = {}
    for name, rel, _line, _bases, _summary, _n, lang in class_defs:
        group = group_of(rel, in_tests(rel))
        if (group is None or group in include) and name not in where:
            where[name] = (rel, lang)
    out: list[tuple[Any, ...]] = []
    done: set[tuple[str, str]] = set()
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
            hit = find_method(root, rel, cls, attr, lang)
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
