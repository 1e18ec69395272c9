"""gloss compiles a concept's name patterns only where they could match (issue 14).

_name_is, _name_does, _plural_does and _restates' two searches are built for each concept
name (~1 ms of the pure-Python regex compiler each, on every plan). A text that cannot hold
the name is answered without them: _may_hold says False only when no match is possible, so
every gloss reads as before. Checked against the patterns themselves on texts that hold the
name, lack it, hold it in other letters' case, or hold letters that ``re.I`` folds unlike
``str.lower`` ('ſ' is 's', 'K' the Kelvin sign is 'k').
"""

from __future__ import annotations

import re

import pytest

from sorafilm_nb.story import gloss as g

NAMES = ["CancelToken", "Session", "Func", "AppConfig", "HTTPResponse", "zod", "ab12Cd", "$http"]
TEXTS = [
    "A CancelToken is an object that can be used to request cancellation.",
    "Cancel tokens provide a way to stop.",
    "Sessions also provide cookie persistence.",
    "The session object lets you persist parameters.",
    "An SQL function call.",
    "Class representing a Django application and its configuration.",
    "Koa's Request object provides helpful methods.",
    "ſeſſions provide cookie persistence.",  # long s: re.I matches it to s
    "A cancel\u212aoken is a token.",  # the Kelvin sign: re.I matches it to k
    "httpresponses are returned.",
    "",
    "zod schemas validate data.",
]


def _patterns(name: str) -> list[re.Pattern[str]]:
    own = name.rsplit(".", 1)[-1]
    short = re.escape(own)
    return [
        g._name_is(name),
        g._name_does(own),
        g._plural_does(own),
        re.compile(rf"(?i:an?|the)\s+[A-Z][\w-]*\s+(?i:{short})s?"),
    ]


@pytest.mark.parametrize("name", NAMES)
def test_a_text_said_not_to_hold_the_name_matches_none_of_its_patterns(name: str) -> None:
    for text in TEXTS:
        if not g._may_hold(text, *g._name_words(name)):
            assert not any(p.search(text) for p in _patterns(name)[:3]), (name, text)
        if not g._may_hold(text, name):
            assert not _patterns(name)[3].search(text), (name, text)


def test_letters_re_folds_unlike_lower_say_maybe() -> None:
    assert g._may_hold("ſeſſions provide", "Session")
    assert g._may_hold("a cancel\u212aoken", "Cancel", "Token")
    assert not g._may_hold("an sql call", "Session")


def test_the_cached_words_are_the_words_of_the_name() -> None:
    for name in NAMES:
        fresh = tuple(re.findall(r"[A-Za-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name)))
        assert g._name_words(name) == fresh
    assert g._name_words("CancelToken") == ("Cancel", "Token")


def test_glosses_read_as_with_every_pattern_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    said = [g.gloss(name, text) for name in NAMES for text in TEXTS]
    monkeypatch.setattr(g, "_may_hold", lambda *_: True)  # always compile, always match
    assert said == [g.gloss(name, text) for name in NAMES for text in TEXTS]
