"""Story templates and storyboards: legal clip lengths, totals near the target, beats in order."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from story_fixtures import make_casting

from sorafilm_nb.datafiles import packaged
from sorafilm_nb.errors import DataFileError, PlanError
from sorafilm_nb.story.boards import (
    LEGAL_SECONDS,
    StoryTemplate,
    beat_units,
    film_seconds,
    split_units,
    storyboard,
)
from sorafilm_nb.story.plot import CONCEPT_ONLY, star

TEMPLATES = {name: StoryTemplate.load(name) for name in packaged("stories")}
CASTINGS = {n: make_casting(n) for n in (0, 1, 3, 10)}


def test_the_three_templates_ship_and_load() -> None:
    assert {"silent-90", "teaser-30", "single-12"} <= set(TEMPLATES)
    silent = TEMPLATES["silent-90"]
    assert [b.name for b in silent.beats] == [
        "what it is for",
        "how it is used",
        "the trouble",
        "the rescue",
        "the promise kept",
    ]
    assert silent.beats[2].features == ("exception",)
    assert abs(sum(b.share for b in silent.beats) - 1) < 1e-9
    assert all(b.camera for t in TEMPLATES.values() for b in t.beats)
    assert TEMPLATES["single-12"].target_seconds == 12


def test_every_template_and_target_gives_legal_clips_near_the_target() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(
        name=st.sampled_from(sorted(TEMPLATES)),
        target=st.integers(4, 120),
        n=st.sampled_from(sorted(CASTINGS)),
    )
    def check(name: str, target: int, n: int) -> None:
        tpl = TEMPLATES[name]
        if tpl.min_seconds() - target > 4:  # more beats than 4 s clips allow: a clear error
            with pytest.raises(PlanError, match=r"shortest film is \d+ s of video"):
                storyboard(CASTINGS[n], tpl, target)
            return
        board = storyboard(CASTINGS[n], tpl, target)
        tpl = board.template  # as this film tells it (a film with no error has no "rescue")
        assert all(s.seconds in LEGAL_SECONDS for s in board.shots)
        assert board.timed_seconds == film_seconds(tpl, target)
        # no shot without a concept while there is one to cast: a film with too few concepts
        # is shorter than asked, and only once every concept it shows plays its longest clip
        short = board.seconds < board.timed_seconds
        if n:
            assert all(s.cast is not None for s in board.shots)
            assert board.seconds <= board.timed_seconds
            assert not short or all(s.seconds == max(LEGAL_SECONDS) for s in board.shots)
        else:
            assert not short
        if not short:
            assert abs(board.seconds - target) <= 4  # within the shortest clip, not just one clip
        assert [s.index for s in board.shots] == list(range(len(board.shots)))
        # beats keep their order; every beat appears but one whose part is a concept it lacks,
        # or, in a film cut short or with fewer concepts than beats, one no concept was left for
        order = [tpl.beats.index(board.beat(s.beat)) for s in board.shots]
        assert order == sorted(order)
        few = short or len({id(s.cast) for s in board.shots}) < len(tpl.beats)
        for i, beat in enumerate(tpl.beats):
            assert i in order or beat.role in CONCEPT_ONLY or (n and few), beat.name
        # proportions: each beat within one 4 s step of its share, unless raised to its one clip;
        # a beat whose part is a concept shrinks to 12 s a concept, and the others take its time
        for beat in tpl.beats:
            got = sum(s.seconds for s in board.shots if s.beat == beat.name)
            cast_in = sum(1 for s in board.shots if s.beat == beat.name and s.cast)
            if short:
                assert got <= 12 * cast_in
            elif n == 0 or not any(b.role in CONCEPT_ONLY for b in tpl.beats):
                assert abs(got - beat.share * board.seconds) < 4 or got == 4
            elif beat.role in CONCEPT_ONLY:
                assert got <= 12 * cast_in
            else:  # below its share only when each of its concepts plays its longest clip
                assert got - beat.share * board.seconds > -4 or got in (4, 12 * cast_in)
        # nothing lost: every cast entry is in a shot or in unused, exactly once, but the star:
        # the ending may be its reprise, and only the film's last shot is one
        shown = [s.cast for s in board.shots if s.cast is not None and not s.reprise]
        assert len(shown) + len(board.unused) == len(CASTINGS[n].entries)
        assert len({id(e) for e in shown}) == len(shown)
        for s in board.shots:
            if s.reprise:
                assert s is board.shots[-1] and any(x.cast is s.cast for x in board.shots[:-1])
        assert all(s.title for s in board.shots)

    check()


def test_proportions_are_close_when_time_allows() -> None:
    tpl = TEMPLATES["silent-90"]
    for target in range(40, 121, 4):
        units = beat_units(tpl, target)
        for u, beat in zip(units, tpl.beats, strict=True):
            assert abs(u - beat.share * target / 4) < 1, (target, units)


def test_total_rounding_ties_go_down_and_short_targets_are_raised() -> None:
    tpl = TEMPLATES["silent-90"]
    assert film_seconds(tpl, 90) == 88  # tie between 88 and 92: the cheaper one
    assert film_seconds(tpl, 91) == 92
    assert film_seconds(tpl, 16) == 20  # five beats need 20 s; 4 s over is allowed
    with pytest.raises(PlanError, match=r"shortest film is 20 s of video.*teaser-30") as info:
        film_seconds(tpl, 15)
    # one number in one unit (issues ux 5, faces2 1): the film's length is the advice, and
    # asking for it works; no second figure ("ask for 16 s") to read as another unit
    said = str(info.value)
    assert "Ask for 20 s or more" in said and "16" not in said
    assert film_seconds(tpl, 20) == 20


@pytest.mark.parametrize("target", [0, -8, 3, 121, 1000])
def test_targets_outside_4_to_120_are_refused(target: int) -> None:
    with pytest.raises(PlanError, match="4 to 120 seconds"):
        storyboard(CASTINGS[3], "single-12", target)


def test_non_integer_target_is_refused() -> None:
    with pytest.raises(PlanError, match="whole number"):
        storyboard(CASTINGS[3], "single-12", 12.5)  # type: ignore[arg-type]


def test_split_prefers_long_clips() -> None:
    assert split_units(6, 2) == [3, 3]
    assert split_units(7, 3) == [3, 2, 2]
    assert split_units(5, 3) == [2, 2, 1]
    with pytest.raises(PlanError):
        split_units(7, 2)


def test_the_design_example_lands_in_the_error_cascade_as_8_seconds() -> None:
    board = storyboard(CASTINGS[10], "silent-90", 96)
    milk = next(s for s in board.shots if s.cast and s.cast.metaphor.id == "kitchen.milk-wont-pour")
    assert milk.beat == "the trouble"
    assert milk.seconds == 8 and milk.size == "1280x720" and milk.model == "sora-2"
    assert milk.title == "ImportError: the milk carton that will not pour"
    # the title is a card (a still before the first shot), not a paid clip
    assert board.shots[0].card == "recorder" and board.shots[0].cast is not None
    assert sum(1 for s in board.shots if s.card == "recorder") == 1
    # every exception entry is in the error cascade, and only there
    for s in board.shots:
        if s.cast:
            assert (s.cast.concept.kind == "exception") == (s.beat == "the trouble"), s
    assert board.seconds == 96 and not board.unused


def test_single_12_is_one_shot_of_the_most_central_code_concept() -> None:
    """The one shot is the star (plot.star), never an error class: zod's ZodError ranked
    first and filled the whole film (this casting's first entry is ImportError)."""
    board = storyboard(CASTINGS[10], "single-12")
    assert [(s.seconds, s.cast is not None) for s in board.shots] == [(12, True)]
    assert CASTINGS[10].entries[0].concept.kind == "exception"
    assert board.shots[0].cast is star(CASTINGS[10].entries)
    assert board.shots[0].cast.concept.kind != "exception"
    assert len(board.unused) == 9


def test_no_concepts_gives_distinct_filler_shots() -> None:
    board = storyboard(CASTINGS[0], "silent-90", 96)
    titles = [s.title for s in board.shots]
    assert len(set(titles)) == len(titles)
    assert all(s.cast is None for s in board.shots)
    assert all(s.caption for s in board.shots)  # each still says something of the project
    trouble = [s.caption for s in board.shots if s.beat == "the trouble"]
    assert len(trouble) >= 2 and len(set(trouble)) == len(trouble)  # a caption list, in turn


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """
id = "mine"
title = "Mine"
target_seconds = 24
[[beat]]
name = "one"
purpose = "p"
share = 0.5
camera = "wide shot"
[[beat]]
name = "two"
purpose = "p"
share = 0.5
camera = "close-up"
features = ["exception"]
"""


def test_a_user_template_loads_from_a_path(tmp_path: Path) -> None:
    tpl = StoryTemplate.load(_write(tmp_path, GOOD))
    assert tpl.id == "mine" and [b.share for b in tpl.beats] == [0.5, 0.5]
    board = storyboard(CASTINGS[3], tpl)
    assert board.seconds == 24


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            ('share = 0.5\ncamera = "close-up"', 'share = 0.3\ncamera = "close-up"'),
            r"field 'share': the beats' shares sum to 0.800",
        ),
        (
            ('features = ["exception"]', 'features = ["exceptions"]'),
            r"entry 'beat 2 \(two\)', field 'features': unknown concept kind 'exceptions'",
        ),
        (('name = "two"', 'name = "one"'), r"entry 'beat 2', field 'name': two beats"),
        (("target_seconds = 24", "target_seconds = 200"), r"field 'target_seconds'"),
        (
            ('camera = "wide shot"', "camera = 3"),
            r"entry 'beat 1 \(one\)', field 'camera': "
            r"expected str",
        ),
        (
            (
                'purpose = "p"\nshare = 0.5\ncamera = "wide shot"',
                'purpose = "p"\nshares = 0.5\ncamera = "wide shot"',
            ),
            r"entry 'beat 1 \(one\)', field 'shares': unknown field",
        ),
        (
            ('share = 0.5\ncamera = "wide shot"', 'share = 0\ncamera = "wide shot"'),
            r"field 'share': must be above 0",
        ),
        (('id = "mine"', 'id = "Mine Template"'), r"field 'id'"),
    ],
)
def test_malformed_templates_name_file_entry_and_field(
    tmp_path: Path, change: tuple[str, str], match: str
) -> None:
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    path = _write(tmp_path, text)
    with pytest.raises(DataFileError, match=match) as info:
        StoryTemplate.load(path)
    assert str(path) in str(info.value)


