"""rank._hits (the names each file's refs hold) gives what ``set.intersection(refs.split())``
gave, whether the C scanner's hits() or Python does it (issue 14 moved it into C)."""

from __future__ import annotations

import random

import pytest

from sorafilm_nb.analysis import rank, scan_python

c_hits = getattr(scan_python._pyscan, "hits", None)
needs_c = pytest.mark.skipif(c_hits is None, reason="the C scanner is not built")

NAMES = {"abc", "Thing", "run_it", "get", "héllo", "a.b", "x", "__init__", "Zed9"}
TEXTS: list[str | None] = [
    None,
    "",
    "abc",
    "abc abc abc",  # each name once
    "Thing run_it get other words",
    "héllo abc",  # not ASCII: done in Python
    "a.b x",  # a dotted or short name matches only a token equal to it
    "tab\tsep\nnewline\x1cfs Thing\x1f__init__\x0bZed9",  # str.split()'s whitespace
    "Thingy abcd ab Thin",  # prefixes and extensions are other tokens
    "  leading and trailing  ",
]


def _expected(text: str | None) -> set[str] | None:
    return None if not text else NAMES.intersection(text.split())


def test_hits_are_the_intersection_of_each_text() -> None:
    got = rank._hits(set(NAMES), list(TEXTS))
    assert len(got) == len(TEXTS)
    for text, hits in zip(TEXTS, got, strict=True):
        want = _expected(text)
        if want is None:
            assert hits is None, text
        else:
            assert hits is not None and len(hits) == len(set(hits)), text
            assert set(hits) == want, text


@needs_c
def test_c_hits_declines_what_is_not_an_ascii_str() -> None:
    assert c_hits is not None
    out = c_hits(NAMES, ["abc", "héllo abc", None, b"abc", 3])
    assert out[0] == ["abc"] and out[1:] == [None, None, None, None]
    with pytest.raises(TypeError):
        c_hits({"abc", 3}, ["abc"])


@needs_c
def test_c_hits_agrees_with_python_on_random_texts() -> None:
    assert c_hits is not None
    rng = random.Random(14)
    alphabet = "ab_Z9 \t\n"
    names = {"".join(rng.choice("ab_Z9") for _ in range(rng.randint(1, 4))) for _ in range(60)}
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))) for _ in range(300)]
    for text, hits in zip(texts, c_hits(names, texts), strict=True):
        assert hits is not None
        assert len(hits) == len(set(hits))
        assert set(hits) == names.intersection(text.split())
        # in order of first occurrence
        tokens = text.split()
        assert hits == sorted(hits, key=tokens.index)


def test_python_fallback_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rank, "_c_hits", None)
    for text, hits in zip(TEXTS, rank._hits(set(NAMES), list(TEXTS)), strict=True):
        want = _expected(text)
        assert (hits is None) == (want is None)
        assert want is None or set(hits or ()) == want
