"""Read a code repository into a RepoProfile: the concepts a film can be made of.

The records it returns (Concept, ScanWarning, RepoProfile) live in analysis.concepts and are
re-exported here.

How analyze() works, and where each part lives:

1. list the files the owner sees (analysis.files): ``git ls-files`` in a work tree, else a walk
   that skips venvs, node_modules, build dirs and caches (a directory whose mtime has not
   changed since the cached walk is not read again); minified and vendored code is left out
   either way;
2. skip every file whose (size, mtime, ctime) matches the cache index (analysis.cache); if
   nothing changed and the stored profile was built from exactly these files, return it: a
   warm run reads no source file at all;
3. read, hash and parse the rest (analysis.worker): Python with the C scanner, or ``ast`` where
   it declines a file or is not built (analysis.scan_python), JavaScript and TypeScript with
   tree-sitter (analysis.scan_js); content already in the cache is not parsed again; with
   many files the work is spread over every core;
4. rank (analysis.rank, then analysis.api): references from other files, imports,
   ``__all__``, subclasses, docstrings, raise/except counts (tests count a quarter); then what
   users are shown: the README's examples, the docs pages' examples (analysis.docs; the
   cache key holds their size and mtime, so a warm run does not read them), the exports.

Nothing about one file can stop a scan: what cannot be read becomes a ScanWarning.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..errors import AnalysisError
from .assemble import build as _build
from .assemble import readme_text as _readme_text
from .cache import FORMAT as CACHE_FORMAT
from .cache import cache_path, default_cache_dir, empty_index, load_index, load_results
from .cache import save as save_cache
from .concepts import CONCEPT_KINDS, FRAME_COLUMNS, Concept, RepoProfile, ScanWarning
from .docs import signature as docs_signature
from .files import (
    escaped_path,
    in_system_tree,
    language_of,
    list_files,
    not_utf8,
    prefer_sources,
    unpack_advice,
)
from .pool import Finish, run_then
from .pool import run as run_on_cores
from .pool import start_method as _start_method
from .pool import workers as _workers
from .project import Metadata, entry_build_files, metadata_fingerprint
from .public import check_include
from .rank import RANK_VERSION
from .scan_python import FileScan
from .worker import Item, Outcome

__all__ = [
    "CONCEPT_KINDS",
    "FRAME_COLUMNS",
    "Concept",
    "RepoProfile",
    "ScanWarning",
    "analyze",
]

PARALLEL_MIN = 48  # below this many files to parse, a worker pool costs more than it saves


def analyze(
    path: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    include: tuple[str, ...] | frozenset[str] = (),
    include_private: bool = False,
    title: str | None = None,
    tagline: str | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> RepoProfile:
    """Scan the repository at path into a RepoProfile (see the module docstring).

    Code under tests/, examples/, docs/, benchmarks/ and vendored folders is not the
    project's API and gives no concepts unless its group is in include (any of
    analysis.public.GROUPS: "tests", "examples", "docs", "benchmarks", "vendor");
    private names (``_x``, or only in a ``_private`` module) come back with include_private.
    title and tagline, when given, replace what the README and metadata say.

    Only files that changed since the last scan are parsed: results are cached per file,
    keyed by content hash, under cache_dir (default: SORAFILM_CACHE_DIR, else the user cache
    dir). RepoProfile.stats says how many files were parsed ("parsed") and how many came
    from the cache ("cached"). Raises AnalysisError if path does not exist or is not a
    directory; any problem with one file becomes a ScanWarning instead.

    meanwhile: the caller's own preparation for what it does with the profile (plan() loads
    its theme, lint lists and token counter), called in this process while another one
    works, so it costs no wall time: with fork, while a worker process ranks the files and
    writes the cache (analysis.pool.run_then), else while worker processes parse; only when
    there are such processes (many files to parse, several cores), and what it raises is
    dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # see scan_chunk: nothing here makes cycles, and collections cost 20-30%
    options = _Options(check_include(include), bool(include_private))
    try:
        profile = _analyze(path, cache_dir, use_cache, options, meanwhile)
    finally:
        if was_enabled:
            gc.enable()
    if title is not None and title.strip():
        profile = replace(profile, title=" ".join(title.split()))
    if tagline is not None:
        profile = replace(profile, tagline=" ".join(tagline.split()))
    return profile


