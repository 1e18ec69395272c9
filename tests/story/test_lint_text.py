"""The on-screen-text rule: a prompt never asks the video model to draw words to be read.

Video models garble text on screen (PROMPTING.md), so sorafilm draws titles and captions
itself. The rule (lint_data.TextAsks, its words in data/lint/rules.toml [text]) must find a
chalked word, a quoted label or a sign's text, leave ordinary prose alone, and every gag of
every packaged theme must come out of the prompt renderer clean.
"""

from __future__ import annotations

import pytest
from story_fixtures import make_casting

from sorafilm_nb.datafiles import packaged
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import CastEntry, Casting, MatchRule, Metaphor, MetaphorLibrary
from sorafilm_nb.story.compress import render_prompts
from sorafilm_nb.story.lint import RULES, WARNING, errors, lint_library, lint_prompt
from sorafilm_nb.story.lint_data import text_request
from sorafilm_nb.story.prompts import Tier

ASKS = [
    'chalks "SUGAR" on the lid with a confident nod',  # the gag this rule was written for
    "chalks SUGAR on the lid",
    'stencils "FRAGILE" on the crate',
    "paints the word HELP on the roof",
    "carves his initials into the bench",
    "pipes a word in icing along the cake",
    "chalks three numbers on a slate",
    "scrawls a message on the mirror",
    "writes the first line of the plan in big chalk letters",
    "the words chalked on the wall",
    "the torch beam lands on the single word printed on it",
    "a calling card with a single word on it",
    "a banner with the slogan across it",
    "reads a 'beware of the dog' sign and gulps",
    "slaps a forged 'Fragile: Museum Property' label on each crate",
    'A carton marked "MILK" sits on the table.',
    "a sign reading CLOSED",
    'a sign that says "CLOSED"',
    'the screen says "ERROR"',
    'a poster titled "Wanted"',
    "crosses out 'onions', circles 'large'",
    'Style: x.\nIntertitle: "Then everything went wrong"',
    'On-screen title: "Recorder"',
    "Sound: a piano; title cards between scenes.",
]

PROSE = [
    "Sound: a jaunty ragtime piano; no dialogue.",
    "the guard's torch sweeps the crew's board",
    "{hero}'s torch lights the dogs' bowls",
    'he mutters "not again" and shrugs',
    'he shouts "Eureka!" and leaps',
    'he says "hi" and she says "bye"',
    "the so-called 'clean' kitchen",
    'a milk carton nicknamed "Old Faithful"',
    "paints a perfect copy of a museum painting in a blur of brush strokes",
    "chalks an arrow on the wall and turns left",
    "reads the little card on it, then turns the plan round the other way",
    "a card, reading it twice",
    "leaves without a word",
    "writes a title on a fresh recipe card",  # a scribble in passing, not text to read
    "a note covered in symbols",
    "snips a big letter out of a headline",
    "lays a stencil over a blank invitation and rolls ink across it, revealing a perfect crest",
    "catches the letters on the tray",
    "a sign with a snarling dog painted on it",
    "taps out a message on the telegraph key",
    "signs the cheque with a flourish",
    "a label printed in red",
]


@pytest.mark.parametrize("text", ASKS)
def test_requests_for_words_on_screen_are_found(text: str) -> None:
    assert text_request(text), text


@pytest.mark.parametrize("text", PROSE)
def test_ordinary_prose_is_left_alone(text: str) -> None:
    assert text_request(text) == "", text


def test_the_rule_is_a_warning_that_never_repeats_the_prompt() -> None:
    assert RULES["on-screen-text"][0] == WARNING
    text = (
        "Style: 1920s silent-film comedy.\nPalette: sepia.\n\nA kitchen. A programmer "
        'chalks "SUGAR" on a tin.\n\nCinematography: medium shot, locked-off camera.\n'
        "Lighting: window light.\n"
    )
    found = [f for f in lint_prompt(text, seconds=8, tier_cap=300, tokens=60, shot_index=2)]
    (hit,) = [f for f in found if f.rule == "on-screen-text"]
    assert hit.severity == WARNING and hit.shot_index == 2
    assert "SUGAR" not in str(hit) + hit.hint
    assert "quoted words" in hit.message


def test_a_user_theme_that_chalks_a_word_is_found_where_it_says_so() -> None:
    tin = Metaphor(
        "mine.tin",
        MatchRule(kinds=("class",)),
        "an unlabelled tin",
        ("tin", "chalk"),
        "tools",
        8,
        "deadpan",
        actions=("{hero} shakes the tin", 'chalks "SUGAR" on the lid'),
    )
    base = make_casting(1).library
    lib = MetaphorLibrary("kitchen", "K", base.style, (tin,), source="mine.toml")
    (hit,) = lint_library(lib)
    assert hit.rule == "on-screen-text"
    assert hit.where == "metaphor mine.tin (mine.toml), field actions"


def _gag_prompts(theme: str) -> list[tuple[str, str]]:
    """(metaphor id, its shot's prompt) for every gag of a theme, each cast in a film of
    its own, at the standard tier and the shortest one."""
    lib = MetaphorLibrary.load(theme)
    base = make_casting(1)
    concept = base.entries[0].concept
    out: list[tuple[str, str]] = []
    for m in lib.metaphors:
        casting = Casting(base.profile, lib, (CastEntry(concept, m, 0.9),))
        board = storyboard(casting, "single-12")
        (shot,) = [s for s in board.shots if s.cast is not None]
        for tier in (Tier.STANDARD, Tier.ULTRA_LOW):
            out.append((m.id, render_prompts(board, tier)[shot.index].text))
    return out


@pytest.mark.parametrize("theme", sorted(packaged("metaphors")))
def test_every_gag_of_every_theme_renders_a_prompt_lint_passes(theme: str) -> None:
    """Each gag's prompt as the film sends it: no error, and no words asked of the model."""
    bad = []
    prompts = _gag_prompts(theme)
    assert len(prompts) == 2 * len(MetaphorLibrary.load(theme).metaphors)
    for mid, text in prompts:
        found = lint_prompt(text, seconds=12, tier_cap=10_000, tokens=100)
        if errors(found) or any(f.rule == "on-screen-text" for f in found):
            bad.append(f"{mid}: {[str(f) for f in found]}")
    assert not bad, "\n".join(bad)
