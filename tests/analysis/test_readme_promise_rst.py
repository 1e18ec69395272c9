"""The title card's promise from a reST README (a new user's film of pluggy 1.7.0): its
title line says what the project is ("pluggy - A minimalist production ready plugin system")
where the paragraph after it says who uses it ("This is the core framework used by the
`pytest`_, `tox`_, and `devpi`_ projects."), and reST link references read as their words
("devpi_" reached the title card). A tagline too long for its limit loses its asides and is
cut where a phrase ends (humanize's ended "a fuzzy human-readable…")."""

from __future__ import annotations

from sorafilm_nb.analysis.readme import read_readme, strip_markup
from sorafilm_nb.analysis.text import first_sentence

PLUGGY = """\
====================================================
pluggy - A minimalist production ready plugin system
====================================================

|pypi| |conda-forge| |versions|

This is the core framework used by the `pytest`_, `tox`_, and `devpi`_ projects.

Please `read the docs`_ to learn more!

A definitive example
====================
.. code-block:: python

    import pluggy

.. _pytest: https://pytest.org
.. _tox: https://tox.readthedocs.io
.. _devpi: https://devpi.net
"""


def test_the_title_lines_definition_is_the_promise_over_who_uses_it() -> None:
    said = read_readme(PLUGGY, "pluggy")
    assert said.tagline == "A minimalist production ready plugin system"


def test_a_paragraph_that_says_what_the_project_is_still_beats_the_title_line() -> None:
    text = PLUGGY.replace("This is the core", "Pluggy is the core")
    said = read_readme(text, "pluggy")
    assert (
        said.tagline == "Pluggy is the core framework used by the pytest, tox, and devpi projects."
    )


def test_rest_link_references_read_as_their_words() -> None:
    text = "used by the `pytest`_, `tox`_, and `devpi`_ projects; `read the docs <https://x>`__"
    assert strip_markup(text) == "used by the pytest, tox, and devpi projects; read the docs"
    assert strip_markup("see devpi_ and tox_.") == "see devpi and tox."
    # a name in code or with inner underscores is no link: only its own trailing mark goes
    assert strip_markup("call `from_` or snake_case") == "call from_ or snake_case"


def test_a_long_tagline_loses_its_aside_and_ends_where_a_phrase_does() -> None:
    humanize = (
        "This modest package contains various common humanization utilities, like turning a "
        'number into a fuzzy human-readable duration ("3 minutes ago") or into a '
        "human-readable size or throughput."
    )
    assert first_sentence(humanize, 120) == (
        "This modest package contains various common humanization utilities…"
    )
    uuid = "For the creation of RFC9562 (formerly RFC4122) UUIDs, with no dependencies at all."
    assert (
        first_sentence(uuid, 65)
        == "For the creation of RFC9562 UUIDs, with no dependencies at all."
    )
    assert first_sentence(uuid, 55) == "For the creation of RFC9562 UUIDs…"
