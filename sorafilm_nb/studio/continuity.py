"""The frames continuity sends: the look image and each chained shot's last frame.

The plan says which shot starts from which image (``story.continuity``); this module makes
those images in the film folder and waits, where it must, for the shot a frame comes from:

- ``look-source.*``: the user's look image, copied in when the run starts (so a resume finds
  it wherever the original went), or, for ``look="first"``, a frame of the first finished
  shot picked by ``render.poster_frame``;
- ``look-WxH.jpg`` and ``shot-NN.last-WxH.jpg``: the frame fitted to the shot's exact size
  (letterboxed, never stretched): OpenAI's Videos API refuses a reference of another size,
  and a small JPEG stays under Runway's 5 MB data-URI limit.

A shot whose source shot did not finish is sent without its frame, and its progress message
says so: a film with a seam beats no film.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from pathlib import Path
from typing import Any

from ..safeio import atomic_path, open_atomic
from ..story.continuity import IMAGE_SUFFIXES, LOOK, PREVIOUS, Reference
from .folder import COMPLETED, inside
from .state import RunState

log = logging.getLogger(__name__)

__all__ = ["copy_look", "fit_image", "reference_of"]

LOOK_SOURCE = "look-source"
_fit_lock = threading.Lock()


def reference_of(run: RunState, index: int) -> Reference | None:
    """Shot ``index``'s reference, from the plan saved in the manifest."""
    data = run.plan_json if isinstance(run.plan_json, dict) else {}
    shots = (data.get("continuity") or {}).get("shots") or []
    return Reference.from_dict(shots[index]) if index < len(shots) else None


def copy_look(look: str | Path, folder: Path) -> Path:
    """Copy the user's look image into the film folder (once; resume uses the copy)."""
    src = Path(look).expanduser()
    suffix = src.suffix.lower()
    if suffix not in IMAGE_SUFFIXES or not src.is_file():
        raise ValueError(f"the look must be an existing image file, got {src.name!r}")
    dest = inside(folder, LOOK_SOURCE + suffix)
    if not dest.exists():
        with open_atomic(dest, "wb") as fh:
            fh.write(src.read_bytes())
    return dest


def _look_source(folder: Path) -> Path | None:
    for suffix in (*IMAGE_SUFFIXES, ".jpg"):
        path = folder / (LOOK_SOURCE + suffix)
        if path.is_file():
            return path
    return None


def fit_image(src: Path, size: str, dest: Path) -> Path:
    """``src`` scaled into exactly ``size`` (letterboxed) as a JPEG at ``dest``, atomically."""
    from ..render import ffmpeg_exe, parse_size

    width, height = parse_size(size)
    with atomic_path(dest, suffix=".jpg") as tmp:
        subprocess.run(
            [
                ffmpeg_exe(),
                *("-hide_banner", "-loglevel", "error", "-y", "-i", str(src)),
                "-vf",
                f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
                f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1",
                *("-frames:v", "1", "-q:v", "3", str(tmp)),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    return dest


def _frame_of(run: RunState, index: int, *, last: bool) -> Path | None:
    """A frame of finished shot ``index`` (its poster frame, or its last), as a JPEG file."""
    from ..render import poster_frame

    shot = run.shots[index]
    if shot.status != COMPLETED or not shot.file:
        return None
    video = inside(run.out_dir, shot.file)
    if not video.is_file():
        return None
    if last:
        at = max(0.0, (shot.duration_s or shot.seconds) - 0.1)
        dest = inside(run.out_dir, f"{shot.shot_id}.last.jpg")
    else:
        at, dest = 1.0, inside(run.out_dir, f"{LOOK_SOURCE}.jpg")
    if not dest.exists():
        data = poster_frame(video, at=at, width=1920, max_bytes=8 * 1024 * 1024)
        with open_atomic(dest, "wb") as fh:
            fh.write(data)
    return dest


def conditioning(pipeline: Any, run: RunState, index: int) -> dict[str, Any]:
    """The image arguments of shot ``index``'s create ({} for none): ``first_frame`` (a path)
    or ``reference_images`` (a tuple of one path). Waits (stoppably) for the shot its frame
    comes from while that shot is still being made in this run."""
    ref = reference_of(run, index)
    if ref is None or ref.kind not in ("first_frame", "reference_images"):
        return {}
    shot = run.shots[index]
    if ref.shot is not None:
        done = run.finished.get(ref.shot)
        while done is not None and not done.is_set():
            pipeline._wait(0.1)  # raises when the studio stops
    with _fit_lock:
        if ref.source == PREVIOUS and ref.shot is not None:
            src = _frame_of(run, ref.shot, last=True)
            name = f"{run.shots[ref.shot].shot_id}.last-{shot.size}.jpg"
        elif ref.source == LOOK:
            src = _look_source(run.out_dir)
            if src is None and ref.shot is not None:
                src = _frame_of(run, ref.shot, last=False)
            name = f"look-{shot.size}.jpg"
        else:
            return {}
        if src is None:
            origin = run.shots[ref.shot].shot_id if ref.shot is not None else "the look image"
            run.emit(index, message=f"continuity: {origin} did not finish; sent without its frame")
            return {}
        dest = inside(run.out_dir, name)
        if not dest.exists():
            fit_image(src, shot.size, dest)
    if ref.kind == "reference_images":
        return {"reference_images": (dest,)}
    return {"first_frame": dest}
