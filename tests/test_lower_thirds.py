"""Burned-in lower thirds: a concept shot names its concept in the picture, not only in film.vtt.

What is checked on real mp4 bytes (decoded frames): the caption band of a captioned clip
differs from the clean render and the middle of the picture does not; a clip without a
caption and a clean master (``burn_lower_thirds=False``) are left as they were; a model's
clip (another encoder, with sound) is burned in the one re-encoding pass. The drawing itself
is checked at 640x360, 1280x720 and 9:16: it stays in the bottom third, inside the margins,
and hostile text (any unicode, bidi overrides, emoji, 20,000-character names, filter syntax)
is clipped, never a crash and never part of an ffmpeg argument.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from ffmpeg_calls import probes_read_files  # noqa: F401 - a fixture, by name
from test_cut import PROMPT, clip, frame_at

from sorafilm_nb import render
from sorafilm_nb._card import (
    Layout,
    _caption_width,
    caption_lines,
    draw_caption,
    lower_third_rgba,
)
from sorafilm_nb._cut import x264_settings
from sorafilm_nb._glyphs import _ascii, _index
from sorafilm_nb._look import Look, read_prompt
from sorafilm_nb._panel import _band_bottom
from sorafilm_nb.render import Segment, probe, stitch_film

pytestmark = pytest.mark.usefixtures("probes_read_files")  # read back, never told

SIZES = [(640, 360), (1280, 720), (360, 640), (720, 1280)]
HOSTILE = [
    "analyze: scan the repository at path into a RepoProfile",
    "Python \u00b7 import sorafilm_nb",
    "N" * 20_000 + ": " + "gloss " * 5_000,
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645: "  # Arabic, RTL
    "\u062a\u062d\u064a\u0629",
    "\u65e5\u672c\u8a9e: \u8aac\u660e\u3067\u3059",
    "\U0001f680 Launch: starts \U0001f469\u200d\U0001f469\u200d\U0001f467 things \ufe0f",
    "\u202eevil\u202c: \u2066override\u2069 \x00\x1b[31m \ud800",
    "x'; drawtext=text='pwned':fontfile=/etc/passwd [0:v] -i /dev/zero,; ",
    "\n\t\u2028\u2029",
]


def _bbox(alpha: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(alpha)
    return int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_caption_stays_in_the_bottom_third_inside_the_margins(width: int, height: int) -> None:
    layout = Layout(width, height)
    for text in HOSTILE:
        rgba = lower_third_rgba(width, height, text, Look())
        assert rgba.shape == (height, width, 4)
        if not _ascii(text):  # nothing the atlas can draw: no plate either
            assert not rgba[..., 3].any()
            continue
        top, bottom, left, right = _bbox(rgba[..., 3])
        assert top >= 2 * height / 3, (text[:20], top)  # never over the middle
        assert top >= layout.caption_top and bottom < layout.caption_bottom
        assert left >= layout.margin and right < width - layout.margin
        names, glosses = caption_lines(text, layout)
        assert len(names) <= 1 and len(glosses) <= 2
        for line, font in [(n, layout.name_font) for n in names] + [
            (g, layout.gloss_font) for g in glosses
        ]:
            assert font.width(line) <= _caption_width(layout)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_overlay_laid_on_black_or_on_white_is_the_caption_drawn_there(
    width: int, height: int
) -> None:
    """lower_third_rgba is draw_caption made see-through: laid over a black or a white frame
    (as ffmpeg blends it) it gives back, to rounding, what draw_caption draws on that frame,
    on every pixel (it sums only the rows something was drawn on)."""
    layout = Layout(width, height)
    look = read_prompt(PROMPT).look
    for text in (HOSTILE[0], HOSTILE[2], HOSTILE[7]):
        rgba = lower_third_rgba(width, height, text, look).astype(float)
        alpha = rgba[..., 3:] / 255
        for ground in (0, 255):
            drawn = np.full((height, width, 3), ground, np.uint8)
            draw_caption(drawn, text, layout, look)
            laid = rgba[..., :3] * alpha + ground * (1 - alpha)
            assert np.abs(laid - drawn).max() <= 2, (text[:20], ground)


def test_a_long_name_and_gloss_are_clipped_with_an_ellipsis() -> None:
    names, glosses = caption_lines("N" * 100 + ": " + "gloss " * 5_000, Layout(640, 360))
    assert names[0].endswith("...") and glosses[-1].endswith("...")
    names, glosses = caption_lines("Ledger: a spend ledger on one SQLite file", Layout(640, 360))
    assert (names, glosses) == (["Ledger"], ["a spend ledger on one SQLite file"])


def test_hostile_text_is_folded_to_what_the_atlas_draws() -> None:
    assert _ascii("Python \u00b7 import x") == "Python \u00b7 import x"  # the dot is a glyph
    assert _index("\u00b7") not in (_index("-"), _index("?"))
    assert _ascii("Caf\u00e9 \u2014 na\u00efve") == "Cafe \u2014 naive"
    assert _ascii("\U0001f680 Launch \u202eevil\u202c") == "Launch evil"  # emoji, bidi: gone
    assert _ascii("\u0645\u0631\u062d\u0628\u0627 x") == "? x"  # another script: one mark
    assert _ascii("a\tb\nc\u2028d") == "a b c d"
    assert len(_ascii("x" * 1_000_000)) <= 2_000


def test_the_animatic_keeps_the_caption_zone_clear_of_its_beats() -> None:
    for width, height in SIZES:
        layout = Layout(width, height)
        _, band_end = layout.band(_band_bottom(layout))
        assert band_end <= layout.caption_top < layout.caption_bottom <= layout.clock_y


def _differs_under_the_caption_only(
    on: np.ndarray, off: np.ndarray, text: str, look: Look | None = None
) -> None:
    """``on`` (burned) against ``off`` (clean): changed under the caption's plate, the same
    (within the codec's noise) everywhere else, the middle of the picture above all."""
    h, w = on.shape[:2]
    plate = lower_third_rgba(w, h, text, look or Look())[..., 3] > 128
    diff = np.abs(on.astype(int) - off.astype(int)).mean(axis=2)
    assert plate.any() and diff[plate].mean() > 20
    assert diff[~plate].mean() < 2
    assert diff[h // 3 : 2 * h // 3].mean() < 2


def test_an_animatic_film_burns_each_caption_for_its_clip_only(tmp_path: Path) -> None:
    a, b = clip(tmp_path, "a.mp4", 4), clip(tmp_path, "b.mp4", 4)
    parts = [
        Segment.card("Chapter one"),
        Segment.clip(a, caption="Ledger: a spend ledger on one SQLite file", shot_id="s1"),
        Segment.clip(b, shot_id="s2"),  # no caption: nothing drawn
    ]
    look = read_prompt(PROMPT).look
    burned = stitch_film(parts, tmp_path / "burned.mp4", look=look)
    clean = stitch_film(parts, tmp_path / "clean.mp4", look=look, burn_lower_thirds=False)
    assert burned.whole and burned.captions == clean.captions
    cue = next(c for c in burned.captions if c.kind == "lower-third")
    assert (cue.start, cue.end) == pytest.approx((3.0, 7.0), abs=0.05)
    for t in (cue.start + 0.2, (cue.start + cue.end) / 2, cue.end - 0.2):  # the cue's seconds
        on, off = frame_at(burned.path, t), frame_at(clean.path, t)
        _differs_under_the_caption_only(on, off, cue.text, look)
    after = frame_at(burned.path, 9.0).astype(int) - frame_at(clean.path, 9.0).astype(int)
    assert np.abs(after).mean() < 2  # the uncaptioned clip is as it was
    # our own clips are burned one by one and still joined by copy: one encoder's settings
    assert x264_settings(burned.path) == x264_settings(a)
    assert probe(burned.path).profile == probe(a).profile


def _model_clip(source: Path, out: Path) -> Path:
    """The clip as a model would deliver it: another encoder's settings, with sound."""
    seconds = probe(source).duration
    subprocess.run(
        [
            render.ffmpeg_exe(),
            *("-hide_banner", "-loglevel", "error", "-y", "-i", str(source)),
            *("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"),
            *("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-shortest", str(out)),
        ],
        check=True,
    )
    return out


def test_a_models_clips_are_burned_in_one_pass_with_their_sound(tmp_path: Path) -> None:
    a = _model_clip(clip(tmp_path, "a.mp4", 4), tmp_path / "model-a.mp4")
    b = _model_clip(clip(tmp_path, "b.mp4", 4), tmp_path / "model-b.mp4")
    assert x264_settings(a) != x264_settings(clip(tmp_path, "ours.mp4", 4))
    hostile = HOSTILE[7] + HOSTILE[6] + HOSTILE[5] + HOSTILE[2]
    parts = [
        Segment.card("Chapter one"),
        Segment.clip(a, caption=hostile, shot_id="s1"),
        Segment.clip(b, caption="Studio: turns Plans into films", shot_id="s2"),
    ]
    burned = stitch_film(parts, tmp_path / "burned.mp4")
    clean = stitch_film(parts, tmp_path / "clean.mp4", burn_lower_thirds=False)
    assert burned.whole and probe(burned.path).has_audio
    assert burned.duration == pytest.approx(11, abs=0.1)
    for t, text in ((5.0, hostile), (9.0, "Studio: turns Plans into films")):
        _differs_under_the_caption_only(frame_at(burned.path, t), frame_at(clean.path, t), text)


def test_stitch_refuses_overlays_that_do_not_match_the_clips(tmp_path: Path) -> None:
    a = clip(tmp_path, "a.mp4", 4)
    with pytest.raises(render.RenderError, match="1 overlays for 2 clips"):
        render.stitch([a, a], tmp_path / "x.mp4", overlays=[None])


@pytest.mark.parametrize("kind", ["title", "card"])
def test_a_long_card_steps_down_in_size_and_ends(kind: str) -> None:
    """A film's first card is drawn as its title (36 units): a long one steps down the
    atlas's sizes to fit (it looped for ever once: 36's glyphs are 44 px, and 78 % of 44
    is nearest 36 again)."""
    from sorafilm_nb._card import caption_card

    for width, height in [*SIZES, (64, 36)]:
        for text in ("A very long title " * 300, "x" * 50_000, HOSTILE[6]):
            card = caption_card(width, height, text, Look(), kind=kind)
            assert card.shape == (height, width, 3)
