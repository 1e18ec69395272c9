"""Animatics for the simulator, their preview images, and stitching clips into a film.

Everything here drives the ffmpeg binary that the ``imageio-ffmpeg`` wheel ships, so nothing
needs apt or a system font. Why the shapes below:

- An animatic is a title card (shot title, beat, gag, the prompt's first lines) with a moving
  timing bar and a clock. The card is drawn once with numpy and converted to YUV once; each
  frame only paints the bar's new columns, and raw yuv420p frames are piped into
  ``libx264 -preset ultrafast``. Encoding is the cost, so the animatic is rendered at *half*
  the requested resolution by default (640x360 for 1280x720, 360x640 for 720x1280: same
  aspect, a quarter of the pixels) and 12 fps. A 12 s clip then takes about 0.3 s (full size,
  ``scale=1.0``: about 0.7-1 s on 2 cores). ``benchmarks/bench_render.py`` measures it.
- Text comes from a pre-rasterised atlas of Aileron Regular (CC0) in ``data/fonts``: no Pillow,
  no FreeType, no font lookup at run time.
- Every file is written to a temp name in its destination folder and renamed into place, so a
  crash never leaves a half-written mp4 under the final name.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from .errors import SorafilmError

__all__ = [
    "MediaInfo",
    "RenderError",
    "media_duration",
    "probe",
    "render_animatic",
    "render_spritesheet",
    "render_thumbnail",
    "stitch",
]

# Colours: the DESIGN's sepia palette (charcoal, cream, sepia, a touch of faded red).
_BG_TOP = np.array([38, 34, 31], dtype=np.float32)
_BG_BOTTOM = np.array([22, 20, 19], dtype=np.float32)
_CREAM = (241, 229, 205)
_SEPIA = (196, 160, 112)
_RED = (196, 92, 76)
_GREY = (170, 162, 150)
_TRACK = (70, 63, 57)


class RenderError(SorafilmError):
    """ffmpeg failed or a media file could not be read."""


@dataclass(frozen=True)
class MediaInfo:
    """What ffmpeg reports about a media file's first video stream."""

    duration: float  # seconds, from the container
    width: int
    height: int
    codec: str  # e.g. "h264"
    pix_fmt: str  # e.g. "yuv420p"
    fps: float
    has_audio: bool = False  # real Sora clips carry sound; animatics do not