@dataclass(frozen=True)
class _Options:
    """What besides the files decides a profile (part of the profile cache key)."""

    include: frozenset[str] = frozenset()
    include_private: bool = False

    def key(self) -> str:
        return f"{sorted(self.include)}|{self.include_private}"


def _analyze(
    path: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None,
    use_cache: bool,
    options: _Options,
    meanwhile: Callable[[], object] | None = None,
) -> RepoProfile:
    t0 = time.perf_counter()
    started_ns = time.time_ns()
    root = _check_root(path)
    notes: list[str] = []

    stem: Path | None = None
    index = empty_index()
    if use_cache:
        cache_base = Path(os.fspath(cache_dir)).expanduser() if cache_dir else default_cache_dir()
        stem = cache_path(cache_base, root)
        index, note = load_index(stem, root)
        if note:
            notes.append(note)
        if index["files"] and index.get("scanners") != _scanners():
            # A (size, mtime) match below skips hashing, so the content keys (which carry the
            # parser version) are never recomputed: an index written by another scanner
            # version must not be trusted at all, or an upgrade would serve stale results.
            index = empty_index()
            notes.append("cache written by another scanner version, rebuilt")
    known_files: dict[str, list[Any]] = index["files"]
    trusted_before = index["started_ns"] - _RACY_NS
    files, listing, dirs, unreadable = list_files(root, index.get("dirs"), trusted_before)
    meta = Metadata(root)  # read once: the entry's files, the fingerprint, then the build
    compiled_only = set(entry_build_files(meta)).difference(files)
    if compiled_only:  # the package ships only compiled code in a folder the walk skips
        files = prefer_sources(sorted([*files, *compiled_only]))
    readme_path, readme_text, readme_skipped = _readme_text(root)
    dir_warnings = _dir_warnings({**unreadable, **readme_skipped})
    phases: dict[str, float] = {"list": time.perf_counter() - t0}

    # 1. files unchanged since the last scan, by (size, mtime_ns): no read at all
    keys: dict[str, str] = {}
    todo: list[Item] = []
    base = str(root)
    for rel in files:
        entry = known_files.get(rel)
        if entry is not None:
            try:  # lstat: a link (whose target may have moved out) is always re-checked
                st = os.lstat(os.path.join(base, rel))
            except OSError:
                st = None
            if (
                st is not None
                and stat.S_ISREG(st.st_mode)
                and entry[0] == st.st_size
                and entry[1] == st.st_mtime_ns
                and st.st_mtime_ns < trusted_before
                and entry[3:] == [st.st_ctime_ns]  # not another file unpacked in its place
            ):
                keys[rel] = entry[2]
                continue
        todo.append((rel, base, language_of(rel) or "python"))

    phases["stat"] = time.perf_counter() - t0
    package = _package_name(root)
    # the metadata (title) and the options decide the profile too: they join the README in
    # the fingerprint of what it was built from
    extra = f"{options.key()}\0{metadata_fingerprint(meta)}\0{docs_signature(root)}"

    # 2. the warmest path: nothing to read and the stored profile is for exactly these keys
    saved = index.get("profile")
    profile: RepoProfile | None = None
    if (
        not todo
        and isinstance(saved, list)
        and len(saved) == 2
        and saved[0] == _fingerprint(root, package, readme_text + extra, keys, dir_warnings)
    ):
        try:
            profile = RepoProfile.from_json(saved[1])
        except AnalysisError:
            pass
        else:
            stats = _stats(
                files,
                listing,
                parsed=0,
                cached=len(files),
                read=0,
                workers=1,
                stem=stem,
                notes=notes,
                profile_cache="hit",
            )
            phases["profile"] = time.perf_counter() - t0
            stats["elapsed_ms"] = round((time.perf_counter() - t0) * 1000, 1)
            stats["phases_ms"] = _phases(phases)
            return replace(profile, stats=stats)

    # 3. read and hash what may have changed; parse only content not seen before (and,
    # when a child process finishes, the next steps there: see pool.run_then)
    known_keys = frozenset(e[2] for e in known_files.values())
    made: dict[str, str] = {}  # the profile's JSON as the cache holds it, once written

    def finish(outcomes: list[Outcome], workers: int) -> RepoProfile:
        phases["scan"] = time.perf_counter() - t0
        new_files: dict[str, list[Any]] = {rel: known_files[rel] for rel in keys}
        fresh: dict[str, FileScan] = {}  # key -> result parsed in this run
        # rel -> warning of a file (or directory) that could not be read
        unkeyed: dict[str, FileScan] = dict(dir_warnings)
        parsed = 0
        from_cache = len(keys)
        for rel, size, mtime, ctime, key, result in outcomes:
            if not key:
                if result is not None:  # None: the file vanished since it was listed
                    unkeyed[rel] = result
                continue
            keys[rel] = key
            new_files[rel] = [size, mtime, key, ctime]
            if result is None:  # the hash was in the cache
                from_cache += 1
            else:
                parsed += 1
                fresh[key] = result
        fingerprint = _fingerprint(root, package, readme_text + extra, keys, unkeyed)

        profile = None
        if isinstance(saved, list) and len(saved) == 2 and saved[0] == fingerprint:
            try:  # only mtimes changed (a checkout, a touch): the stored profile still holds
                profile = RepoProfile.from_json(saved[1])
            except AnalysisError:
                profile = None
        by_key: dict[str, FileScan] | None = None
        if profile is None:
            # 4. build the profile from every file's result
            by_key = dict(fresh)
            if stem is not None and any(k not in by_key for k in keys.values()):
                loaded, note = load_results(stem, index["gen"])
                if note:
                    notes.append(note)
                for k, v in (loaded or {}).items():
                    by_key.setdefault(k, v)
            lost = [
                (rel, base, language_of(rel) or "python")
                for rel, k in keys.items()
                if k not in by_key
            ]
            for rel, size, mtime, ctime, key, result in _run(lost, frozenset())[0]:  # file lost
                from_cache -= 1
                if key and result is not None:
                    parsed += 1
                    keys[rel] = key
                    new_files[rel] = [size, mtime, key, ctime]
                    by_key[key] = result
                else:
                    keys.pop(rel, None)
                    new_files.pop(rel, None)
                    if result is not None:
                        unkeyed[rel] = result
            results = {rel: by_key[k] for rel, k in keys.items()}
            results.update(unkeyed)
            fingerprint = _fingerprint(root, package, readme_text + extra, keys, unkeyed)
            phases["load"] = time.perf_counter() - t0
            profile = _build(
                root, package, readme_text, results, options, readme_path=readme_path, meta=meta
            )
            phases["rank"] = time.perf_counter() - t0

        stats = _stats(
            files,
            listing,
            parsed=parsed,
            cached=from_cache,
            read=len(todo),
            workers=workers,
            stem=stem,
            notes=notes,
            profile_cache="miss" if by_key is not None else "hit",
        )
        if stem is not None:
            gen = index["gen"]
            live: dict[str, FileScan] | None = None
            if by_key is not None and (parsed or not gen):
                gen = os.urandom(8).hex()
                wanted_keys = set(keys.values())
                live = {k: v for k, v in by_key.items() if k in wanted_keys}
            new_index = {
                "format": CACHE_FORMAT,
                "root": str(root),
                "gen": gen,
                "started_ns": started_ns,
                "scanners": _scanners(),
                "files": new_files,
                "dirs": dirs,
                "profile": [fingerprint, profile.to_json()],
            }
            made["json"] = new_index["profile"][1]
            phases["json"] = time.perf_counter() - t0
            note = save_cache(stem, new_index, live)
            phases["save"] = time.perf_counter() - t0
            if note:
                stats["cache_notes"] = [*stats.get("cache_notes", []), note]
        stats["elapsed_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        stats["phases_ms"] = _phases(phases)
        return replace(profile, stats=stats)

    def pack(profile: RepoProfile) -> bytes:  # how a finishing child sends it home
        text = made.get("json") or replace(profile, stats={}).to_json()
        return marshal.dumps((text, profile.stats))

    def unpack(blob: bytes) -> RepoProfile:
        text, stats = marshal.loads(blob)
        return replace(RepoProfile.from_json(text), stats=stats)

    then = Finish(finish, pack, unpack, prepare=_prepare_build)
    return run_then(todo, known_keys, *_cores(len(todo)), then, meanwhile)


def _prepare_build() -> None:
    """The modules build() imports (they load lazily, so a warm analyze() never pays them;
    ~10 ms), imported in the process that will build, while the files are read."""
    from . import api, readme, readme_names  # noqa: F401


def _phases(marks: dict[str, float]) -> dict[str, float]:
    """Cumulative time marks -> how long each phase took, in ms (for benchmarks)."""
    out: dict[str, float] = {}
    last = 0.0
    for name, mark in marks.items():
        out[name] = round((mark - last) * 1000, 1)
        last = mark
    return out


def _check_root(path: str | os.PathLike[str]) -> Path:
    root = Path(os.fspath(path)).expanduser()
    if not root.exists():
        raise AnalysisError(f"cannot analyze {os.fspath(path)!r}: no such file or directory")
    if not root.is_dir():
        raise AnalysisError(
            f"cannot analyze {os.fspath(path)!r}: not a directory{unpack_advice(root)}"
        )
    real = root.resolve()
    if in_system_tree(str(real)):  # /proc, /sys and /dev are the machine, not a repository
        raise AnalysisError(f"cannot analyze {os.fspath(path)!r}: a system folder ({real})")
    if not_utf8(str(real)):
        # a folder unpacked from an archive can be named in bytes that are no UTF-8: its
        # name became the title, the casting's seed and plan.json's root, none of which can
        # be written (UnicodeEncodeError, a traceback at the first of them)
        raise AnalysisError(
            f"cannot analyze {escaped_path(str(real))}: its path is not valid UTF-8; "
            "rename the folder (or the one above it that is named so)"
        )
    return real


def _package_name(root: Path) -> str | None:
    """``django.core`` for .../site-packages/django/core: the dotted name root imports as."""
    parts: list[str] = []
    folder = root
    while (folder / "__init__.py").is_file() and folder.name and len(parts) < 32:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) or None


