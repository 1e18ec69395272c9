"""What looks like a generated secret: a token long, mixed and random enough (Shannon
entropy) that no name in code is like it. redact's entropy patterns ask it (looks_random)."""

from __future__ import annotations

import math
import re
import string
from collections import Counter

# -- random-looking tokens ---------------------------------------------------------------------
# A key of an unknown shape still looks random: long, letters mixed with digits, and high
# Shannon entropy. Names in code do not: their pieces are words ("PBKDF2_HMAC_SHA1",
# "HTTPAdapter"), and a short hex digest (our own 16-hex plan ids, a short commit hash) or a
# UUID is an identifier. tests/test_redact.py checks both sides: zero hits on every
# identifier, docstring and comment of the Django and requests sources, and nearly every
# random token found.

_HEX = frozenset(string.hexdigits)
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_PIECES = re.compile(r"[_/+-]")
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
MIN_RANDOM = 20  # characters: shorter tokens are too often names
MIN_RANDOM_HEX = 32  # hex digits: below, a digest or an id (plan ids are 16)


def shannon(text: str) -> float:
    """Bits per character of text's own character distribution."""
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values()) if n else 0.0


def _wordy(piece: str) -> bool:
    """A piece of a name: at most two runs of digits, and short or made of real words; or a
    short hex digest, like the one in our own "plan-91ef8fd111272b1f"."""
    if len(piece) < MIN_RANDOM_HEX and _HEX.issuperset(piece):
        return True
    parts = _PART.findall(piece)
    if sum(p.isdigit() for p in parts) > 2:
        return False
    letters = [p for p in parts if not p.isdigit()]
    return len(piece) <= 12 or (bool(letters) and sum(map(len, letters)) / len(letters) >= 3)


def looks_random(token: str, bits: float) -> bool:
    """True for a token that looks like a generated secret with at least bits of entropy a
    character (hex: 85% of it, since hex has only 16 symbols), not like a name or a digest."""
    core = token.rstrip("=")
    if len(core) < MIN_RANDOM:
        return False
    if not any(c.isdigit() for c in core) or not any(c.isalpha() for c in core):
        return False
    if _HEX.issuperset(core):
        return len(core) >= MIN_RANDOM_HEX and shannon(core) >= bits * 0.85
    if _UUID.search(core) or all(_wordy(p) for p in _PIECES.split(core) if p):
        return False
    return shannon(core) >= bits
