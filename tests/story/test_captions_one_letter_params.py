"""A one-letter parameter never makes a caption (story.fallback_gloss.param_phrase), nor a
name's last word that is no object (role_gloss).

dayjs' film said "dayjs: takes a date and a c" and "isDayjs: tells whether a d is dayjs",
read off ``dayjs(date, c)`` and ``isDayjs(d)``, and "Dayjs.startOf: starts an of".
"""

from __future__ import annotations

import re

from story_fixtures import bare_concept

from sorafilm_nb.story.fallback_gloss import caption_choices, fallback_gloss, role_gloss


def test_a_predicate_of_a_one_letter_parameter_asks_of_something() -> None:
    c = bare_concept("isDayjs", "function", params=("d",))
    assert role_gloss(c) == "tells whether something is dayjs"


def test_no_caption_names_a_one_letter_parameter() -> None:
    for name, params in (("dayjs", ("date", "c")), ("isDayjs", ("d",)), ("unix", ("t",))):
        c = bare_concept(name, "function", params=params)
        said = [fallback_gloss(name, [c]), *caption_choices(name, [c])]
        for caption in said:
            assert not re.search(r"\b(?:a|an) [a-z]\b", caption), caption
            assert "takes a date and" not in caption, caption
    # the rest of what it takes is still said
    c = bare_concept("dayjs", "function", params=("date", "c"))
    assert fallback_gloss("dayjs", [c]) == "dayjs: takes a date"


def test_a_name_that_ends_on_a_preposition_names_no_object() -> None:
    """dayjs' ``startOf``: "starts an of"."""
    c = bare_concept("Dayjs.startOf", "function", params=("unit",))
    assert role_gloss(c) == ""
    assert "an of" not in fallback_gloss("Dayjs.startOf", [c])
    assert role_gloss(bare_concept("createServer", "function")) == "creates a server"


def test_a_parameter_takes_the_article_its_sound_takes() -> None:
    """dayjs' ``startOf(unit)`` said "takes an unit": the parameter's article was a second
    rule (an before every vowel), not clauses.article's ("a Union", "a User", "an HTTP...")."""
    c = bare_concept("Dayjs.startOf", "function", params=("unit",))
    assert fallback_gloss("Dayjs.startOf", [c]) == "Dayjs.startOf: takes a unit"
    c = bare_concept("login", "function", params=("user", "password"))
    assert fallback_gloss("login", [c]) == "login: takes a user and a password"
    c = bare_concept("connect", "function", params=("url", "http_client"))
    assert fallback_gloss("connect", [c]) == "connect: takes a URL and an HTTP client"