def _stats(
    files: list[str],
    listing: str,
    *,
    parsed: int,
    cached: int,
    read: int,
    workers: int,
    stem: Path | None,
    notes: list[str],
    profile_cache: str,
) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "files": len(files),
        "parsed": parsed,
        "cached": cached,
        "read": read,
        "workers": workers,
        "listing": listing,
        "profile_cache": profile_cache,
        "cache_file": str(stem) if stem else None,
    }
    if notes:
        stats["cache_notes"] = list(notes)
    return stats


def _scanners() -> str:
    """The versions of every scanner and of the ranking: what an index's entries depend on."""
    from .files import WALK_VERSION
    from .worker import parser_version

    return (
        f"{parser_version('python')}|{parser_version('javascript')}|{RANK_VERSION}|{WALK_VERSION}"
    )


# A file whose mtime is this close to the scan that cached it is re-hashed (git's racy rule).
_RACY_NS = 2_000_000_000


def _cores(files: int) -> tuple[int, str | None]:
    """How many processes may parse this many files, and how to start them (None: this
    one alone): the one place that decides it, for the scan and for a rescan of lost files."""
    workers = _workers()
    return workers, _start_method() if files >= PARALLEL_MIN and workers >= 2 else None


def _run(todo: list[Item], known: frozenset[str]) -> tuple[list[Outcome], int]:
    """scan_chunk over todo: in this process when small, else on every core (analysis.pool);
    and how many processes did the work (the stats say it, so a fallback to one core shows)."""
    return run_on_cores(todo, known, *_cores(len(todo)))


