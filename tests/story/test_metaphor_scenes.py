"""Every packaged gag reaches the prompt as an active scene sentence (issue 12, item 5):
"<hero> sorts a heap of cutlery into the drawer tray", never "<hero> is busy with <gag>".

Each metaphor is played once in a one-shot film and its prompt read back: the scene is one
sentence, the protagonist is its subject, the prompt lints clean, and the props the actions
name are still there.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from story_fixtures import make_casting

from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import Casting, MetaphorLibrary
from sorafilm_nb.story.compress import render_prompts
from sorafilm_nb.story.findings import errors
from sorafilm_nb.story.lint import lint_prompt
from sorafilm_nb.story.prompts import Tier, hero_ref, tier_cap

THEMES = ("kitchen", "space", "heist")


@pytest.mark.parametrize("theme", THEMES)
def test_every_packaged_metaphor_has_an_active_scene(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    missing = [m.id for m in lib.metaphors if not m.scene]
    assert not missing, missing
    for m in lib.metaphors:
        assert m.scene.startswith("{hero} "), m.id
        body = m.scene.removeprefix("{hero} ")
        assert not re.search(r"[.!?]\s", body) and not body.endswith("."), m.id  # one sentence
        assert not re.match(r"(is|are|was|faces|has)\b", body), m.id  # an action, not a state
        assert "{gag}" not in m.scene and len(m.scene) <= 160, m.id


@pytest.mark.parametrize("theme", THEMES)
def test_every_gag_plays_as_its_scene_in_a_clean_prompt(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    base = make_casting(1)
    hero = hero_ref(lib.style.protagonist)
    bad = []
    for m in lib.metaphors:
        entry = dataclasses.replace(base.entries[0], metaphor=m)
        board = storyboard(Casting(base.profile, lib, (entry,)), "single-12", 12)
        (prompt,) = render_prompts(board, Tier.MEDIUM)
        text = prompt.text
        scene = m.scene.removeprefix("{hero} ").replace("{hero}", hero)
        verb = scene.split()[0]  # compression may cut later clauses or adjectives, not this
        who = re.escape(lib.style.protagonist.rstrip("."))
        if "is busy with" in text or not re.search(rf"(?i){who},? {re.escape(verb)} ", text):
            bad.append(f"{m.id}: scene not in the prompt")
        found = errors(lint_prompt(text, seconds=12, tier_cap=tier_cap(Tier.MEDIUM)))
        if found:
            bad.append(f"{m.id}: {found}")
    assert not bad, "\n".join(bad)


# Words that ask the video model for a voice: a theme whose sound line says "no dialogue"
# would contradict itself ("keys the radio microphone, speaks"; models with audio then
# invent speech). Mouthing, tapping, typing and whistling stay silent.
_SPEECH = re.compile(
    r"\b(?:speaks?|spoken|speaking\s+(?:into|to)|says?|said|shouts?|shouted|whispers?|"
    r"whispered|asks?\s+(?:a|one)\s+question|talks?|talking|radioed|calls?\s+(?:up|out|down|into)|"
    r"called\s+(?:up|out|down)|aloud|yells?|announces?)\b",
    re.I,
)


@pytest.mark.parametrize("theme", THEMES)
def test_a_theme_without_dialogue_has_no_gag_that_speaks(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    assert "no dialogue" in lib.style.dialogue.lower()
    speaking = [
        (m.id, text)
        for m in lib.metaphors
        for text in (m.gag, m.scene, *m.actions)
        if _SPEECH.search(text)
    ]
    assert not speaking, speaking
