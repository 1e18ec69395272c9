"""An error handler is the rescue: a film's trouble put right by the concept that does it.

koa defines no error class, so its film had no trouble beat and a calm "big number"
(Application.listen), while its Application.onerror ("Default error handler.") played a
lazy Susan in the use beat: no arc at all. An error handler's gag shows the mishap and its
rescue in one, so it plays the rescue, under that name, with or without errors before it.
"""

from __future__ import annotations

import dataclasses

from story_fixtures import make_casting, with_handler

from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.compress import render_prompts
from sorafilm_nb.story.scoring import rescues


def _overcome(board):  # type: ignore[no-untyped-def]
    return [s for s in board.shots if board.beat(s.beat).role == "overcome"]


def test_a_film_with_an_error_handler_and_no_error_keeps_its_rescue() -> None:
    troubled = make_casting(10)
    calm = dataclasses.replace(
        troubled, entries=tuple(e for e in troubled.entries if e.concept.kind != "exception")
    )
    handled, name = with_handler(calm)
    board = storyboard(handled, "silent-90")
    overcome = _overcome(board)
    assert [s.cast.concept.name for s in overcome if s.cast] == [name]
    assert {s.beat for s in overcome} == {"the rescue"}, [s.beat for s in board.shots]
    assert render_prompts(board)  # every shot's beat is found by name
    # without the handler the same film is calm, as before
    assert {s.beat for s in _overcome(storyboard(calm, "silent-90"))} == {"the big number"}


def test_an_error_handler_overcomes_the_errors_whatever_words_they_share() -> None:
    handled, name = with_handler(make_casting(10))
    overcome = _overcome(storyboard(handled, "silent-90"))
    assert [s.cast.concept.name for s in overcome if s.cast] == [name]


def test_what_rescues() -> None:
    base = make_casting(10).entries[-1].concept
    for name, summary in (
        ("Application.onerror", "Default error handler."),
        ("errorhandler", "Register a function to handle errors by code."),
        ("handleError", ""),
        ("report", "Handles errors."),
        # a retry, a fallback, a catch: each puts a failure right
        ("retry", ""),
        ("Client.retryRequest", "Send the request again."),
        ("fallback_value", ""),
        ("ZodType.catch", ""),
        ("safecall", "Wraps a function so that it swallows exceptions."),
    ):
        assert rescues(dataclasses.replace(base, name=name, summary=summary)), name
    for name, summary in (
        ("RequestHandler", "Handles each incoming request."),
        ("raise_error", "Raises an error for a bad status."),
        ("error", ""),
        ("ZodObject.catchall", ""),
        ("AxiosHeaders.get", "Get a header."),
    ):
        assert not rescues(dataclasses.replace(base, name=name, summary=summary)), name
    failure = dataclasses.replace(base, name="HandlerError", kind="exception", summary="")
    assert not rescues(failure)  # an error is the trouble, never its rescue


def test_errors_with_nothing_that_puts_them_right_get_no_rescue() -> None:
    """axios' AxiosHeaders.get "got past" AxiosError because they share words ("axios",
    "headers"): it pegs orders on a washing line, which rescues nothing. With no error
    handler, retry, fallback or catch in the cast, the centrepiece is the big number: no
    cause says it got past an error, nor that it saw one off at the end."""
    casting = make_casting(10)
    assert any(e.concept.kind == "exception" for e in casting.entries)
    assert not any(rescues(e.concept) for e in casting.entries)
    board = storyboard(casting, "silent-90")
    centre = _overcome(board)
    assert centre and {s.beat for s in centre} == {"the big number"}
    causes = [p.section("cause") for p in render_prompts(board)]
    rescue_lines = (
        "To get past",
        "Against the",
        "To keep the",
        "seen off by",
        "has set the",
        "has done its part",
    )
    assert not any(x in c for c in causes for x in rescue_lines), causes
    names = {s.cast.concept.name for s in centre if s.cast}
    assert not any(n in causes[-1] for n in names), causes[-1]


def test_a_rescue_second_in_its_beat_still_gets_past_the_trouble() -> None:
    """The rescue is decided once (plot.the_rescue, the whole beat), for the beat's name and
    for both causes: a beat whose rescue comes after another concept was "the rescue" and its
    ending said "seen off by" the rescue's prop, while the rescue's own shot never said it
    got past the trouble (causes.py asked the beat's first concept alone)."""
    from sorafilm_nb.story.causes import causes, wording_for

    handled, name = with_handler(make_casting(10))
    board = storyboard(handled, "silent-90")
    (hero,) = _overcome(board)
    assert hero.cast is not None and hero.cast.concept.name == name
    shown = {id(s.cast) for s in board.shots}
    other = next(e for e in handled.entries if id(e) not in shown and not rescues(e.concept))
    ahead = dataclasses.replace(hero, cast=other)
    shots = [*board.shots[: hero.index], ahead, hero, *board.shots[hero.index + 1 :]]
    shots = [dataclasses.replace(s, index=k) for k, s in enumerate(shots)]
    board = dataclasses.replace(board, shots=tuple(shots))
    said = causes(board)
    rescue_lines = wording_for(board).links["rescue"]
    assert said[hero.index + 1].startswith(tuple(x.split("{")[0] for x in rescue_lines)), said
    assert not said[hero.index].startswith(tuple(x.split("{")[0] for x in rescue_lines))
    assert "seen off by" in said[-1] or "put right by" in said[-1], said[-1]
