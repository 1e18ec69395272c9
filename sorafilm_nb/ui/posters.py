"""Poster frames: one small JPEG from a video, for embedding where the video itself is not.

The frame is grabbed by the rendering code (``render.poster_frame``, the bundled ffmpeg);
this is the UI's face for it. It needs no widget stack, so sharing a notebook as HTML can
use it without ipywidgets.
"""

from __future__ import annotations

import base64
import os

from ..render import POSTER_MAX_BYTES, POSTER_WIDTH, RenderError, poster_frame

__all__ = ["POSTER_MAX_BYTES", "POSTER_WIDTH", "poster_data_uri", "poster_jpeg"]


def poster_jpeg(
    video: str | os.PathLike[str],
    *,
    at: float | None = None,
    width: int = POSTER_WIDTH,
    max_bytes: int = POSTER_MAX_BYTES,
) -> bytes:
    """One frame of ``video`` as a JPEG at most ``width`` px on its long side (see
    ``render.poster_frame``). A file ffmpeg cannot read raises ValueError, as it always has."""
    try:
        return poster_frame(video, at=at, width=width, max_bytes=max_bytes)
    except RenderError as exc:
        raise ValueError(str(exc)) from None


def poster_data_uri(
    video: str | os.PathLike[str], *, at: float | None = None, width: int = POSTER_WIDTH
) -> str:
    """poster_jpeg() as a ``data:image/jpeg;base64,...`` URI for embedding in HTML."""
    data = poster_jpeg(video, at=at, width=width)
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
