"""The prepared o200k vocabulary, and an exact token counter over it that needs no tiktoken.

Why (issue 14): building tiktoken's Encoding costs 0.2-0.5 s a process (the ranks dict of
200,000 byte strings, then its Rust constructor re-hashing all of them and compiling the
pattern), and a plan needs only counts of a few hundred short pieces of English. tiktoken
counts a text in two steps, and both are small enough to do exactly here:

1. split the text with o200k's pattern (``pat_str``, read from tiktoken_ext when this file is
   prepared; matched here with the ``regex`` package, the engine tiktoken's own pure-Python
   reference implementation, ``tiktoken._educational``, uses for the same pattern);
2. each piece that is itself in the vocabulary is one token; any other piece is byte-pair
   merged, lowest rank first, leftmost on a tie (tiktoken's ``_byte_pair_merge``), and its
   count is the number of parts left.

Lookups are a binary search over the token bytes in sorted order (two arrays of uint32 read
straight from the file, no dict of 200,000 entries is ever built), so loading costs a file
read and a sha256, about 10 ms. Equality with tiktoken is what tests/story/test_token_fast.py
checks: every character this counter accepts, alone and in the contexts the pattern cares
about, random texts over them, and every prompt piece of the packaged films.

Which texts: ``SAFE`` is ASCII (printable, tab, newline, return), Latin-1 and Latin
Extended-A letters and signs, and general punctuation (dashes, quotes, ellipsis). Characters
whose Unicode classes are old and settled, so the ``regex`` package and tiktoken's Rust
``fancy_regex`` cannot disagree about them, and none of the ASCII controls that Python's
``\\s`` and Rust's differ on. A text with any other character returns None and is counted by
tiktoken itself (tokens.py).

The prepared file (``.vocab`` beside the memo in the user cache dir) is made once from the
hash-checked bundled file. Its header holds the official file's sha256, which must be the
published one, and the sha256 of its body, checked on load (tokens.py skips that while a
stamp vouches the file is unchanged since its last check); the body holds the tokenizer id
it was made under (tiktoken's version and pattern source: a different tiktoken
makes it stale, and it is rebuilt), the pattern, the offsets, the sorted order and the token
bytes. It is plain bytes, not pickle or marshal: a forged file can at worst be refused.
"""

from __future__ import annotations

import hashlib
import re
import sys
from array import array
from itertools import accumulate
from typing import Any

VOCAB_MAGIC = b"SORAFILM-VOCAB-2\n"
_HEAD = len(VOCAB_MAGIC) + 64  # magic, official sha256, body sha256
_TOKENIZER_LEN = 24  # tokens.tokenizer_id(): 12 bytes of blake2b, as hex
MAX_REMEMBERED = 100_000  # pieces whose counts a process keeps
MAX_PIECE = 512  # a longer piece (a run of one letter) goes to tiktoken: BPE here is O(n^2)

# The characters this counter accepts (see the module docstring); anything else -> tiktoken.
SAFE = "\t\n\r\x20-\x7e\u00a0-\u017f\u2010-\u2027\u2030-\u205e"
_UNSAFE = re.compile(f"[^{SAFE}]")


class VocabError(ValueError):
    """The prepared vocabulary is damaged, made from another file, or by another tiktoken."""


def _u32(values: list[int]) -> bytes:
    arr = array("I", values)
    if arr.itemsize != 4:  # pragma: no cover - no mainstream platform
        arr = array("L", values)
    if sys.byteorder == "big":  # pragma: no cover
        arr.byteswap()
    return arr.tobytes()


def _read_u32(blob: bytes | memoryview, count: int) -> array[int]:
    arr = array("I")
    if arr.itemsize != 4:  # pragma: no cover
        arr = array("L")
    arr.frombytes(blob[: 4 * count])
    if len(arr) != count:
        raise VocabError("the prepared vocabulary is truncated")
    if sys.byteorder == "big":  # pragma: no cover
        arr.byteswap()
    return arr


def prepare_vocab(
    ranks: dict[bytes, int], official_sha256: str, *, pattern: str, tokenizer: str
) -> bytes | None:
    """The prepared file's bytes for ranks parsed from a hash-checked official file.

    None when the ranks do not fit the format (not exactly 0..n-1): then tiktoken counts
    everything, slower but still exact.
    """
    order = list(ranks)  # a .tiktoken file lists its tokens in rank order
    if list(ranks.values()) != list(range(len(order))):
        order = sorted(ranks, key=ranks.__getitem__)
        if any(ranks[t] != i for i, t in enumerate(order)):
            return None
    if len(tokenizer) != _TOKENIZER_LEN:
        return None
    offsets = [0, *accumulate(map(len, order))]
    by_bytes = [ranks[t] for t in sorted(order)]
    pat = pattern.encode("utf-8")
    body = b"".join(
        [
            tokenizer.encode("ascii"),
            len(pat).to_bytes(4, "little"),
            pat,
            len(order).to_bytes(4, "little"),
            _u32(offsets),
            _u32(by_bytes),
            *order,
        ]
    )
    return VOCAB_MAGIC + bytes.fromhex(official_sha256) + hashlib.sha256(body).digest() + body


