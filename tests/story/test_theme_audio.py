"""A theme may declare itself silent (`audio = false` in its [style]): its films are made
without audio where the model can leave it out, priced so (capabilities.sent_silent, the one
rule), and their prompts carry no sound line, or ask for silence where the model makes sound
regardless (PROMPTING.md: sound is part of the prompt only where the model makes audio)."""

from __future__ import annotations

from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

from sorafilm_nb.errors import DataFileError
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.story import themes
from sorafilm_nb.story.planning import plan
from sorafilm_nb.story.prompts import SILENT_SOUND

SILENT = """\
[theme]
id = "hush"
title = "Kitchen, silent"
extends = "kitchen"

[style]
audio = false
"""

STANDALONE = """\
[theme]
id = "mime"
title = "A mime's kitchen"

[style]
audio = false
name = "1920s silent-film comedy"
look = "18 fps hand-cranked look, warm sepia, soft vignette, film grain"
palette = ["sepia", "cream", "charcoal"]
setting = "a cramped 1920s kitchen at breakfast"
protagonist = "a mime in a striped shirt and white gloves"
lighting = "morning window light from the left"
"""


@pytest.fixture
def hush(tmp_path: Path) -> Path:
    path = tmp_path / "hush.toml"
    path.write_text(SILENT, encoding="utf-8")
    return path


def test_a_theme_file_declares_itself_silent(hush: Path, tmp_path: Path) -> None:
    assert themes.load("kitchen").style.audio is True
    assert themes.load(hush).style.audio is False
    mime = tmp_path / "mime.toml"
    mime.write_text(STANDALONE, encoding="utf-8")
    assert themes.load(mime).style.audio is False  # no `sound` needed when silent
    assert themes.load(mime).style.sound == ""
    talkie = tmp_path / "talkie.toml"
    talkie.write_text(STANDALONE.replace("audio = false", "audio = true"), encoding="utf-8")
    with pytest.raises(DataFileError, match="sound"):
        themes.load(talkie)  # a theme with audio says what we hear
    bad = tmp_path / "bad.toml"
    bad.write_text(SILENT.replace("audio = false", 'audio = "no"'), encoding="utf-8")
    with pytest.raises(DataFileError, match="audio"):
        themes.load(bad)


def test_a_silent_theme_on_veo_is_sent_and_priced_silent_with_no_sound_line(
    hush: Path, repo: Path
) -> None:
    silent = plan(repo, hush, "teaser-30", provider="veo", target_seconds=24)
    loud = plan(repo, "kitchen", "teaser-30", provider="veo", target_seconds=24)
    assert silent.audio is False and loud.audio is True
    assert all("Sound:" not in p.text for p in silent.prompts)
    assert all("Sound:" in p.text for p in loud.prompts)
    table = PriceTable.load(provider="veo")
    assert silent.total == sum(
        (table.clip_cost(s.model, s.size, s.seconds, audio=False) for s in silent.storyboard.shots),
        start=table.cost(silent.storyboard.model, "1280x720", 0),
    )
    assert silent.id != loud.id
    # the plan's own word wins over the theme's, either way
    assert plan(repo, hush, "teaser-30", provider="veo", target_seconds=24, audio=True).audio
    assert all(
        "Sound:" not in p.text
        for p in plan(repo, "kitchen", "teaser-30", provider="veo", audio=False).prompts
    )


def test_a_silent_theme_on_a_model_that_makes_sound_anyway_asks_for_silence(
    hush: Path, repo: Path
) -> None:
    p = plan(repo, hush, "single-12")  # sora-2: audio it cannot leave out
    assert p.audio is False
    assert all(SILENT_SOUND in x.text and "piano" not in x.text for x in p.prompts)
    runway = plan(repo, hush, "single-12", provider="runway")  # gen4.5 makes no audio
    assert all("Sound:" not in x.text for x in runway.prompts)


def test_a_model_that_makes_no_audio_gets_no_sound_line_even_for_a_film_with_sound(
    repo: Path,
) -> None:
    """Runway's gen4.5 makes no audio (capabilities: audio = false): describing a sound it
    never makes only spends the 1000 characters; its veo3.1 and the OpenAI models keep it."""
    gen45 = plan(repo, "kitchen", "teaser-30", provider="runway", target_seconds=24)
    assert gen45.audio is True  # the film has sound; this model makes none
    assert gen45.prompts and all("Sound:" not in p.text for p in gen45.prompts)
    assert all(not p.section("sound") for p in gen45.prompts)
    veo31 = plan(repo, "kitchen", "teaser-30", provider="runway", model="veo3.1")
    assert all("Sound:" in p.text for p in veo31.prompts)
    sora = plan(repo, "kitchen", "teaser-30", target_seconds=24)
    assert all("Sound:" in p.text for p in sora.prompts)
