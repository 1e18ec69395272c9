"""What an animatic shows, read from the prompt text alone: the shot sheet and the film's look.

Why the prompt and nothing else: the prompt is all a real provider sees, so an animatic that
draws from it shows what the model was actually asked for (a dropped Actions line or a style
compressed away shows up here first). The prompt's layout is story.prompts' (Style, Palette,
the scene in prose, Cinematography, "Actions:" with "- 0-3 s: ..." beats, Lighting, Sound);
any other prompt still gets a sheet (its text as the scene, a neutral look).

The look is kept cheap to apply (see ``_card``): a 256-entry tint LUT indexed by luma (a
duotone between the palette's shadow and highlight colours, blended by ``tint``), a vignette
strength for a precomputed mask, and a grain amplitude for a few cycled noise frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy only draws the duotone: reading a prompt's look needs none of it
    import numpy as np

RGB = tuple[int, int, int]

__all__ = ["Beat", "Look", "Sheet", "beat_at", "read_prompt"]

# Colour words the packaged themes and common prompts use. A palette item is matched whole
# ("deep space navy"), then by its last two words, then its last word ("a touch of faded
# red" -> "faded red"); unknown names are skipped, never guessed.
COLOURS: dict[str, RGB] = {
    "sepia": (112, 84, 56),
    "cream": (241, 229, 205),
    "ivory": (240, 234, 214),
    "charcoal": (46, 44, 42),
    "black": (18, 18, 18),
    "white": (236, 236, 232),
    "grey": (128, 128, 128),
    "gray": (128, 128, 128),
    "silver": (192, 192, 196),
    "red": (176, 52, 44),
    "faded red": (178, 92, 78),
    "laser red": (232, 36, 44),
    "crimson": (160, 24, 44),
    "orange": (236, 128, 36),
    "warning orange": (246, 112, 20),
    "amber": (240, 170, 40),
    "instrument amber": (250, 176, 40),
    "gold": (212, 172, 64),
    "yellow": (236, 208, 72),
    "brown": (110, 74, 48),
    "green": (64, 132, 80),
    "olive": (110, 112, 56),
    "mint": (170, 220, 190),
    "teal": (24, 120, 128),
    "cyan": (60, 190, 210),
    "blue": (44, 86, 170),
    "navy": (22, 32, 72),
    "deep space navy": (14, 22, 52),
    "midnight blue": (22, 30, 70),
    "night blue": (20, 28, 64),
    "purple": (100, 60, 140),
    "magenta": (190, 50, 140),
    "pink": (230, 150, 170),
    "marble white": (232, 228, 220),
    "capsule white": (238, 238, 232),
}

_GRAIN_WORDS = ("grain", "16 mm", "16mm", "8 mm", "8mm", "super 8", "hand-cranked")
_SPACE = re.compile(r"\s+")
# "- 0-3 s: he tips the milk carton" (also "0 - 3s:", "1.5-3 s:")
_BEAT = re.compile(r"^\s*[-*]?\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*s\s*:\s*(.+)$")
_KEYS = ("style", "palette", "cinematography", "actions", "lighting", "sound", "intertitle")


INK_LUMA = 150.0  # the darkest accent text is drawn in (Look.accent_ink)


def _lifted(colour: RGB, floor: float) -> RGB:
    """``colour`` mixed with white just enough for its luma to reach ``floor``."""
    luma = _luma(colour)
    if luma >= floor:
        return colour
    t = (floor - luma) / (255.0 - luma)
    r, g, b = colour
    return (round(r + (255 - r) * t), round(g + (255 - g) * t), round(b + (255 - b) * t))


def _scaled(colour: RGB, factor: float) -> RGB:
    """``colour`` darkened (or lightened) by ``factor``, channel by channel, truncated."""
    r, g, b = colour
    return (int(r * factor), int(g * factor), int(b * factor))


@dataclass(frozen=True)
class Beat:
    """One timed action: shown from ``start`` to ``end`` seconds of the clip."""

    start: float
    end: float
    text: str

    @property
    def tag(self) -> str:
        return f"{_num(self.start)}-{_num(self.end)} s"


@dataclass(frozen=True)
class Look:
    """The theme's look as an animatic can afford it (see the module docstring)."""

    shadow: RGB = (26, 22, 20)
    highlight: RGB = (241, 229, 205)
    accent: RGB = (196, 160, 112)
    tint: float = 0.35  # how far the frame is pulled onto the shadow-highlight duotone
    vignette: float = 0.35  # how dark the corners get (0: none)
    grain: float = 0.0  # noise amplitude in luma steps (0: none)
    swatches: tuple[RGB, ...] = ()

    @property
    def accent_ink(self) -> RGB:
        """The accent as text is drawn in: lifted toward white until its luma is at least
        INK_LUMA. Rules and bars keep the accent itself; small type in it did not read: the
        heist's laser red (luma 95) on navy, tinted and vignetted, came out at luma 88 on 48
        at 640x360. A light accent (sepia's, luma 172) is unchanged."""
        return _lifted(self.accent, INK_LUMA)

    def lut(self) -> np.ndarray:
        """(256, 3) uint8: luma -> the duotone colour, blended per pixel by ``tint``."""
        return _duotone(self.shadow, self.highlight)


