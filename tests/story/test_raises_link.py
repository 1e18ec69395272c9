"""The error follows the thing that raises it, or the thing follows the error it raised, and
the film says so (Concept.raises -> plot.trouble_order, causes' raised_by and raises links).

This repository's teaser cast Ledger right after LedgerError with no cause between them, and
its long film told LedgerError as following Studio (a docstring sharing the word "ledger")
though Ledger, which raises it, was on screen before. Real repository, real analysis, cast
and storyboard; each test fails on the old code (no Concept.raises, no such links)."""

from __future__ import annotations

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.boards import Storyboard, storyboard
from sorafilm_nb.story.casting import Casting, cast
from sorafilm_nb.story.causes import _fill, causes, main_prop, raises, wording_for

README = """# Till

Till rings up a corner shop's sales and balances the drawer at closing time.

```python
from till import Till, ring

till = Till()
ring(till, 250)
```
"""

CORE = '''"""Till: a shop's cash register."""


class TillError(Exception):
    """The till cannot take the sale."""


class JammedDrawerError(TillError):
    """Raised when the cash drawer sticks halfway open."""


class Drawer:
    """Holds the coins and notes of one shift in their trays."""

    def open(self):
        """Slide the drawer open."""
        raise JammedDrawerError("stuck")


class Receipt:
    """A printed slip listing each item of a sale and its price."""


class Till(Drawer):
    """Rings up each sale and keeps the shift's takings in its drawer."""

    def take(self, amount):
        """Take money for a sale."""
        if amount < 0:
            raise TillError("negative sale")


def ring(till, amount):
    """Ring up one sale on the till and print its receipt."""


def balance(till):
    """Count the drawer at closing time and compare it with the day's sales."""


def refund(till, receipt):
    """Give a customer their money back against the receipt of a sale."""
'''

NAMES = ["Till", "Drawer", "Receipt", "ring", "balance", "refund", "TillError", "JammedDrawerError"]


@pytest.fixture(scope="module")
def till(tmp_path_factory: pytest.TempPathFactory) -> Casting:
    root = tmp_path_factory.mktemp("till")
    (root / "till").mkdir()
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "till"\n', encoding="utf-8")
    (root / "till" / "__init__.py").write_text(
        f'"""Till."""\nfrom .core import {", ".join(NAMES)}\n__all__ = {NAMES!r}\n',
        encoding="utf-8",
    )
    (root / "till" / "core.py").write_text(CORE, encoding="utf-8")
    return cast(analyze(root, use_cache=False))


def _said(board: Storyboard, kind: str, **values: str) -> set[str]:
    return {f"{_fill(x, **values)}," for x in wording_for(board).links[kind]}


def _at(board: Storyboard, name: str) -> int:
    return next(s.index for s in board.shots if s.cast is not None and s.cast.concept.name == name)


def test_the_teaser_says_the_concept_after_the_error_raised_it(till: Casting) -> None:
    """The teaser's trouble comes first: the concept after it that raises the error looks
    into it (the props say so: code names never reach the video model)."""
    board = storyboard(till, "teaser-30", 30)
    said = causes(board)
    error = board.shots[0]
    assert error.cast is not None and error.cast.concept.kind == "exception"
    after = board.shots[1]
    assert after.cast is not None and raises(after.cast, error.cast.concept)
    assert said[1] in _said(board, "raises", a_thing=main_prop(error)), said


def test_an_error_follows_what_raises_it_and_is_told_so(till: Casting) -> None:
    board = storyboard(till, "silent-90", 88)
    said = causes(board)
    for name in ("TillError", "JammedDrawerError"):
        i = _at(board, name)
        error = board.shots[i].cast
        assert error is not None
        raisers = [
            j
            for j in range(i)
            if board.shots[j].cast is not None and raises(board.shots[j].cast, error.concept)
        ]
        assert raisers, f"{name} is shown before any concept that raises it"
        thing = main_prop(board.shots[raisers[-1]])  # the nearest raiser
        if name == "JammedDrawerError":  # its docstring says when: "X raises Y when ..."
            expected = _said(
                board, "raised_by_when", a_thing=thing, when="the cash drawer sticks halfway open"
            )
        else:
            expected = _said(board, "raised_by", a_thing=thing)
        assert said[i] in expected, (name, said[i])
