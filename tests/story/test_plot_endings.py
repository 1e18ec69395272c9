"""The ending pays the story off: a consequence, never the opening gag again.

18 of 18 eval films (every theme) ended on their star's opening gag once more: the same
scene sentence, its first action line kept, the earlier props "whir into action beside it"
and "the whole kitchen runs itself". The ending is now a picture of what the star's work
made possible (story.toml's ``payoffs``: the guests fed, the vault open, the capsule
docked), the star's own main prop and the earlier concepts' in it; its cause is the story
(the rescue that saw the trouble off, or the trouble left behind), never a code link to a
shot of the use beat ("To hand out another ZodNumber, ... the guests applaud").
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_story_arc import _repo

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.errors import DataFileError
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import cast
from sorafilm_nb.story.causes import main_prop
from sorafilm_nb.story.compress import render_prompts
from sorafilm_nb.story.prompts import Tier
from sorafilm_nb.story.wording import story_wordings

THEMES = ("kitchen", "heist", "space")


def _run():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[2] / "eval" / "run.py"
    spec = importlib.util.spec_from_file_location("eval_run_endings", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def kiln_profile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return analyze(_repo(tmp_path_factory.mktemp("kiln")), use_cache=False)


def _lines(prompt) -> list[str]:  # type: ignore[no-untyped-def]
    return [x.split(" s: ", 1)[-1] for x in prompt.section("actions").splitlines()[1:]]


@pytest.mark.parametrize("theme", THEMES)
def test_the_ending_is_a_consequence_not_the_opening_gag_again(kiln_profile, theme: str) -> None:  # type: ignore[no-untyped-def]
    board = storyboard(cast(kiln_profile, theme), "silent-90", 88)
    prompts = render_prompts(board, Tier.MEDIUM)
    last = board.shots[-1]
    assert last.reprise and last.cast is not None
    first = next(i for i, s in enumerate(board.shots) if s.cast is last.cast)
    # no action line and no scene sentence of the star's first showing again
    assert not set(_lines(prompts[first])) & set(_lines(prompts[-1])), _lines(prompts[-1])
    assert prompts[first].section("subject") != prompts[-1].section("subject")
    assert not _run()._reprise_repeats(tuple(board.shots), tuple(prompts))
    # one of the theme's payoffs, with the star's own main prop in it
    scenes = [p.scene.split("{hero} ", 1)[1][:25] for p in story_wordings()[theme].payoffs]
    assert any(s in prompts[-1].section("subject") for s in scenes), prompts[-1].text
    assert main_prop(last) in prompts[-1].text, (main_prop(last), prompts[-1].text)
    # never longer than the gag it replaces
    assert len(_lines(prompts[-1])) <= len(_lines(prompts[first]))


def _named_endings(casting, names=("kiln", "potter", "wheelhouse", "glazer", "clayworks")):  # type: ignore[no-untyped-def]
    """The last shot's scene sentence of the same cast under each project name."""
    seen = set()
    for name in names:
        named = dataclasses.replace(
            casting, profile=dataclasses.replace(casting.profile, name=name)
        )
        board = storyboard(named, "silent-90", 88)  # the same cast: only the name differs
        seen.add(render_prompts(board, Tier.MEDIUM)[-1].section("subject"))
    return seen


def test_the_ending_pays_off_what_the_stars_gag_plays(kiln_profile) -> None:  # type: ignore[no-untyped-def]
    """The payoff is the one whose roles meet the star gag's (a seeded pick by the project's
    name ended 10 of 18 kitchen films at the judges' table, "every dish fresh from the
    typewriter"): a typewriter star ends at the window, watched, under any name; a star no
    payoff names (the kiln's mixing bowl) ends in turn by the name, so films differ."""
    casting = cast(kiln_profile)
    star = storyboard(casting, "silent-90", 88).shots[-1].cast
    assert star is not None

    def starring(gag: str):  # type: ignore[no-untyped-def]
        played = dataclasses.replace(star, metaphor=casting.library.get(gag))
        entries = tuple(played if e is star else e for e in casting.entries)
        return played.metaphor, dataclasses.replace(casting, entries=entries)

    typewriter, typed = starring("kitchen.typewriter")
    seen = _named_endings(typed)
    assert len(seen) == 1 and "crowd of neighbours" in seen.pop()
    window = next(p for p in story_wordings()["kitchen"].payoffs if "neighbours" in p.scene)
    assert "print" in window.roles and "print" in typewriter.roles
    pancake, flipped = starring("kitchen.pancake-flip")
    assert not pancake.roles
    assert len(_named_endings(flipped)) >= 3


