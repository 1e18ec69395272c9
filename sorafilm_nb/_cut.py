"""The film's cut: clips and caption cards in order, stitched, with captions on the real timeline.

The studio hands ``stitch_film`` a list of ``Segment``: each shot's clip (with its lower
third, the story's gloss) and, before it, its caption card if it has one. What comes back
says where everything really landed: a shot that failed (``path=None``) is left out with its
card, and every later caption moves up by its length; each clip's duration is its file's
own, not what was asked for. The captions go to ``film.vtt`` (story.captions.to_webvtt).

Lower thirds: burned in by default (``burn_lower_thirds=True``): a film.mp4 is watched on
its own (posted, downloaded, opened from a folder) where no track travels with it, and a
concept shot that never names its concept teaches nothing. Each captioned clip gets the
caption drawn by ``_card.draw_caption`` (name and gloss on a plate in the bottom third, the
same text and the same seconds as its WebVTT cue) laid over it by ffmpeg from an RGBA still:
the words are pixels, never part of an ffmpeg argument or filter. A film with burned captions
is re-encoded once (see ``render.stitch``). ``burn_lower_thirds=False`` makes a clean master:
the paid clips are joined untouched when they can be, and the WebVTT track (always written)
carries the words as text. Caption cards are always pictures in the film (a card is a still
of its own): drawn by ``_card.caption_card`` at the clips' size and rate, with silent sound
when the clips have sound, so the cut keeps its sound.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .story.captions import CARD_SECONDS, Caption, CaptionKind

if TYPE_CHECKING:  # numpy is imported where a frame is drawn: cut_key needs none of it
    import numpy as np

    from ._look import Look
    from .render import MediaInfo

__all__ = [
    "CUT_VERSION",
    "DURATION_TOLERANCE_S",
    "Overlay",
    "Segment",
    "Stitched",
    "burn_alike",
    "cut_key",
    "stitch_film",
]

# The stitched film may differ from the sum of its clips by container rounding (10 ms per
# clip as ffmpeg prints it); anything more means a clip was dropped or cut.
DURATION_TOLERANCE_S = 0.1

#: Part of every ``cut_key``: bump it when the same Segments would now stitch to another
#: film (how a card or a lower third is drawn, held or encoded, how clips are joined), so a
#: film stitched by the older code is stitched again by the next resume, not kept.
CUT_VERSION = 1


@dataclass(frozen=True)
class Segment:
    """One piece of the cut: a shot's clip, or a caption card (a still, no video seconds).

    clip: ``path`` is its file (None: the shot failed and is left out, with its card);
    ``caption`` its lower third; ``duration`` its file's duration when already read back.
    card: ``text`` for ``seconds``; ``kind="title"`` draws it larger.
    """

    kind: Literal["clip", "card"]
    path: Path | None = None
    caption: str | None = None
    text: str = ""
    seconds: float = CARD_SECONDS
    shot_id: str | None = None
    duration: float | None = None
    title: bool = False

    @classmethod
    def clip(
        cls,
        path: str | Path | None,
        *,
        caption: str | None = None,
        shot_id: str | None = None,
        duration: float | None = None,
    ) -> Segment:
        return cls(
            "clip",
            path=None if path is None else Path(path),
            caption=caption.strip() if caption and caption.strip() else None,
            shot_id=shot_id,
            duration=duration,
        )

    @classmethod
    def card(
        cls,
        text: str,
        *,
        seconds: float = CARD_SECONDS,
        shot_id: str | None = None,
        title: bool = False,
    ) -> Segment:
        if not text.strip():
            raise ValueError("a caption card needs some text")
        if seconds <= 0:
            raise ValueError(f"a caption card needs positive seconds, got {seconds!r}")
        return cls("card", text=text.strip(), seconds=seconds, shot_id=shot_id, title=title)


@dataclass(frozen=True)
class Overlay:
    """A still laid over a clip for its whole length: a raw RGBA file of ``width`` x
    ``height`` placed at (``x``, ``y``) of the film's frame. Only the caption's plate, not a
    whole transparent frame: ffmpeg blends just those pixels on each frame."""

    path: Path
    x: int
    y: int
    width: int
    height: int

    def inputs(self) -> list[str]:
        """ffmpeg's arguments reading the still (one frame; overlay repeats it)."""
        size = f"{self.width}x{self.height}"
        return ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", size, "-i", str(self.path)]

    def filter(self, base: str, still: str, out: str) -> str:
        """The filter laying input ``still`` over the stream ``base`` as ``out``. Blended in
        yuv420 (the film's format): format=auto makes ffmpeg convert every frame there and
        back, which doubled the cost of a burn over a plain re-encode."""
        return f"[{base}][{still}]overlay={self.x}:{self.y}:format=yuv420[{out}]"


