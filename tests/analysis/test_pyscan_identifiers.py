"""The C scanner's identifiers() gives the Python fallback's tokens: the same set, each once,
in order of first occurrence (the refs that rank.py counts references with)."""

from __future__ import annotations

import random

import pytest
from pyscan_fixtures import package_dir

from sorafilm_nb.analysis import scan_python

c_identifiers = getattr(scan_python._pyscan, "identifiers", None)
pytestmark = pytest.mark.skipif(c_identifiers is None, reason="the C scanner is not built")

CASES = [
    b"",
    b"ab",
    b"abc",
    b"abc abc abc",
    b"9abc 99abc abc",  # leading digits dropped: one "abc"
    b"12 123 1234 12ab 12abc a1b2c3 _ __ ___ _1_",
    b"caf\xc3\xa9 \xc3\xa9t\xc3\xa9 na\xefve \xff\xfeabc",  # non-ASCII bytes separate tokens
    b"x" * 100_000,
    b"def f(self):\n    return self.value_of + g(2.5e10, 0x1Fabc)\n",
    bytes(range(256)) * 3,
]


def _check(data: bytes) -> None:
    got = c_identifiers(data)  # type: ignore[misc]
    words = got.split(" ") if got else []
    assert len(words) == len(set(words)), "each token once"
    assert set(words) == set(scan_python.py_identifiers(data).split())
    # in order of first occurrence
    text = data.decode("latin-1")
    firsts = [text.find(w) for w in words]
    assert all(f >= 0 for f in firsts)


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_constructed_cases(data: bytes) -> None:
    _check(data)


def test_first_occurrence_order() -> None:
    assert c_identifiers(b"zeta alpha 9zeta beta alpha") == "zeta alpha beta"  # type: ignore[misc]


def test_random_bytes() -> None:
    rng = random.Random(14)
    alphabet = b"abcXYZ_019 \n.(\xc3\xa9\x00"
    for _ in range(2000):
        _check(bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 300))))


@pytest.mark.parametrize("package", ["django", "httpx"])
def test_every_file_of_real_packages(package: str) -> None:
    files = sorted(package_dir(package).rglob("*.py"))
    assert len(files) > 20
    for f in files:
        _check(f.read_bytes())


def test_the_scan_uses_it() -> None:
    assert scan_python.identifiers is not scan_python.py_identifiers
