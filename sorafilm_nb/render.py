"""Animatics for the simulator, their preview images, and stitching clips into a film.

Everything here drives the ffmpeg binary that the ``imageio-ffmpeg`` wheel ships, so nothing
needs apt or a system font. Why the shapes below:

- An animatic is a storyboard panel read from the prompt the server received (``_look``:
  camera note, palette, scene, the timed "Actions:" beats shown while they play, the theme's
  tint, vignette and grain), drawn with numpy in ``_panel``/``_card``, text in ``_glyphs`` from
  a pre-rasterised atlas of Aileron Regular (CC0) in ``data/fonts`` (no Pillow, no FreeType, no
  font lookup).
  The panel is converted to YUV once; each frame only copies the bar's new columns and the
  strips that changed (beat, clock), and grain is four cycled noise planes. Raw yuv420p
  frames are piped into ``libx264 -preset ultrafast`` with four reference frames, which lets
  x264 find the cycled grain again, at a constant quantiser (OUR_X264: no lookahead rating
  every frame). x264 is most of the CPU; grain is most of x264's (no block of a grainy frame
  is the frame before it, so none is skipped). The simulator renders at *half* size by
  default (640x360 for 1280x720: same aspect, a quarter of the pixels), and the panel says
  so ("animatic 640x360 (of 1280x720)"); ``benchmarks/bench_render.py`` measures both sizes.
- ``stitch_film`` (in ``_cut``) builds the film from Segments: clips, their lower thirds
  (a WebVTT track; burned in on request) and caption cards, and returns the captions on the
  film's real timeline.
- Every file is written to a temp name in its destination folder (``safeio.atomic_path``:
  created exclusively, never through a link) and renamed into place, so a crash never leaves
  a half-written mp4 under the final name.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from ._cut import (
    DURATION_TOLERANCE_S,
    Overlay,
    Segment,
    Stitched,
    burn_alike,
    cut_key,
    stitch_film,
)
from ._probe import MediaInfo, encoded_info, forget_all, probe, remember, size_label
from .errors import SorafilmError
from .safeio import atomic_path, create_new, temp_name

__all__ = [
    "DURATION_TOLERANCE_S",
    "MediaInfo",
    "RenderError",
    "Segment",
    "Stitched",
    "animatic_label",
    "cut_key",
    "encoded_info",
    "forget_all",
    "media_duration",
    "poster_frame",
    "probe",
    "remember",
    "render_animatic",
    "render_spritesheet",
    "render_thumbnail",
    "stitch",
    "stitch_film",
]


class RenderError(SorafilmError):
    """ffmpeg failed or a media file could not be read."""


def ffmpeg_exe() -> str:
    """The ffmpeg binary bundled with imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE if the user set it)."""
    import imageio_ffmpeg

    exe: str = imageio_ffmpeg.get_ffmpeg_exe()  # the package ships no types
    return exe


def parse_size(size: str) -> tuple[int, int]:
    """'1280x720' -> (1280, 720), with a clear error for anything else."""
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", size.strip())
    if not match:
        raise RenderError(f"size must look like 1280x720, got {size!r}")
    return int(match[1]), int(match[2])


def _render_size(size: str, scale: float) -> tuple[int, int]:
    width, height = parse_size(size)
    # H.264 with yuv420p needs even dimensions
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


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


# What our own frames (animatics, caption cards) add to H264_MP4. Four reference frames let
# x264 find the grain's four cycled noise frames again (a grainy 12 s clip: 0.4 MB instead
# of 5 MB, and no slower); every file we encode uses the same settings, so an animatic and
# a card of the same size and rate can be joined without re-encoding.
# A constant quantiser (qp=23) instead of x264's default CRF 23: CRF runs a lookahead that
# motion-searches a half-size copy of every frame to rate it, a quarter to a third of
# x264's time on our frames, which change little. qp=23 is the level CRF 23 gave them (I
# frames 20, P frames 23 with grain; PSNR against the drawn frames as high or higher) and
# keeps the stream headers byte for byte (the PPS's initial QP is 23 either way), so clips
# encoded before this change still join new ones by copy.
OUR_X264 = ("-tune", "stillimage", "-x264-params", "ref=4:qp=23")


def _ffmpeg(*args: str, stdin_frames: Iterator[bytes | memoryview] | None = None) -> str:
    """Run the bundled ffmpeg with args (see _run); returns its log."""
    return _run([ffmpeg_exe(), *_QUIET, *args], stdin_frames=stdin_frames)


def _run(cmd: list[str], *, stdin_frames: Iterator[bytes | memoryview] | None = None) -> str:
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


def animatic_label(size: str, scale: float) -> str:
    """What an animatic says it is: the size the file really has, and the planned size when
    it was rendered smaller ("animatic 640x360 (of 1280x720)")."""
    width, height = _render_size(size, scale)
    planned = parse_size(size)
    return size_label(f"{width}x{height}", "x".join(map(str, planned)))


def render_animatic(
    path: str | Path,
    *,
    seconds: float,
    size: str = "1280x720",
    prompt: str | None = None,
    title: str = "",
    lines: Sequence[str] = (),
    beat: str = "",
    gag: str = "",
    fps: int = 12,
    scale: float = 0.5,
) -> Path:
    """Write an H.264 yuv420p mp4 (+faststart) of exactly ``seconds`` at ``size``'s aspect.

    ``prompt`` is what the provider was sent: the panel, its timed beats and its look are read
    from it (``_look.read_prompt``). Without one, ``title``, ``beat``, ``gag`` and ``lines``
    (prompt lines) make a prompt of their own. ``scale`` shrinks the frame (0.5: a quarter
    of the pixels); the aspect ratio is kept exactly and the label says the real size. The
    duration is ``round(seconds * fps)`` frames.
    """
    from ._look import read_prompt
    from ._panel import animatic_frames

    if seconds <= 0:
        raise RenderError(f"seconds must be positive, got {seconds!r}")
    if fps <= 0 or not 0.05 <= scale <= 1.0:
        raise RenderError(f"fps must be positive and scale in 0.05..1 (got {fps}, {scale})")
    width, height = _render_size(size, scale)
    if prompt is None:
        head = [f'Intertitle: "{title}"'] if title else []
        scene = ". ".join(p.strip().rstrip(".") for p in (beat, gag) if p.strip())
        prompt = "\n".join([*head, *lines, *([scene + "."] if scene else [])])
    sheet = read_prompt(prompt)
    frames = animatic_frames(sheet, width, height, seconds, fps, label=animatic_label(size, scale))
    path = Path(path)
    with atomic_path(path, suffix=".mp4") as tmp:
        _ffmpeg(
            *("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}"),
            *("-r", str(fps), "-i", "-"),
            *OUR_X264,
            *H264_MP4,
            str(tmp),
            stdin_frames=frames,
        )
    # what was encoded is known: a probe of this file (the simulator's thumbnail and
    # spritesheet ask) needs no ``ffmpeg -i``
    if (known := encoded_info(width, height, round(seconds * fps), fps)) is not None:
        remember(path, known)
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
    with atomic_path(out, suffix=f".{fmt}") as tmp:
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
    with atomic_path(out, suffix=".jpg") as tmp:
        _ffmpeg(
            *("-i", str(video), "-frames:v", "1", "-c:v", "mjpeg", "-f", "image2"),
            *("-vf", f"fps={rate:.6f},scale={tile_width}:-2,tile={columns}x{rows}"),
            str(tmp),
        )
    return out


POSTER_MAX_BYTES = 60_000
POSTER_WIDTH = 480


def poster_frame(
    video: str | os.PathLike[str],
    *,
    at: float | None = None,
    width: int = POSTER_WIDTH,
    max_bytes: int = POSTER_MAX_BYTES,
) -> bytes:
    """One frame of ``video`` (at ``at`` s, default 1 s) as a JPEG at most ``width`` px on
    its long side, for embedding where the video itself is not (share pages, players).

    ffmpeg decodes only the frame it needs. If the JPEG comes out over ``max_bytes`` (a
    noisy frame), it is re-encoded smaller and coarser until it fits. Asked past the end, it
    takes the first frame. Raises FileNotFoundError for a missing file, RenderError for one
    ffmpeg cannot read.
    """
    path = Path(video)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such video file")
    at = 1.0 if at is None else at
    jpeg = b""
    for quality, long_side in ((5, width), (10, width), (14, width * 2 // 3), (20, width // 2)):
        scale = f"scale='if(gte(iw,ih),{long_side},-2)':'if(gte(iw,ih),-2,{long_side})'"
        proc = subprocess.run(
            [
                ffmpeg_exe(),
                *("-hide_banner", "-loglevel", "error", "-ss", f"{max(0.0, at):.3f}"),
                *("-i", str(path), "-frames:v", "1", "-vf", scale, "-q:v", str(quality)),
                *("-f", "image2pipe", "-c:v", "mjpeg", "-"),
            ],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0 or not proc.stdout:
            if at > 0:  # asked past the end: take the first frame instead
                return poster_frame(path, at=0.0, width=width, max_bytes=max_bytes)
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise RenderError(f"{path}: could not read a frame: {tail}")
        jpeg = proc.stdout
        if len(jpeg) <= max_bytes:
            break
    return jpeg


# ---------------------------------------------------------------- reading and stitching


def media_duration(path: str | Path) -> float:
    """The duration in seconds the file itself declares (to 10 ms), not what we asked for."""
    return probe(path).duration


def _concat_line(path: Path) -> str:
    escaped = str(path.resolve()).replace("'", "'\\''")
    return f"file '{escaped}'\n"


def stitch(
    clips: Sequence[str | Path],
    out: str | Path,
    *,
    infos: Sequence[MediaInfo | None] | None = None,
    overlays: Sequence[Overlay | None] | None = None,
) -> Path:
    """Concatenate ``clips`` into ``out``, atomically.

    Clips that share codec, size, pixel format, frame rate and audio layout (every animatic
    of one film does, and so do one model's clips) are joined with the concat demuxer and
    ``-c copy``: no re-encode, exact durations, sound kept. Mixed clips are re-encoded, each
    scaled and letterboxed to the first clip's size; their sound is kept only when every
    clip has some.

    ``infos`` (one per clip, in order) are what ``probe`` already read from those very files
    (a film's clips were probed when they were downloaded or made): only the missing ones are
    probed again, since each ``ffmpeg -i`` is a process start.

    ``overlays`` (one per clip, in order; None for none) are RGBA stills placed on the first
    clip's frame (``_cut.Overlay``: a caption's plate), laid over their clip for its whole
    length.
    Clips we encoded ourselves with one set of x264 settings (an animatic film) are burned
    one by one with those settings and still joined by copy (``_cut.burn_alike``); any other
    film with overlays is re-encoded in one pass, the overlays in the same filter graph: one
    generation of loss for a model's clips (a clip burned on its own and copied in among a
    model's would carry another encoder's stream headers). The text is pixels in a file:
    nothing of it reaches ffmpeg's command line or filter graph.
    """
    paths = [Path(c) for c in clips]
    if not paths:
        raise RenderError("stitch needs at least one clip")
    known = list(infos) if infos is not None else [None] * len(paths)
    if len(known) != len(paths):
        raise RenderError(f"{len(known)} media infos for {len(paths)} clips")
    marks = list(overlays) if overlays is not None else [None] * len(paths)
    if len(marks) != len(paths):
        raise RenderError(f"{len(marks)} overlays for {len(paths)} clips")
    media = [i if i is not None else probe(p) for p, i in zip(paths, known, strict=True)]
    first = media[0]
    # the profile too: a concat without re-encoding keeps the first file's decoder setup,
    # so our own caption card (Constrained Baseline) must never be copied in among a
    # model's High-profile clips
    same = all(
        (i.codec, i.profile, i.width, i.height, i.pix_fmt, i.fps, i.has_audio)
        == (
            first.codec,
            first.profile,
            first.width,
            first.height,
            first.pix_fmt,
            first.fps,
            first.has_audio,
        )
        for i in media
    )
    out = Path(out)
    with atomic_path(out, suffix=".mp4") as tmp, tempfile.TemporaryDirectory() as work:
        if same and any(marks):  # our own clips (animatics): burn those, copy the rest
            burned = burn_alike(paths, marks, Path(work))
            if burned is not None:
                paths, marks = burned, [None] * len(paths)
        if same and not any(marks):
            listing = temp_name(out.parent / "concat.txt")  # exclusive, never via a link
            try:
                with os.fdopen(create_new(listing), "w", encoding="utf-8") as fh:
                    fh.writelines(_concat_line(p) for p in paths)
                _ffmpeg(
                    *("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy"),
                    *("-movflags", "+faststart", "-f", "mp4", str(tmp)),
                )
            finally:
                listing.unlink(missing_ok=True)
        else:
            w, h = first.width, first.height
            fps = first.fps or 24
            inputs: list[str] = []
            chains = []
            for p in paths:
                inputs += ["-i", str(p)]
            extra = len(paths)  # the overlays are inputs after the clips
            for k, mark in enumerate(marks):
                fit = (
                    f"[{k}:v]scale={w}:{h}:force_original_aspect_ratio=decrease,"
                    f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps}"
                )
                if mark is None:
                    chains.append(f"{fit}[v{k}]")
                    continue
                inputs += mark.inputs()
                # the still is held over the whole clip (overlay repeats a finished input's
                # last frame); the clip's own length decides the segment's
                chains.append(f"{fit}[b{k}];" + mark.filter(f"b{k}", f"{extra}:v", f"v{k}"))
                extra += 1
            audio = all(i.has_audio for i in media)
            pads = "".join(f"[v{k}]" + (f"[{k}:a]" if audio else "") for k in range(len(paths)))
            graph = ";".join(chains) + ";" + pads
            graph += f"concat=n={len(paths)}:v=1:a={int(audio)}[out]" + ("[aout]" if audio else "")
            maps = ["-map", "[out]"] + (["-map", "[aout]", "-c:a", "aac"] if audio else [])
            _ffmpeg(*inputs, "-filter_complex", graph, *maps, *H264_MP4, str(tmp))
    return out


def duration_or_none(path: str | Path) -> float | None:
    """media_duration(), or None for a file ffmpeg cannot read (the caller records that)."""
    try:
        return media_duration(path)
    except RenderError:
        return None