@dataclass(frozen=True)
class Sheet:
    """A shot as the prompt describes it."""

    title: str = ""  # an Intertitle/Title line, if the prompt has one
    setting: str = ""  # the scene's first sentence ("A 1920s kitchen at breakfast.")
    scene: str = ""  # the rest of the scene prose (who does what)
    camera: str = ""  # the Cinematography line, without its key
    beats: tuple[Beat, ...] = ()
    look: Look = field(default_factory=Look)
    style: str = ""  # the Style line, for the panel's corner


def beat_at(beats: tuple[Beat, ...] | list[Beat], t: float) -> int | None:
    """The index of the beat playing at ``t`` seconds, or None between or after beats."""
    for i, beat in enumerate(beats):
        if beat.start <= t < beat.end:
            return i
    return None


def read_prompt(prompt: str) -> Sheet:
    """The shot sheet of a prompt (any text: unknown layouts give a scene and a neutral look)."""
    sections: dict[str, str] = {}
    prose: list[str] = []
    beats: list[Beat] = []
    in_actions = False
    for raw in prompt.splitlines():
        line = raw.strip()
        if not line:
            in_actions = False
            continue
        timed = _BEAT.match(line)
        if timed and (in_actions or line.startswith(("-", "*"))):
            start, end = float(timed[1]), float(timed[2])
            if end > start:
                beats.append(Beat(start, end, _one_line(timed[3])))
            continue
        key, sep, value = line.partition(":")
        name = key.strip().lower()
        if sep and (name in _KEYS or name == "title"):
            in_actions = name == "actions"
            sections.setdefault(name, value.strip())
            continue
        if not in_actions:
            prose.append(line)
    text = _one_line(" ".join(prose))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s and not s.startswith("Props:")]
    # "A 1920s kitchen at breakfast. A programmer ... turns the dial." -> setting, scene
    setting, scene = ("", " ".join(sentences))
    if len(sentences) > 1:
        setting, scene = sentences[0], " ".join(sentences[1:])
    title = (sections.get("intertitle") or sections.get("title") or "").strip().strip('"')
    style = sections.get("style", "").rstrip(".")
    return Sheet(
        title=_one_line(title),
        setting=setting,
        scene=scene,
        camera=_one_line(sections.get("cinematography", "")).rstrip("."),
        beats=tuple(beats),
        look=look_of(style, sections.get("palette", "")),
        style=style,
    )


def look_of(style: str, palette: str) -> Look:
    """A Look from the Style and Palette lines' words (cached: one per film, not per clip)."""
    return _look_of(style.lower(), palette.lower())


@cache
def _look_of(style: str, palette: str) -> Look:
    swatches = tuple(c for c in (_colour(p) for p in palette.rstrip(".").split(",")) if c)
    words = f"{style} {palette}"
    grain = 7.0 if any(w in style for w in _GRAIN_WORDS) else 0.0
    vignette = 0.55 if "vignette" in style or "silent" in style else 0.35
    if "sepia" in words:  # old film stock: a strong warm monotone
        return Look((30, 22, 16), (246, 228, 196), (206, 164, 110), 0.8, vignette, grain, swatches)
    if "teal" in words and "orange" in words:  # the blockbuster split-tone
        return Look((10, 52, 60), (255, 214, 170), (236, 128, 36), 0.45, vignette, grain, swatches)
    if any(w in words for w in ("night", "navy", "midnight", "moonlight", "space")):
        accent = _most_saturated(swatches) or (240, 170, 40)
        return Look((8, 14, 36), (226, 232, 246), accent, 0.4, vignette, grain, swatches)
    if "black-and-white" in words or "monochrome" in words:
        return Look((14, 14, 14), (240, 240, 240), (200, 200, 200), 1.0, vignette, grain, ())
    if len(swatches) >= 2:
        dark = min(swatches, key=_luma)
        light = max(swatches, key=_luma)
        accent = _most_saturated(swatches) or light
        shadow = _scaled(dark, 0.35)
        return Look(shadow, light, accent, 0.35, vignette, grain, swatches)
    return Look(vignette=vignette, grain=grain, swatches=swatches)


def _colour(name: str) -> RGB | None:
    words = _one_line(name.lower()).split(" ")
    for n in (len(words), 2, 1):
        hit = COLOURS.get(" ".join(words[-n:]))
        if hit:
            return hit
    return None


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _most_saturated(colours: tuple[RGB, ...]) -> RGB | None:
    if not colours:
        return None
    best = max(colours, key=lambda c: max(c) - min(c))
    return best if max(best) - min(best) > 60 else None


@cache
def _duotone(shadow: RGB, highlight: RGB) -> np.ndarray:
    import numpy as np

    ramp = np.linspace(0.0, 1.0, 256, dtype=np.float32)[:, None] ** 0.9
    lo, hi = np.array(shadow, np.float32), np.array(highlight, np.float32)
    lut: np.ndarray = np.clip(lo * (1 - ramp) + hi * ramp, 0, 255).astype(np.uint8)
    return lut


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _num(x: float) -> str:
    return f"{x:g}"
