"""story/bpe.py counts exactly as tiktoken does, on every text it accepts (issue 14).

The reference is tiktoken's own Encoding (conftest.reference). The counter is checked on
every character it accepts, alone and in the contexts o200k's pattern cares about (case runs,
contractions, digits, spaces before a word, newlines), on random texts over those characters,
on every line of this repository's source and documents, and its merge against tiktoken's
pure-Python reference BPE on random bytes. What it does not accept it must refuse (None), so
tokens.py hands it to tiktoken.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from sorafilm_nb.story import bpe, tokens

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def safe_chars() -> list[str]:
    """Every character the counter accepts: a scan of all of Unicode (~1 s), made on first
    use rather than at import, so a worker that only collects this file does not pay it."""
    return [chr(i) for i in range(0x110000) if not bpe._UNSAFE.match(chr(i))]


CONTEXTS = (
    "{c}",
    "a{c}",
    "{c}a",
    " {c}",
    "{c} ",
    "A{c}b",
    "ab{c}CD",
    "'{c}",
    "{c}'s",
    "it'{c}",
    "{c}{c}{c}",
    "1{c}23",
    "\n{c}\n",
    "{c}\n\n",
    "  {c}  x",
    "{c}\r\n",
    "Hello{c}World",
)


@pytest.fixture(scope="module")
def fast() -> bpe.Counter:
    made = tokens.counter()
    assert made is not None
    return made


def test_the_safe_set_is_what_the_docstring_says() -> None:
    safe = safe_chars()
    assert len(safe) == 3 + 95 + (0x17F - 0xA0 + 1) + 24 + 47
    assert "\x0b" not in safe and "\x1c" not in safe and "\x85" not in safe


def test_every_safe_character_in_every_context_counts_as_tiktoken(
    fast: bpe.Counter,
    reference,  # type: ignore[no-untyped-def]
) -> None:
    texts = [ctx.format(c=c) for c in safe_chars() for ctx in CONTEXTS]
    got = [fast.count(t) for t in texts]
    want = [len(reference.encode_ordinary(t)) for t in texts]
    wrong = [(t, g, w) for t, g, w in zip(texts, got, want, strict=True) if g != w]
    assert wrong == []


WORDS = [  # drawn from by the property below (with SAFE characters between them)
    "the",
    "The",
    "QuerySet",
    "HTTPResponse",
    "don't",
    "I'LL",
    "naïve",
    "café",
    "—",
    "“quoted”",
    "…",
    "x**2",
    "1920s",
    "12345678",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "'s",
    "ſ",
    "__init__",
    "a.b/c",
    "Ærø",
    "ŁÓDŹ",
]


def test_random_safe_texts_count_as_tiktoken(fast: bpe.Counter, reference) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    safe = st.deferred(lambda: st.sampled_from(safe_chars()))
    words = st.sampled_from(WORDS)

    @settings(max_examples=300, deadline=None)
    @given(
        st.one_of(
            st.text(alphabet=safe, max_size=200),
            st.lists(
                st.one_of(words, st.text(alphabet=safe, max_size=6)),
                max_size=40,
            ).map(" ".join),
            st.lists(words, max_size=40).map("".join),
        )
    )
    def check(text: str) -> None:
        assert fast.count(text) == len(reference.encode_ordinary(text))

    check()


def test_the_merge_is_tiktokens_byte_pair_merge(fast: bpe.Counter) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.binary(min_size=2, max_size=48))
    def check(piece: bytes) -> None:
        from tiktoken._educational import bpe_encode

        ranks = _ranks(fast)
        assert len(fast.merge(piece)) - 1 == len(bpe_encode(ranks, piece, visualise=None))

    check()


_RANKS: list[dict[bytes, int]] = []


def _ranks(fast: bpe.Counter) -> dict[bytes, int]:
    if not _RANKS:
        _RANKS.append(fast.vocab.ranks())
    return _RANKS[0]


@pytest.mark.slow  # every line of the repository, twice
def test_every_line_of_this_repository_counts_as_tiktoken(
    fast: bpe.Counter,
    reference,  # type: ignore[no-untyped-def]
) -> None:
    lines: set[str] = set()
    for pattern in ("*.md", "sorafilm_nb/**/*.py", "sorafilm_nb/data/**/*.toml"):
        for path in ROOT.glob(pattern):
            text = path.read_text("utf-8", "replace")
            lines.update(text.splitlines(keepends=True))
            lines.update(p for p in re.split(r"\n\s*\n", text) if len(p) < 2000)
    counted = {t: fast.count(t) for t in lines}  # each counted once (it was twice: 0.6 s)
    texts = sorted(t for t, n in counted.items() if n is not None)
    assert len(texts) > 5000
    got = [counted[t] for t in texts]
    want = [len(reference.encode_ordinary(t)) for t in texts]
    assert [t for t, g, w in zip(texts, got, want, strict=True) if g != w] == []


def test_texts_it_cannot_vouch_for_are_refused_not_guessed(
    fast: bpe.Counter,
    reference,  # type: ignore[no-untyped-def]
) -> None:
    assert fast.count("日本語") is None
    assert fast.count("emoji 🎬") is None
    assert fast.count("lone surrogate \ud800") is None
    assert fast.count("vertical\x0btab") is None
    assert fast.count("a" * (bpe.MAX_PIECE + 1)) is None  # one piece too long to merge here
    many = "a " * (bpe.MAX_PIECE + 1)  # many short pieces are fine
    assert fast.count(many) == len(reference.encode_ordinary(many))
    assert fast.count("") == 0


def test_lookups_find_every_token_and_nothing_else(fast: bpe.Counter) -> None:
    vocab = fast.vocab
    for rank in (0, 1, 255, 256, 1000, 99_999, vocab.size - 1):
        assert vocab.rank(vocab.token(rank)) == rank
    assert vocab.rank(b"") is None
    assert vocab.rank(b"\xff" * 40) is None
    assert vocab.rank(vocab.token(vocab.size - 1) + b"\x00\x00zz") is None
