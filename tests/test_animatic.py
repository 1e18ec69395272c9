"""The animatic: a panel read from the prompt, its timed beats, the theme's look, its label."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from ffmpeg_calls import probes_read_files  # noqa: F401 - a fixture, by name
from provider_fixtures import AnimaticStore, animatics_drawn_once  # noqa: F401 - a fixture

from sorafilm_nb._card import Layout
from sorafilm_nb._look import beat_at, read_prompt
from sorafilm_nb._panel import _band_bottom, frame_beat
from sorafilm_nb.render import animatic_label, probe, render_animatic

pytestmark = pytest.mark.usefixtures("probes_read_files")  # read back, never told

HEIST = """Style: 1960s caper film, glossy 35 mm, rich saturated colour, crisp shadows.
Palette: midnight blue, gold, marble white.

A marble museum gallery at night. A safecracker-programmer turns the safe dial.

Cinematography: medium shot, locked-off camera at eye level, 35 mm lens; mood: slapstick.
Actions:
- 0-4 s: the safecracker-programmer turns the dial with an ear pressed to the safe.
- 4-8 s: the door pops open and a boxing glove on a spring bops the cap off.
Lighting: moonlight through a glass skylight.
Sound: tiptoe footsteps.
"""


def frames(path: Path) -> list[np.ndarray]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    return [np.frombuffer(f, dtype=np.uint8).reshape(h, w, 3) for f in reader]


def test_the_prompt_gives_beats_camera_scene_and_look() -> None:
    sheet = read_prompt(HEIST)
    assert [(b.start, b.end) for b in sheet.beats] == [(0, 4), (4, 8)]
    assert sheet.beats[1].text.startswith("the door pops open")
    assert sheet.camera.startswith("medium shot") and sheet.setting.startswith("A marble")
    assert sheet.scene == "A safecracker-programmer turns the safe dial."
    assert sheet.look.grain == 0 and len(sheet.look.swatches) == 3
    assert sheet.look.shadow[2] > sheet.look.shadow[0]  # night blue shadows
    assert beat_at(sheet.beats, 3.99) == 0 and beat_at(sheet.beats, 4.0) == 1
    assert beat_at(sheet.beats, 8.0) is None and frame_beat(sheet, 9) == ""
    sepia = read_prompt("Style: 1920s silent-film comedy, warm sepia, film grain.\nPalette: cream.")
    assert sepia.look.grain > 0 and sepia.look.tint > 0.5
    assert sepia.look.highlight[0] > sepia.look.highlight[2]  # warm
    assert read_prompt("Style: documentary, 16 mm.").look.grain > 0
    assert read_prompt("a cat on a mat").scene == "a cat on a mat"  # any prompt gets a panel


@pytest.mark.parametrize(
    ("size", "scale"), [("1280x720", 0.5), ("720x1280", 0.5), ("1280x720", 1.0)]
)
def test_the_label_says_the_size_the_file_really_has(
    tmp_path: Path, size: str, scale: float
) -> None:
    info = probe(
        render_animatic(tmp_path / "a.mp4", seconds=1, size=size, prompt=HEIST, scale=scale)
    )
    label = animatic_label(size, scale)
    assert label.split()[1] == f"{info.width}x{info.height}"
    assert label.endswith(f"(of {size})") == (scale != 1.0)


def test_each_beat_is_shown_while_it_plays(tmp_path: Path) -> None:
    video = frames(render_animatic(tmp_path / "a.mp4", seconds=8, prompt=HEIST, fps=4))
    sheet = read_prompt(HEIST)
    assert frame_beat(sheet, 1.0) != frame_beat(sheet, 5.0)
    h, w = video[0].shape[:2]
    layout = Layout(w, h)
    top, bottom = layout.band(_band_bottom(layout))
    band = [f[top:bottom].astype(int) for f in video]
    # the same beat: the same band; the next beat (from its second, 4 s): another band.
    # "The same" within x264's noise: the frame where a band changes is refined by later
    # frames by up to ~13 levels at text edges (10 when the band sat lower, in the vignette)
    assert np.abs(band[4] - band[12]).max() < 16  # 1 s and 3 s
    assert np.abs(band[15] - band[16]).mean() > 3  # 3.75 s -> 4 s
    assert np.abs(band[16] - band[28]).max() < 16  # 4 s and 7 s
    # and the bar carries a marker where the second beat starts (the middle of the bar)
    bar = video[0][layout.bar_y - 2, layout.margin : w - layout.margin].max(axis=1)
    marks = np.nonzero(bar > 150)[0]
    assert marks.size and abs(marks.mean() - (w - 2 * layout.margin) / 2) < 4


def test_grain_only_where_the_style_says(tmp_path: Path) -> None:
    grainy = HEIST.replace("crisp shadows.", "crisp shadows, gentle film grain.")
    plain = frames(render_animatic(tmp_path / "p.mp4", seconds=1, prompt=HEIST))
    noisy = frames(render_animatic(tmp_path / "g.mp4", seconds=1, prompt=grainy))
    top = slice(0, plain[0].shape[0] // 3)
    # no grain: the top third is still, within x264's noise on a few text-edge pixels
    assert np.abs(plain[1][top].astype(int) - plain[2][top].astype(int)).max() < 9
    assert np.abs(noisy[1][top].astype(int) - noisy[2][top].astype(int)).mean() > 1.0


def test_the_theme_tints_the_panel(tmp_path: Path) -> None:
    sepia = HEIST.replace("Palette: midnight blue, gold, marble white.", "Palette: sepia, cream.")
    night = frames(render_animatic(tmp_path / "n.mp4", seconds=1, prompt=HEIST))[0]
    warm = frames(render_animatic(tmp_path / "s.mp4", seconds=1, prompt=sepia))[0]
    r, b = (night[..., c].astype(float).mean() for c in (0, 2))
    assert b > r  # blue
    r, b = (warm[..., c].astype(float).mean() for c in (0, 2))
    assert r > b  # sepia
    # the vignette: corners darker than the middle of the same (text-free) row
    y = night.shape[0] * 2 // 3 - 4
    assert night[y, 2].astype(int).sum() < night[y, night.shape[1] // 2].astype(int).sum()


def test_hostile_prompt_text_is_only_pixels(tmp_path: Path) -> None:
    evil = HEIST.replace("turns the safe dial", "<script>alert(1)</script> \x1b[2J ☕ \u202e")
    info = probe(render_animatic(tmp_path / "e.mp4", seconds=1, prompt=evil))
    assert info.duration == pytest.approx(1, abs=0.01)


def test_the_film_tests_animatic_store_gives_the_bytes_a_real_encode_gives(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """provider_fixtures.AnimaticStore (the film tests' encode-once store): inside a double's
    render, frames already encoded are a copy of that file, byte for byte what a real encode
    writes, under the new job's name; other frames (another scene) are encoded; an encode
    outside a double's render (here render_animatic called directly) always runs."""
    from sorafilm_nb.backends._sim_state import Renderer, SimJob

    def job(job_id: str, prompt: str) -> SimJob:
        return SimJob(
            id=job_id,
            seq=len(job_id),
            model="sora-2",
            seconds=4,
            size="1280x720",
            prompt=prompt,
            created_at=len(job_id) * 1000,
            started=float(len(job_id)),
        )

    store: AnimaticStore = request.getfixturevalue("animatics_drawn_once")
    real = render_animatic(tmp_path / "real.mp4", seconds=4, prompt=HEIST, scale=0.1)
    before = store.encoded + store.copied
    (tmp_path / "media").mkdir()
    renderer = Renderer(tmp_path / "media", scale=0.1)
    try:
        a = renderer.submit(job("video_a", HEIST)).result()
        b = renderer.submit(job("video_bb", HEIST + "x")).result()  # a line not drawn
        farm = HEIST.replace("A marble museum gallery at night", "A muddy farmyard at noon")
        c = renderer.submit(job("video_c", farm)).result()
    finally:
        renderer.close()
    assert (a.name, b.name, c.name) == ("video_a.mp4", "video_bb.mp4", "video_c.mp4")
    assert a.read_bytes() == b.read_bytes() == real.read_bytes() != c.read_bytes()
    assert store.encoded + store.copied - before == 3 and store.copied >= 1


def test_a_cut_line_on_the_panel_ends_at_a_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slug line too long for the panel is cut between words with "...": a new user saw
    "a round vault door at th..." (the cut was by character outside title cards)."""
    from sorafilm_nb import _glyphs
    from sorafilm_nb._panel import panel

    drawn: list[str] = []
    real = _glyphs._draw_text

    def spy(img: np.ndarray, text: str, *args: object, **kwargs: object) -> None:
        drawn.append(text)
        real(img, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_glyphs, "_draw_text", spy)
    setting = (
        "Inside a marble museum gallery at night with a round vault door at the far end, its "
        "brass wheel catching the moonlight from a glass skylight above the sleeping guards."
    )
    sheet = read_prompt(HEIST.replace("A marble museum gallery at night.", setting))
    assert sheet.setting == setting
    words = setting.split()
    for size in ((640, 360), (720, 1280)):  # the old cut ended "brass whee...", "at nigh..."
        drawn.clear()
        panel(sheet, Layout(*size), label="a.py", seconds=8)
        cut = [line for line in drawn if line.endswith("...")]
        assert cut, drawn
        for line in cut:
            stem = line.removesuffix("...").split()
            whole = [*words[: len(stem) - 1], words[len(stem) - 1].rstrip(",;:")]
            assert stem and stem == whole, (size, line)  # whole words, in order, none cut

    # one word wider than the line alone is still cut inside it (nothing else would fit)
    font = _glyphs._font(20)
    long = _glyphs._fit(_glyphs._wrap("x" * 400 + " tail", font, 200), font, 1, 200)
    assert long[0].endswith("...") and long[0].startswith("xxx")
    assert font.width(long[0]) <= 200


# The heist theme's real palette (data/metaphors/heist.toml): its accent is laser red.
HEIST_RED = HEIST.replace("marble white.", "marble white, laser red.").replace(
    "medium shot, locked-off camera at eye level, 35 mm lens",
    "wide shot, slow pan left to right following the action, 28 mm lens, deep focus",
)


def _first_luma(prompt: str) -> np.ndarray:
    """Frame 0's luma at the simulator's 640x360, as drawn (before the encoder)."""
    from sorafilm_nb._panel import animatic_frames

    chunks = animatic_frames(read_prompt(prompt), 640, 360, 8, 4, label="animatic")
    return np.frombuffer(bytes(next(chunks)), np.uint8).reshape(360, 640).astype(np.int16)


def _ink(prompt: str, without: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The header's pixels that ``without`` removes from the prompt: (rows, cols) where the
    two frames differ, and the luma with and without there. Measured on the frame, after
    the tint and the vignette, which is what a viewer sees."""
    top = slice(0, 60)  # the header band, above the scene
    shown, bare = _first_luma(prompt)[top], _first_luma(prompt.replace(without, ""))[top]
    rows, cols = np.nonzero(np.abs(shown - bare) > 12)
    return rows, shown[rows, cols], bare[rows, cols]


def test_the_header_reads_at_640x360() -> None:
    """A new user could not read a simulator animatic's top line: the camera note in 11 px
    capitals (9 rows of ink), the heist's red mood tag at luma 88 on 48. The note is drawn
    in the 14 px type of the slug line, and accent text is lifted (Look.accent_ink)."""
    camera = "wide shot, slow pan left to right following the action, 28 mm lens, deep focus; "
    rows, _, _ = _ink(HEIST_RED, camera)
    assert rows.max() - rows.min() + 1 >= 12, "the camera note's type is too small to read"
    _, ink, paper = _ink(HEIST_RED, "; mood: slapstick")
    assert np.percentile(ink, 90) - np.median(paper) >= 70, "the mood tag is dim on navy"
