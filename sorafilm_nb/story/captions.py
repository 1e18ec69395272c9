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

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

# glosses live in story/gloss.py; re-exported where the story has always found them
from .gloss import DANGLING, GLOSS_LIMIT, gloss, plain, short_clause  # noqa: F401

if TYPE_CHECKING:
    from .casting import CastEntry

__all__ = [
    "CARD_SECONDS",
    "Caption",
    "card_hold",
    "card_seconds",
    "distinct_captions",
    "film_captions",
    "gag_title",
    "gloss",
    "reading_seconds",
    "said_of",
    "to_webvtt",
    "vtt_time",
]

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


def card_seconds(text: str) -> float:
    """How long a caption card holds the screen: CARD_SECONDS, or as long as it takes to read
    a long card (the title card with the README's promise), up to the next half second.
    Rounded up, never to the nearest: an 11-word card (3.7 s to read) held 3.5 s was too
    short by lint's own measure (caption-too-long)."""
    return max(CARD_SECONDS, math.ceil(reading_seconds(text) * 2 - 1e-9) / 2)


def card_hold(text: str, seconds: float | None = 0.0) -> float:
    """How long a card holds the stitched film: its own seconds when it has them, else
    card_seconds(text). The one rule the plan's timeline, the stitching and the player's shot
    list share, so a shot starts in the list where the film shows it."""
    return float(seconds) if seconds and seconds > 0 else card_seconds(text)


def film_captions(shots: Sequence[Any], end_card: str | None = None) -> tuple[Caption, ...]:
    """The film's words on its stitched timeline: each shot's card (a still before it, its
    own seconds on screen but no video seconds), each shot's caption as a lower third over
    the whole shot, and the closing card after the last shot. The first card of the film is
    its title. Shots are read with getattr (seconds, id, card, caption)."""
    out: list[Caption] = []
    t = 0.0
    for shot in shots:
        card = getattr(shot, "card", None)
        if card:
            hold = card_seconds(card)
            kind: CaptionKind = "title" if not out and t == 0 else "card"
            out.append(Caption(t, t + hold, card, kind, getattr(shot, "id", None)))
            t += hold
        caption = getattr(shot, "caption", None)
        seconds = float(getattr(shot, "seconds", 0))
        if caption and seconds > 0:
            out.append(Caption(t, t + seconds, caption, "lower-third", getattr(shot, "id", None)))
        t += seconds
    if end_card:
        out.append(Caption(t, t + card_seconds(end_card), end_card, "card"))
    return tuple(out)


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


# -- captions that read alike ----------------------------------------------------------------

#: How many words open a caption: two captions that open alike ("built from a method",
#: "built from a handler") read as one template filled twice.
OPENING_WORDS = 3
#: How many captions of a film may share an opening (one pair: "provides helpful methods
#: for working with http requests" / "... responses" is fine once).
SHARED_OPENINGS = 2


def _own_words(names: Sequence[str]) -> frozenset[str]:
    """A concept's names as the words a caption uses for them: "ky.extend" -> ky, extend,
    kyextend; "ZodBigInt" -> zod, big, int, bigint, zodbigint."""
    out: set[str] = set()
    for name in names:
        for part in [name, *re.split(r"[.#]", name)]:
            words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", part).lower())
            out.update(words)
            # the joined tails of the last four words: a hostile 16,000-word camelCase name
            # would otherwise build every tail (quadratic in time and memory)
            out.update("".join(words[i:]) for i in range(max(0, len(words) - 4), len(words)))
    return frozenset(out - {""})


def said_of(caption: str, names: Sequence[str]) -> tuple[str, ...]:
    """What a caption says about its concept, as words: after "names: ", lower case, the
    concept's own names masked ("~"), so that "ZodString: the ZodType string() returns" and
    "ZodArray: the ZodType array() returns" say the same thing of two names."""
    _head, sep, text = caption.partition(": ")
    own = _own_words(names)
    out = []
    for token in (text if sep else "").lower().split():
        core = token.strip(".,;:!?'\"()[]{}…").removesuffix("()")
        out.append("~" if re.sub(r"[^a-z0-9]", "", core) in own else core)
    return tuple(w for w in out if w)