def test_a_payoff_is_chosen_by_the_gags_first_role_then_in_turn_by_name() -> None:
    from sorafilm_nb.story.plot_ending import _by_fit
    from sorafilm_nb.story.wording import Payoff

    hatch = Payoff("{hero} at the hatch", ("a", "b"), roles=("send", "message"))
    window = Payoff("{hero} at the window", ("a", "b"), roles=("print", "display"))
    table = Payoff("{hero} at the table", ("a", "b"))
    pays = (hatch, window, table)
    # a typewriter plays "print" before "message": the window, whatever the name
    for name in ("kiln", "potter", "glazer"):
        assert _by_fit(pays, ("print", "echo", "message"), name)[:2] == [window, hatch]
    # a gag no payoff names: each in turn from a place set by the name, so films differ
    firsts = {_by_fit(pays, ("pancake",), n)[0] for n in ("kiln", "potter", "glazer", "firebox")}
    assert len(firsts) >= 2, firsts
    # a role said twice: a payoff that names the last role still fits better than none
    roles = ("send", "send", "echo", "print")
    for name in ("kiln", "potter", "flask", "zod"):  # flask and zod take the table first
        assert _by_fit(pays, roles, name) == [hatch, window, table], name


def test_the_ending_after_a_rescue_says_so_and_after_none_names_no_rescuer(kiln_profile) -> None:  # type: ignore[no-untyped-def]
    board = storyboard(cast(kiln_profile), "silent-90", 88)
    prompts = render_prompts(board, Tier.MEDIUM)
    rescue = next(s for s in board.shots if s.cast and s.cast.concept.name == "retry_firing")
    assert main_prop(rescue) in prompts[-1].section("cause")  # the rescue's own prop
    # without the retry the centrepiece rescues nothing: the ending names the trouble behind
    # it, not a rescuer ("Now URL has done its part" was httpx's)
    entries = tuple(e for e in board.casting.entries if e.concept.name != "retry_firing")
    calm = storyboard(type(board.casting)(board.casting.profile, board.casting.library, entries))
    cause = render_prompts(calm, Tier.MEDIUM)[-1].section("cause")
    troubles = [s for s in calm.shots if s.cast and s.cast.concept.kind == "exception"]
    centre = [s for s in calm.shots if s.beat == "the big number" and s.cast]
    assert centre and not any(main_prop(s) in cause for s in centre), cause
    assert main_prop(troubles[-1]) in cause, cause


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('scene = "{hero} swings open', 'scene = "the door swings open'),  # no {hero} first
        ('the {thing} behind every dish"', 'the {props} behind every dish"'),
    ],
)
def test_a_payoff_scene_opens_with_the_hero_and_names_no_earlier_props(
    tmp_path: Path, old: str, new: str
) -> None:
    from sorafilm_nb.datafiles import data_dir

    text = (data_dir() / "prompts" / "story.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "story.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError, match="field 'payoffs'"):
        story_wordings(str(path))


def test_the_eval_counts_one_shared_action_line_as_a_reprise() -> None:
    """The old ending kept its gag's first line and changed the others: the old check
    (the whole list the same) passed every film."""
    run = _run()
    entry = object()
    shots = (SimpleNamespace(cast=entry, caption="a"), SimpleNamespace(cast=entry, caption="b"))

    def prompt(lines: list[str], subject: str):  # type: ignore[no-untyped-def]
        text = "Actions:\n" + "\n".join(f"- 0-4 s: {x}" for x in lines)
        return SimpleNamespace(
            section=lambda n: text if n == "actions" else subject if n == "subject" else ""
        )

    first = prompt(["threads macaroni", "adds more", "hangs it"], "threads macaroni.")
    same_start = prompt(["threads macaroni", "props join in", "sits back"], "threads more.")
    same_scene = prompt(["guests arrive", "plates go round", "a bow"], "threads macaroni.")
    payoff = prompt(["guests arrive", "plates go round", "a bow"], "opens the door.")
    assert run._reprise_repeats(shots, (first, same_start))
    assert run._reprise_repeats(shots, (first, same_scene))
    assert not run._reprise_repeats(shots, (first, payoff))


