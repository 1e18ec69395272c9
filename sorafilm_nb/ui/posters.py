"""Poster frames: one small JPEG from a video, for embedding where the video itself is not.

Needs only the ffmpeg binary of imageio-ffmpeg (a core dependency), not the widget stack, so
sharing a notebook as HTML can use it without ipywidgets.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

POSTER_MAX_BYTES = 60_000
POSTER_WIDTH = 480


def poster_jpeg(
    video: str | os.PathLike[str],
    *,
    at: float | None = None,
    width: int = POSTER_WIDTH,
    max_bytes: int = POSTER_MAX_BYTES,
) -> bytes:
    """One frame of ``video`` as a JPEG at most ``width`` px on its long side.

    ffmpeg (the imageio-ffmpeg binary) decodes only the frame it needs. If the JPEG comes out
    over ``max_bytes`` (a noisy frame), it is re-encoded smaller and coarser until it fits.
    """
    import imageio_ffmpeg

    path = Path(video)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such video file")
    if at is None:
        at = 1.0
    for quality, long_side in ((5, width), (10, width), (14, width * 2 // 3), (20, width // 2)):
        scale = f"scale='if(gte(iw,ih),{long_side},-2)':'if(gte(iw,ih),-2,{long_side})'"
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-ss",
            f"{max(0.0, at):.3f}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-vf",
            scale,
            "-q:v",
            str(quality),
            "-f",
            "image2pipe",
            "-c:v",
            "mjpeg",
            "-",
        ]
        proc = subprocess.run(cmd, capture_output=True, check=False)
        if proc.returncode != 0 or not proc.stdout:
            if at > 0:  # asked past the end: take the first frame instead
                return poster_jpeg(path, at=0.0, width=width, max_bytes=max_bytes)
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise ValueError(f"{path}: could not read a frame: {tail}")
        if len(proc.stdout) <= max_bytes:
            return proc.stdout
    return proc.stdout


def poster_data_uri(
    video: str | os.PathLike[str], *, at: float | None = None, width: int = POSTER_WIDTH
) -> str:
    """poster_jpeg() as a ``data:image/jpeg;base64,...`` URI for embedding in HTML."""
    data = poster_jpeg(video, at=at, width=width)
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
