"""manifest.json's shape and writer: the studio's memory across a crash (see folder.py).

Apart from folder.py because the file's format (its TypedDicts, its header, how a manifest is
built and written) is a contract with every film folder on disk, read back by resume and rerun
long after the code that wrote it; the Film and ShotResult records that fill it live in
folder.py, which re-exports these names.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ..safeio import write_text

if TYPE_CHECKING:
    from .folder import ShotResult

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "sorafilm-manifest"
MANIFEST_VERSION = 1


class ManifestShot(TypedDict):
    """One shot's entry in manifest.json, as ShotResult.to_json writes it."""

    shot_id: str
    index: int
    title: str
    beat: str
    status: str
    job_id: str | None
    reservation_id: str | None
    seconds: int
    model: str
    size: str
    prompt: str
    currency: str
    estimated_cents: int | str | None  # cents_json: an int, or a Decimal's exact string
    billed_cents: int | str | None
    file: str | None  # a bare file name inside the film folder
    sha256: str | None
    duration_s: float | None
    frame: str | None  # the file's WIDTHxHEIGHT (read with .get: absent before 2026-12)
    error: str | None
    error_code: str | None
    history: list[dict[str, Any]]  # earlier attempts' entries (draft before final)
    caption: str  # the story's gloss, a lower third over the shot ("" for none)
    card: str  # a caption card shown before the shot ("" for none)
    card_s: float  # how long that card holds the screen


class StitchRecord(TypedDict):
    """What film.mp4 was stitched from and what it was on disk just after (its atomic write),
    and film.vtt beside it: a resume keeps the film only while all of it still holds
    (studio.stitching). Older manifests lack it, so their film is stitched again once."""

    inputs: str  # render.cut_key of the cut: each clip's sha256, cards, captions, settings
    size: int  # film.mp4's own os.stat, as the stitch left it
    mtime_ns: int
    ctime_ns: int  # which no os.utime sets back (older records lack it: stitched again)
    inode: int
    duration_s: float  # film.mp4's duration as read back then
    captions: str | None  # film.vtt, when the film has captions
    captions_sha256: str | None  # and its content


class Manifest(TypedDict):
    """manifest.json, as manifest_dict builds it and read_manifest returns it."""

    format: str  # MANIFEST_FORMAT
    version: int  # at most MANIFEST_VERSION
    plan_id: str
    plan: Any  # the plan's own JSON (Plan.to_json), kept as it was
    backend: str
    updated_at: str
    shots: list[ManifestShot]
    film: str | None
    film_duration_s: float | None
    notes: list[str]
    captions: str | None  # film.vtt, beside the film, when it has captions
    # the captions are also burned into film.mp4 as lower thirds (older manifests lack the
    # key: read it with lower_thirds_of for the next stitch, burned_in for the film on disk)
    lower_thirds: bool
    stitched: StitchRecord | None  # what film.mp4 was made from (older manifests lack it)


def lower_thirds_of(data: Mapping[str, Any]) -> bool:
    """Whether the NEXT stitch burns the captions in (resume, rerun): the manifest says so; a
    manifest from before the choice existed is stitched as new films are (burned)."""
    return data.get("lower_thirds") is not False


def burned_in(data: Mapping[str, Any]) -> bool:
    """Whether film.mp4 as it stands on disk carries its captions burned in: only when the
    manifest says so. A manifest without the key was written before lower thirds were burned
    (the studio stitched track-only then), so its film is clean and a player must show the
    captions track; reading it as burned would leave an old film with no captions at all."""
    return data.get("lower_thirds") is True


def manifest_dict(
    *,
    plan_id: str,
    plan: Any,
    shots: list[ShotResult],
    backend: str,
    film: str | None = None,
    film_duration_s: float | None = None,
    notes: tuple[str, ...] | list[str] = (),
    captions: str | None = None,
    lower_thirds: bool = True,
    stitched: StitchRecord | None = None,
) -> Manifest:
    """The manifest's content: format header, the plan's JSON, then one entry per shot."""
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "plan_id": plan_id,
        "plan": plan,
        "backend": backend,
        "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "shots": [s.to_json() for s in shots],
        "film": film,
        "film_duration_s": film_duration_s,
        "captions": captions,
        "lower_thirds": lower_thirds,
        "stitched": stitched,
        "notes": list(notes),
    }


def write_manifest(out_dir: Path, data: Mapping[str, Any]) -> Path:
    path = Path(out_dir) / MANIFEST
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