_NAMES = ("kiln", "potter", "wheelhouse", "glazer", "clayworks", "firebox", "koa", "zod")


def _endings(profile, theme: str, star_gag: str = ""):  # type: ignore[no-untyped-def]
    """The last prompt of the same cast with each of the theme's payoffs first (the one the
    star's gag picks, plot_ending._by_fit, then each other), with its board; ``star_gag``:
    the star plays this gag instead of its own (the kiln's heist star, a tracing-paper plan,
    echoes the plan of most heist pictures, which then give way to the calling card)."""
    from unittest import mock

    from sorafilm_nb.story import plot_ending
    from sorafilm_nb.story.casting import MetaphorLibrary

    casting = cast(profile, MetaphorLibrary.load(theme))
    if star_gag:
        star = storyboard(casting, "silent-90", 88).shots[-1].cast
        played = dataclasses.replace(star, metaphor=casting.library.get(star_gag))
        entries = tuple(played if e is star else e for e in casting.entries)
        casting = dataclasses.replace(casting, entries=entries)
    for i in range(len(story_wordings()[theme].payoffs)):
        with mock.patch.object(
            plot_ending, "_by_fit", lambda pays, _r, _n, i=i: [*pays[i:], *pays[:i]]
        ):
            board = storyboard(casting, "silent-90", 88)
            yield board, render_prompts(board, Tier.MEDIUM)[-1]


def test_a_heist_ending_names_the_stars_prop_but_never_puts_it_in_the_vault(kiln_profile) -> None:  # type: ignore[no-untyped-def]
    """koa's heist ended "a calling card lies on the velvet beside the garage doors" under
    "Props: garage doors": the gags happen all over town, the ending in the vault, the car,
    the hideout. The star's prop is a step of the plan there, and the props listed are the
    ones its lines show."""
    seen = set()
    for board, prompt in _endings(kiln_profile, "heist", "heist.false-bottom-case"):
        thing = main_prop(board.shots[-1])
        assert thing in prompt.text  # still this film's ending
        listed = prompt.section("props").removeprefix("Props: ").rstrip(".")
        assert thing not in listed, (thing, prompt.text)
        for prop in filter(None, listed.split(", ")):
            assert prop.split()[-1] in prompt.section("actions"), (prop, prompt.text)
        assert not re.search(rf"\b(?:beside|past|with|by) the {re.escape(thing)}", prompt.text)
        seen.add(prompt.section("subject"))
    assert len(seen) >= 3, seen


@pytest.mark.parametrize("theme", THEMES)
def test_an_ending_plays_in_its_own_mood_and_the_themes_light(kiln_profile, theme: str) -> None:  # type: ignore[no-untyped-def]
    """The ending kept its gag's mood word ("mood: frantic" on the vault opening) and said
    "at dawn" under "Lighting: moonlight": its mood is the theme's ending mood, and no
    payoff names a time of day."""
    words = story_wordings()[theme]
    for _board, prompt in _endings(kiln_profile, theme):
        assert prompt.section("camera").endswith(f"; mood: {words.mood}."), prompt.text
    for payoff in words.payoffs:
        for text in (payoff.scene, *payoff.actions):
            assert not re.search(r"\b(dawn|dusk|night|morning|evening|sunset)\b", text), text


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("the guards swing the vault open", "at dawn the guards swing the vault open", "'dawn'"),
        ('props = ["calling card"]', 'props = ["calling card", "{thing}"]', "plain words"),
        ('props = ["calling card"]', 'props = ["getaway van"]', "plain words"),
        # "the walkie-talkies having done its part": the star's prop may be plural
        (
            "blink green as the last job is done",
            "blink green as the {thing} finishes its work",
            "agrees with a prop that may be plural",
        ),
        (
            "watches the great vault door swing open, the {thing} ticked off the plan",
            "watches the great vault door swing open, the {thing} has done it",
            "plural",
        ),
        # one rule with the links' (wording._THING_AGREES): the payoffs' copy let these by
        (
            "watches the great vault door swing open, the {thing} ticked off the plan",
            "watches the great vault door swing open, the {thing} are all set",
            "plural",
        ),
        (
            "watches the great vault door swing open, the {thing} ticked off the plan",
            "watches the great vault door swing open, the {thing} have done it",
            "plural",
        ),
    ],
)
def test_a_payoff_names_no_time_of_day_nor_agrees_with_its_prop_and_lists_its_props(
    tmp_path: Path, old: str, new: str, match: str
) -> None:
    from sorafilm_nb.datafiles import data_dir

    text = (data_dir() / "prompts" / "story.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "story.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=f"field 'payoffs'.*{match}"):
        story_wordings(str(path))