def _dir_warnings(unreadable: dict[str, str]) -> dict[str, FileScan]:
    """The walk's unreadable directories as results with a warning, like unreadable files."""
    return {rel: {"lang": "python", "warn": why} for rel, why in unreadable.items()}


# The fields a stored profile holds: a profile cached by a build whose Concept had other
# fields (before Concept.readme_call, say) is built again, not loaded with the new field at
# its default, which a cold run would have filled (a warm film then differed from a cold one).
# Every dataclass a stored profile holds counts (ScanWarning too: one given a field with a
# default would load old warnings without it, as Concept did).
_PROFILE_SHAPE = "|".join(
    ",".join(f.name for f in fields(kind)) for kind in (Concept, RepoProfile, ScanWarning)
)


def _fingerprint(
    root: Path,
    package: str | None,
    readme: str,
    keys: dict[str, str],
    results: dict[str, FileScan],
) -> str:
    """What a profile was built from: every file's key (or, unkeyed, its warning)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(
        f"{RANK_VERSION}\0{_PROFILE_SHAPE}\0{root}\0{package}\0".encode("utf-8", "surrogateescape")
    )
    h.update(readme.encode("utf-8", "surrogateescape"))
    for rel in sorted(set(keys) | set(results)):
        mark = keys.get(rel) or results[rel].get("warn", "")
        h.update(f"\0{rel}\0{mark}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()
