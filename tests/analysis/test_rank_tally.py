"""rank._tally (how many files name each defined name, how many of the users' files do, and
which of its own names each file mentions) gives what the ranking's Python loop over
``set(names).intersection(refs.split())`` gave, whether the C scanner's tally() or Python does
it (issue 14 moved it into C)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from sorafilm_nb.analysis import rank, scan_python

c_tally = getattr(scan_python._pyscan, "tally", None)
needs_c = pytest.mark.skipif(c_tally is None, reason="the C scanner is not built")

NAMES = {"abc", "Thing", "run_it", "get", "héllo", "a.b", "x", "__init__", "Zed9"}
REFS: dict[str, Any] = {
    "none.py": None,
    "empty.py": "",
    "one.py": "abc",
    "again.py": "abc abc abc",  # each name once a file
    "user/test_a.py": "Thing run_it get other words",
    "accent.py": "héllo abc",  # not ASCII: done in Python
    "dotted.py": "a.b x",  # a dotted or short name matches only a token equal to it
    "spaces.py": "tab\tsep\nnewline\x1cfs Thing\x1f__init__\x0bZed9",  # str.split()'s
    "user/prefix.py": "Thingy abcd ab Thin",  # prefixes and extensions are other tokens
    "edges.py": "  leading and trailing  get ",
}
USERS = {"user/test_a.py", "user/prefix.py", "accent.py"}
MINE = {
    "one.py": {"abc", "zzz"},
    "user/test_a.py": {"Thing"},
    "accent.py": {"abc"},
    "empty.py": {"x"},
}


def reference(
    names: set[str], refs: dict[str, Any], users: set[str], mine: dict[str, set[str]]
) -> tuple[dict[str, int], dict[str, int], dict[str, set[str]]]:
    """The loop rank.py ran before _tally, as it was."""
    counts: dict[str, int] = {}
    user_counts: dict[str, int] = {}
    own: dict[str, set[str]] = {}
    for rel, text in refs.items():
        if text:
            hits = names.intersection(text.split())
            for n in hits:
                counts[n] = counts.get(n, 0) + 1
                if rel in users:
                    user_counts[n] = user_counts.get(n, 0) + 1
            if rel in mine:
                own[rel] = hits & mine[rel]
    return counts, user_counts, own


def _tally(refs: dict[str, Any], users: set[str], mine: dict[str, set[str]]) -> Any:
    files = sorted(refs)
    results = {rel: {"refs": text} if text is not None else {} for rel, text in refs.items()}
    return rank._tally(set(NAMES), files, results, users, mine)


def test_tally_is_the_loop_it_replaced() -> None:
    assert _tally(REFS, USERS, MINE) == reference(NAMES, REFS, USERS, MINE)


def test_python_fallback_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rank, "_c_tally", None)
    assert _tally(REFS, USERS, MINE) == reference(NAMES, REFS, USERS, MINE)


@needs_c
def test_c_tally_declines_what_is_not_an_ascii_str() -> None:
    assert c_tally is not None
    texts = ["abc", "héllo abc", None, "", b"abc", 3]
    counts, user_counts, own, declined = c_tally(
        NAMES, texts, [True] * 6, [{"abc"}, {"abc"}, None, {"abc"}, None, None]
    )
    assert counts == {"abc": 1} and user_counts == {"abc": 1}
    assert own == [{"abc"}, None, None, None, None, None]
    assert declined == [1, 4, 5]
    with pytest.raises(TypeError):
        c_tally({"abc", 3}, ["abc"], [False], [None])
    with pytest.raises(ValueError):
        c_tally(NAMES, ["abc"], [], [None])


@needs_c
def test_c_tally_agrees_with_the_loop_on_random_texts() -> None:
    rng = random.Random(14)
    names = {"".join(rng.choice("ab_Z9") for _ in range(rng.randint(1, 4))) for _ in range(60)}
    refs = {
        f"f{i}.py": "".join(rng.choice("ab_Z9 \t\n") for _ in range(rng.randint(0, 200)))
        for i in range(300)
    }
    users = {rel for rel in refs if rng.random() < 0.3}
    mine = {rel: set(rng.sample(sorted(names), 5)) for rel in refs if rng.random() < 0.5}
    files = sorted(refs)
    results = {rel: {"refs": text} for rel, text in refs.items()}
    assert rank._tally(names, files, results, users, mine) == reference(names, refs, users, mine)
