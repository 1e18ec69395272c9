"""Captions cut at the limit end at a sensible point, or are not cut (session 12, h-cap2: a
new user's film of tenacity said "retry strategy that retries", "the last attempt instance
right", "the previous attempt >=", "waits a fixed amount"). Made-up docstrings of the same
shapes; each test fails on the old gloss."""

from __future__ import annotations

from sorafilm_nb.story.captions import gloss
from sorafilm_nb.story.clauses import short_clause


def test_a_cut_before_a_condition_says_what_the_kind_does() -> None:
    """ "Firing strategy that fires | if ..." lost the condition, its point: the whole does
    not fit, what the strategy does does."""
    said = gloss(
        "fire_if_glazed", "Firing strategy that fires if a glazed pot verifies a predicate."
    )
    assert said == "fire_if_glazed: fires if a glazed pot verifies a predicate"


def test_a_cut_on_an_operator_says_the_sentence_whole() -> None:
    said = gloss("stop_after_batch", "Stop when the previous batch >= max_batch.")
    assert said == "stop_after_batch: stops when the previous batch >= max_batch"


def test_a_cut_on_a_word_that_leads_into_the_cut_drops_it() -> None:
    """ "right | before giving up": the adverb only leads into what the limit cut; the whole
    (one character over) does not fit."""
    said = gloss("KilnFailed", "Encapsulates the last attempt instance right before giving up.")
    assert said == "KilnFailed: encapsulates the last attempt instance"


def test_a_noun_of_measure_keeps_its_of() -> None:
    said = gloss("wait_fixed", "Wait strategy that waits a fixed amount of time between each fire.")
    assert said == "wait_fixed: waits a fixed amount of time between each fire"


def test_a_superlative_keeps_the_clause_that_says_among_what() -> None:
    """semver's minVersion said "returns the lowest version": of what?"""
    said = gloss("minTemp", "Return the lowest temperature that can fire the given clay.")
    assert said == "minTemp: returns the lowest temperature that can fire the given clay"


def test_a_cut_that_ends_well_is_kept() -> None:
    """Not every cut is said longer: "fires a pot" before "in the big kiln" ends well."""
    said = gloss("bake", "Fires a pot in the big kiln that the studio keeps running all night.")
    assert said == "bake: fires a pot in the big kiln"


def test_a_verb_name_that_opens_its_sentence_is_no_plural_subject() -> None:
    """ "Coerces a string to semver" on coerce read as the plural "coerces" doing "a":
    "coerce: as string to semver if possible"."""
    said = gloss("coerce", "Coerces a string to semver if possible.", kind="function")
    assert said == "coerce: coerces a string to semver if possible"


def test_an_aside_after_an_article_is_left_out() -> None:
    """ "Encapsulates a (future or past) attempted call": the cut at " (" left
    "Encapsulates", so the caption fell back to what the class extends."""
    said = gloss("Future", "Encapsulates a (future or past) attempted call to a target function.")
    assert said == "Future: encapsulates an attempted call to a target function"
    assert short_clause("The (old) kiln.", 40) == "The kiln"


def test_a_cut_on_a_bare_kind_of_value_keeps_what_it_contains() -> None:
    """humanize's intcomma said "converts an integer to a string", cut before "containing
    commas every three digits", its point: "with" says it in the room a cut left bare."""
    said = gloss(
        "intcomma", "Converts an integer to a string containing commas every three digits."
    )
    assert said == "intcomma: converts an integer to a string with commas every three digits"
    said = gloss("intcomma", "Converts an integer to a string that contains commas every 3 digits.")
    assert said == "intcomma: converts an integer to a string with commas every 3 digits"
    # an object that is no bare kind of value says something of its own: its cut stays
    said = gloss("intpot", "Converts an integer to a clay tablet containing commas every three.")
    assert said == "intpot: converts an integer to a clay tablet"


def test_a_sentence_that_only_says_what_it_is_compatible_with_is_skipped() -> None:
    """humanize's naturaltime said "this is more or less compatible" (with Django's filter,
    cut off): a comparison teaches nothing a reader does not already know."""
    summary = (
        "Return a kiln temperature in words.\n\nThis is more or less compatible with "
        "Django's `naturaltemp` filter.\n\nThe heat is rounded to the nearest cone."
    )
    from sorafilm_nb.story.gloss import teaching_clauses

    clauses = teaching_clauses("naturaltemp", summary, 48, "function")
    assert clauses and not any("compatible" in c for c in clauses), clauses
    assert any("rounded to the nearest cone" in c for c in clauses), clauses