def ffmpeg_exe() -> str:
    """The ffmpeg binary bundled with imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE if the user set it)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def parse_size(size: str) -> tuple[int, int]:
    """'1280x720' -> (1280, 720), with a clear error for anything else."""
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", size.strip())
    if not match:
        raise RenderError(f"size must look like 1280x720, got {size!r}")
    return int(match[1]), int(match[2])


# ---------------------------------------------------------------- text


@dataclass(frozen=True)
class _Font:
    glyphs: np.ndarray  # (95, h, w) uint8 coverage
    advances: np.ndarray  # (95,) int

    @property
    def height(self) -> int:
        return int(self.glyphs.shape[1])

    def width(self, text: str) -> int:
        return int(sum(int(self.advances[_index(ch)]) for ch in text))


def _index(ch: str) -> int:
    code = ord(ch)
    return code - 32 if 32 <= code < 127 else ord("?") - 32


@cache
def _font(px: int, factor: int = 1) -> _Font:
    from .datafiles import data_dir

    with np.load(data_dir() / "fonts" / "aileron_atlas.npz") as atlas:
        glyphs = atlas[f"glyphs_{px}"]
        advances = atlas[f"advances_{px}"].astype(np.int32)
    if factor > 1:
        glyphs = glyphs.repeat(factor, axis=1).repeat(factor, axis=2)
        advances = advances * factor
    return _Font(glyphs=glyphs, advances=advances)


_ASCII = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00b7": "-",
        "\t": " ",
    }
)


def _ascii(text: str) -> str:
    """The atlas holds printable ASCII; fold typographic punctuation, mark the rest with '?'."""
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text.translate(_ASCII))


def _draw_text(
    img: np.ndarray, text: str, x: int, y: int, font: _Font, colour: tuple[int, int, int]
) -> int:
    """Alpha-blend ``text`` onto ``img`` (H, W, 3 uint8) at (x, y); returns the end x."""
    h_img, w_img = img.shape[:2]
    colour_arr = np.array(colour, dtype=np.float32)
    for ch in text:
        i = _index(ch)
        glyph = font.glyphs[i]
        gh, gw = glyph.shape
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + gw, w_img), min(y + gh, h_img)
        if x1 > x0 and y1 > y0:
            alpha = glyph[y0 - y : y1 - y, x0 - x : x1 - x, None].astype(np.float32) / 255.0
            region = img[y0:y1, x0:x1].astype(np.float32)
            img[y0:y1, x0:x1] = (region * (1.0 - alpha) + colour_arr * alpha).astype(np.uint8)
        x += int(font.advances[i])
    return x


def _wrap(text: str, font: _Font, max_width: int) -> list[str]:
    """Greedy word wrap by pixel width (long words are cut)."""
    avg = max(1, font.width("abcdefghijklmnopqrstuvwxyz") // 26)
    out: list[str] = []
    for line in textwrap.wrap(text, width=max(8, max_width // avg)) or [""]:
        while font.width(line) > max_width and len(line) > 1:
            cut = line.rfind(" ", 0, len(line) - 1)
            head = line[:cut] if cut > 0 else line[:-1]
            rest = line[len(head) :].lstrip()
            line = head
            out.append(line)
            line = rest
            if font.width(line) <= max_width:
                break
        out.append(line)
    return [w for w in out if w]


# ---------------------------------------------------------------- the card


def _card(
    width: int, height: int, *, title: str, beat: str, gag: str, lines: Sequence[str]
) -> tuple[np.ndarray, int]:
    """The static card; returns the image and the y where the timing bar goes."""
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    column = _BG_TOP * (1 - ramp) + _BG_BOTTOM * ramp
    img = np.broadcast_to(column[:, None, :], (height, width, 3)).astype(np.uint8)
    factor = max(1, round(min(width, height) / 400))
    big, mid, small = _font(30, factor), _font(20, factor), _font(14, factor)
    margin, _, bar_y = _layout(width, height)
    text_w = width - 2 * margin
    limit = bar_y - small.height - margin // 2  # text must end above the clock and bar
    y = margin
    for line in _wrap(_ascii(title), big, text_w)[:3]:
        _draw_text(img, line, margin, y, big, _CREAM)
        y += big.height
    # a thin rule under the title, like an intertitle card
    rule_y = y + max(2, big.height // 5)
    img[rule_y : rule_y + max(1, factor), margin : width - margin] = _SEPIA
    y = rule_y + big.height // 2
    for text, font, colour in ((beat, mid, _SEPIA), (gag, mid, _RED)):
        for line in _wrap(_ascii(text), font, text_w)[:3]:
            if y + font.height > limit:
                break
            _draw_text(img, line, margin, y, font, colour)
            y += font.height
    y += small.height // 2
    for raw in lines:
        for line in _wrap(_ascii(raw), small, text_w):
            if y + small.height > limit:
                return img, bar_y
            _draw_text(img, line, margin, y, small, _GREY)
            y += small.height
    return img, bar_y


def _layout(width: int, height: int) -> tuple[int, int, int]:
    """(margin, bar height, bar top): all even, so the bar falls on whole chroma blocks."""
    margin = max(12, width // 20) & ~1
    bar_h = max(6, height // 60) & ~1
    return margin, bar_h, height - margin - bar_h


def _yuv420(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RGB (even height and width) -> BT.601 limited-range Y, U, V planes, chroma averaged
    over 2x2 blocks: the conversion ffmpeg would otherwise do on every frame."""
    f = rgb.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    h, w = y.shape

    def sub(c: np.ndarray) -> np.ndarray:
        return c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    return tuple(np.clip(np.rint(p), 0, 255).astype(np.uint8) for p in (y, sub(u), sub(v)))


