"""Every prompt fits its tier and its provider's limit (two bugs of a new-user pass).

1. LOW and ULTRA-LOW plans came out at 184-185 tokens against caps of 180 and 160: the
   compressor ran out of parts it was allowed to cut. compress_steps.LAST_RESORT now cuts into
   the rest, in a stated order, only after every prose step.
2. Runway's promptText takes 1000 characters (UTF-16 code units); the planner did not know
   and planned a 1007-character prompt that the API refused after the money was reserved.
   The limit is capability data; render_prompts fits every prompt under it and lint blocks
   one that cannot fit (tests/backends/test_runway_prompt_limit.py drives the SDK).

Real repositories: this one's package and three installed packages (real code, versions of
eval packages); every tier in all three themes. eval/run.py reports the same figure over
the whole golden set ("tier fit").
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import pytest

import sorafilm_nb as sf
from sorafilm_nb.capabilities import for_model, prompt_length, prompt_limits
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.compress import compress, ladder, render_prompts
from sorafilm_nb.story.compress_steps import (
    LAST_RESORT,
    _camera_core,
    _hero_first_clause,
    _sound_core,
    _without_cause,
)
from sorafilm_nb.story.prompts import render_sections
from sorafilm_nb.story.tokens import count_tokens

ROOT = Path(__file__).resolve().parents[2]


def _installed(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    return Path(spec.origin).parent if spec and spec.origin else None


REPOS = [ROOT / "sorafilm_nb", *(p for p in map(_installed, ("click", "attrs", "jinja2")) if p)]


@cache
def _profile(root: Path) -> sf.RepoProfile:
    return sf.analyze(root)


def test_the_last_resort_comes_last_in_its_stated_order() -> None:
    names = [s.name for s in LAST_RESORT]
    assert names == [
        "props line",
        "camera mood",
        "cause",
        "lens and focus",
        "beat sound",
        "lighting",
        "protagonist detail",
    ]
    assert ladder()[-len(LAST_RESORT) :] == LAST_RESORT
    # the film-wide ones edit every shot alike (no drift); the rest are each shot's own
    assert [s.name for s in LAST_RESORT if s.shared] == ["lighting", "protagonist detail"]


def test_each_last_resort_step_cuts_whole_parts_and_keeps_the_sentence_whole() -> None:
    cut = _without_cause({"cause": "Because the kettle did the trick,", "hero": "a cook,"})
    assert cut == {"hero": "A cook,"}
    cut = _without_cause({"subject": "Because the orders pile up, the carton will not pour."})
    assert cut == {"subject": "The carton will not pour."}
    assert _without_cause({"subject": "Nothing to cut."}) == {"subject": "Nothing to cut."}
    assert (
        _camera_core(
            "Cinematography: wide shot, eye level, locked-off camera, 28 mm lens, deep focus."
        )
        == "Cinematography: wide shot, eye level, locked-off camera."
    )
    assert _sound_core("Sound: a piano; the piano races; no dialogue.") == (
        "Sound: a piano; no dialogue."
    )
    assert _sound_core("Sound: a piano; no dialogue.") == "Sound: a piano; no dialogue."
    # the description's closing comma set its clauses off; the first clause needs none
    assert _hero_first_clause("a programmer in braces, a striped shirt and a bowler hat,") == (
        "a programmer in braces"
    )
    assert _hero_first_clause("A cook in an apron, a tall hat.") == "A cook in an apron."
    assert _hero_first_clause("an astronaut in a white suit") == "an astronaut in a white suit"


@pytest.mark.parametrize("root", REPOS, ids=lambda p: p.name)
def test_every_tier_fits_every_theme_on_real_repositories(root: Path) -> None:
    profile = _profile(root)
    for theme in sf.MetaphorLibrary.themes():
        casting = sf.cast(profile, theme)
        for template in ("silent-90", "teaser-30"):
            board = storyboard(casting, template, None, "sora-2", "1280x720", "openai")
            for tier in sf.Tier:
                for p in render_prompts(board, tier):
                    where = (root.name, theme, template, tier.name, p.shot_index)
                    assert p.fits and p.tokens <= tier.tokens, (where, p.tokens)
                    assert p.tokens == count_tokens(p.text), where  # exactly tiktoken's
                    assert "Actions:" in p.text, where


@pytest.mark.parametrize("root", REPOS, ids=lambda p: p.name)
def test_runway_prompts_fit_1000_characters_at_every_tier(root: Path) -> None:
    """The README's Runway command (teaser-30, 24 s, gen4.5), at every tier: STANDARD's
    400 tokens are far over 1000 characters, so the character limit binds alone."""
    assert prompt_limits("runway", "gen4.5") == (1000, None)
    casting = sf.cast(_profile(root))
    board = storyboard(casting, "teaser-30", 24, "gen4.5", "1280x720", "runway")
    for tier in sf.Tier:
        for p in render_prompts(board, tier):
            assert p.fits and prompt_length(p.text) <= 1000, (tier, p.shot_index, len(p.text))
            assert p.tokens <= tier.tokens


def test_the_character_limit_is_met_or_reported() -> None:
    board = storyboard(sf.cast(_profile(ROOT / "sorafilm_nb")), "teaser-30", 24)
    sections = render_sections(board.shots[1], board)
    full = compress(sections, 10_000)
    assert full.steps == () and len(full.text) > 700
    c = compress(sections, 10_000, max_chars=700)
    assert c.fits and prompt_length(c.text) <= 700 and c.steps
    assert c.tokens == count_tokens(c.text)
    # an emoji is two UTF-16 code units, as Runway counts
    assert prompt_length("a\N{GRINNING FACE}") == 3
    never = compress(sections, 10_000, max_chars=40)
    assert not never.fits and prompt_length(never.text) > 40
    with pytest.raises(ValueError):
        compress(sections, 100, max_chars=0)


def test_a_model_limit_in_tokens_caps_a_custom_tier() -> None:
    """Veo's 1024-token limit binds a custom cap above it (no tier comes near it)."""
    assert for_model("veo", "veo-3.1-generate-preview").prompt_tokens == 1024
    board = storyboard(
        sf.cast(_profile(ROOT / "sorafilm_nb")),
        "teaser-30",
        24,
        "veo-3.1-generate-preview",
        "1280x720",
        "veo",
    )
    assert {p.cap for p in render_prompts(board, 5000)} == {1024}
    assert {p.cap for p in render_prompts(board, 300)} == {300}
