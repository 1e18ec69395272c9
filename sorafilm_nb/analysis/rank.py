"""Turn per-file scan results into ranked concepts: what is central comes first.

A concept's score adds up the signs that something matters to the people who wrote the code:
other files name it (the strongest sign, on a log scale so one hub does not drown the rest),
import it, or subclass it; it is in ``__all__`` (most of all the top package's); it is
documented; it is public; it is raised or caught. Test code counts a quarter. The numbers are a
ranking, not a measure: ties are broken by name, so the order is deterministic.

"Other files name it" is counted from each file's identifier tokens (see
_scan_python.identifiers), which is what a reader sees; functions, whose names collide with
methods and locals, lean on imports instead.
"""

from __future__ import annotations

import builtins
import math
import posixpath
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from .files import DECLARATIONS
from .project import Metadata
from .public import GROUPS, group_of, is_markup
from .scan_python import FileScan
from .scan_python import _pyscan as _scanner
from .text import concept_words

_c_tally = getattr(_scanner, "tally", None)

# also readme, examples, project, public, api, docs. Each bump re-derives cached profiles
# (its reason: `git log -S RANK_VERSION`); rank-43: an example's answer, a factory's section,
# catches; rank-44: captions' sentences, reST titles; rank-45: the summary over "This module
# provides ...", a Python entry line, __all__'s inside; rank-46: entry shown(); rank-47: JS insides.
RANK_VERSION = "rank-47"
MAX_CONCEPTS = 600  # a profile keeps the best ones; every kind keeps at least MIN_PER_KIND
MIN_PER_KIND = 25
MAX_THEMES = 40

BUILTIN_EXCEPTIONS = frozenset(
    n
    for n in dir(builtins)
    if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException)
)
_EXC_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt")
_TEST_DIRS = frozenset({"tests", "test", "testing", "__tests__", "spec", "specs"})

# A raw concept before ranking: (kind, name, file, line, summary, score, raised, caught, lang,
# bases, methods, refs); api_pass adds (public, exported, in_readme, readme_order, decorator)
Raw = tuple[str, str, str, int, str, float, int, int, str, tuple[str, ...], int, int]


@lru_cache(maxsize=65536)
def in_tests(rel: str) -> bool:
    """Whether a path is test code (a tests/ folder, test_*.py, *.test.js, conftest.py)."""
    parts = rel.split("/")
    if any(p in _TEST_DIRS for p in parts[:-1]):
        return True
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith(("_test.py", "_tests.py"))
        or name == "conftest.py"
        or ".test." in name
        or ".spec." in name
    )


@lru_cache(maxsize=65536)
def file_group(rel: str) -> str | None:
    """public.group_of for a path, once per path: the ranking asks it of every concept (there
    are ten times more concepts than files), and the answer depends on the path alone."""
    return group_of(rel, in_tests(rel))


@lru_cache(maxsize=65536)
def module_name(rel: str, package: str | None) -> str:
    """``db/models/query.py`` -> ``db.models.query`` (prefixed with the package, if root is one)."""
    stem = rel.rsplit(".", 1)[0]
    parts = [p for p in stem.split("/") if p]
    if len(parts) > 1 and parts[0] in ("src", "lib") and not package:  # src layout
        parts.pop(0)
    if parts and parts[-1] in ("__init__", "index"):
        parts.pop()
    if package:
        parts.insert(0, package)
    return ".".join(parts) or package or stem.rsplit("/", 1)[-1]


def clear_path_caches() -> None:
    """Forget what the per-path caches above (and public.private_path) remember: for tests
    and benchmarks that rank several trees in one process and count or time each alone."""
    from .public import private_path

    for cached in (in_tests, file_group, module_name, private_path):
        cached.cache_clear()


_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_COMPILED = (".js", ".mjs", ".cjs")  # what a .d.ts sits beside when a build wrote both