@dataclass(frozen=True)
class Stitched:
    """A stitched film read back: its duration, what its parts add up to, its captions."""

    path: Path
    duration: float  # the film's own, from its container
    expected: float  # the sum of the parts' durations
    captions: tuple[Caption, ...] = ()  # on the film's real timeline
    skipped: tuple[str, ...] = ()  # the shots left out (failed), by shot id

    @property
    def whole(self) -> bool:
        """Within DURATION_TOLERANCE_S of its parts: nothing was dropped or cut."""
        return abs(self.duration - self.expected) <= DURATION_TOLERANCE_S


def cut_key(
    parts: Sequence[Segment],
    *,
    contents: Sequence[str | None],
    look: object = None,
    burn_lower_thirds: bool = True,
) -> str:
    """What ``stitch_film(parts, look=look, burn_lower_thirds=...)`` makes, as one digest:
    the same key, the same film. A caller that recorded the key of the film it stitched can
    keep that film instead of stitching it again (the studio's resume of a finished film).

    ``contents`` (one per clip, in order) names each clip's bytes (the studio's sha256 of
    the file, checked just before): a clip's path says nothing about what is in it. Every
    other argument of stitch_film is read from those files (durations, infos), so it is not
    part of the key; CUT_VERSION stands for this code."""
    from ._look import Look

    clips = [s for s in parts if s.kind == "clip"]
    if len(contents) != len(clips):
        raise ValueError(f"{len(contents)} contents for {len(clips)} clips")
    named = iter(contents)
    cut = []
    for s in parts:
        content = next(named) if s.kind == "clip" else None
        cut.append(
            {
                "kind": s.kind,
                "content": None if s.path is None else content,  # None: left out (failed)
                "caption": s.caption,
                "text": s.text,
                "seconds": s.seconds,
                "shot_id": s.shot_id,
                "title": s.title,
            }
        )
    recipe = {
        "version": CUT_VERSION,
        "cut": cut,
        "look": asdict(look if isinstance(look, Look) else Look()),  # as stitch_film reads it
        "burn_lower_thirds": bool(burn_lower_thirds),
    }
    text = json.dumps(recipe, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def stitch_film(
    parts: Sequence[Segment | str | Path],
    out: str | Path,
    *,
    durations: Sequence[float | None] | None = None,
    infos: Sequence[MediaInfo | None] | None = None,
    look: object = None,
    burn_lower_thirds: bool = True,
) -> Stitched:
    """Build the film ``out`` from clips and caption cards; read it back; place the captions.

    ``parts``: Segments, or plain clip paths. ``durations`` (one per clip, in order) are
    durations already read back (pinned since by each file's sha256): only missing ones are
    probed. ``infos`` (likewise one per clip) are ``probe``'s reading of each clip, when the
    caller holds it: every file is read by ``ffmpeg -i`` at most once here. ``look`` (a
    ``_look.Look``, e.g. read from the film's first prompt) gives the cards the film's palette.
    Raises RenderError when no clip is left to stitch.
    """
    from ._look import Look
    from .render import RenderError, media_duration, probe, stitch

    segments = [p if isinstance(p, Segment) else Segment.clip(p) for p in parts]
    clip_count = sum(1 for s in segments if s.kind == "clip")
    known = list(durations) if durations is not None else [None] * clip_count
    if len(known) != clip_count:
        raise RenderError(f"{len(known)} durations for {clip_count} clips")
    read = list(infos) if infos is not None else [None] * clip_count
    if len(read) != clip_count:
        raise RenderError(f"{len(read)} media infos for {clip_count} clips")
    it = iter(known)
    segments = [
        s if s.kind != "clip" or s.duration is not None else replace(s, duration=next(it))
        for s in segments
    ]
    # what probe read from each clip file, by path: given, else read here once
    media: dict[Path, MediaInfo] = {}
    clip_segments = (s for s in segments if s.kind == "clip")
    for seg, info in zip(clip_segments, read, strict=True):
        if seg.path is not None and info is not None:
            media[Path(seg.path)] = info

    def info_of(path: Path) -> MediaInfo:
        if path not in media:
            media[path] = probe(path)
        return media[path]

    skipped = tuple(
        s.shot_id or f"clip {i + 1}"
        for i, s in enumerate(segments)
        if s.kind == "clip" and s.path is None
    )
    kept = [
        s
        for s in segments
        if (s.kind == "clip" and s.path is not None)
        or (s.kind == "card" and (s.shot_id is None or s.shot_id not in skipped))
    ]
    clips = [s.path for s in kept if s.kind == "clip" and s.path is not None]
    if not clips:
        raise RenderError("stitch needs at least one clip")
    first = info_of(Path(clips[0]))
    fps = first.fps or 24.0
    sound = all(info_of(Path(path)).has_audio for path in clips)
    film_look = look if isinstance(look, Look) else Look()
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="sorafilm-cut-") as tmp:
        files: list[Path] = []
        read_back: list[MediaInfo] = []
        lengths: list[float] = []
        overlays: list[Overlay | None] = []
        for n, seg in enumerate(kept):
            if seg.kind == "card":
                rgb = _card_rgb(seg, first.width, first.height, film_look)
                card_path = Path(tmp) / f"card-{n}.mp4"
                grain = film_look.grain
                card = _still(card_path, rgb, seg.seconds, fps, sound=sound, grain=grain)
                files.append(card_path)
                read_back.append(card)
                lengths.append(card.duration)
                overlays.append(None)
                continue
            assert seg.path is not None
            info = info_of(Path(seg.path))
            length = seg.duration if seg.duration is not None else info.duration
            files.append(Path(seg.path))
            read_back.append(info)
            lengths.append(length)
            overlays.append(
                _overlay(Path(tmp) / f"caption-{n}.rgba", seg.caption, first, film_look)
                if burn_lower_thirds and seg.caption
                else None
            )
        stitch(files, out, infos=read_back, overlays=overlays)
    captions: list[Caption] = []
    at = 0.0
    for seg, length in zip(kept, lengths, strict=True):
        end = at + length
        if seg.kind == "card":
            kind: CaptionKind = "title" if seg.title else "card"
            captions.append(Caption(at, end, seg.text, kind, seg.shot_id))
        elif seg.caption:
            captions.append(Caption(at, end, seg.caption, "lower-third", seg.shot_id))
        at = end
    return Stitched(out, media_duration(out), at, tuple(captions), skipped)


