"""render.py: real mp4 bytes, read back with ffmpeg; nothing here trusts what it asked for."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from ffmpeg_calls import probes_read_files  # noqa: F401 - a fixture, by name

from sorafilm_nb import render
from sorafilm_nb.render import (
    RenderError,
    media_duration,
    probe,
    render_animatic,
    render_spritesheet,
    render_thumbnail,
    stitch,
)

pytestmark = pytest.mark.usefixtures("probes_read_files")  # read back, never told

LINES = [
    "Style: 1920s silent-film comedy, warm sepia, soft vignette, film grain.",
    "A cramped 1920s kitchen at breakfast. A programmer in a bowler hat sits before an "
    "empty glass.",
]


def frames(path: Path) -> tuple[dict, list[np.ndarray]]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    out = [np.frombuffer(f, dtype=np.uint8).reshape(h, w, 3) for f in reader]
    return meta, out


ANIMATIC: dict = {
    "seconds": 4,
    "size": "1280x720",
    "title": "The milk will not pour",
    "lines": LINES,
    "beat": "error cascade",
    "gag": "a milk carton",
}


def animatic(tmp_path: Path, name: str = "a.mp4", **kw: object) -> Path:
    return render_animatic(tmp_path / name, **{**ANIMATIC, **kw})


#: The scale of a clip that is a test's INPUT (stitching, thumbnails, posters): 320x180 for
#: 1280x720. What those tests check (copy or re-encode, sizes, sound, durations) holds at
#: any size, and a quarter of the default's pixels is a quarter of the encoding and decoding.
CLIP_SCALE = 0.25
CLIP_SIZE = (320, 180)  # 1280x720 at CLIP_SCALE


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """An animatic as the INPUT of a test (stitching, thumbnails, posters, the index): each
    distinct one rendered once in this module and copied into the test's folder, as
    ``animatic(tmp_path, name, scale=CLIP_SCALE, **kw)`` would have left it. A test of
    rendering itself (durations, sizes, cards, errors) calls animatic() and renders its own."""
    folder = tmp_path_factory.mktemp("clips")
    made: dict[str, Path] = {}

    def copy(tmp_path: Path, name: str = "a.mp4", **kw: object) -> Path:
        kw = {"scale": CLIP_SCALE, **kw}
        key = repr(sorted({**ANIMATIC, **kw}.items()))
        if key not in made:
            made[key] = animatic(folder, f"{len(made)}.mp4", **kw)
        return Path(shutil.copyfile(made[key], tmp_path / name))

    return copy


@pytest.mark.parametrize("seconds", [4, 8, 12])
def test_duration_is_exact_and_codec_is_h264(tmp_path: Path, seconds: int) -> None:
    # the length and the codec, not the size, tested: a quarter of the default's pixels
    out = animatic(tmp_path, seconds=seconds, scale=CLIP_SCALE)
    info = probe(out)
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert info.duration == pytest.approx(seconds, abs=0.01)
    assert media_duration(out) == info.duration
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp4"]  # no temp files left


@pytest.mark.parametrize("size", ["1280x720", "720x1280", "1024x1792", "1792x1024"])
def test_aspect_is_the_requested_one_at_half_size(tmp_path: Path, size: str) -> None:
    width, height = (int(v) for v in size.split("x"))
    info = probe(animatic(tmp_path, size=size, seconds=1))  # the size, not the length, tested
    assert (info.width, info.height) == (width // 2, height // 2)


def test_full_scale_gives_the_exact_size(tmp_path: Path) -> None:
    # the size and rate, not the length, tested: six frames of a full-size portrait clip
    info = probe(animatic(tmp_path, size="720x1280", scale=1.0, fps=24, seconds=0.25))
    assert (info.width, info.height, info.fps) == (720, 1280, 24.0)


def test_faststart_puts_the_index_first(tmp_path: Path, clip: Callable[..., Path]) -> None:
    data = clip(tmp_path).read_bytes()
    assert 0 < data.index(b"moov") < data.index(b"mdat")


def test_the_card_has_text_and_the_timing_bar_moves(tmp_path: Path) -> None:
    # a style without grain: frames then differ only where time is shown
    plain = ["Style: 1960s caper film, glossy 35 mm.", "Palette: midnight blue, gold."]
    _, video = frames(animatic(tmp_path, seconds=4, fps=12, lines=plain))
    assert len(video) == 48
    first, middle, last = video[0], video[24], video[-1]
    h = first.shape[0]
    # the card is not blank: bright text in the top two thirds
    assert (first[: h * 2 // 3].max(axis=2) > 180).sum() > 300
    # only the bottom (bar and clock) changes over time
    diff = np.abs(last.astype(int) - first.astype(int)).max(axis=2)
    changed_rows = np.nonzero(diff.max(axis=1) > 40)[0]
    assert changed_rows.size and changed_rows.min() > h * 0.8

    # the bar's filled share grows: count warm (gold) pixels along the bar rows
    def filled(frame: np.ndarray) -> int:
        bar = frame[changed_rows.max() - 1]
        return int(((bar[:, 0].astype(int) - bar[:, 2].astype(int)) > 50).sum())

    assert filled(first) < filled(middle) < filled(last)


def test_different_shots_give_different_cards(tmp_path: Path) -> None:
    # first frames compared: one second of each is enough, at the inputs' scale
    a = frames(animatic(tmp_path, "a.mp4", title="Shot one", seconds=1, scale=CLIP_SCALE))[1][0]
    b = frames(animatic(tmp_path, "b.mp4", title="Shot two", seconds=1, scale=CLIP_SCALE))[1][0]
    assert hashlib.sha256(a.tobytes()).digest() != hashlib.sha256(b.tobytes()).digest()


def test_unicode_and_long_text_are_handled(tmp_path: Path) -> None:
    out = animatic(
        tmp_path,
        title="Café — naïve ☕ " * 10,
        lines=["x" * 500] * 40,
        gag="“quoted” …",
        size="720x1280",
    )
    assert probe(out).duration == pytest.approx(4, abs=0.01)


@pytest.mark.parametrize(
    ("kw", "match"),
    [({"seconds": 0}, "seconds"), ({"size": "big"}, "size"), ({"scale": 3.0}, "scale")],
)
def test_bad_arguments_are_clear_errors(tmp_path: Path, kw: dict, match: str) -> None:
    with pytest.raises(RenderError, match=match):
        animatic(tmp_path, **kw)
    assert list(tmp_path.iterdir()) == []


def test_ffmpeg_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'simulated encoder crash' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(render, "ffmpeg_exe", lambda: str(fake))
    out_dir = tmp_path / "out"
    with pytest.raises(RenderError, match=r"exit 3.*simulated encoder crash"):
        render_animatic(out_dir / "a.mp4", seconds=4, title="t")
    assert list(out_dir.iterdir()) == []


def test_thumbnail_and_spritesheet(tmp_path: Path, clip: Callable[..., Path]) -> None:
    video = clip(tmp_path, seconds=8)
    webp = render_thumbnail(video, tmp_path / "t.webp")
    assert webp.read_bytes()[:4] == b"RIFF" and webp.read_bytes()[8:12] == b"WEBP"
    assert (probe(webp).width, probe(webp).height) == CLIP_SIZE  # the video's own size
    png = render_thumbnail(video, tmp_path / "t.png", fmt="png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    sheet = render_spritesheet(video, tmp_path / "s.jpg", columns=4, rows=3, tile_width=100)
    info = probe(sheet)
    assert sheet.read_bytes()[:2] == b"\xff\xd8" and info.codec == "mjpeg"
    assert (info.width, info.height) == (400, 3 * 56)  # 100 wide tiles, 16:9, even height


def test_stitch_same_clips_is_a_lossless_concat(tmp_path: Path) -> None:
    clips = [
        animatic(tmp_path, f"{i}.mp4", seconds=s, title=f"shot {i}", scale=CLIP_SCALE)
        for i, s in enumerate((4, 8, 12))
    ]
    film = stitch(clips, tmp_path / "film" / "film.mp4")
    info = probe(film)
    assert info.duration == pytest.approx(sum(media_duration(c) for c in clips), abs=0.02)
    assert (info.width, info.height, info.codec) == (*CLIP_SIZE, "h264")
    _, video = frames(film)
    assert len(video) == 24 * 12
    assert sorted(p.name for p in (tmp_path / "film").iterdir()) == ["film.mp4"]


def test_stitch_mixed_clips_reencodes_to_the_first_size(
    tmp_path: Path, clip: Callable[..., Path]
) -> None:
    clips = [
        clip(tmp_path, "land.mp4", seconds=4),
        clip(tmp_path, "portrait.mp4", seconds=4, size="720x1280", fps=24),
    ]
    film = stitch(clips, tmp_path / "film.mp4")
    info = probe(film)
    assert (info.width, info.height) == CLIP_SIZE  # the first clip's
    assert info.duration == pytest.approx(8, abs=0.1)


def test_stitch_handles_awkward_file_names(tmp_path: Path, clip: Callable[..., Path]) -> None:
    odd = tmp_path / "it's a [shot] #1.mp4"
    clip(tmp_path, "plain.mp4").rename(odd)
    film = stitch([odd, odd], tmp_path / "film.mp4")
    assert media_duration(film) == pytest.approx(8, abs=0.02)


def test_stitch_errors(tmp_path: Path, clip: Callable[..., Path]) -> None:
    with pytest.raises(RenderError, match="at least one"):
        stitch([], tmp_path / "film.mp4")
    good = clip(tmp_path)
    with pytest.raises(RenderError, match="no such file"):
        stitch([good, tmp_path / "missing.mp4"], tmp_path / "film.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    with pytest.raises(RenderError, match="not a readable"):
        stitch([good, junk], tmp_path / "film.mp4")
    assert not (tmp_path / "film.mp4").exists()
    with pytest.raises(RenderError):
        media_duration(junk)


def with_sound(clip: Path, out: Path) -> Path:
    """The clip plus a sine tone, the way real Sora clips carry sound."""
    import subprocess

    seconds = media_duration(clip)
    subprocess.run(
        [
            render.ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(clip),
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "copy",
            "-c:a",
            "aac",
            "-shortest",
            str(out),
        ],
        check=True,
    )
    return out


@pytest.mark.slow
def test_stitch_keeps_sound_when_every_clip_has_it(
    tmp_path: Path, clip: Callable[..., Path]
) -> None:
    land = clip(tmp_path, "land.mp4", seconds=4)
    loud = with_sound(land, tmp_path / "loud.mp4")
    assert probe(loud).has_audio and not probe(land).has_audio
    copied = stitch([loud, loud], tmp_path / "copied.mp4")
    assert probe(copied).has_audio
    assert media_duration(copied) == pytest.approx(8, abs=0.1)
    portrait = with_sound(clip(tmp_path, "p.mp4", size="720x1280"), tmp_path / "pl.mp4")
    mixed = stitch([loud, portrait], tmp_path / "mixed.mp4")
    assert probe(mixed).has_audio and (probe(mixed).width, probe(mixed).height) == CLIP_SIZE
    silent_mix = stitch([loud, land], tmp_path / "silent.mp4")  # one clip has no sound
    assert not probe(silent_mix).has_audio
    assert media_duration(silent_mix) == pytest.approx(8, abs=0.1)


def test_stitch_film_reads_the_film_back(tmp_path: Path, clip: Callable[..., Path]) -> None:
    a = clip(tmp_path, "a.mp4", seconds=4)
    b = clip(tmp_path, "b.mp4", seconds=8)
    made = render.stitch_film([a, b], tmp_path / "film.mp4", durations=[4.0, None])
    assert made.whole and made.duration == pytest.approx(12, abs=0.05)
    assert made.expected == pytest.approx(12, abs=0.05)
    # a clip said to be longer than it is: the film is not whole
    short = render.stitch_film([a, b], tmp_path / "film2.mp4", durations=[6.0, None])
    assert not short.whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "b.mp4", "film.mp4", "film2.mp4"]


def test_poster_frames_are_grabbed_here_not_in_the_ui(
    tmp_path: Path, clip: Callable[..., Path]
) -> None:
    from sorafilm_nb.ui import posters

    video = clip(tmp_path, seconds=4)
    jpeg = render.poster_frame(video, width=240)
    assert jpeg[:2] == b"\xff\xd8" and len(jpeg) <= render.POSTER_MAX_BYTES
    assert posters.poster_jpeg(video, width=240) == jpeg
    assert "subprocess" not in Path(posters.__file__).read_text()  # one ffmpeg runner
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(RenderError):
        render.poster_frame(bad, at=0.0)