def resolve_import(imp: str, rel: str, here: str) -> str:
    """An import as written in file rel (module ``here``), as an absolute module name.

    ``..utils`` in ``pkg/sub/mod.py`` is ``pkg.utils``; ``./util.js`` in ``src/app.js`` is
    ``util`` (module_name of ``src/util.js``); absolute names are returned as they are.
    """
    if imp.startswith("./") or imp.startswith("../"):  # JavaScript, relative to the file
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        path = posixpath.normpath(posixpath.join(folder, imp))
        if not path.endswith(_JS_SUFFIXES):
            path += ".js"
        return module_name(path, None) if not path.startswith("..") else imp
    if not imp.startswith("."):
        return imp
    level = len(imp) - len(imp.lstrip("."))
    parts = here.split(".")
    if not rel.endswith("/__init__.py") and rel != "__init__.py":
        parts = parts[:-1]  # the package the module is in
    if level > 1:
        parts = parts[: max(0, len(parts) - (level - 1))]
    rest = imp[level:]
    return ".".join([*parts, rest] if rest else parts)


def _tally(
    names: set[str],
    files: list[str],
    results: Mapping[str, FileScan],
    users: set[str],
    mine: Mapping[str, set[str]],
) -> tuple[dict[str, int], dict[str, int], dict[str, set[str]]]:
    """The references: how many files' refs (identifier tokens) hold each defined name, how
    many of the users' files do, and, per file that defines names, which of its own it
    mentions. In C when the scanner is built (each hit an increment there): splitting
    every file's refs into strings (134,000 on Django) and counting the hits in Python was
    most of the ranking's per-file work, and the hits grow faster than the files (issue
    14). A file the C side declines (refs not an ASCII str) is counted here."""
    texts = [results[rel].get("refs") for rel in files]
    ref_files: dict[str, int] = {}
    user_refs: dict[str, int] = {}
    own_refs: dict[str, set[str]] = {}
    todo: Iterable[int] = range(len(files))
    if _c_tally is not None:
        ref_files, user_refs, own, todo = _c_tally(
            names, texts, [rel in users for rel in files], [mine.get(rel) for rel in files]
        )
        own_refs = {rel: o for rel, o in zip(files, own, strict=True) if o is not None}
    for i in todo:
        text = texts[i]
        if not text:
            continue
        rel = files[i]
        hits = names.intersection(text.split())
        for name in hits:
            ref_files[name] = ref_files.get(name, 0) + 1
            if rel in users:
                user_refs[name] = user_refs.get(name, 0) + 1
        if rel in mine:  # kept small: a file's every hit would hold 10x the memory
            own_refs[rel] = hits & mine[rel]
    return ref_files, user_refs, own_refs


def _log(n: float) -> float:
    return math.log1p(max(n, 0.0))


OWN_SHARE = 0.25  # what a reference from the package's own modules counts beside a user's


def _weigh(own: float, user: float, users_shipped: bool) -> float:
    """References and imports, weighed by who makes them.

    A name the package's own modules mention everywhere (a type annotation, an internal base
    class, a helper decorator its modules import) is what the implementation touches; the
    names its tests, examples and docs use are what users touch, which is what a film should
    show. So when the package ships any such user code, a reference from its own modules
    counts OWN_SHARE of one from user code. When it ships none (most npm tarballs), its own
    references are all the evidence there is, and all count in full.
    """
    return user + OWN_SHARE * own if users_shipped else own + user


