"""Shot prompts: the guide's structure, one shared style block, compression that keeps action."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from story_fixtures import MILK, STYLE, make_casting

from sorafilm_nb.errors import DataFileError
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import CastEntry, Casting, MetaphorLibrary
from sorafilm_nb.story.compress import compress, ladder, render_prompts
from sorafilm_nb.story.compress_steps import LAST_RESORT
from sorafilm_nb.story.prompts import (
    SHARED,
    Tier,
    asks_for_text,
    hero_ref,
    join_sections,
    parse_tier,
    render_prompt,
    render_sections,
    tier_cap,
    wording,
)
from sorafilm_nb.story.tokens import count_tokens

BOARD = storyboard(make_casting(10), "silent-90", 96)
MILK_SHOT = next(s for s in BOARD.shots if s.cast and s.cast.metaphor is MILK)
TIMED = re.compile(r"^- (\d+)-(\d+) s: \S.*\.$")


def test_the_design_example_reads_like_a_storyboard_panel() -> None:
    p = render_prompt(MILK_SHOT, BOARD)
    lines = p.text.splitlines()
    assert lines[0] == (
        "Style: 1920s silent-film comedy, 18 fps hand-cranked look, warm sepia, "
        "soft vignette, film grain."
    )
    assert lines[1] == "Palette: sepia, cream, charcoal, a touch of faded red."
    assert lines[2] == ""
    # no cause: nothing in the code links this error to the shot before (causes.py says
    # none rather than "Because the bread knife made breakfast look easy")
    assert lines[3] == (
        "A cramped 1920s kitchen at breakfast. A programmer in braces and a bowler hat is busy "
        "with a milk carton that will not pour, however hard it is shaken. Props: milk carton, "
        "empty glass, breakfast table."
    )
    assert lines[4] == ""
    assert lines[5].startswith(
        "Cinematography: medium shot, locked-off camera at eye level, 35 mm lens"
    )
    assert lines[6] == "Actions:"
    timed = [TIMED.match(x) for x in lines[7:10]]
    assert all(timed), lines[7:10]
    spans = [(int(m.group(1)), int(m.group(2))) for m in timed if m]
    assert spans == [(0, 3), (3, 6), (6, 8)]  # the clip's 8 s, in order, no gaps
    assert lines[10] == "Lighting: morning window light from the left, gentle falloff."
    # the fixture's "intertitles only" is an older silent theme: no card, but no speech
    assert lines[11] == "Sound: no dialogue."
    assert len(lines) == 12
    assert [k for k, _ in p.sections] == [
        "style",
        "palette",
        "setting",
        "hero",
        "subject",
        "props",
        "camera",
        "actions",
        "lighting",
        "sound",
    ]
    assert p.tokens == p.tokens_before == count_tokens(p.text) and p.fits and p.ratio == 1.0


def test_timed_beats_fit_each_clip_length() -> None:
    for shot in BOARD.shots:
        actions = dict(render_sections(shot, BOARD))["actions"].splitlines()[1:]
        ends = [int(TIMED.match(x).group(2)) for x in actions]  # type: ignore[union-attr]
        assert ends[-1] == shot.seconds and ends == sorted(ends)
        assert len(actions) <= shot.seconds // 2  # at most one action per 2 s


@pytest.mark.parametrize("tier", [*Tier, 120, 60])
def test_every_shot_shares_one_style_block_at_every_tier(tier: Tier | int) -> None:
    prompts = render_prompts(BOARD, tier)
    assert len(prompts) == len(BOARD.shots)
    for name in SHARED - {"sound"}:
        # the protagonist's article is lower-case after the shot's cause, capitalised where
        # the cause is cut (the last resort of a tight tier): the same words either way
        assert len({_lead_folded(p.section(name)) for p in prompts}) == 1, name
    assert prompts[0].text.startswith("Style: 1920s silent-film comedy")


def _lead_folded(text: str) -> str:
    return text[:1].lower() + text[1:]


def test_standard_keeps_everything_and_ultra_low_really_compresses() -> None:
    full = [render_prompt(s, BOARD) for s in BOARD.shots]
    standard = render_prompts(BOARD, Tier.STANDARD)
    assert [p.text for p in standard] == [p.text for p in full]
    assert all(p.steps == () for p in standard)
    ultra = render_prompts(BOARD, Tier.ULTRA_LOW)
    assert all(p.fits == (p.tokens <= Tier.ULTRA_LOW.tokens) for p in ultra)
    # every shot fits the tightest tier: where the prose steps are not enough, the last
    # resort (compress_steps.LAST_RESORT) cuts the props line, the mood, the cause, ... in order
    # (before, 3 of this film's shots stayed over: hero, sound, cause and props were uncut)
    assert all(p.fits for p in ultra)
    assert all(p.ratio < 0.8 for p in ultra)
    assert sum(p.tokens for p in ultra) < sum(p.tokens for p in render_prompts(BOARD, Tier.LOW))
    assert [t.tokens for t in Tier] == sorted(t.tokens for t in Tier)


def test_compression_never_drops_action_or_camera_and_meets_the_cap_or_says_so() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None)
    @given(cap=st.integers(1, 450), index=st.integers(0, len(BOARD.shots) - 1))
    def check(cap: int, index: int) -> None:
        sections = render_sections(BOARD.shots[index], BOARD)
        c = compress(sections, cap)
        kept = dict(c.sections)
        assert kept["actions"] == dict(sections)["actions"]
        # the camera's shot size and move are never cut (the mood, lens and focus may be, last)
        assert kept["camera"] == dict(sections)["camera"] or {
            "camera mood",
            "lens and focus",
        } & set(c.steps)
        assert _camera_core(kept["camera"]) == _camera_core(dict(sections)["camera"])
        assert ("Lighting:" in c.text) != ("lighting" in c.steps) and c.text.startswith("Style:")
        assert c.tokens == count_tokens(c.text) and c.tokens_before == count_tokens(
            render_prompt(BOARD.shots[index], BOARD).text
        )
        assert c.fits == (c.tokens <= cap)
        if not c.fits:  # every step was tried before giving up: none changes anything now
            assert all(step.apply(dict(c.sections)) == dict(c.sections) for step in ladder())
        assert compress(sections, cap) == c  # deterministic
        names = [s.name for s in ladder()]
        assert [names.index(s) for s in c.steps] == sorted(names.index(s) for s in c.steps)

    check()


def _camera_core(text: str) -> str:
    from sorafilm_nb.story.compress_steps import _MOOD
    from sorafilm_nb.story.compress_steps import _camera_core as core

    return core(_MOOD.sub("", text))


def test_an_impossible_cap_reports_before_after_and_fits_false() -> None:
    c = compress(render_sections(MILK_SHOT, BOARD), 20)
    assert not c.fits and c.tokens > 20 and c.tokens < c.tokens_before
    assert 0 < c.ratio < 1
    for line in render_sections(MILK_SHOT, BOARD):
        if line[0] == "actions":
            assert line[1] in c.text
        if line[0] == "camera":
            assert _camera_core(line[1]) in c.text
    prompts = render_prompts(BOARD, 20)
    assert not any(p.fits for p in prompts) and all(p.cap == 20 for p in prompts)


def test_least_important_parts_go_first() -> None:
    sections = render_sections(MILK_SHOT, BOARD)
    full = count_tokens(render_prompt(MILK_SHOT, BOARD).text)
    light = compress(sections, full - 5)
    assert light.steps == ("secondary clauses",)
    assert "however hard it is shaken" not in light.text and "Props: milk carton" in light.text
    # the tightest cap the prose steps reach alone (the last resort cuts the props line)
    floor = dict(sections)
    for step in ladder():
        if step not in LAST_RESORT:
            floor = step.apply(floor)
    heavy = compress(sections, count_tokens(join_sections(tuple(floor.items()))))
    assert not set(heavy.steps) & {s.name for s in LAST_RESORT}
    assert "Style: 1920s silent-film comedy." in heavy.text
    # the props the actions use stay ("reaches for the milk carton"), the others go
    assert "Props: milk carton." in heavy.text and "breakfast table" not in heavy.text


def test_tiers_parse_from_cli_spellings_and_numbers() -> None:
    assert parse_tier("ultra-low") is Tier.ULTRA_LOW
    assert parse_tier("STANDARD") is Tier.STANDARD
    assert parse_tier("250") == 250 and tier_cap(250) == 250
    assert parse_tier(Tier.LOW) is Tier.LOW and Tier.LOW.label == "low"
    for bad in ("cheap", "0", -3, True):
        with pytest.raises(ValueError, match=r"tier|token cap"):
            parse_tier(bad)  # type: ignore[arg-type]


def test_a_metaphors_own_actions_are_retimed_and_capped() -> None:
    own = dataclasses.replace(
        MILK,
        actions=(
            "0-1 s: he lifts the carton",
            "he shakes it",
            "he peers into the spout",
            "he shrugs",
            "he sighs",
        ),
    )
    casting = make_casting(1)
    entry = dataclasses.replace(casting.entries[0], metaphor=own)
    board = storyboard(dataclasses.replace(casting, entries=(entry,)), "single-12", 8)
    actions = dict(render_sections(board.shots[0], board))["actions"]
    assert actions.splitlines() == [
        "Actions:",
        "- 0-3 s: he lifts the carton.",
        "- 3-6 s: he shakes it.",
        "- 6-8 s: he peers into the spout.",
    ]


def test_a_theme_with_sound_gets_a_sound_line_not_an_intertitle() -> None:
    casting = make_casting(2)
    style = dataclasses.replace(STYLE, sound="kettle hiss and a ticking clock, no dialogue")
    lib = MetaphorLibrary("k", "K", style, casting.library.metaphors)
    board = storyboard(Casting(casting.profile, lib, casting.entries), "single-12")
    text = render_prompt(board.shots[0], board).text
    assert text.splitlines()[-1] == "Sound: kettle hiss and a ticking clock, no dialogue."
    assert "Intertitle" not in text


def _custom_gag_prompt(gag: str) -> str:
    casting = make_casting(1)
    e = casting.entries[0]
    custom = CastEntry(e.concept, e.metaphor, e.score, custom_gag=gag)
    board = storyboard(Casting(casting.profile, casting.library, (custom,)), "single-12")
    return render_prompt(board.shots[0], board).text


def test_quotes_in_a_gag_stay_in_the_scene_and_no_prompt_asks_for_text() -> None:
    text = _custom_gag_prompt('a milk carton nicknamed "Old Faithful"')
    assert 'is busy with a milk carton nicknamed "Old Faithful".' in text
    assert "Intertitle" not in text and not asks_for_text(text)


def test_a_gag_that_asks_for_a_label_keeps_it_and_is_found() -> None:
    """The user's own words go in as written; asks_for_text (lint's on-screen-text) finds
    the label they ask the model to draw."""
    text = _custom_gag_prompt('a carton marked "MILK"')
    assert 'is busy with a carton marked "MILK".' in text
    assert "Intertitle" not in text and asks_for_text(text)


def test_uncast_shots_are_distinct_and_the_title_is_a_card_not_a_prompt() -> None:
    board = storyboard(make_casting(0, title="Recorder Deluxe"), "silent-90", 96)
    texts = [p.text for p in render_prompts(board, Tier.STANDARD)]
    assert len(set(texts)) == len(texts)
    assert board.shots[0].card == "Recorder Deluxe"
    assert not any("Recorder Deluxe" in t for t in texts)
    assert "{" not in "".join(texts)


def test_hero_ref() -> None:
    assert hero_ref("a programmer in braces and a bowler hat") == "the programmer"
    assert hero_ref("An old chef with a ladle") == "the old chef"
    assert hero_ref("") == "the hero"


def test_a_malformed_wording_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "prompts.toml"
    bad.write_text('droppable = ["x"]\n[tone.default]\nactions = ["a", "b"]\n')
    with pytest.raises(DataFileError, match=r"entry 'tone.default', field 'actions'"):
        wording(str(bad))
    assert len(wording().tones["slapstick"]) == 4


def test_counting_piece_by_piece_equals_counting_the_whole_prompt() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(
        index=st.integers(0, len(BOARD.shots) - 1),
        keep=st.lists(st.booleans(), min_size=11, max_size=11),
        cap=st.integers(60, 260),
    )
    def check(index: int, keep: list[bool], cap: int) -> None:
        from sorafilm_nb.story.prompts import section_tokens

        full = render_sections(BOARD.shots[index], BOARD)
        subset = tuple(s for s, k in zip(full, keep, strict=False) if k) or full
        assert section_tokens(subset) == count_tokens(join_sections(subset))
        c = compress(full, cap)
        assert section_tokens(c.sections) == count_tokens(c.text) == c.tokens

    check()


def test_piece_counting_holds_for_every_packaged_theme() -> None:
    from sorafilm_nb.story.casting import MetaphorLibrary
    from sorafilm_nb.story.prompts import section_tokens

    casting = make_casting(10)
    for theme in MetaphorLibrary.themes():
        lib = MetaphorLibrary.load(theme)
        board = storyboard(Casting(casting.profile, lib, casting.entries), "silent-90", 96)
        for shot in board.shots:
            for tier in (Tier.STANDARD, Tier.ULTRA_LOW, 40):
                c = compress(render_sections(shot, board), tier_cap(tier))
                assert section_tokens(c.sections) == count_tokens(c.text), (theme, shot.index)


@pytest.mark.parametrize("tier", [*Tier, 120, 40])
def test_render_prompts_equals_the_plain_two_pass_compression(tier: Tier | int) -> None:
    from sorafilm_nb.story.compress import shared_level

    cap = tier_cap(tier)
    full = [render_sections(s, BOARD) for s in BOARD.shots]
    level = max(shared_level(s, cap) for s in full)
    expected = [compress(s, cap, shared_steps=level) for s in full]
    got = render_prompts(BOARD, tier)
    assert [(p.text, p.tokens, p.tokens_before, p.fits, p.steps) for p in got] == [
        (c.text, c.tokens, c.tokens_before, c.fits, c.steps) for c in expected
    ]


def test_a_custom_gag_plays_generic_actions_not_the_old_metaphors() -> None:
    """A typed gag replaces the whole metaphor on screen: the old metaphor's own timed
    actions, its props and its mood would show a different gag in the same shot."""
    own = dataclasses.replace(
        MILK,
        actions=(
            "{hero} tips the milk carton over the glass",
            "shakes it harder and peers into the spout",
            "shrugs at the camera",
        ),
    )
    casting = make_casting(1)
    e = dataclasses.replace(casting.entries[0], metaphor=own)
    typed = dataclasses.replace(e, custom_gag="a teapot that whistles a warning")
    for entry, expect_milk in ((e, True), (typed, False)):
        board = storyboard(Casting(casting.profile, casting.library, (entry,)), "single-12", 8)
        parts = dict(render_sections(board.shots[0], board))
        text = "\n".join(parts.values()).lower()
        assert ("milk" in text) is expect_milk, text
        assert ("carton" in text) is expect_milk, text
    assert "teapot that whistles a warning" in parts["subject"]
    assert "teapot that whistles a warning" in parts["actions"]
    assert "props" not in parts and "mood" not in parts["camera"]
    assert len(parts["actions"].splitlines()) == 4  # "Actions:" and three timed beats
    assert "{" not in parts["actions"]


def test_custom_lines_with_a_prop_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "prompts.toml"
    four = '["{hero} takes the {prop}", "it happens: {gag}", "again", "a look"]'
    bad.write_text(
        f'droppable = ["x"]\n[tone.default]\nactions = {four}\n[custom]\nactions = {four}\n'
    )
    with pytest.raises(DataFileError, match=r"entry 'custom', field 'actions'.*\{prop\}"):
        wording(str(bad))
    assert "{prop}" not in "".join(wording().custom)


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
@pytest.mark.parametrize("template", ["silent-90", "teaser-30", "single-12"])
def test_no_prompt_asks_the_model_for_words_on_screen(theme: str, template: str) -> None:
    """Video models garble text: titles and captions are ours (Shot.card, Shot.caption), so
    no prompt carries an intertitle, an on-screen title or a quoted line to draw."""
    casting = make_casting(10, title="Recorder Deluxe")
    lib = MetaphorLibrary.load(theme)
    board = storyboard(Casting(casting.profile, lib, casting.entries), template)
    for tier in (Tier.STANDARD, Tier.ULTRA_LOW):
        for p in render_prompts(board, tier):
            assert not asks_for_text(p.text), p.text
            assert "Intertitle" not in p.text and "On-screen" not in p.text
            assert "Recorder Deluxe" not in p.text
    assert board.shots[0].card == "Recorder Deluxe"


def test_asks_for_text_finds_the_requests_lint_should_flag() -> None:
    assert asks_for_text('Style: x.\nIntertitle: "Then everything went wrong"')
    assert asks_for_text('On-screen title: "Recorder"')
    assert asks_for_text("Sound: a piano; title cards between scenes.")
    assert not asks_for_text("Sound: a jaunty ragtime piano; no dialogue.")
    assert asks_for_text('A carton marked "MILK" sits on the table.')  # a label to read


@pytest.mark.parametrize("template", ["silent-90", "teaser-30", "single-12"])
def test_no_two_shots_share_a_prompt_at_any_length(template: str) -> None:
    """Filler shots rotate through their beat's lines, then take unused metaphors of the
    theme: a long film of a small repository must not pay twice for the same clip."""
    from sorafilm_nb.errors import PlanError

    for cast_count in (0, 2, 6):
        casting = make_casting(cast_count)
        for target in range(4, 121, 4):
            try:
                board = storyboard(casting, template, target)
            except PlanError:
                continue  # too short for this template: its own test
            texts = [p.text for p in render_prompts(board, Tier.STANDARD)]
            dupes = len(texts) - len(set(texts))
            assert not dupes, (template, cast_count, target, [s.title for s in board.shots])


def test_a_filler_past_its_beats_lines_plays_an_unused_metaphor_of_the_theme() -> None:
    casting = make_casting(0)
    board = storyboard(casting, "single-12", 48)  # four fillers of a one-beat template
    texts = [p.text for p in render_prompts(board, Tier.STANDARD)]
    pool = len(board.template.beats[0].actions)
    spare = [t for t in texts[pool:] if " is busy with " in t and "Props:" in t]
    assert len(spare) == len(texts) - pool >= 1
    gags = {m.gag for m in casting.library.metaphors}
    assert all(any(g in t for g in gags) for t in spare)


def test_filler_lines_keep_their_beats_order() -> None:
    """A filler plays a run of its beat's lines in order: the story never runs backwards."""
    board = storyboard(make_casting(0), "silent-90", 120)
    for shot in board.shots:
        beat = board.beat(shot.beat)
        body = [
            re.sub(r"^- \d+-\d+ s: ", "", ln).rstrip(".")
            for ln in dict(render_sections(shot, board))["actions"].splitlines()[1:]
        ]
        own = [re.sub(r"\{hero\}", "the programmer", a) for a in beat.actions]
        if body[0] in own:  # a filler on its beat's lines (not a gag of the theme)
            start = own.index(body[0])
            assert body == own[start : start + len(body)], (shot.title, body)


