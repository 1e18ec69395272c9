"""What the README's promise names comes first (analysis.promised): humanize's promise is
"... a fuzzy human-readable duration or a human-readable size", and naturalsize was left out
of its film, ranked just below naturaldate because the README's examples reach it late. Real
files, real analyze(); the first test fails on the old ranking (naturalsize below)."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.promised import PROMISE_BONUS, promised

README = """# humane

This small package turns a number into a fuzzy human-readable duration ("3 minutes ago") or
into a human-readable size. It is localized to Danish.

```python
import humane
humane.intcomma(12345)
humane.apnumber(4)
humane.naturalday(today)
humane.naturaldate(today)
humane.naturaltime(delta)
humane.naturalsize(1_000_000)
```
"""

CODE = '''"""Humanizing functions."""


def intcomma(value):
    """Converts an integer to a string containing commas every three digits."""


def apnumber(value):
    """Converts an integer to Associated Press style."""


def naturalday(value):
    """Return a natural day."""


def naturaldate(value):
    """Like naturalday, but append a year for dates more than five months away."""


def naturaltime(value):
    """Return a natural representation of a time in a resolution that makes sense."""


def naturalsize(value):
    """Format a number of bytes like a human-readable filesize (e.g. 10 kB)."""
'''

NAMES = ["intcomma", "apnumber", "naturalday", "naturaldate", "naturaltime", "naturalsize"]


def _repo(root: Path, readme: str = README) -> Path:
    (root / "humane").mkdir(parents=True)
    (root / "README.md").write_text(readme, encoding="utf-8")
    (root / "humane" / "__init__.py").write_text(
        f'"""Humane."""\nfrom .number import {", ".join(NAMES)}\n__all__ = {NAMES!r}\n',
        encoding="utf-8",
    )
    (root / "humane" / "number.py").write_text(CODE, encoding="utf-8")
    return root


def _scores(root: Path) -> dict[str, float]:
    return {c.name: c.score for c in analyze(root, use_cache=False).concepts}


def test_the_concept_the_promise_names_outranks_the_readmes_earlier_helpers(
    tmp_path: Path,
) -> None:
    promise = _scores(_repo(tmp_path / "a"))
    assert promise["naturalsize"] > promise["naturaldate"]
    # the same README with a promise that names nothing: the README's order alone
    plain = _scores(_repo(tmp_path / "b", README.replace("turns a number into", "is about")))
    plain_readme = README.split("\n\n", 2)
    flat = _scores(
        _repo(
            tmp_path / "c",
            "\n\n".join([plain_readme[0], "This small package is localized.", plain_readme[2]]),
        )
    )
    assert flat["naturalsize"] < flat["naturaldate"]
    assert round(promise["naturalsize"] - flat["naturalsize"], 4) == PROMISE_BONUS
    assert plain["naturalsize"] == promise["naturalsize"]  # "number" was never the evidence


def _c(name: str, words: tuple[str, ...]) -> Concept:
    return Concept(name, "function", "m.py", 1, "", 10.0, words=words, exported=True)


def test_only_rare_shared_words_of_the_first_sentence_count() -> None:
    promise = "Turns a number into a human-readable size. Also human-readable duration."
    concepts = [
        _c("naturalsize", ("natural", "size", "format", "number", "bytes", "human", "readable")),
        _c("intword", ("int", "word", "converts", "large", "number", "text")),
        _c("fractional", ("fractional", "convert", "number")),
        _c("scientific", ("scientific", "number", "notation")),
    ]
    assert promised(concepts, promise, ["humane"]) == {"naturalsize"}
    # a word of the project's name is no evidence (a project called "human-readable")
    assert promised(concepts, promise, ["human-readable"]) == set()
    # three API concepts use "human" and "readable": no longer rare, no one is named
    common = [*concepts, _c("a", ("human", "readable")), _c("b", ("human", "readable"))]
    assert promised(common, promise, ["humane"]) == set()