def test_unknown_template_lists_the_packaged_ones() -> None:
    with pytest.raises(DataFileError, match="packaged: silent-90, single-12, teaser-30"):
        StoryTemplate.load("silent-900")


def test_template_that_cannot_fit_says_why() -> None:
    with pytest.raises(PlanError, match="has 5 beats of at least one 4 s clip each"):
        storyboard(CASTINGS[3], "silent-90", 8)


def test_a_too_short_target_suggests_only_templates_that_fit_never_itself() -> None:
    teaser = TEMPLATES["teaser-30"]
    with pytest.raises(PlanError) as info:
        film_seconds(teaser, 5)
    msg = str(info.value)
    assert "'single-12'" in msg and "such as 'teaser-30'" not in msg and "or 'teaser-30'" not in msg
    # one figure: the film's shortest length is the target to ask for, and it works
    assert "Ask for 12 s or more" in msg and "shortest film is 12 s of video" in msg
    assert film_seconds(teaser, 12) == 12
    silent = TEMPLATES["silent-90"]
    with pytest.raises(PlanError) as info:
        film_seconds(silent, 4)
    msg = str(info.value)
    assert "'single-12'" in msg and "'teaser-30'" not in msg  # teaser needs 8 s, not 4
    assert "silent-90'" in msg.split(";")[0] or "template 'silent-90'" in msg


