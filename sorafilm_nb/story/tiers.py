"""Token budget tiers for shot prompts: Tier, and the spellings the CLI and notebooks accept.

Part of the prompts CONTRACT (Tier is importable from prompts, where it lived first): kept in
its own module so prompts.py stays one screenful of rendering. compress cuts a rendered
prompt down to a tier.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Tier", "parse_tier", "tier_cap"]


class Tier(Enum):
    """Token budget per prompt. Bounds prompt length, never the per-second price.

    Measured on the golden set's films (eval/, silent-90, the three packaged themes): their
    required parts (the shared look and palette, the setting's first clause, the shot's
    cause, the character description, camera, actions, sound and the props the actions use)
    take up to 246 tokens, the most in 12 s shots with three long action lines and in the
    ending, whose scene names the earlier props. Compression cuts whole clauses; the shared
    setting, look and palette go last of the prose, for every shot at once. Only LOW and
    ULTRA_LOW reach the last resort (compress_steps.LAST_RESORT: the props line, the mood, the
    cause, the lens, the beat's sound, the lighting, the protagonist's detail, in that
    order), so every tier fits every eval film; the actions are never cut.
    MEDIUM (the default) is set above those 246 tokens so every shot keeps the setting, the
    look and the palette (the continuity the guides ask for; about 190 words, inside the
    50-250 words the guides and practitioners report as useful); at LOW no shot does. HIGH
    and STANDARD keep more prose, ULTRA_LOW little more than subject, camera, actions and
    sound. (Before each shot said why it happens, the required parts took up to 227 tokens
    and MEDIUM was 240.)
    """

    ULTRA_LOW = 160
    LOW = 180
    MEDIUM = 256
    HIGH = 280
    STANDARD = 400

    @property
    def tokens(self) -> int:
        return self.value

    @property
    def label(self) -> str:
        """The CLI spelling: "ultra-low"."""
        return self.name.lower().replace("_", "-")


def parse_tier(value: Tier | int | str) -> Tier | int:
    """A Tier from its name ("low", "ultra-low", "ULTRA_LOW") or a custom cap (int or "250")."""
    if isinstance(value, Tier):
        return value
    if isinstance(value, bool):
        raise ValueError(f"a budget tier is a name or a number of tokens, not {value!r}")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"a token cap must be a positive number, got {value}")
        return value
    text = str(value).strip()
    if text.isdigit():
        return parse_tier(int(text))
    key = text.upper().replace("-", "_")
    if key in Tier.__members__:
        return Tier[key]
    names = ", ".join(t.label for t in Tier)
    raise ValueError(f"unknown budget tier {value!r}; use one of {names} or a number of tokens")


def tier_cap(tier: Tier | int) -> int:
    """The token cap a tier stands for."""
    return tier.tokens if isinstance(tier, Tier) else int(tier)
