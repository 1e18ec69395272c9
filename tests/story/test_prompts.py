"""Shot prompts: the guide's structure, one shared style block, compression that keeps action."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from story_fixtures import MILK, STYLE, make_casting

from sorafilm_nb.errors import DataFileError
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import CastEntry, Casting, MetaphorLibrary
from sorafilm_nb.story.compress import compress, ladder, render_prompts
from sorafilm_nb.story.prompts import (
    SHARED,
    Tier,
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
    assert lines[3] == (
        "A cramped 1920s kitchen at breakfast. A programmer in braces and a "
        "bowler hat faces a milk carton that will not pour, however hard it is "
        "shaken. Props: milk carton, empty glass, breakfast table."
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
    assert lines[11] == 'Intertitle: "ImportError: the milk carton that will not pour"'
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
        "intertitle",
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
        assert len({p.section(name) for p in prompts}) == 1, name
    assert prompts[0].text.startswith("Style: 1920s silent-film comedy")


def test_standard_keeps_everything_and_ultra_low_really_compresses() -> None:
    full = [render_prompt(s, BOARD) for s in BOARD.shots]
    standard = render_prompts(BOARD, Tier.STANDARD)
    assert [p.text for p in standard] == [p.text for p in full]
    assert all(p.steps == () for p in standard)
    ultra = render_prompts(BOARD, Tier.ULTRA_LOW)
    assert all(p.fits and p.tokens <= Tier.ULTRA_LOW.tokens for p in ultra)
    assert all(p.ratio < 0.8 for p in ultra)
    assert sum(p.tokens for p in ultra) < sum(p.tokens for p in render_prompts(BOARD, Tier.LOW))
    assert [t.tokens for t in Tier] == sorted(t.tokens for t in Tier)


@settings(max_examples=40, deadline=None)
@given(cap=st.integers(1, 450), index=st.integers(0, len(BOARD.shots) - 1))
def test_compression_never_drops_action_or_camera_and_meets_the_cap_or_says_so(
    cap: int, index: int
) -> None:
    sections = render_sections(BOARD.shots[index], BOARD)
    c = compress(sections, cap)
    kept = dict(c.sections)
    assert kept["actions"] == dict(sections)["actions"]
    assert kept["camera"] == dict(sections)["camera"]
    assert "Lighting:" in c.text and c.text.startswith("Style:")
    assert c.tokens == count_tokens(c.text) and c.tokens_before == count_tokens(
        render_prompt(BOARD.shots[index], BOARD).text
    )
    assert c.fits == (c.tokens <= cap)
    if not c.fits:  # every step was tried before giving up: none changes anything now
        assert all(step.apply(dict(c.sections)) == dict(c.sections) for step in ladder())
    assert compress(sections, cap) == c  # deterministic
    names = [s.name for s in ladder()]
    assert [names.index(s) for s in c.steps] == sorted(names.index(s) for s in c.steps)


def test_an_impossible_cap_reports_before_after_and_fits_false() -> None:
    c = compress(render_sections(MILK_SHOT, BOARD), 20)
    assert not c.fits and c.tokens > 20 and c.tokens < c.tokens_before
    assert 0 < c.ratio < 1
    for line in render_sections(MILK_SHOT, BOARD):
        if line[0] in ("camera", "actions"):
            assert line[1] in c.text
    prompts = render_prompts(BOARD, 20)
    assert not any(p.fits for p in prompts) and all(p.cap == 20 for p in prompts)


def test_least_important_parts_go_first() -> None:
    sections = render_sections(MILK_SHOT, BOARD)
    full = count_tokens(render_prompt(MILK_SHOT, BOARD).text)
    light = compress(sections, full - 5)
    assert light.steps == ("secondary clauses",)
    assert "however hard it is shaken" not in light.text and "Props: milk carton" in light.text
    heavy = compress(sections, 120)
    assert "Props:" not in heavy.text and "Style: 1920s silent-film comedy." in heavy.text


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


def test_quotes_in_a_title_do_not_break_the_intertitle() -> None:
    casting = make_casting(1)
    e = casting.entries[0]
    quoted = CastEntry(e.concept, e.metaphor, e.score, custom_gag='a carton marked "MILK"')
    board = storyboard(Casting(casting.profile, casting.library, (quoted,)), "single-12")
    last = render_prompt(board.shots[0], board).text.splitlines()[-1]
    assert last == "Intertitle: \"ImportError: the carton marked 'MILK'\""


def test_uncast_shots_are_distinct_and_name_the_repo_on_the_title_card() -> None:
    board = storyboard(make_casting(0, title="Recorder Deluxe"), "silent-90", 96)
    texts = [p.text for p in render_prompts(board, Tier.STANDARD)]
    assert len(set(texts)) == len(texts)
    assert texts[0].endswith('Intertitle: "Recorder Deluxe"')
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


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(0, len(BOARD.shots) - 1),
    keep=st.lists(st.booleans(), min_size=11, max_size=11),
    cap=st.integers(60, 260),
)
def test_counting_piece_by_piece_equals_counting_the_whole_prompt(
    index: int, keep: list[bool], cap: int
) -> None:
    from sorafilm_nb.story.prompts import section_tokens

    full = render_sections(BOARD.shots[index], BOARD)
    subset = tuple(s for s, k in zip(full, keep, strict=False) if k) or full
    assert section_tokens(subset) == count_tokens(join_sections(subset))
    c = compress(full, cap)
    assert section_tokens(c.sections) == count_tokens(c.text) == c.tokens


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


def test_a_title_card_names_the_project_in_a_theme_without_intertitles() -> None:
    """A sound theme has no intertitle cards, but its title-card shot still shows the name."""
    casting = make_casting(3, title="Recorder Deluxe")
    style = dataclasses.replace(STYLE, sound="cabin fans humming, no dialogue")
    lib = MetaphorLibrary("s", "S", style, casting.library.metaphors)
    board = storyboard(Casting(casting.profile, lib, casting.entries), "silent-90", 96)
    texts = [p.text for p in render_prompts(board, Tier.STANDARD)]
    titled = [t for t in texts if 'On-screen title: "Recorder Deluxe"' in t]
    assert len(titled) == 1 and texts[0] in titled
    assert not any("Intertitle" in t for t in texts)
    compressed = render_prompts(board, 60)[0]  # the title line survives a tight cap
    assert 'On-screen title: "Recorder Deluxe"' in compressed.text


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
    spare = [t for t in texts[pool:] if " faces " in t and "Props:" in t]
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