def distinct_captions(
    choices: Sequence[Sequence[str]], names: Sequence[Sequence[str]]
) -> list[str]:
    """One caption for each concept shot of a film, none saying what another says.

    ``choices[i]``: the captions concept i may carry, best first (fallback_gloss.
    caption_choices); ``names[i]``: its names. Each keeps its first choice unless that reads
    like another's: captions that say the same thing (said_of) all move on to their first
    choice that no other caption of the film says; then a caption that would be the third
    to open with the same OPENING_WORDS words, or open a second shared pair, moves on to
    its first choice that opens like no other. Where nothing else is true to say, the first
    choice stays: a caption never says less to be different."""
    said = [[said_of(c, names[i]) for c in cs] for i, cs in enumerate(choices)]
    pick = [0] * len(choices)
    firsts = [s[0] if s else () for s in said]
    for i, options in enumerate(said):
        if not options or firsts.count(firsts[i]) < 2:
            continue
        others = {firsts[j] for j in range(len(said)) if j != i}
        others |= {said[j][pick[j]] for j in range(i) if said[j]}
        pick[i] = next((k for k, b in enumerate(options) if b not in others), 0)
    opened: dict[tuple[str, ...], int] = {}
    pairs = 0
    for i, options in enumerate(said):
        if not options:
            continue
        opening = options[pick[i]][:OPENING_WORDS]
        if len(opening) == OPENING_WORDS and opened.get(opening, 0) >= 1:
            if opened[opening] == 1 and pairs * 2 + 2 <= SHARED_OPENINGS:
                pairs += 1
            else:
                now = {said[j][pick[j]] for j in range(len(said)) if j != i and said[j]}
                pick[i] = next(
                    (
                        k
                        for k, b in enumerate(options)
                        if k > pick[i] and b[:OPENING_WORDS] not in opened and b not in now
                    ),
                    pick[i],
                )
                opening = options[pick[i]][:OPENING_WORDS]
        opened[opening] = opened.get(opening, 0) + 1
    return [cs[pick[i]] if cs else "" for i, cs in enumerate(choices)]


# -- shot titles ----------------------------------------------------------------------------


def gag_title(entry: CastEntry, limit: int = 60) -> str:
    """A short human title: "ImportError: the milk carton that will not pour"."""
    pieces = re.split(r"([,;:(]| - | — )", entry.gag.strip())
    gag = pieces[0]
    # "a cold, dark station": a comma this early joins two adjectives, it ends no title
    while len(gag.split()) <= 2 and len(pieces) > 2 and pieces[1] == ",":
        gag, pieces = f"{gag},{pieces[2]}", pieces[2:]
    gag = gag.strip().rstrip(".")
    gag = re.sub(r"^(a|an)\s+", "the ", gag, flags=re.IGNORECASE)
    name = ", ".join(c.name for c in entry.concepts)
    text = f"{name}: {gag}" if gag else name
    if len(text) > limit:
        # the title is also the intertitle: cut before a phrase ("… of falling" reads broken),
        # at a word only when no phrase boundary leaves a real title
        head = text[: limit - 1]
        cut = max(head.rfind(f" {w} ") for w in _PHRASE_STARTS)
        if cut >= len(name) + 14:
            text = head[:cut].rstrip(" ,") + "…"
        else:
            text = head.rsplit(" ", 1)[0] + "…"
    return text


# Words that start a phrase a long title can lose: relative clauses and prepositions.
_PHRASE_STARTS = (
    "that",
    "which",
    "who",
    "when",
    "until",
    "while",
    "as",
    "so",
    "to",
    "with",
    "without",
    "from",
    "into",
    "onto",
    "across",
    "through",
    "over",
    "under",
    "in",
    "on",
    "of",
    "for",
    "by",
    "at",
    "and",
    "or",
)