@pytest.mark.parametrize("gag", ["heist.floor-plan-overlay", "space.station-wakes-up"])
def test_an_ending_never_names_the_stars_prop_beside_a_thing_of_its_kind(
    kiln_profile, gag: str
) -> None:  # type: ignore[no-untyped-def]
    """pydantic's and marshmallow's heist films starred a tracing-paper plan and ended
    "swaps the jewel for a fake, ticking the tracing-paper plan ... off the plan": two
    plans, one a prop, one the crew's. A payoff whose own words name a thing of the star
    prop's kind (its head noun) gives way to the next picture."""
    theme = gag.split(".", 1)[0]
    casting = cast(kiln_profile, theme)
    star = storyboard(casting, "silent-90", 88).shots[-1].cast
    assert star is not None
    played = dataclasses.replace(star, metaphor=casting.library.get(gag))
    entries = tuple(played if e is star else e for e in casting.entries)
    for name in ("kiln", "potter", "wheelhouse", "glazer", "clayworks"):
        named = dataclasses.replace(casting, entries=entries)
        named = dataclasses.replace(named, profile=dataclasses.replace(named.profile, name=name))
        board = storyboard(named, "silent-90", 88)
        thing = main_prop(board.shots[-1])
        head = thing.split()[-1]
        prompt = render_prompts(board, Tier.STANDARD)[-1]
        said = " ".join((prompt.section("subject"), prompt.section("actions")))
        assert thing in said, (thing, said)  # still this film's ending
        others = re.sub(re.escape(thing), " ", said)
        assert not re.search(rf"\b{head}s?\b", others), (name, thing, said)


def test_three_props_in_a_row_read_as_a_list(kiln_profile) -> None:  # type: ignore[no-untyped-def]
    """flask's space film ended on "the model monorail track and the message canister and
    the master switch show every system green" on screen (the animatic's action line) and in
    the prompt: three things in a row are a list, "the A, the B and the C"."""
    casting = cast(kiln_profile, "space")
    star = storyboard(casting, "silent-90", 88).shots[-1].cast
    assert star is not None
    played = dataclasses.replace(star, metaphor=casting.library.get("space.main-switch"))
    entries = tuple(played if e is star else e for e in casting.entries)
    board = storyboard(dataclasses.replace(casting, entries=entries), "silent-90", 88)
    lines = _lines(render_prompts(board, Tier.STANDARD)[-1])
    named = [x for x in lines if "master switch" in x]
    assert named and all(" and the " in x for x in named), lines
    for line in named:
        assert not re.search(r"the [\w -]+ and the [\w -]+ and the ", line), line
    assert re.search(r"the [\w -]+, the [\w -]+ and the master switch", " ".join(lines)), lines
    # two stay as they are; a thing with "and" in its own name is not split
    from sorafilm_nb.story.plot_ending import _series

    assert _series("the a and the b show", ["a", "b"]) == "the a and the b show"
    assert (
        _series("the salt and pepper and the jug and the pan go", ["salt and pepper", "jug", "pan"])
        == "the salt and pepper, the jug and the pan go"
    )


def _first_payoff(theme: str, gag: str) -> str:
    """The ending scene a theme's gag picks as the star, the same for every project name."""
    from sorafilm_nb.story.casting import MetaphorLibrary
    from sorafilm_nb.story.plot_ending import _by_fit

    roles = MetaphorLibrary.load(theme).get(gag).roles
    pays = story_wordings()[theme].payoffs
    got = {_by_fit(pays, roles, n)[0].scene for n in _NAMES}
    assert len(got) == 1, got  # the gag's roles pick it, whatever the project's name
    return got.pop()


