"""Which of the project's errors each class or function raises (analysis.raisers ->
Concept.raises), read from real files by analyze(): a film showed LedgerError and then
Ledger with nothing between them, though Ledger raises it through its base Reservations.
Each test fails on the old behaviour (there was no such field)."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.concepts import Concept, RepoProfile
from sorafilm_nb.analysis.profile import analyze

ERRORS = '''"""Errors."""


class TillError(Exception):
    """The till cannot take the sale."""


class JammedDrawerError(TillError):
    """Raised when the cash drawer sticks halfway open."""
'''

CORE = '''"""The till."""
from .errors import JammedDrawerError, TillError


class Drawer:
    """Holds the coins and notes of one shift."""

    def open(self):
        """Slide the drawer open."""
        raise JammedDrawerError("stuck")


class Till(Drawer):
    """Rings up each sale."""


def ring(till, amount):
    """Ring up one sale."""
    if amount < 0:
        raise TillError("negative sale")
    return till


def balance(till):
    """Count the drawer at closing time."""
    return till
'''

TESTS = """from till.errors import TillError


def balance_is_checked():
    raise TillError("a test raising it says nothing of balance")
"""

JS = """class Register {
  /** Ring up a sale. */
  ring(amount) {
    if (amount < 0) throw new SaleError('negative');
  }
}

class SaleError extends Error {}

module.exports = { Register, SaleError };
"""


def _repo(root: Path) -> Path:
    pkg = root / "till"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        '"""Till."""\nfrom .core import Drawer, Till, ring, balance\n'
        "from .errors import TillError, JammedDrawerError\n",
        encoding="utf-8",
    )
    (pkg / "errors.py").write_text(ERRORS, encoding="utf-8")
    (pkg / "core.py").write_text(CORE, encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_till.py").write_text(TESTS, encoding="utf-8")
    return root


def _by_name(profile: RepoProfile) -> dict[str, Concept]:
    return {c.name: c for c in profile.concepts}


def test_a_concept_raises_its_own_its_bases_and_what_its_errors_are_built_on(
    tmp_path: Path,
) -> None:
    profile = analyze(_repo(tmp_path), use_cache=False)
    c = _by_name(profile)
    # a method's raise is its class's; what raises JammedDrawerError raises a TillError
    assert c["Drawer"].raises == ("JammedDrawerError", "TillError")
    # Till defines no raise of its own: its base Drawer's methods are Till's too
    assert c["Till"].raises == ("JammedDrawerError", "TillError")
    assert c["ring"].raises == ("TillError",)
    # a raise in test code says nothing of the project
    assert c["balance"].raises == ()
    # an error is raised, it raises nothing
    assert c["TillError"].raises == () and c["JammedDrawerError"].raises == ()


def test_raises_round_trips_through_the_cache(tmp_path: Path) -> None:
    profile = analyze(_repo(tmp_path), use_cache=False)
    again = RepoProfile.from_json(profile.to_json())
    assert again == profile
    assert _by_name(again)["Till"].raises == ("JammedDrawerError", "TillError")


def test_a_javascript_method_that_throws_raises_for_its_class(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text(JS, encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "register", "main": "index.js"}')
    c = _by_name(analyze(tmp_path, use_cache=False))
    assert c["Register"].raises == ("SaleError",)


def test_a_chain_of_sixty_thousand_classes_is_walked_once(tmp_path: Path) -> None:
    """Hostile files chaining 60,000 classes (20,000 a file, under the scan's 1 MB) on one
    that raises: each of the 600 concepts walked the whole chain again (17.5 s of CPU, 1.6 s
    now; 30 such files would have taken minutes); each class is visited once now, and each
    still raises what the root raises."""
    import time

    (tmp_path / "chain0.py").write_text(
        '"""A chain."""\n\n\nclass ChainError(Exception):\n    """Bad."""\n\n\n'
        'class C60000:\n    """The root."""\n\n    def go(self):\n        raise ChainError()\n',
        encoding="utf-8",
    )
    for part in range(3):  # C59999 on C60000, ..., C0 on C1: C0 is 60,000 deep
        (tmp_path / f"chain{part + 1}.py").write_text(
            "".join(
                f'class C{i}(C{i + 1}):\n    """Class {i}."""\n'
                for i in reversed(range(part * 20000, (part + 1) * 20000))
            ),
            encoding="utf-8",
        )
    start = time.process_time()
    profile = analyze(tmp_path, use_cache=False)
    spent = time.process_time() - start
    chained = [c for c in profile.concepts if c.kind == "class" and c.name[0] == "C"]
    assert len(chained) > 500 and {c.raises for c in chained} == {("ChainError",)}
    assert spent < 6.0, spent  # CPU time of this process (the scan runs in workers); ~1.6 s