# A template is shared by every theme: its scene and action lines for uncast shots must not
# name a costume or set piece some theme lacks (the astronaut has no hat to hang on a peg,
# a capsule has no dust to settle), nor a second camera effect (the beat has its camera line).
_THEME_SPECIFIC = {"hat", "cap", "peg", "room", "dust", "iris", "irises", "kitchen", "cup"}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_lines_fit_every_theme(name: str) -> None:
    found = []
    for beat in TEMPLATES[name].beats:
        for line in (beat.scene, *beat.actions):
            words = set(re.findall(r"[a-z]+", line.lower()))
            if words & _THEME_SPECIFIC:
                found.append(f"{beat.name}: {line}")
    assert not found, "\n".join(found)


def test_a_long_gag_title_is_cut_at_a_phrase_boundary_not_mid_phrase() -> None:
    """The title names the shot in tables: "...a cascade of falling" reads broken."""
    from sorafilm_nb.story.boards import gag_title

    casting = make_casting(1)
    e = casting.entries[0]

    def title(gag: str, name: str = "ApiError") -> str:
        concept = dataclasses.replace(e.concept, name=name)
        return gag_title(dataclasses.replace(e, concept=concept, custom_gag=gag))

    apron = title("an apron held out to catch a cascade of falling eggs from the top shelf")
    assert apron == "ApiError: the apron held out to catch a cascade…"
    icebox = title(
        "an overstuffed icebox that bursts open when one more egg is squeezed in", "size"
    )
    assert icebox == "size: the overstuffed icebox that bursts open…"
    assert (
        title("a jam jar lid that will not open") == "ApiError: the jam jar lid that will not open"
    )
    # a comma between two adjectives ("a cold, dark ...") does not end the title at "the cold"
    station = title("a cold, dark space station woken module by module, the lights flickering")
    assert station.startswith("ApiError: the cold, dark space station"), station
    # no phrase boundary late enough: cut at a word, as before
    long = title("a supercalifragilisticexpialidocious-contraption-of-levers-and-pulleys thing")
    assert long.endswith("…") and len(long) <= 60


