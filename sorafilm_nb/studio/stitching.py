"""film.mp4: a finished film's cut, stitched, or kept when the film on disk already is it.

Why keep a film: ``resume`` is how a person checks a folder, or finishes one after a crash in
the stitch, and stitching a finished film again was most of such a resume's CPU (seconds of
ffmpeg for a 90 s film at full size) to make the same file. Why a record rather than a look
at the file: film.mp4 is kept only when the manifest says what it was stitched from
(``render.cut_key``: each clip's sha256, checked just before, the cards, captions, order,
burn setting and the stitching code's CUT_VERSION) and what the file was right after its
atomic write (size, mtime_ns, ctime_ns, inode), and all of that still holds, and it still
reads back with the recorded duration; film.vtt likewise, by its sha256. The ctime is what
no one can set back: a film written over in place keeps its size and inode, and its mtime
is one os.utime away. A film.mp4 we did not record (an older manifest, a file put or copied
there, one cut short) is stitched again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..safeio import write_bytes
from .folder import CAPTIONS, FILM, inside, sha256_file

if TYPE_CHECKING:
    from ..render import MediaInfo, Segment
    from .state import RunState

log = logging.getLogger(__name__)

__all__ = ["KEPT", "finish_film"]

#: The film's note when a resume kept film.mp4 (report.md shows it; the next resume drops it,
#: as it drops every note that names resume, and says it again if it still holds).
KEPT = (
    "resume: film.mp4 is up to date (stitched from these very clips, cards, captions and "
    "settings), so it was not stitched again"
)


def finish_film(run: RunState, media: Mapping[str, MediaInfo]) -> bool:
    """film.mp4 and film.vtt for ``run``, whose every shot is completed and whose files were
    just checked against their sha256: kept when the film on disk is the recorded stitch of
    this very cut, else stitched. Sets run.film, film_duration, captions and stitched (and a
    note). ``media``: probe's readings of the clips by sha256, carried to the stitch.
    True when the film was kept."""
    from .._look import read_prompt
    from ..render import cut_key, stitch_film

    cut = _cut(run)
    look = read_prompt(run.shots[0].prompt).look  # the cards wear the film's look
    key = cut_key(
        cut,
        contents=[s.sha256 for s in run.shots],
        look=look,
        burn_lower_thirds=run.lower_thirds,
    )
    if _kept(run, key):
        record = run.stitched
        assert record is not None
        run.film = FILM
        run.film_duration = record["duration_s"]
        run.captions = record["captions"]
        run.notes.append(KEPT)
        return True
    made = stitch_film(
        cut,
        _target(run, FILM),
        durations=[s.duration_s for s in run.shots],
        infos=[media.get(s.sha256 or "") for s in run.shots],  # _file_ok: same sha
        look=look,
        burn_lower_thirds=run.lower_thirds,
    )
    run.stitched = None
    if not made.whole:
        run.notes.append(
            f"duration: the stitched film is {made.duration:.2f} s but its "
            f"shots add up to {made.expected:.2f} s"
        )
        run.film = None
        run.captions = None
        return False
    from ..story.captions import to_webvtt

    run.film = FILM
    run.film_duration = made.duration
    run.captions = None
    vtt_sha = None
    if made.captions:  # the track the player and the shared page show
        track = to_webvtt(made.captions).encode("utf-8")
        write_bytes(_target(run, CAPTIONS), track)
        run.captions = CAPTIONS
        vtt_sha = hashlib.sha256(track).hexdigest()  # the bytes written, not read back
    stamp = _stamp(Path(run.out_dir) / FILM)
    if stamp is not None:
        size, mtime_ns, ctime_ns, inode = stamp
        run.stitched = {
            "inputs": key,
            "size": size,
            "mtime_ns": mtime_ns,
            "ctime_ns": ctime_ns,
            "inode": inode,
            "duration_s": made.duration,
            "captions": run.captions,
            "captions_sha256": vtt_sha,
        }
    return False


def _cut(run: RunState) -> list[Segment]:
    """The film's Segments from the run's shots: each shot's card (held as the plan's timeline
    and the player's list say; the first is the title) and clip, then the end card."""
    from ..render import Segment
    from ..story.captions import card_hold

    cut: list[Segment] = []
    for s in run.shots:
        if s.card:
            hold = card_hold(s.card, s.card_s)
            title = not cut  # the film's first card is its title (captions.film_captions)
            cut.append(Segment.card(s.card, seconds=hold, shot_id=s.shot_id, title=title))
        path = inside(run.out_dir, s.file or "")
        cut.append(Segment.clip(path, caption=s.caption, shot_id=s.shot_id))
    end_card = run.plan_json.get("end_card") if isinstance(run.plan_json, dict) else None
    if isinstance(end_card, str) and end_card.strip():  # the README's promise, paid off
        cut.append(Segment.card(end_card.strip(), seconds=card_hold(end_card.strip())))
    return cut


def _target(run: RunState, name: str) -> Path:
    """Where the stitch writes ``name`` (film.mp4, film.vtt, our own names): in the folder,
    the name itself not resolved. A link planted under the name is replaced by the atomic
    rename, never written through: resolved (``inside``), a film.mp4 linked to shot-01.mp4
    made the stitch overwrite that paid clip with the film."""
    return Path(run.out_dir).resolve() / name


def _stamp(path: Path) -> tuple[int, int, int, int] | None:
    """(size, mtime_ns, ctime_ns, inode) of the plain file at path itself (a link is no film
    of ours). ctime_ns: a write in place with the mtime set back still moves it."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _kept(run: RunState, key: str) -> bool:
    """Whether film.mp4 (and film.vtt) on disk are the recorded stitch of the cut ``key``.

    The record comes from a file anyone may edit: any field of the wrong shape means no."""
    from ..render import DURATION_TOLERANCE_S, RenderError, probe

    record = run.stitched
    if not isinstance(record, dict) or record.get("inputs") != key:
        return False
    folder = Path(run.out_dir)
    # a record from before ctime_ns has none: its film is stitched again, once
    stamp = tuple(record.get(k) for k in ("size", "mtime_ns", "ctime_ns", "inode"))
    if _stamp(folder / FILM) != stamp:
        return False
    duration = record.get("duration_s")
    if not isinstance(duration, (int, float)) or isinstance(duration, bool):
        return False
    captions = record.get("captions")
    if captions is not None:
        vtt = folder / CAPTIONS
        if captions != CAPTIONS or _stamp(vtt) is None:
            return False
        if sha256_file(vtt) != record.get("captions_sha256"):
            return False
    # The stat is as recorded, which is no proof of the same bytes (a clock set back, a
    # filesystem with coarse times): read back, it must still be a film of its duration.
    try:
        info = probe(folder / FILM)
    except RenderError as exc:
        log.info("film.mp4 no longer reads (%s); stitching it again", exc)
        return False
    return abs(info.duration - duration) < DURATION_TOLERANCE_S / 10