def rank(
    results: Mapping[str, FileScan],
    package: str | None,
    *,
    readme: str = "",
    include: frozenset[str] = frozenset(),
    include_private: bool = False,
    meta: Metadata | None = None,
    docs: list[str] | None = None,
) -> tuple[list[tuple[Any, ...]], list[tuple[str, float]]]:
    """(concept rows sorted best first, themes) from {rel path: scan result}.

    A concept row is (name, kind, file, line, summary, score, raised, caught, words, language,
    bases, methods, refs, public, exported, in_readme, readme_order, decorator), the field
    order of analysis.Concept. Concepts defined under the groups of public.GROUPS are left
    out unless named in include; private ones unless include_private. readme is the README's
    text (its code examples lead the ranking); meta (project.Metadata), when given, lets README
    method calls (``app.route``) be found as ``Flask.route`` and a JavaScript entry say what it
    exports; docs are the documentation pages' text (analysis.docs), counted after the README's.
    """
    files = sorted(results)
    # --- who defines what
    class_defs: list[tuple[str, str, int, list[str], str, int, str]] = []
    func_defs: list[tuple[str, str, int, str, str]] = []
    bases_of: dict[str, set[str]] = {}
    for rel in files:
        r = results[rel]
        lang = r.get("lang", "python")
        for name, line, bases, summary, methods in r.get("cls", ()):
            class_defs.append((name, rel, line, bases, summary, methods, lang))
            bases_of.setdefault(name, set()).update(b.rsplit(".", 1)[-1] for b in bases)
        for name, line, summary in r.get("fn", ()):
            if not name.startswith("_"):
                func_defs.append((name, rel, line, summary, lang))
    defined = {c[0] for c in class_defs} | {f[0] for f in func_defs}
    # a member (``app.use``, ``Command.option``) is named by its last part where it is used
    defined |= {f[0].rsplit(".", 1)[1] for f in func_defs if "." in f[0]}
    # per file, the short names it defines: the only names others() asks about a file
    mine: dict[str, set[str]] = {}
    for def_name, def_rel in [(c[0], c[1]) for c in class_defs] + [(f[0], f[1]) for f in func_defs]:
        mine.setdefault(def_rel, set()).add(def_name.rsplit(".", 1)[-1])

    # --- exception classes: a base that is, transitively within the repo, an exception
    children: dict[str, list[str]] = {}
    seeds: list[str] = []
    for name, bases in bases_of.items():
        for b in bases:
            children.setdefault(b, []).append(name)
        if any(b in BUILTIN_EXCEPTIONS or b.endswith(_EXC_SUFFIXES) for b in bases):
            seeds.append(name)
    exc_classes: set[str] = set()
    while seeds:  # breadth-first down the repo's own class tree
        name = seeds.pop()
        if name not in exc_classes:
            exc_classes.add(name)
            seeds.extend(children.get(name, ()))

    # --- who uses what: files referring to each defined name, subclass counts, imports
    # Counters: a file's names are counted in C (Counter.update, _tally), not one by one in
    # Python. The references grow faster than the files (a bigger tree defines more of the
    # names each file mentions), so on a tree 20x Django's they were most of the ranking.
    import_files: Counter[str] = Counter()
    # the same counts from users' code only (tests, examples, docs, benchmarks): see _weigh
    user_imports: Counter[str] = Counter()
    users = {rel for rel in files if file_group(rel) in GROUPS}
    ref_files, user_refs, own_refs = _tally(defined, files, results, users, mine)
    mod_imports: Counter[str] = Counter()
    raised: dict[str, list[Any]] = {}  # name -> [total, weighted, {file: (count, first line)}]
    caught: dict[str, list[Any]] = {}
    for rel in files:
        r = results[rel]
        user = rel in users
        imn = r.get("imn")
        if imn:
            import_files.update(imn)
            if user:
                user_imports.update(imn)
        imp = r.get("imp")
        if imp:
            here = module_name(rel, package)
            # an absolute name is its own module: resolve_import only for relative ones
            mod_imports.update({m if m[:1] != "." else resolve_import(m, rel, here) for m in imp})
        weight = 0.25 if in_tests(rel) else 1.0
        for tally, table in ((r.get("rz", {}), raised), (r.get("ct", {}), caught)):
            for name, (count, line) in tally.items():
                entry = table.setdefault(name, [0, 0.0, {}])
                entry[0] += count
                entry[1] += count * weight
                entry[2][rel] = (count, line)
    # the public API: names in __all__, above all in the top package's __init__.py
    # a set: ``rel in inits`` runs once per file (a list made that files x packages)
    inits = {
        rel for rel in files if rel.rsplit("/", 1)[-1] == "__init__.py" and results[rel].get("all")
    }
    top_depth = min((rel.count("/") for rel in inits), default=0)
    exported: dict[str, float] = {}
    for rel in files:
        bonus = 1.5 if rel in inits and rel.count("/") == top_depth else 0.5
        for name in results[rel].get("all", ()):
            exported[name] = max(exported.get(name, 0.0), bonus)
    # subclasses, weighed like references: a subclass users get (one the package exports, or
    # one in their code) says its base is a family they use (marshmallow's DateTime and its
    # exported NaiveDateTime); one the package keeps to itself is its implementation
    # (httpx's internal streams below AsyncByteStream) and counts OWN_SHARE
    sub_own: dict[str, int] = {}
    sub_user: dict[str, int] = {}
    for sub_name, sub_rel, _, bases, _, _, _ in class_defs:
        subs = sub_user if sub_rel in users or sub_name in exported else sub_own
        for b in {b.rsplit(".", 1)[-1] for b in bases}:
            subs[b] = subs.get(b, 0) + 1
    subclasses = {
        b: _weigh(sub_own.get(b, 0), sub_user.get(b, 0), bool(users))
        for b in sub_own.keys() | sub_user.keys()
    }

    def others(name: str, rel: str) -> int:
        name = name.rsplit(".", 1)[-1]  # members: where ``.use(`` is written (tests call it)
        return ref_files.get(name, 0) - (1 if name in own_refs.get(rel, ()) else 0)

    def refs_weighed(name: str, rel: str) -> float:
        short = name.rsplit(".", 1)[-1]
        user = user_refs.get(short, 0) - (rel in users and short in own_refs.get(rel, ()))
        return _weigh(others(name, rel) - user, user, bool(users))

    def imports_weighed(name: str) -> float:
        user = user_imports.get(name, 0)
        return _weigh(import_files.get(name, 0) - user, user, bool(users))

    raws: list[Raw] = []
    exc_done: set[str] = set()
    # name -> what being raised and caught adds; api_pass decides whether it counts (only for
    # the exceptions users are shown: see api.exception_standing)
    exc_bonus: dict[str, float] = {}
    for name, rel, line, bases, summary, methods, lang in class_defs:
        test = in_tests(rel)
        public = not name.startswith("_")
        score = (
            1.0
            + 2.0 * _log(refs_weighed(name, rel))
            + 1.0 * _log(subclasses.get(name, 0))
            + 0.5 * _log(imports_weighed(name))
            + exported.get(name, 0.0)
            + (1.0 if summary else 0.0)
            + (0.5 if public else -1.0)
            + 0.3 * _log(methods)
        )
        r_n = c_n = 0
        kind = "class"
        # this definition's own bases decide: a `class Error(CheckMessage)` is no exception
        # even where another module defines `class Error(Exception)`
        short = [b.rsplit(".", 1)[-1] for b in bases]
        if name in exc_classes and any(
            b in BUILTIN_EXCEPTIONS or b in exc_classes or b.endswith(_EXC_SUFFIXES) for b in short
        ):
            kind = "exception"
            if name not in exc_done and not test:
                # the counts belong to the first non-test definition of the name
                exc_done.add(name)
                r_n = raised.get(name, [0])[0]
                c_n = caught.get(name, [0])[0]
                weighted = raised.get(name, [0, 0.0])[1] + caught.get(name, [0, 0.0])[1]
                exc_bonus[name] = 1.0 + 1.5 * _log(weighted)
        if test:
            score *= 0.25
        raws.append(
            (
                kind,
                name,
                rel,
                line,
                summary,
                score,
                r_n,
                c_n,
                lang,
                tuple(bases),
                methods,
                others(name, rel),
            )
        )
    for name, rel, line, summary, lang in func_defs:
        # function names collide with methods and locals (get, join, format): a name other
        # files import is a surer sign than one they merely mention
        score = (
            1.0
            + 1.0 * _log(refs_weighed(name, rel))
            + 2.0 * _log(imports_weighed(name))
            + (1.0 if summary else 0.0)
            + exported.get(name, 0.0)
        )
        if in_tests(rel) or name.startswith("test"):
            score *= 0.25
        raws.append(
            ("function", name, rel, line, summary, score, 0, 0, lang, (), 0, others(name, rel))
        )

    # exceptions raised or caught but not defined here (builtins, a dependency's) are not the
    # project's concepts: only the exceptions it defines are (issue 12)

    # modules
    for rel in files:
        r = results[rel]
        if "warn" in r:
            continue
        mod = module_name(rel, package)
        doc = r.get("doc", "")
        score = 0.5 + 1.5 * _log(mod_imports.get(mod, 0)) + (1.0 if doc else 0.0)
        if in_tests(rel):
            score *= 0.25
        lang = r.get("lang", "python")
        raws.append(("module", mod, rel, 1, doc, score, 0, 0, lang, (), 0, mod_imports.get(mod, 0)))

    # themes: docstring words, by how many docstrings (outside tests) use them
    theme_counts: dict[str, int] = {}
    get = theme_counts.get
    for rel in files:
        if not in_tests(rel):
            for word, n in results[rel].get("dw", {}).items():
                theme_counts[word] = get(word, 0) + n
    for word in [w for w in theme_counts if is_markup(w)]:  # once a word, not once a file
        del theme_counts[word]
    best = sorted(theme_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_THEMES]
    top = best[0][1] if best else 1
    themes = [(w, round(n / top, 4)) for w, n in best if n >= 2]
    for word, n in best[:MIN_PER_KIND]:
        if n < 2:
            continue
        summary = f"in {n} docstrings"
        raws.append(("theme", word, "", 0, summary, 0.5 + _log(n), 0, 0, "", (), 0, n))

    from .api import api_pass as _api_pass  # here: a warm analyze() never ranks (issue 14)

    api = _api_pass(
        raws,
        results,
        files,
        class_defs,
        bases_of,
        readme,
        meta,
        include,
        include_private,
        exc_bonus=exc_bonus,
        docs=docs,
    )
    return _select(api), themes