def _card_rgb(seg: Segment, width: int, height: int, look: Look) -> np.ndarray:
    from ._card import caption_card

    return caption_card(width, height, seg.text, look, kind="title" if seg.title else "card")


def _still(
    path: Path, rgb: np.ndarray, seconds: float, fps: float, *, sound: bool, grain: float = 0.0
) -> MediaInfo:
    """A still as a clip: ``seconds`` of ``rgb`` with our encoder settings (OUR_X264), so it
    joins our animatics without re-encoding; with silent sound when the film has sound, and
    the look's film ``grain`` (as the animatic's: cycled noise frames) when it has some.
    Returns what the file holds: known from what was encoded (``render.encoded_info``), read
    back for a card with sound or a rate whose timing that cannot predict."""
    import numpy as np

    from ._card import Layout, yuv420
    from ._panel import grain as grain_noise
    from .render import H264_MP4, OUR_X264, _ffmpeg, encoded_info, probe, remember

    h, w = rgb.shape[:2]
    luma, u, v = yuv420(rgb)
    chroma = u.tobytes() + v.tobytes()
    noise = grain_noise(Layout(w, h), grain, np.random.default_rng(w * h))
    frames = [
        np.clip(luma.astype(np.int16) + n, 16, 235).astype(np.uint8).tobytes() + chroma
        for n in noise
    ]
    n = max(1, round(seconds * fps))
    audio = ("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo") if sound else ()
    maps = ("-map", "0:v", "-map", "1:a", "-c:a", "aac", "-shortest") if sound else ()
    _ffmpeg(
        *("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-r", f"{fps:g}"),
        *("-i", "-", *audio, *maps),
        *OUR_X264,
        *H264_MP4,
        str(path),
        stdin_frames=(frames[k % len(frames)] for k in range(n)),
    )
    known = None if sound else encoded_info(w, h, n, fps)
    if known is None:
        return probe(path)
    remember(path, known)
    return known