# -- prose (issue 12 item 5) ------------------------------------------------------------------

# Words that belong to one theme's world only: a prompt of another theme naming them is copy
# leaking across themes (a kitchen chair in a space capsule).
SIGNATURE = {
    "kitchen": {"kitchen", "breakfast", "stove", "toast", "sepia", "bowler", "pantry", "apron"},
    "space": {"capsule", "astronaut", "porthole", "gravity", "spacesuit", "orbit", "cabin"},
    "heist": {"museum", "vault", "safecracker", "turtleneck", "guard", "laser", "marble"},
}


def _theme_board(
    theme: str, template: str = "silent-90", n: int = 10, target: int = 120, own: bool = True
):
    casting = make_casting(n)
    lib = MetaphorLibrary.load(theme)
    metaphors = [m for m in lib.metaphors if not m.is_fallback]
    if not own:  # without their own actions, gags play the wording file's tone lines
        tones = sorted(wording().tones)
        metaphors = [
            dataclasses.replace(m, actions=(), tone=tones[i % len(tones)])
            for i, m in enumerate(metaphors)
        ]
    # cast the fixture's concepts onto this theme's own metaphors, in the theme's order
    entries = tuple(
        dataclasses.replace(e, metaphor=m) for e, m in zip(casting.entries, metaphors, strict=False)
    )
    return storyboard(Casting(casting.profile, lib, entries), template, target)