def test_clip_lengths_come_from_the_capabilities_file_and_fit_the_timing_rules() -> None:
    """One home for the API's clip lengths: boards, themes and lint read capabilities; the
    timing (1-3 units per clip) holds only while they are one, two and three units."""
    from sorafilm_nb import capabilities
    from sorafilm_nb.story import boards

    assert LEGAL_SECONDS == capabilities.clip_seconds() == (4, 8, 12)
    assert tuple(boards.UNIT * k for k in (1, 2, 3)) == LEGAL_SECONDS
    for model in ("sora-2", "sora-2-pro"):
        assert set(LEGAL_SECONDS) <= set(capabilities.for_model("openai", model).seconds)


# -- the story built from the project (issue 12 item 3), on a small repository -------------

TINY_README = """# Tiny

Tiny is a small library for brewing tea. It keeps the kettle honest.

```python
from tiny import Kettle, pour

kettle = Kettle()
pour(kettle)
```
"""
TINY = {
    "pyproject.toml": '[project]\nname = "tiny"\nversion = "1.0"\n',
    "tiny/__init__.py": (
        '"""Tiny: tea."""\nfrom .core import Cup, Kettle, Strainer, pour\n'
        "from .errors import CupOverflowError, KettleEmptyError, TinyError\n"
    ),
    "tiny/core.py": """\"\"\"The kettle and the cups.\"\"\"
from .errors import CupOverflowError, KettleEmptyError


class Kettle:
    \"\"\"Boils water for one pot of tea, whatever the stove.\"\"\"

    def boil(self):
        if not self.water:
            raise KettleEmptyError("empty")


class Cup:
    \"\"\"Holds the tea and measures each pour into the cup, so it never overflows.\"\"\"

    def fill(self, amount):
        if amount > 3:
            raise CupOverflowError("overflow")


class Strainer(Cup):
    \"\"\"A :class:`Cup` with a **fine** mesh that keeps the leaves out.\"\"\"


def pour(kettle):
    \"\"\"Pour the tea from the kettle into a cup.\"\"\"
    try:
        kettle.boil()
    except KettleEmptyError:
        pass
    Cup().fill(1)
""",
    "tiny/errors.py": """\"\"\"What goes wrong.\"\"\"


class TinyError(Exception):
    \"\"\"Base of every error in Tiny.\"\"\"


class KettleEmptyError(TinyError):
    \"\"\"Raised when the kettle has no water to boil.\"\"\"


class CupOverflowError(TinyError):
    \"\"\"Raised if the cup overflows during a pour.\"\"\"
""",
}