def _overlay(path: Path, text: str, film: MediaInfo, look: Look) -> Overlay | None:
    """The caption ``text`` drawn by ``_card.lower_third_rgba`` at the film's size (the first
    clip's: every clip is scaled to it), cut to its plate (even offsets and sizes, for
    yuv420p), for ``stitch`` to lay over its clip; None when nothing of it can be drawn."""
    import numpy as np

    from ._card import lower_third_rgba

    rgba = lower_third_rgba(film.width, film.height, text, look)
    rows, cols = np.nonzero(rgba[..., 3])
    if not rows.size:
        return None
    y0, x0 = int(rows.min()) & ~1, int(cols.min()) & ~1
    y1 = min(film.height, (int(rows.max()) + 2) & ~1)
    x1 = min(film.width, (int(cols.max()) + 2) & ~1)
    path.write_bytes(np.ascontiguousarray(rgba[y0:y1, x0:x1]).tobytes())
    return Overlay(path, x0, y0, x1 - x0, y1 - y0)


# x264 writes its version and every setting it encoded with into the stream (an SEI message
# in the first frame): "x264 - core 164 - H.264/MPEG-4 AVC codec - ... options: cabac=0 ...".
_X264 = b"x264 - core "
_SEI_SCAN_BYTES = 4 << 20  # the moov (faststart) and the first frame are well inside this


def x264_settings(path: Path) -> bytes | None:
    """The x264 settings string ``path`` was encoded with, or None (another encoder, or not
    found near the start). Two files with the same string, size and rate have the same stream
    headers: they can be joined by copy."""
    with open(path, "rb") as fh:
        head = fh.read(_SEI_SCAN_BYTES)
    at = head.find(_X264)
    if at < 0:
        return None
    end = head.find(b"\x00", at)
    return head[at:end] if end > at else None


def burn_alike(
    paths: Sequence[Path], overlays: Sequence[Overlay | None], work: Path
) -> list[Path] | None:
    """Each clip with an overlay, burned on its own with our encoder settings, when every clip
    was encoded with those very settings (x264_settings: an animatic film, its cards): the
    burned clips then join the others by copy, and only they are encoded again. None when
    the clips are anyone else's (the caller re-encodes the film in one pass instead).

    The caller has checked that the clips share codec, profile, size, rate and sound."""
    from .render import H264_MP4, OUR_X264, _ffmpeg

    settings = {x264_settings(p) for p in paths}
    if len(settings) != 1 or None in settings:
        return None
    out: list[Path] = []
    for n, (clip, mark) in enumerate(zip(paths, overlays, strict=True)):
        if mark is None:
            out.append(clip)
            continue
        burned = work / f"burned-{n}.mp4"
        _ffmpeg(
            *("-i", str(clip)),
            *mark.inputs(),
            *("-filter_complex", mark.filter("0:v", "1:v", "v")),
            *("-map", "[v]", "-map", "0:a?", "-c:a", "copy"),
            *OUR_X264,
            *H264_MP4,
            str(burned),
        )
        if x264_settings(burned) not in settings:
            return None  # our settings are not theirs after all: re-encode the film instead
        out.append(burned)
    return out
