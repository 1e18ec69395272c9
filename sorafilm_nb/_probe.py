"""Reading a media file's facts back (``probe``: one ``ffmpeg -i``), once per file state.

Split from render.py (which re-exports all of it) so that module stays under 500 lines. Why
the cache: a film's clips, cards and film are asked about by the simulator, the stitch, the
studio and its report, and each ``ffmpeg -i`` is a process start (~10 ms of CPU). A file our
own encoder just wrote is never read back at all: the encoder knows what it wrote
(``encoded_info``, checked against real readings in tests/test_probe_count.py). A file from
anyone else (a provider's download) is read, once.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path


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
    profile: str = ""  # the codec profile as ffmpeg names it, e.g. "High"


def size_label(real: str, planned: str, *, animatic: bool = True) -> str:
    """A clip's size as made: "animatic 640x360 (of 1280x720)" when a double drew it smaller
    than planned, as the animatic's own frames say (render.animatic_label); the planned size
    when the file has it. The one wording of the frames, the report and the player."""
    made = f"animatic {real}" if animatic else real
    if real == planned:
        return made if animatic else planned
    return f"{made} (of {planned})"


_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(
    r"Stream #\S+.*?: Video: (\w+)[^,]*, (\w+)[^,]*?(?:\([^)]*\))?, "
    r"(\d+)x(\d+)"
)
_FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
_PROFILE = re.compile(r"Video: \w+ \(([^)]*)\)")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: ")


# What probe read (or our encoder wrote) per file, for this process: a film's clips, cards
# and film are asked about by the simulator, the stitch, the studio and its report, and each
# ``ffmpeg -i`` is a process start (~10 ms CPU). Keyed by the file's identity and state
# (device, inode, size, mtime_ns): a file replaced (atomic rename: a new inode) or rewritten
# (a new mtime) is read again, so a corrupt or truncated file still fails as it did. Only
# successful readings are kept; failures are always re-read. Bounded: oldest out first.
_KNOWN: dict[tuple[str, int, int, int, int], MediaInfo] = {}
_KNOWN_MAX = 512
_KNOWN_LOCK = threading.Lock()


def _identity(path: Path) -> tuple[str, int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def remember(path: str | Path, info: MediaInfo) -> None:
    """Record ``info`` as what ``path`` holds now: called by the code that just wrote the file
    (it knows the facts), never for a file someone else wrote (a download is probed)."""
    key = _identity(Path(path))
    if key is None:
        return
    with _KNOWN_LOCK:
        _KNOWN.pop(key, None)
        _KNOWN[key] = info
        while len(_KNOWN) > _KNOWN_MAX:
            del _KNOWN[next(iter(_KNOWN))]


def forget_all() -> None:
    """Drop every remembered reading (tests that count ffmpeg calls start from nothing)."""
    with _KNOWN_LOCK:
        _KNOWN.clear()


def encoded_info(width: int, height: int, frames: int, fps: float) -> MediaInfo | None:
    """What ``probe`` reads back from a silent file we encoded ourselves (``frames`` raw
    yuv420p frames through OUR_X264 + H264_MP4 at ``-r f"{fps:g}"``), without reading it:
    ffmpeg shows the container's duration rounded to 10 ms (frames / fps, plus 5 ms, cut to
    centiseconds) and x264's ultrafast preset writes Constrained Baseline. None for a rate
    with more than two decimals (ffmpeg shows such a rate rounded, and its timing is not this
    simple): the caller probes. A file with sound is probed too: its silent AAC track, cut by
    ``-shortest``, can outlast the picture (one frame at 24 fps: 0.98 s).
    tests/test_probe_count.py checks this against a reading over rates and lengths."""
    rate = float(f"{fps:g}")
    if frames < 1 or abs(rate * 100 - round(rate * 100)) > 1e-6:
        return None
    micros = round(frames * 1_000_000 / rate)
    return MediaInfo(
        duration=((micros + 5_000) // 10_000) / 100,
        width=width,
        height=height,
        codec="h264",
        pix_fmt="yuv420p",
        fps=rate,
        has_audio=False,
        profile="Constrained Baseline",
    )


def probe(path: str | Path) -> MediaInfo:
    """Read duration, size, codec and frame rate back from the file (``ffmpeg -i``), once per
    file state in this process (see _KNOWN)."""
    from .render import RenderError

    path = Path(path)
    if not path.is_file():
        raise RenderError(f"{path}: no such file")
    key = _identity(path)
    with _KNOWN_LOCK:
        known = _KNOWN.get(key) if key is not None else None
    if known is not None:
        return known
    info = _read(path)
    if key is not None and _identity(path) == key:  # unchanged while it was read
        remember(path, info)
    return info


def _read(path: Path) -> MediaInfo:
    """One ``ffmpeg -i`` of ``path``, parsed."""
    from .render import RenderError, ffmpeg_exe

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
        profile=profile[1] if (profile := _PROFILE.search(log, video.start())) else "",
    )
