"""The patterns that read a JavaScript package's entry (exports.py, project._LOADS) and a
README's JavaScript examples (examples.py) open on their words (lazyre.word_start), found by
their letters, instead of on ``\\b``, which the engine tries at every character: a hostile
1 MB entry was read by twenty of them at 20 ms each.
The matches must be the ones ``\\b`` gave: each pattern is checked against its ``\\b`` form on
seeded random text of the words, the characters around them and the ones beside a word."""

from __future__ import annotations

import random
import re

from sorafilm_nb.analysis import examples, exports, project
from sorafilm_nb.lazyre import word_start as _words

# the word groups the patterns use, as project._words writes them: back to \b(?:...)
GROUPS = [("export",), (r"module\.exports", "exports"), (r"module\.exports",)]
GROUPS += [("const", "let", "var"), ("import",), ("from",), ("require",)]
GROUPS += [("function",), ("class",)]


def _with_word_boundaries(pattern: str) -> str:
    for words in GROUPS:
        pattern = pattern.replace(_words(*words), r"\b(?:" + "|".join(words) + ")")
    assert "(?<!\\w" not in pattern, pattern  # every group written back
    return pattern


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = [
        (n, p.compiled())
        for module in (exports, examples)
        for n, p in vars(module).items()
        if type(p).__name__ == "LazyPattern"
    ]
    return [*found, ("_LOADS", project._LOADS.compiled())]


def test_a_word_is_where_a_word_boundary_before_it_was() -> None:
    for text in [
        "export",
        "xexport",
        "$export",
        "_export",
        "1export",
        "éexport",
        " export",
        ".export",
    ]:
        old = [m.span() for m in re.finditer(r"\bexport", text)]
        assert [m.span() for m in re.finditer(_words("export"), text)] == old, text


def test_the_entry_patterns_match_as_their_word_boundary_forms() -> None:
    patterns = [
        (n, p, re.compile(_with_word_boundaries(p.pattern), p.flags)) for n, p in _patterns()
    ]
    assert len(patterns) >= 20
    units = ["export", "exports", "module", ".", "module.exports", " ", "\n", "=", "{", "}"]
    units += ["a", "b$", "$", "_", "const", "let", "var", "import", "from", "require(", ";"]
    units += ["'./x'", '"./y"', ")", ",", "*", "as", "default", "class", "function", "new"]
    units += ["é", "1", "__exportStar(", "type", "async", "Object.defineProperty(exports, 'k'"]
    units += ["xexport", "$export", "_exports", "9module", "unlet", "avar", "reimport"]
    units += ["function*", "afunction", "subclass", "=> ", "await import(", "'pkg'", "require"]
    rng = random.Random(4)
    for _ in range(1500):
        text = "".join(rng.choice(units) + rng.choice(["", " ", "\n"]) for _ in range(25))
        for name, new, old in patterns:
            want = [(m.span(), m.groups()) for m in old.finditer(text)]
            assert [(m.span(), m.groups()) for m in new.finditer(text)] == want, (name, text)


def test_a_list_of_names_is_split_into_source_and_local_names() -> None:
    """exports._split_names (its patterns compiled once: a hostile entry has ten thousand
    lists): ``as`` and ``:`` rename, a part that is no name is dropped."""
    text = " a, b as c ,d: e, , 1x, f as, g  as  h, $i:j:k, as"
    assert exports._split_names(text) == [
        ("a", "a"),
        ("b", "c"),
        ("d", "e"),
        ("g", "h"),
        ("$i", "k"),
        ("as", "as"),
    ]
