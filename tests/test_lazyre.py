"""LazyPattern: compiled at first use, then the compiled pattern in every respect."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sorafilm_nb.lazyre import LazyPattern

ROOT = Path(__file__).resolve().parents[1]  # the checkout (this file is tests/test_lazyre.py)


def test_it_is_the_compiled_pattern_once_used() -> None:
    lazy = LazyPattern(r"(\w+)@(\w+)", re.I)
    assert lazy._compiled is None
    real = re.compile(r"(\w+)@(\w+)", re.I)
    text = "Mail ADMIN@Example and ops@host"
    assert lazy.findall(text) == real.findall(text)
    assert lazy.sub(r"\2", text) == real.sub(r"\2", text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert (lazy.pattern, lazy.flags, lazy.groups) == (real.pattern, real.flags, real.groups)
    assert lazy._compiled is real  # re's own cache: the very same object


def test_importing_the_scanners_of_readme_examples_and_js_exports_compiles_nothing() -> None:
    code = (
        "from sorafilm_nb.analysis import examples, exports\n"
        "from sorafilm_nb.lazyre import LazyPattern\n"
        "pats = [v for m in (examples, exports) for v in vars(m).values()"
        " if isinstance(v, LazyPattern)]\n"
        "print(len(pats), sum(p._compiled is not None for p in pats))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(  # from elsewhere: this checkout's code, not an installed one
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=Path(sys.executable).parent,
    )
    n, compiled = map(int, out.stdout.split())
    assert n >= 30 and compiled == 0


def test_it_copies_and_pickles_as_a_compiled_pattern_does() -> None:
    """copy and pickle ask for __setstate__/__reduce_ex__ on a shell whose slots are not yet
    filled: forwarding those to the compiled pattern recursed forever (a SecretPattern, which
    holds one, could not be pickled)."""
    import copy
    import pickle

    from sorafilm_nb.redact import patterns

    lazy = LazyPattern(r"k(\w+)", re.I)
    for twin in (copy.copy(lazy), copy.deepcopy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert twin == lazy and twin.findall("KEY kit") == ["EY", "it"]
    secret = patterns()[0]
    assert pickle.loads(pickle.dumps(secret)) == secret
    assert not hasattr(lazy, "__no_such__")


# -- CompiledStore: compiled patterns remembered between processes ---------------------------

SAMPLES = [
    (r"(\w+)@(\w+)", re.I),
    (r"(?P<user>[a-z]+)://(?P<host>[^/\s]+)(?:/(?P<path>\S*))?", 0),
    (r"^(?:raised|thrown)\s+(?:if|when)\s+", re.I | re.M),
    (r"\bcolou?r\b|[À-ÿ]+|(?<=x)y(?!z)", re.S | re.X),
    (r"(a)(b)?(?(2)c|d)", 0),
]


def _fresh(pattern: str, flags: int) -> re.Pattern[str]:
    re.purge()  # re's own per-process cache would hand back the store's Pattern
    return re.compile(pattern, flags)


def _through(store: object, pattern: str, flags: int) -> re.Pattern[str]:
    from sorafilm_nb.lazyre import CompiledStore

    assert isinstance(store, CompiledStore)
    re.purge()
    with store.installed():
        return re.compile(pattern, flags)


def test_a_remembered_pattern_equals_the_compilers_and_matches_the_same() -> None:
    from sorafilm_nb.lazyre import CompiledStore

    first = CompiledStore()
    made = [_through(first, p, f) for p, f in SAMPLES]
    assert first.added == len(SAMPLES)
    blob = first.dumps()
    assert blob is not None
    second = CompiledStore(blob)  # as the next process reads the file
    text = "Mail ADMIN@Example, https://host.example/a/b colour xy abd abc ÀÉ"
    for (pattern, flags), one in zip(SAMPLES, made, strict=True):
        again = _through(second, pattern, flags)
        fresh = _fresh(pattern, flags)
        assert again == fresh and one == fresh  # re.Pattern's == compares the code
        assert again is not fresh
        assert (again.flags, again.groups, dict(again.groupindex)) == (
            fresh.flags,
            fresh.groups,
            dict(fresh.groupindex),
        )
        assert [m.groups() for m in again.finditer(text)] == [
            m.groups() for m in fresh.finditer(text)
        ]
    assert second.added == 0 and second.dumps() is None  # nothing new: nothing to write
    assert len(second.used) == len(SAMPLES)


def test_the_packaged_patterns_of_a_plan_come_back_equal() -> None:
    """Every pattern the story's and analysis's modules compile at import, through a store
    and back: equal to re.compile's (a child process, so the imports really compile)."""
    code = (
        "import re, sys\n"
        "from sorafilm_nb.lazyre import CompiledStore\n"
        "store = CompiledStore()\n"
        "with store.installed():\n"
        "    from sorafilm_nb.story import planning, casting, captions, boards, compress, lint\n"
        "    from sorafilm_nb.story.lint_data import Rules\n"
        "    Rules.load()\n"
        "again = CompiledStore(store.dumps())\n"
        "bad = 0\n"
        "for (pattern, flags) in list(store.entries):\n"
        "    re.purge()\n"
        "    with again.installed():\n"
        "        one = re.compile(pattern, flags)\n"
        "    re.purge()\n"
        "    bad += one != re.compile(pattern, flags)\n"
        "print(len(store.entries), len(again.used), bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        cwd=Path(sys.executable).parent,
    )
    n, used, bad = map(int, out.stdout.split())
    assert n >= 60 and used == n and bad == 0


def test_a_changed_pattern_is_compiled_anew_and_remembered() -> None:
    from sorafilm_nb.lazyre import CompiledStore

    store = CompiledStore()
    _through(store, r"kitchen|pantry", 0)
    store = CompiledStore(store.dumps())
    changed = _through(store, r"kitchen|larder", 0)
    assert changed == _fresh(r"kitchen|larder", 0) and changed.match("larder")
    assert store.added == 1 and (r"kitchen|larder", 0) in store.entries


def test_a_damaged_or_foreign_file_is_ignored() -> None:
    import json

    from sorafilm_nb.lazyre import CompiledStore

    store = CompiledStore()
    _through(store, r"(\d+)-(\d+)", 0)
    blob = store.dumps()
    assert blob is not None
    data = json.loads(blob)
    for text in (b"", b"{not json", b"[1, 2]", blob[: len(blob) // 2]):
        assert CompiledStore(text).entries == {}
    other = json.loads(blob)
    other["stamp"][1] = "2.7.18 (another build)"  # another interpreter's file
    assert CompiledStore(json.dumps(other)).entries == {}
    # code _sre refuses (here: cut short) is compiled afresh, never used
    data["entries"][0][3] = data["entries"][0][3][:8]
    damaged = CompiledStore(json.dumps(data))
    assert len(damaged.entries) == 1
    pattern = _through(damaged, r"(\d+)-(\d+)", 0)
    assert pattern == _fresh(r"(\d+)-(\d+)", 0) and pattern.match("12-34").groups() == (
        "12",
        "34",
    )


def test_the_compiler_is_given_back_after_the_block() -> None:
    from re import _compiler

    from sorafilm_nb.lazyre import CompiledStore

    original = _compiler.compile
    with CompiledStore().installed():
        assert _compiler.compile is not original
    assert _compiler.compile is original