def claimed_body_sha256(blob: bytes) -> bytes:
    """The body's sha256 as a prepared file's header states it (unchecked)."""
    return bytes(blob[len(VOCAB_MAGIC) + 32 : _HEAD])


class Vocab:
    """A prepared vocabulary, read and checked: rank lookups by binary search."""

    def __init__(self, blob: bytes, official_sha256: str, *, body_checked: bool = False) -> None:
        """body_checked: the body's sha256 was already found equal to the header's for these
        very bytes (tokens.py's stamp says so), so it is not hashed again."""
        if not blob.startswith(VOCAB_MAGIC) or len(blob) < _HEAD + _TOKENIZER_LEN + 8:
            raise VocabError("the prepared vocabulary has no valid header")
        at = len(VOCAB_MAGIC)
        if blob[at : at + 32] != bytes.fromhex(official_sha256):
            raise VocabError("the prepared vocabulary was made from another file")
        body = memoryview(blob)[_HEAD:]
        if not body_checked and hashlib.sha256(body).digest() != blob[at + 32 : at + 64]:
            raise VocabError("the prepared vocabulary's body does not match its sha256")
        self.body_sha256 = blob[at + 32 : at + 64]
        self.tokenizer = bytes(body[:_TOKENIZER_LEN]).decode("ascii", "replace")
        at = _TOKENIZER_LEN
        n_pat = int.from_bytes(body[at : at + 4], "little")
        self.pattern = bytes(body[at + 4 : at + 4 + n_pat]).decode("utf-8", "replace")
        at += 4 + n_pat
        n = int.from_bytes(body[at : at + 4], "little")
        at += 4
        self.offsets = _read_u32(body[at:], n + 1)
        at += 4 * (n + 1)
        self.order = _read_u32(body[at:], n)
        at += 4 * n
        self.data = bytes(body[at:])
        if self.offsets[0] != 0 or self.offsets[n] != len(self.data):
            raise VocabError("the prepared vocabulary is truncated")
        self.size = n

    def token(self, rank: int) -> bytes:
        return self.data[self.offsets[rank] : self.offsets[rank + 1]]

    def ranks(self) -> dict[bytes, int]:
        """token bytes -> rank, as tiktoken.Encoding takes them."""
        data, off = self.data, self.offsets
        return {data[off[i] : off[i + 1]]: i for i in range(self.size)}

    def rank(self, piece: bytes) -> int | None:
        """The rank of piece, or None when it is not a token."""
        data, off, order = self.data, self.offsets, self.order
        lo, hi = 0, self.size
        while lo < hi:
            mid = (lo + hi) >> 1
            r = order[mid]
            if data[off[r] : off[r + 1]] < piece:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.size:
            r = order[lo]
            if data[off[r] : off[r + 1]] == piece:
                return r
        return None


_NONE = 1 << 32  # a rank above every real one: "this pair is not a token"


class Counter:
    """Exact o200k token counts of SAFE texts (see the module docstring)."""

    def __init__(self, vocab: Vocab) -> None:
        import regex

        self.vocab = vocab
        self._split: Any = regex.compile(vocab.pattern)
        self._pieces: dict[str, int] = {}

    def count(self, text: str) -> int | None:
        """Tokens in text, or None when text holds a character outside SAFE (or a piece too
        long to merge here): tiktoken must count it."""
        if _UNSAFE.search(text) is not None:
            return None
        known = self._pieces
        total = 0
        for piece in self._split.findall(text):
            n = known.get(piece)
            if n is None:
                raw = piece.encode("utf-8")
                if len(raw) > MAX_PIECE:
                    return None
                if len(known) >= MAX_REMEMBERED:  # a long notebook session: start afresh
                    known.clear()
                n = known[piece] = self._piece(raw)
            total += n
        return total

    def _piece(self, piece: bytes) -> int:
        """Tokens of one pre-split piece: 1 if it is a token, else its byte-pair merge."""
        if len(piece) == 1 or self.vocab.rank(piece) is not None:
            return 1
        return len(self.merge(piece)) - 1

    def merge(self, piece: bytes) -> list[int]:
        """tiktoken's _byte_pair_merge: the start offsets of the parts (and the end)."""
        rank = self.vocab.rank

        def pair_rank(a: int, b: int) -> int:
            r = rank(piece[a:b])
            return _NONE if r is None else r

        # parts[i] = [start, rank of the pair starting here]; two sentinels at the end
        starts = list(range(len(piece) + 1))
        ranks = [pair_rank(i, i + 2) for i in range(len(piece) - 1)] + [_NONE, _NONE]
        while True:
            best, at = _NONE, -1
            for i in range(len(ranks) - 1):
                if ranks[i] < best:
                    best, at = ranks[i], i
            if best == _NONE:
                return starts
            if at > 0:
                ranks[at - 1] = (
                    pair_rank(starts[at - 1], starts[at + 2]) if at + 2 < len(starts) else _NONE
                )
            ranks[at] = pair_rank(starts[at], starts[at + 3]) if at + 3 < len(starts) else _NONE
            del starts[at + 1]
            del ranks[at + 1]
