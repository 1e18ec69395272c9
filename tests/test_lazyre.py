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
