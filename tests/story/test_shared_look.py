"""The shared look survives compression at the default tier (issue 12, round 2, item 1).

The look line ("18 fps hand-cranked look, warm sepia, soft vignette, film grain"), the
palette, the character description and the sound line are what keep separately made clips
consistent. At MEDIUM, the default, every shot of every film must keep the look and the
palette, even the 12 s shots with three long action lines; the token cap still holds, and the
tier changes prompt length, never the price.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.compress_steps import _style_without_repeats
from sorafilm_nb.story.planning import plan
from sorafilm_nb.story.prompts import Tier, render_sections

REPOS = {
    "brew": (
        "Brew brews tea by the pot.",
        {
            "Kettle": "Boils water for one pot of tea, whatever the stove, and whistles when done.",
            "Teapot": "Holds the leaves and the water while the tea steeps for a few minutes.",
            "pour": "Pour the tea from the kettle into each cup in turn, without spilling.",
            "steep": "Leave the leaves in the water for so many minutes, then lift them out.",
            "serve": "Carry the cups to the table on a tray and hand them round.",
        },
    ),
    "courier": (
        "Courier sends parcels over HTTP and retries when the line is busy.",
        {
            "Client": "Sends requests to a server and keeps the connection open between them.",
            "send": "Send one request and return the response once every byte has arrived.",
            "retry": "Retry a request that failed, waiting longer after every failure.",
            "Response": "The status, headers and body a server answered with.",
            "CourierError": "Raised when a request cannot be delivered at all.",
        },
    ),
    "ledger": (
        "Ledger validates records against a schema and reports every field that is wrong.",
        {
            "Schema": "Describes the fields a record must have and the type of each one.",
            "validate": "Check a record against a schema and list every field that fails.",
            "Field": "One named, typed slot in a schema, with an optional default value.",
            "dump": "Turn a record into plain data that can be written as JSON.",
            "ValidationError": "Raised when a record does not match its schema.",
        },
    ),
}


def _repo(root: Path, name: str) -> Path:
    promise, items = REPOS[name]
    pkg = root / name
    pkg.mkdir(parents=True)
    (root / "README.md").write_text(f"# {name.title()}\n\n{promise}\n", encoding="utf-8")
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n', encoding="utf-8")
    code = [f'"""{promise}"""\n']
    for ident, doc in items.items():
        if ident.endswith("Error"):
            code.append(f'\nclass {ident}(Exception):\n    """{doc}"""\n')
        elif ident[0].isupper():
            code.append(f'\nclass {ident}:\n    """{doc}"""\n')
        else:
            code.append(f'\ndef {ident}(x):\n    """{doc}"""\n')
    (pkg / "__init__.py").write_text("".join(code), encoding="utf-8")
    return root


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
def test_every_shot_keeps_the_look_and_palette_at_the_default_tier(
    tmp_path: Path, theme: str
) -> None:
    for name in REPOS:
        profile = analyze(_repo(tmp_path / name, name), use_cache=False)
        p = plan(profile, theme, "silent-90")
        assert p.tier is Tier.MEDIUM
        for shot, prompt in zip(p.storyboard.shots, p.prompts, strict=True):
            full = dict(render_sections(shot, p.storyboard))
            kept = dict(prompt.sections)
            look = {full["style"], _style_without_repeats(full["style"], full["palette"])}
            where = f"{name}/{theme} shot {shot.index} ({shot.seconds} s): {prompt.steps}"
            assert kept.get("style") in look, where
            assert kept.get("palette") == full["palette"] or (
                kept.get("palette", "").count(",") >= 2  # "palette extras": three colours
            ), where
            assert prompt.fits and prompt.tokens <= Tier.MEDIUM.tokens, where
            assert f"\n{full['sound']}" in prompt.text or prompt.text.endswith(full["sound"])


def test_the_tier_changes_prompt_length_never_the_price(tmp_path: Path) -> None:
    profile = analyze(_repo(tmp_path / "brew", "brew"), use_cache=False)
    totals = {t: plan(profile, "kitchen", "silent-90", t).total for t in Tier}
    assert len(set(totals.values())) == 1, totals


def test_a_look_item_goes_only_when_its_head_noun_is_already_said() -> None:
    style = "Style: 1920s silent-film comedy, warm sepia, soft vignette, film grain."
    palette = "Palette: sepia, cream, charcoal."
    assert _style_without_repeats(style, palette) == (
        "Style: 1920s silent-film comedy, soft vignette, film grain."
    )
