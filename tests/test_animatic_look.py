"""The animatic looks as it did: its frames, as drawn and as encoded, against a stored reference.

Why: rendering is tuned for speed (issue 14: the look applied in place, only changed strips
redrawn, the encoder's settings). A tuning that changes the picture has to fail here, not be
found by a viewer. ``animatic_look.npz`` holds frames drawn by the code before that tuning
(commit 825316c): the Y, U and V planes of three frames of a plain panel with timed beats,
and for a grainy panel the planes' 16x16 block means (grain is random noise: its blocks'
means are the look, its pixels are not). Regenerate the file only for a change of look made
on purpose, and say so in the commit:

    PYTHONPATH=. python tests/test_animatic_look.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from sorafilm_nb import render
from sorafilm_nb._look import read_prompt
from sorafilm_nb._panel import animatic_frames
from sorafilm_nb.render import animatic_label, render_animatic, stitch

REFERENCE = Path(__file__).with_name("animatic_look.npz")

PLAIN = """Style: 1960s caper film, glossy 35 mm, rich saturated colour, crisp shadows.
Palette: midnight blue, gold, marble white.

A marble museum gallery at night. A safecracker-programmer turns the safe dial.

Cinematography: medium shot, locked-off camera at eye level, 35 mm lens; mood: slapstick.
Actions:
- 0-4 s: the safecracker-programmer turns the dial with an ear pressed to the safe.
- 4-8 s: the door pops open and a boxing glove on a spring bops the cap off.
Lighting: moonlight through a glass skylight.
"""
GRAINY = """Intertitle: "The milk will not pour"
Style: 1920s silent-film comedy, 18 fps hand-cranked look, warm sepia, film grain.
Palette: sepia, cream, charcoal, a touch of faded red.
A cramped 1920s kitchen at breakfast. A programmer in braces and a bowler hat sits before an
empty glass. Error cascade. A milk carton that will not pour.
"""
# the simulator's default frame (1280x720 at half size), 9 s at 4 fps: frame 0 (first beat,
# clock 0), 22 (5.5 s: the second beat, the bar past its marker), 35 (8.75 s: no beat)
SIZE, SECONDS, FPS = (640, 360), 9, 4
PICKED = (0, 22, 35)
BLOCK = 16


def drawn(prompt: str) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every frame animatic_frames draws, as (Y, U, V) planes."""
    w, h = SIZE
    label = animatic_label(f"{w * 2}x{h * 2}", 0.5)
    chunks = animatic_frames(read_prompt(prompt), w, h, SECONDS, FPS, label=label)
    planes = [np.frombuffer(bytes(c), np.uint8) for c in chunks]  # copies: planes are reused
    return [
        (y.reshape(h, w), u.reshape(h // 2, w // 2), v.reshape(h // 2, w // 2))
        for y, u, v in zip(planes[0::3], planes[1::3], planes[2::3], strict=True)
    ]


def block_means(plane: np.ndarray, block: int = BLOCK) -> np.ndarray:
    h, w = (n - n % block for n in plane.shape)
    return plane[:h, :w].reshape(h // block, block, w // block, block).mean(axis=(1, 3))


def reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return dict(data)


def test_the_plain_panel_is_drawn_as_before() -> None:
    ref = reference()
    frames = drawn(PLAIN)
    assert len(frames) == SECONDS * FPS
    for k in PICKED:
        for name, plane in zip("yuv", frames[k], strict=True):
            old = ref[f"plain_{k}_{name}"]
            diff = np.abs(plane.astype(np.int16) - old)
            # the same pixels: at most a level's rounding on a rare pixel (another numpy
            # may sum a 2x2 chroma block in another order)
            assert diff.max() <= 1 and np.count_nonzero(diff) <= plane.size // 1000, (k, name)


def test_the_grainy_panel_has_the_same_look_block_by_block() -> None:
    ref = reference()
    frames = drawn(GRAINY)
    for k in PICKED:
        for name, plane in zip("yuv", frames[k], strict=True):
            diff = np.abs(block_means(plane) - ref[f"grainy_{k}_{name}"])
            # a block's mean: text, tint and vignette; the grain averages out to within a
            # level (a speck of dust or a scratch lands elsewhere if numpy's stream changed)
            assert np.mean(diff <= 2.0) >= 0.97 and diff.max() < 12, (k, name)
    # and the grain itself: frame to frame, as strong as it was
    moved = np.std(frames[1][0].astype(np.int16) - frames[0][0].astype(np.int16))
    assert abs(moved - float(ref["grainy_motion_std"])) < 0.1 * float(ref["grainy_motion_std"])


def test_the_encoded_clip_keeps_what_was_drawn(tmp_path: Path) -> None:
    """Decoded, the mp4 is the drawing within the encoder's loss (our x264 settings): a
    setting that blurs the text or blocks the gradients fails here."""
    clip = render_animatic(tmp_path / "a.mp4", seconds=SECONDS, prompt=PLAIN, fps=FPS, scale=0.5)
    w, h = SIZE
    reader = imageio_ffmpeg.read_frames(str(clip), pix_fmt="yuv420p", bits_per_pixel=12)
    meta = next(reader)
    assert tuple(meta["size"]) == SIZE
    decoded = [np.frombuffer(f, np.uint8)[: w * h].reshape(h, w) for f in reader]
    frames = drawn(PLAIN)
    assert len(decoded) == len(frames)
    for k, (y, _, _) in enumerate(frames):
        err = np.mean((decoded[k].astype(float) - y) ** 2)
        psnr = 10 * np.log10(255**2 / max(err, 1e-9))
        assert psnr > 45, (k, psnr)


def decoded(path: Path) -> list[np.ndarray]:
    reader = imageio_ffmpeg.read_frames(str(path))
    next(reader)
    return [np.frombuffer(f, np.uint8) for f in reader]


def avcc(path: Path) -> bytes:
    """The mp4's avcC box: the stream's SPS and PPS, as a player reads them."""
    data = path.read_bytes()
    at = data.index(b"avcC") - 4
    return data[at : at + int.from_bytes(data[at : at + 4], "big")]


def test_clips_encoded_before_the_constant_quantiser_still_join_new_ones_by_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A film resumed across the change (its old animatics, new ones and new cards) is joined
    by copy, and the file's one avcC holds for every clip: CRF 23 and qp=23 write the same
    SPS and PPS (the PPS's initial QP is 23 either way). With another qp ffmpeg would have to
    put the second clip's PPS in-band, which a player reading only the avcC never sees."""
    new = render_animatic(tmp_path / "new.mp4", seconds=2, prompt=PLAIN, scale=0.25)
    before = ("-tune", "stillimage", "-x264-params", "ref=4")  # OUR_X264 until issue 14
    monkeypatch.setattr(render, "OUR_X264", before)
    old = render_animatic(tmp_path / "old.mp4", seconds=2, prompt=GRAINY, scale=0.25)
    monkeypatch.undo()
    assert avcc(old) == avcc(new)
    joined = decoded(stitch([old, new], tmp_path / "film.mp4"))
    parts = decoded(old) + decoded(new)
    assert len(joined) == len(parts) == 48
    assert all(np.array_equal(a, b) for a, b in zip(joined, parts, strict=True))


def make() -> None:
    """Write animatic_look.npz from the code on the path (see the module docstring)."""
    out: dict[str, np.ndarray] = {}
    plain, grainy = drawn(PLAIN), drawn(GRAINY)
    for k in PICKED:
        for name, p, g in zip("yuv", plain[k], grainy[k], strict=True):
            out[f"plain_{k}_{name}"] = p
            out[f"grainy_{k}_{name}"] = block_means(g).astype(np.float32)
    out["grainy_motion_std"] = np.array(
        np.std(grainy[1][0].astype(np.int16) - grainy[0][0].astype(np.int16))
    )
    np.savez_compressed(REFERENCE, **out)


if __name__ == "__main__":
    make()
    print(REFERENCE, REFERENCE.stat().st_size, "bytes", file=sys.stderr)