def _frames(card: np.ndarray, bar_y: int, seconds: float, fps: int) -> Iterator[bytes]:
    """Each frame, as raw yuv420p: the card, the timing bar filled to t/seconds, and a
    't / total s' clock.

    The card is converted to YUV once; each frame only paints the bar's new columns into
    the planes, and the clock (whole seconds) is redrawn and converted once per second. So a
    frame costs one memory copy, and ffmpeg gets half the bytes of RGB and no conversion.
    """
    height, width = card.shape[:2]
    margin, bar_h, _ = _layout(width, height)
    font = _font(14, max(1, round(min(width, height) / 400)))
    rgb = card.copy()
    rgb[bar_y : bar_y + bar_h, margin : width - margin] = _TRACK
    clock_y = (bar_y - font.height - 2) & ~1  # even: the strip is whole chroma rows
    text_y = bar_y - font.height - 2 - clock_y  # the clock's top, inside the strip
    total = f"{seconds:.0f} s" if float(seconds).is_integer() else f"{seconds:.1f} s"
    clock_x = width - margin - font.width(f"{int(seconds):d} / {total}") - font.width("0")
    base_strip = rgb[clock_y:bar_y].copy()

    buf = np.empty(width * height * 3 // 2, dtype=np.uint8)
    luma = buf[: width * height].reshape(height, width)
    cb = buf[width * height : width * height * 5 // 4].reshape(height // 2, width // 2)
    cr = buf[width * height * 5 // 4 :].reshape(height // 2, width // 2)
    luma[:], cb[:], cr[:] = _yuv420(rgb)
    fill = _yuv420(np.full((2, 2, 3), _SEPIA, dtype=np.uint8))
    fill_y, fill_u, fill_v = (int(p[0, 0]) for p in fill)
    rows, crows = slice(bar_y, bar_y + bar_h), slice(bar_y // 2, (bar_y + bar_h) // 2)

    n = round(seconds * fps)
    span = width - 2 * margin
    filled = margin
    shown = -1
    for k in range(n):
        end = margin + 2 * round(span * (k + 1) / n / 2)  # even: whole chroma columns
        if end > filled:  # the fill only grows
            luma[rows, filled:end] = fill_y
            cb[crows, filled // 2 : end // 2] = fill_u
            cr[crows, filled // 2 : end // 2] = fill_v
            filled = end
        second = k // fps
        if second != shown:
            strip = base_strip.copy()
            _draw_text(strip, f"{second:d} / {total}", clock_x, text_y, font, _CREAM)
            sy, su, sv = _yuv420(strip)
            luma[clock_y:bar_y], cb[clock_y // 2 : bar_y // 2], cr[clock_y // 2 : bar_y // 2] = (
                sy,
                su,
                sv,
            )
            shown = second
        yield buf.tobytes()


def _render_size(size: str, scale: float) -> tuple[int, int]:
    width, height = parse_size(size)
    # H.264 with yuv420p needs even dimensions
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


@contextmanager
def _atomic_target(path: Path, suffix: str) -> Iterator[Path]:
    """A temp file next to ``path``; renamed onto it on success, removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # not mkstemp: ffmpeg creates the file itself, with the user's umask rather than 0600
    tmp = path.parent / f".{path.stem}.{secrets.token_hex(6)}.partial{suffix}"
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# Every ffmpeg call: quiet unless it fails (the log is kept for the error), overwrite the temp
# target it is given.
_QUIET = ("-hide_banner", "-loglevel", "error", "-y")
# The H.264 mp4 every clip and film is written as: yuv420p plays in every browser, faststart
# lets a player start before the whole file has arrived. (benchmarks/bench_render.py encodes
# its baseline with exactly these settings.)
H264_MP4 = (
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    "-movflags",
    "+faststart",
    "-f",
    "mp4",
)


def _ffmpeg(*args: str, stdin_frames: Iterator[bytes] | None = None) -> str:
    """Run the bundled ffmpeg with args (see _run); returns its log."""
    return _run([ffmpeg_exe(), *_QUIET, *args], stdin_frames=stdin_frames)


def _run(cmd: list[str], *, stdin_frames: Iterator[bytes] | None = None) -> str:
    """Run ffmpeg; raise RenderError with the tail of its log on failure; return its log.

    The log goes to a temp file rather than a pipe so that a chatty ffmpeg can never block
    while we are still feeding it frames.
    """
    with tempfile.TemporaryFile() as log_file:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if stdin_frames is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            if stdin_frames is not None:
                assert proc.stdin is not None
                try:
                    for chunk in stdin_frames:
                        proc.stdin.write(chunk)
                    proc.stdin.close()
                except BrokenPipeError:
                    pass  # ffmpeg died; its log says why
            proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        log_file.seek(0)
        log = log_file.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-5:])
        raise RenderError(f"ffmpeg failed (exit {proc.returncode}): {tail}")
    return log


def render_animatic(
    path: str | Path,
    *,
    seconds: float,
    size: str = "1280x720",
    title: str,
    lines: Sequence[str] = (),
    beat: str = "",
    gag: str = "",
    fps: int = 12,
    scale: float = 0.5,
) -> Path:
    """Write an H.264 yuv420p mp4 (+faststart) of exactly ``seconds`` at ``size``'s aspect.

    ``scale`` shrinks the frame (0.5: a quarter of the pixels, about four times faster to
    encode); the aspect ratio is kept exactly. The duration is ``round(seconds * fps)`` frames.
    """
    if seconds <= 0:
        raise RenderError(f"seconds must be positive, got {seconds!r}")
    if fps <= 0 or not 0.05 <= scale <= 1.0:
        raise RenderError(f"fps must be positive and scale in 0.05..1 (got {fps}, {scale})")
    width, height = _render_size(size, scale)
    card, bar_y = _card(width, height, title=title, beat=beat, gag=gag, lines=lines)
    path = Path(path)
    with _atomic_target(path, ".mp4") as tmp:
        _ffmpeg(
            *("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}"),
            *("-r", str(fps), "-i", "-", "-tune", "stillimage"),
            *H264_MP4,
            str(tmp),
            stdin_frames=_frames(card, bar_y, seconds, fps),
        )
    return path


def render_thumbnail(
    video: str | Path, out: str | Path, *, fmt: Literal["webp", "jpg", "png"] = "webp"
) -> Path:
    """A still from the middle of ``video`` (the API serves thumbnails as image/webp)."""
    video, out = Path(video), Path(out)
    at = max(0.0, probe(video).duration / 2)
    codec = {
        "webp": ["-c:v", "libwebp", "-f", "webp"],
        "jpg": ["-c:v", "mjpeg", "-f", "image2"],
        "png": ["-c:v", "png", "-f", "image2"],
    }[fmt]
    with _atomic_target(out, f".{fmt}") as tmp:
        _ffmpeg("-ss", f"{at:.3f}", "-i", str(video), "-frames:v", "1", *codec, str(tmp))
    return out


def render_spritesheet(
    video: str | Path, out: str | Path, *, columns: int = 5, rows: int = 2, tile_width: int = 160
) -> Path:
    """A JPEG grid of ``columns * rows`` frames spread evenly over ``video``."""
    video, out = Path(video), Path(out)
    info = probe(video)
    count = columns * rows
    rate = count / max(info.duration, 0.001)
    with _atomic_target(out, ".jpg") as tmp:
        _ffmpeg(
            *("-i", str(video), "-frames:v", "1", "-c:v", "mjpeg", "-f", "image2"),
            *("-vf", f"fps={rate:.6f},scale={tile_width}:-2,tile={columns}x{rows}"),
            str(tmp),
        )
    return out


# ---------------------------------------------------------------- reading and stitching

_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(
    r"Stream #\S+.*?: Video: (\w+)[^,]*, (\w+)[^,]*?(?:\([^)]*\))?, "
    r"(\d+)x(\d+)"
)
_FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: ")


def probe(path: str | Path) -> MediaInfo:
    """Read duration, size, codec and frame rate back from the file (``ffmpeg -i``)."""
    path = Path(path)
    if not path.is_file():
        raise RenderError(f"{path}: no such file")
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    log = proc.stderr
    duration = _DURATION.search(log)
    video = _VIDEO.search(log)
    if not video or ("Duration: N/A" not in log and not duration):
        last = log.strip().splitlines()[-1:] or ["no output from ffmpeg"]
        raise RenderError(f"{path}: not a readable video or image ({last[0]})")
    seconds = 0.0  # a still image (webp) has no duration
    if duration:
        hours, minutes, secs = duration.groups()
        seconds = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    fps = _FPS.search(log[video.start() :])
    return MediaInfo(
        duration=seconds,
        width=int(video[3]),
        height=int(video[4]),
        codec=video[1],
        pix_fmt=video[2],
        fps=float(fps[1]) if fps else 0.0,
        has_audio=bool(_AUDIO.search(log)),
    )


def media_duration(path: str | Path) -> float:
    """The duration in seconds the file itself declares (to 10 ms), not what we asked for."""
    return probe(path).duration


def _concat_line(path: Path) -> str:
    escaped = str(path.resolve()).replace("'", "'\\''")
    return f"file '{escaped}'\n"


def stitch(clips: Sequence[str | Path], out: str | Path) -> Path:
    """Concatenate ``clips`` into ``out``, atomically.

    Clips that share codec, size, pixel format, frame rate and audio layout (every animatic
    of one film does, and so do one model's clips) are joined with the concat demuxer and
    ``-c copy``: no re-encode, exact durations, sound kept. Mixed clips are re-encoded, each
    scaled and letterboxed to the first clip's size; their sound is kept only when every
    clip has some.
    """
    paths = [Path(c) for c in clips]
    if not paths:
        raise RenderError("stitch needs at least one clip")
    infos = [probe(p) for p in paths]
    first = infos[0]
    same = all(
        (i.codec, i.width, i.height, i.pix_fmt, i.fps, i.has_audio)
        == (first.codec, first.width, first.height, first.pix_fmt, first.fps, first.has_audio)
        for i in infos
    )
    out = Path(out)
    with _atomic_target(out, ".mp4") as tmp:
        if same:
            with tempfile.NamedTemporaryFile(
                "w", suffix=".txt", dir=out.parent, prefix=".concat.", delete=False
            ) as listing:
                listing.writelines(_concat_line(p) for p in paths)
            try:
                _ffmpeg(
                    *("-f", "concat", "-safe", "0", "-i", listing.name, "-c", "copy"),
                    *("-movflags", "+faststart", "-f", "mp4", str(tmp)),
                )
            finally:
                Path(listing.name).unlink(missing_ok=True)
        else:
            w, h = first.width, first.height
            fps = first.fps or 24
            inputs: list[str] = []
            chains = []
            for k, p in enumerate(paths):
                inputs += ["-i", str(p)]
                chains.append(
                    f"[{k}:v]scale={w}:{h}:force_original_aspect_ratio=decrease,"
                    f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps}[v{k}]"
                )
            audio = all(i.has_audio for i in infos)
            pads = "".join(f"[v{k}]" + (f"[{k}:a]" if audio else "") for k in range(len(paths)))
            graph = ";".join(chains) + ";" + pads
            graph += f"concat=n={len(paths)}:v=1:a={int(audio)}[out]" + ("[aout]" if audio else "")
            maps = ["-map", "[out]"] + (["-map", "[aout]", "-c:a", "aac"] if audio else [])
            _ffmpeg(*inputs, "-filter_complex", graph, *maps, *H264_MP4, str(tmp))
    return out