def test_a_heist_route_ends_in_the_tunnels_and_a_request_in_the_getaway_car() -> None:
    """The getaway car paid off 29 of the heist's 110 gags with an ending (sending, routing,
    streaming, cancelling), so 6 of the eval's 18 heist films drove off in it once the seeds
    were the projects' own names (11 of 40 seed salts above the quarter): a route, a
    redirect or a pipe now ends with the crew out through the old tunnels, and the car keeps
    what is sent and fetched (22 gags)."""
    pays = story_wordings()["heist"].payoffs

    def first(gag: str) -> str:
        return _first_payoff("heist", gag)

    for gag in ("heist.vent-route", "heist.orange-chute", "heist.readdress-parcel"):
        assert "tunnels" in first(gag), gag
    for gag in ("heist.dumbwaiter-message", "heist.telegraph-key", "heist.signal-to-the-van"):
        assert "drives off" in first(gag), gag
    getaway = next(p for p in pays if "drives off" in p.scene)
    assert not {"route", "router", "redirect", "stream", "transport"} & set(getaway.roles)


def test_a_kitchen_version_ends_in_the_pantry_and_a_cancel_by_the_simmering_stove() -> None:
    """With semver and tenacity in the eval, 7 of its 20 kitchen films ended on the brigade of
    cooks: the four command-line tools by their roles, and axios' snatched kettle (cancel),
    semver's jam jars by batch (version) and tenacity's stamped parcel (header) because no
    kitchen payoff named any of their roles, so the name's turn fell on the brigade. A
    version, a batch or a label now ends with the preserves shelved in order, a cancel, a
    timeout or a retry with every pot simmering and none boiling over."""

    def first(gag: str) -> str:
        return _first_payoff("kitchen", gag)

    for gag in ("kitchen.jam-jars-by-batch", "kitchen.parcel-with-stamps"):
        assert "pantry shelves" in first(gag), gag
    assert "none boils over" in first("kitchen.snatch-kettle")
    for gag in ("kitchen.wind-up-cook", "kitchen.flags-in-the-pie"):
        assert "brigade" in first(gag), gag  # the command-line tools keep theirs


def _where(theme: str) -> str:
    from sorafilm_nb.story.casting import MetaphorLibrary

    style = MetaphorLibrary.load(theme).style
    return f"{style.look}. {style.setting}. {style.lighting}"


@pytest.mark.parametrize("theme", THEMES)
def test_no_payoff_contradicts_its_themes_setting(theme: str) -> None:
    """Every space shot says "a round porthole full of stars", yet films ended "bobs in the
    capsule after splashdown ... as sailors wave from a ship" or "the rocket lifts off": an
    ending happens where the theme's look, Setting and Lighting lines say (wording.clash)."""
    from sorafilm_nb.story.wording import clash

    where = _where(theme)
    for payoff in story_wordings()[theme].payoffs:
        text = " ".join((payoff.scene, *payoff.actions))
        assert not clash(where, text), (theme, clash(where, text))


_SPLASH = (
    "{hero} bobs in the capsule after splashdown, the {thing} safe on board, as sailors wave"
    " from a ship"
)


def test_a_payoff_that_cannot_happen_in_the_setting_is_never_the_ending(kiln_profile) -> None:  # type: ignore[no-untyped-def]
    """The splashdown picture: the ending of a kitchen film (nothing there says it cannot
    be), never of a space film, which then plays its encore."""
    from unittest import mock

    from sorafilm_nb.story import plot_ending
    from sorafilm_nb.story.casting import MetaphorLibrary
    from sorafilm_nb.story.wording import Payoff, clash

    splash = Payoff(_SPLASH, ("the capsule splashes down", "{hero} waves to the sailors"))
    assert "splashdown" in clash(_where("space"), _SPLASH)
    assert clash("a round porthole full of stars", "the rocket lifts off") == (
        "'lifts off' cannot happen where the setting shows 'stars'"
    )
    assert not clash(_where("kitchen"), _SPLASH)
    assert not clash(_where("space"), "{hero} waves at the moon")  # "waves": not the sea
    endings = {}
    for theme in ("kitchen", "space"):
        words = dataclasses.replace(story_wordings()[theme], payoffs=(splash,))
        with mock.patch.object(plot_ending, "wording_for", lambda _b, w=words: w):
            board = storyboard(cast(kiln_profile, MetaphorLibrary.load(theme)), "silent-90", 88)
            assert board.shots[-1].reprise
            endings[theme] = render_prompts(board, Tier.MEDIUM)[-1].text
    assert "splashdown" in endings["kitchen"]
    assert "splashdown" not in endings["space"] and "sailors" not in endings["space"]