@pytest.mark.parametrize("theme", sorted(SIGNATURE))
def test_each_theme_speaks_only_its_own_world(theme: str) -> None:
    """Fillers, tone lines, templates and every packaged metaphor a film of this theme can
    show: none uses another theme's signature words."""
    foreign = set().union(*(w for t, w in SIGNATURE.items() if t != theme))
    for template in ("silent-90", "teaser-30", "single-12"):
        for n, own in ((0, True), (3, True), (10, True), (10, False)):
            try:
                board = _theme_board(theme, template, n, own=own)
            except Exception:  # a template too long for the target: its own tests
                continue
            for p in render_prompts(board, Tier.STANDARD):
                words = set(re.findall(r"[a-z]+", p.text.lower()))
                assert not words & foreign, (theme, template, sorted(words & foreign))


def test_fillers_ask_each_metaphors_beat_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A board with no concept cast is all fillers: past its beat's lines each plays an
    unused gag suited to the beat, and which beat a gag's words point to is worked out once
    per text, not again for every filler (it was ~200,000 word sets in this module: half of
    its CPU). Counted, not timed."""
    from sorafilm_nb.story import boards, prompts

    asked: list[str] = []
    real = boards._beat_by_words

    def counted(beats, words):  # type: ignore[no-untyped-def]
        asked.append(words)
        return real(beats, words)

    monkeypatch.setattr(boards, "_beat_by_words", counted)
    board = _theme_board("kitchen", "silent-90", 0)
    plays = prompts._filler_plan(board)
    picked = [m.id for _, m in plays.values() if m is not None]
    assert len(picked) >= 2 and len(set(picked)) == len(picked)  # gags, none played twice
    assert asked and len(asked) == len(set(asked))


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
def test_every_theme_says_no_dialogue_and_its_sound_changes_with_the_beat(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    assert lib.style.dialogue == "no dialogue"
    board = _theme_board(theme)
    prompts = render_prompts(board, Tier.LOW)
    sounds = {}
    for shot, p in zip(board.shots, prompts, strict=True):
        sound = p.section("sound")
        assert sound.endswith("no dialogue."), sound  # at the default tier, every shot
        sounds.setdefault(shot.beat, set()).add(sound)
    assert all(len(v) == 1 for v in sounds.values())  # one sound per beat...
    assert len(set().union(*sounds.values())) == len(sounds) >= 4  # ...and each its own


def test_a_metaphors_scene_sentence_is_used_and_no_prompt_reads_faces() -> None:
    casting = make_casting(1)
    milk = dataclasses.replace(MILK)
    object.__setattr__(milk, "scene", "{hero} shakes a stubborn milk carton over an empty glass")
    entry = dataclasses.replace(casting.entries[0], metaphor=milk)
    board = storyboard(dataclasses.replace(casting, entries=(entry,)), "single-12", 8)
    parts = dict(render_sections(board.shots[0], board))
    # the film's first shot follows from nothing: no cause; the hero is its sentence's subject
    assert "cause" not in parts
    assert parts["hero"] == "A programmer in braces and a bowler hat"
    assert parts["subject"] == "shakes a stubborn milk carton over an empty glass."
    for theme in ("kitchen", "space", "heist"):
        for p in render_prompts(_theme_board(theme), Tier.STANDARD):
            assert " faces " not in p.text
            assert "is busy with" in p.text or "{" not in p.text


def test_a_scene_that_does_not_open_with_the_hero_keeps_the_description_whole() -> None:
    casting = make_casting(1)
    milk = dataclasses.replace(MILK)
    object.__setattr__(milk, "scene", "the milk carton refuses to pour for {hero}")
    entry = dataclasses.replace(casting.entries[0], metaphor=milk)
    board = storyboard(dataclasses.replace(casting, entries=(entry,)), "single-12", 8)
    parts = dict(render_sections(board.shots[0], board))
    assert parts["hero"] == "A programmer in braces and a bowler hat."
    # the cause opens the scene's own sentence instead of the hero's
    assert "cause" not in parts
    assert parts["subject"] == "The milk carton refuses to pour for the programmer."


def test_compression_never_cuts_the_hero_the_sound_or_a_prop_the_actions_use() -> None:
    """...unless the prose steps cannot reach the cap: then the last resort cuts into them,
    in LAST_RESORT's order, and still never the actions, the protagonist's first clause or
    whether anyone speaks."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=30, deadline=None)
    @given(cap=st.integers(40, 260), theme=st.sampled_from(["kitchen", "space", "heist"]))
    def check(cap: int, theme: str) -> None:
        from sorafilm_nb.story.compress_steps import _used

        last = {s.name for s in LAST_RESORT}
        board = _theme_board(theme)
        for shot in board.shots:
            full = dict(render_sections(shot, board))
            c = compress(tuple(full.items()), cap)
            kept = dict(c.sections)
            assert kept["actions"] == full["actions"]
            if not set(c.steps) & last:
                for name in ("hero", "sound", "camera"):
                    assert kept.get(name) == full.get(name), name
                if "props" in full:
                    body = full["props"].removeprefix("Props: ").rstrip(".")
                    used = [
                        x for x in body.split(", ") if _used(x, full["actions"] + full["subject"])
                    ]
                    for prop in used:
                        assert prop in kept.get("props", ""), (prop, kept.get("props"))
            if full.get("hero"):
                first = re.split(r",\s", full["hero"].rstrip(",."))[0]
                assert _lead_folded(kept["hero"]).startswith(_lead_folded(first))
            if full.get("sound"):
                assert (
                    kept["sound"].rstrip(".").split("; ")[-1]
                    == full["sound"].rstrip(".").split("; ")[-1]
                )
            subject = kept.get("subject", "")
            last_word = re.findall(r"[a-z]+", subject.lower())[-1:] if subject else []
            assert not last_word or last_word[0] not in {
                "a",
                "an",
                "the",
                "of",
                "to",
                "with",
                "and",
                "into",
            }

    check()


