"""Captions: the words on screen, made by this tool, never asked of the video model.

Video models render text badly, and worse as it gets longer (PROMPTING.md), so a prompt never
asks for an intertitle. The film's words are ours: each concept shot gets a short gloss drawn
from its docstring ("Blueprint: routes you register on an app later"), shown either as a
caption *card* (a still of its own between shots: it costs no video seconds, so the plan
prices it at zero) or as a *lower third* over the shot. The same captions are written as a
WebVTT track beside the film, which the notebook player and the shared page show.

This module is the contract between the story (which writes captions) and render (which
draws them) and the faces (which show the track). Caption text comes from a scanned
repository, so it is hostile: ``to_webvtt`` escapes it for WebVTT's HTML-like cue text and
keeps it on one line, and render draws it as pixels, never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["CARD_SECONDS", "Caption", "reading_seconds", "to_webvtt", "vtt_time"]

#: How long a caption card holds the screen when the story does not say: long enough to read
#: a short gloss twice at a relaxed pace (about 3 words a second).
CARD_SECONDS = 3.0

CaptionKind = Literal["card", "lower-third", "title"]

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Caption:
    """One caption on the film's timeline (seconds from the start of the stitched film).

    ``kind``: "card" and "title" are stills of their own (no video seconds), "lower-third"
    overlays the shot ``shot_id`` while it plays.
    """

    start: float
    end: float
    text: str
    kind: CaptionKind = "lower-third"
    shot_id: str | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError(f"a caption needs 0 <= start < end, got {self.start}-{self.end}")
        one_line = _SPACE.sub(" ", self.text).strip()
        if not one_line:
            raise ValueError("a caption needs some text")
        object.__setattr__(self, "text", one_line)

    @property
    def seconds(self) -> float:
        return self.end - self.start


def reading_seconds(text: str, *, words_per_second: float = 3.0, minimum: float = 1.5) -> float:
    """How long ``text`` must stay on screen to be read once at a relaxed pace: lint compares
    it with the time a caption is shown."""
    words = len(_SPACE.sub(" ", text).strip().split(" ")) if text.strip() else 0
    return max(minimum, words / words_per_second)


def vtt_time(seconds: float) -> str:
    """00:01:02.345, WebVTT's timestamp (hours always written, as players expect)."""
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _cue_text(text: str) -> str:
    # Cue text is parsed for tags (<b>, <c.class>, <v Speaker>) and character references:
    # escape &, < and >, and break the "-->" that would end a cue's timing line.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("-->", "--&gt;")


def to_webvtt(captions: Iterable[Caption]) -> str:
    """A WebVTT file holding the captions in time order, one single-line cue each."""
    lines = ["WEBVTT", ""]
    for i, cap in enumerate(sorted(captions, key=lambda c: (c.start, c.end)), 1):
        lines += [str(i), f"{vtt_time(cap.start)} --> {vtt_time(cap.end)}", _cue_text(cap.text), ""]
    return "\n".join(lines)