@pytest.fixture(scope="module")
def tiny_board(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from sorafilm_nb.analysis.profile import analyze
    from sorafilm_nb.story.casting import cast

    root = tmp_path_factory.mktemp("tiny")
    (root / "README.md").write_text(TINY_README, encoding="utf-8")
    for name, text in TINY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    profile = analyze(root, use_cache=False)
    return storyboard(cast(profile), "silent-90", 88)


def _names(board, beat: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.cast.concept.name for s in board.shots if s.cast and s.beat == beat]


def test_the_story_opens_on_the_readmes_first_concept_and_follows_its_order(tiny_board) -> None:  # type: ignore[no-untyped-def]
    """The opening shows what the README's example uses first (Kettle, then pour); the
    project's errors are the trouble; the ending quotes the README's own promise."""
    first = tiny_board.shots[0]
    promise = "Tiny: a small library for brewing tea"
    assert first.card == promise  # the title card: the name and what it is for
    assert first.cast and first.cast.concept.name == "Kettle"
    shown = [s.cast.concept for s in tiny_board.shots if s.cast]
    readme = [c.name for c in shown if c.readme_order >= 0 and c.kind != "exception"]
    order = [c.readme_order for c in shown if c.name in readme]
    # README concepts appear in README order, except the one cast as the centrepiece
    opening = _names(tiny_board, "what it is for") + _names(tiny_board, "how it is used")
    assert [n for n in opening if n in readme] == sorted(
        (n for n in opening if n in readme), key=lambda n: readme.index(n)
    )
    assert order and set(_names(tiny_board, "the trouble")) == {
        c.name for c in shown if c.kind == "exception"
    }
    # the ending's reprise says the promise (it sums up); the closing card names the film
    # (and how to get it: tiny says nowhere it is published, so the name alone)
    last = tiny_board.shots[-1]
    if last.reprise:
        assert last.caption == promise
    assert tiny_board.end_card == "Tiny"


def test_a_base_class_comes_before_the_classes_built_on_it(tiny_board) -> None:  # type: ignore[no-untyped-def]
    names = [s.cast.concept.name for s in tiny_board.shots if s.cast]
    if "Cup" in names and "Strainer" in names:
        assert names.index("Cup") < names.index("Strainer")
    from sorafilm_nb.story.plot import use_order

    entries = tuple(e for e in tiny_board.casting.entries if e.concept.kind != "exception")
    flipped = tuple(reversed(entries))  # rank order reversed: structure still wins
    ordered = [e.concept.name for e in use_order(flipped)]
    assert ordered[:2] == ["Kettle", "pour"]  # the README's order first
    assert ordered.index("Cup") < ordered.index("Strainer")


def test_the_centrepiece_rescues_only_by_what_it_does(tiny_board) -> None:  # type: ignore[no-untyped-def]
    """The centrepiece was the concept whose words the errors share most: a picture of
    nothing put right (axios' AxiosHeaders.get "got past" AxiosError on "axios" and
    "headers"). Now a concept rescues by what it does (scoring.rescues); tiny has none, so
    the beat is its big number, the best-ranked concept the README and the star leave."""
    from sorafilm_nb.story.compress import render_prompts
    from sorafilm_nb.story.plot import rescuer, use_order

    entries = tiny_board.casting.entries
    centre = [s for s in tiny_board.shots if tiny_board.beat(s.beat).role == "overcome"]
    assert centre and {s.beat for s in centre} == {"the big number"}
    order = use_order([e for e in entries if e.concept.kind != "exception"])
    assert centre[0].cast is rescuer(order, star(entries))
    assert not any("get past" in p.text for p in render_prompts(tiny_board))


def test_every_shot_names_something_from_the_project(tiny_board) -> None:  # type: ignore[no-untyped-def]
    """No filler that names nothing: concept shots carry their gloss, the others a line
    made of the project's facts; the tools beat opens on the language and entry point."""
    facts = {"Tiny", "Python", "import tiny"} | {e.concept.name for e in tiny_board.casting.entries}
    # the setup's concept shot teaches what its concept does; the promise opens the film (on
    # the title card) and the ending keeps it
    assert tiny_board.shots[0].caption == "Kettle: boils water for one pot of tea"
    assert tiny_board.shots[0].card == "Tiny: a small library for brewing tea"
    assert tiny_board.shots[-1].reprise
    assert tiny_board.shots[-1].caption == "Tiny: a small library for brewing tea"
    for s in tiny_board.shots:
        assert s.caption and any(f in s.caption for f in facts), s
        if s.cast and s.reprise:  # the ending's reprise sums up: the promise it kept
            assert s.caption == "Tiny: a small library for brewing tea"
        elif s.cast:
            assert (
                s.caption.startswith(s.cast.concept.name + ":") or s.caption == s.cast.concept.name
            )
            assert len(s.caption) <= 60
    tools = [s for s in tiny_board.shots if s.beat == "how it is used"]
    assert tools[0].card == "Python · import tiny"
    strainer = next(
        (s for s in tiny_board.shots if s.cast and s.cast.concept.name == "Strainer"), None
    )
    if strainer is not None:  # markup taken off: ":class:`Cup`" and "**fine**"
        assert strainer.caption == "Strainer: a Cup with a fine mesh that keeps the leaves out"


def test_a_template_without_roles_files_concepts_by_kind(tmp_path: Path) -> None:
    tpl = StoryTemplate.load(_write(tmp_path, GOOD))
    assert not any(b.role for b in tpl.beats)
    board = storyboard(CASTINGS[10], tpl, 24)
    for s in board.shots:
        if s.cast and s.cast.concept.kind == "exception":
            assert s.beat == "two"


def test_an_unknown_role_names_the_field(tmp_path: Path) -> None:
    text = GOOD.replace('name = "one"', 'name = "one"\nrole = "climax"')
    with pytest.raises(DataFileError, match=r"beat 1 \(one\).*field 'role': unknown role"):
        StoryTemplate.load(_write(tmp_path, text))