def _select(raws: list[Raw]) -> list[tuple[Any, ...]]:
    """Dedupe by (kind, name) keeping the best, keep the top, sort by score then name."""
    raws.sort(key=lambda r: (-r[5], r[1], r[2], r[3]))
    seen: set[tuple[str, str]] = set()
    per_kind: dict[str, int] = {}
    chosen: list[Raw] = []
    spare: list[Raw] = []
    # a declaration file's comment speaks for the compiled twin that has none: build output
    # drops JSDoc the .d.ts keeps (captions read the summary). A hand-written .js keeps its
    # own comment (commander's "Get or set the name" over its typings' overloads).
    declared: dict[tuple[str, str], str] = {}
    for r in raws:
        if r[4] and r[2].endswith(DECLARATIONS):
            declared.setdefault((r[0], r[1]), r[4])
    for raw in raws:
        key = (raw[0], raw[1])
        if key in seen:
            continue
        seen.add(key)
        if key in declared and raw[2].endswith(_COMPILED) and not raw[4]:
            raw = (*raw[:4], declared[key], *raw[5:])
        if per_kind.get(raw[0], 0) < MIN_PER_KIND:
            per_kind[raw[0]] = per_kind.get(raw[0], 0) + 1
            chosen.append(raw)
        else:
            spare.append(raw)
    chosen.extend(spare[: max(0, MAX_CONCEPTS - len(chosen))])
    chosen.sort(key=lambda r: (-round(r[5], 4), r[1], r[0], r[2], r[3]))
    rows = []
    sig: list[Any]
    for kind, name, rel, line, summary, score, r_n, c_n, lang, bases, methods, refs, *sig in chosen:
        if kind == "theme":
            words: tuple[str, ...] = (name,)
        elif summary.startswith(("raised ", "caught ")):  # a tally, not prose
            words = concept_words(name, "")
        else:
            words = concept_words(name, summary)
        rows.append(
            (
                name,
                kind,
                rel,
                line,
                summary,
                round(score, 4),
                r_n,
                c_n,
                words,
                lang,
                bases,
                methods,
                refs,
                *sig,
            )
        )
    return rows