def test_secondary_clauses_go_whole_never_mid_phrase() -> None:
    from sorafilm_nb.story.compress_steps import _first_clause

    assert _first_clause(
        "is busy with a carton that will not pour, however hard it is shaken."
    ) == ("is busy with a carton that will not pour.")
    # a cut that would end on "with" or leave a stub keeps the sentence whole
    keep = "sorts jars, spoons and forks."  # a stub of two words is no clause
    assert _first_clause(keep) == keep
    keep = "is busy with a, b and c."
    assert _first_clause(keep) == keep
    keep = "sorts the jars filled with, spoons and forks."
    assert _first_clause(keep) == keep


def test_a_feature_gag_without_actions_never_plays_as_a_failure() -> None:
    """A theme file's metaphor may bring no actions of its own: it then plays its tone's
    lines. Every tone a packaged feature gag uses has lines of its own, so a "brisk" or
    "proud" feature never falls back to the default "it goes wrong: <gag>"."""
    import dataclasses

    from sorafilm_nb.story.casting import MetaphorLibrary
    from sorafilm_nb.story.prompts import _gag_lines
    from sorafilm_nb.story.wording import wording

    tones = wording().tones
    for theme in ("kitchen", "space", "heist"):
        for m in MetaphorLibrary.load(theme).metaphors:
            if m.polarity != "feat":
                continue
            assert m.tone in tones, (m.id, m.tone)
            bare = dataclasses.replace(m, actions=())
            lines = " ".join(_gag_lines(bare, 12, {"hero": "the hero"}, m.gag))
            assert not re.search(r"goes wrong|chaos|trouble|misbehaves|gets worse", lines), m.id
