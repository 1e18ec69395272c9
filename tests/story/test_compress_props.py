"""Compression keeps the scene's only clause that names a prop the shot lists.

commander's and koa's space films ended "straps in as the rocket lifts off." at the medium
tier: the first step of the ladder, secondary clauses, had cut ", the big breaker lever
showing every system go", the one clause naming the star's prop, which is what made it this
film's ending. It now goes only after the adjectives, and before any cut of the shared
block (style, palette, setting), which every shot of the film would lose with it.
"""

from __future__ import annotations

from sorafilm_nb.story.compress import compress
from sorafilm_nb.story.compress_steps import _first_clause
from sorafilm_nb.story.tokens import count_tokens

ENDING = (
    (
        "setting",
        "The cramped cabin of a retro space capsule: toggle switches, dials and a round"
        " porthole full of stars.",
    ),
    ("hero", "An astronaut-programmer in a white flight suit with an orange mission patch"),
    (
        "subject",
        "straps in as the rocket lifts off, the big breaker lever showing every system go.",
    ),
    ("props", "Props: big breaker lever, repair drone, docking ring."),
    (
        "camera",
        "Cinematography: medium-wide shot, slow dolly back, 40 mm lens, soft background;"
        " mood: triumphant.",
    ),
    (
        "actions",
        "Actions:\n- 0-4 s: the repair drone and the docking ring and the big breaker lever show"
        " every system green.\n- 4-8 s: the rocket lifts off in a roar of flame and smoke.\n"
        "- 8-12 s: the astronaut-programmer gives a thumbs-up as the Earth falls away below.",
    ),
)


def _tokens(sections: tuple[tuple[str, str], ...]) -> int:
    return count_tokens(compress(sections, 100_000).text)


def test_a_tight_cap_cuts_other_words_before_the_clause_naming_the_prop() -> None:
    full = _tokens(ENDING)
    done = compress(ENDING, full - 1)  # the adjectives are enough ("big" breaker lever)
    assert done.fits, done.text
    assert "lever showing every system go" in done.text, done.text
    # with no other word to cut before the shared block, the clause goes as before
    tight = compress(ENDING, full - 9)
    assert tight.fits and tight.steps == ("adjectives", "clauses naming a prop"), tight


def test_a_clause_naming_no_prop_still_goes_and_a_first_clause_with_a_prop_is_enough() -> None:
    props = ("message canister", "launch tube in the hatch", "neighbouring station")
    # the first clause names the canister: the rest is secondary, as before
    assert (
        _first_clause(
            "seals a message in a canister, fires it from the hatch toward the station.", props
        )
        == "seals a message in a canister."
    )
    # a tail that names nothing listed goes
    assert (
        _first_clause(
            "straps in as the rocket lifts off, every system showing go.", ("launch key",)
        )
        == "straps in as the rocket lifts off."
    )
    # the only clause naming a listed prop (singular or plural) stays
    kept = "straps in as the rocket lifts off, the launch keys showing every system go."
    assert _first_clause(kept, ("launch key",)) == kept


def test_a_prop_is_named_by_each_head_of_its_of_parts_as_the_ending_reads_it() -> None:
    """One rule reads a prop's head nouns (causes.prop_heads) for compression and for the
    ending (plot_ending._echoes). Compression's copy took only the noun before "of": a
    clause that pulls "one brass lever" named no "row of brass levers" (click's heist film),
    and "the crank" no "hand-crank" (a hyphened word)."""
    props = ("row of brass levers", "steel grille")
    kept = "Picking up where the thread left off, pulls one brass lever after another."
    assert _first_clause(kept, props) == kept
    kept = "Picking up where the thread left off, turns the crank until it clicks."
    assert _first_clause(kept, ("hand-crank",)) == kept
    # what is not a head still names nothing: "brass" is an adjective of the levers
    cut = "Picking up where the thread left off, polishes the brass door."
    assert _first_clause(cut, props) == "Picking up where the thread left off."
