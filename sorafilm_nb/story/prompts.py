"""Shot prompts in the Sora 2 prompting guide's order, token counting and budget tiers.

CONTRACT (shared with compress, lint, planning, studio, ui/): Tier and ShotPrompt below.

The structure follows OpenAI's Sora 2 prompting guide (openai-cookbook,
examples/sora/sora2_prompting_guide.ipynb): style first ("establish this style early so the
model can carry it through"), a 3-5 colour palette, the scene in prose, cinematography (shot,
one camera move, lens), actions as timed beats ("one clear camera move and one clear subject
action"), lighting, then sound, which for a silent film is the intertitle. A prompt reads::

    Style: 1920s silent-film comedy, 18 fps hand-cranked look, warm sepia, soft vignette, ...
    Palette: sepia, cream, charcoal, a touch of faded red.

    A cramped 1920s kitchen at breakfast. A programmer in braces and a bowler hat faces a milk
    carton that will not pour, however hard it is shaken. Props: milk carton, empty glass, ...

    Cinematography: medium shot, locked-off camera at eye level, 35 mm lens, shallow depth ...
    Actions:
    - 0-3 s: the programmer reaches for the milk carton, full of confidence.
    - 3-6 s: it goes wrong: a milk carton that will not pour.
    - 6-8 s: the programmer turns to the camera and shrugs, deadpan.
    Lighting: morning window light from the left, gentle falloff.
    Intertitle: "ImportError: the milk carton that will not pour"

Style, palette, setting, protagonist, lighting and sound are the film's shared block: identical
in every shot, because continuity across separately generated clips comes from repeating the
same words ("keep descriptions consistent across shots, reuse phrasing").

Token budgets: a Tier (tiers.py) caps each prompt's tokens; rendering here makes the full
prompt, and ``compress`` cuts it down to a tier (the least important parts first, the shared
block the same way in every shot). ``pieces`` and ``section_tokens`` count a prompt section
by section, which compression relies on to re-count quickly. The prompt's own copy (tone
lines, a typed gag's lines, the scene made from a gag) is read from its data file by
``wording``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .causes import cause
from .lint_data import Rules, text_request
from .plot_ending import ending_mood, finale
from .tiers import Tier, parse_tier, tier_cap  # noqa: F401  (re-exported: the contract)
from .wording import wording

if TYPE_CHECKING:
    from .boards import Beat, Shot, Storyboard
    from .metaphors import Metaphor, Style


@dataclass(frozen=True)
class ShotPrompt:
    """One shot's rendered prompt and what compression did to it."""

    shot_index: int
    text: str
    tokens: int
    tokens_before: int  # before compression (== tokens when nothing was removed)
    cap: int  # the tier's token cap applied
    sections: tuple[tuple[str, str], ...] = ()  # (section name, text): style, scene, camera...
    fits: bool = True  # False when compression could not reach the cap
    steps: tuple[str, ...] = ()  # compression steps applied, in order (added field)

    @property
    def ratio(self) -> float:
        return self.tokens / self.tokens_before if self.tokens_before else 1.0

    def __repr__(self) -> str:  # the text is .text; a notebook line says what it is
        fit = "fits" if self.fits else f"over the cap of {self.cap}"
        return (
            f"ShotPrompt(shot {self.shot_index + 1}, {self.tokens}/{self.tokens_before} tokens, "
            f"cap {self.cap}, {fit})"
        )

    def section(self, name: str) -> str:
        """One named section's text ("" when absent or removed)."""
        return next((text for key, text in self.sections if key == name), "")


# -- sections ------------------------------------------------------------------------------

SECTION_ORDER = (
    "style",
    "palette",
    "setting",
    "cause",
    "hero",
    "subject",
    "props",
    "camera",
    "actions",
    "lighting",
    "sound",
)
# The film's shared block: the same words in every shot (hero is empty in a few uncast shots;
# the sound adds the beat's own line to the theme's).
SHARED = frozenset({"style", "palette", "setting", "hero", "lighting", "sound"})
_PARAGRAPH = {
    "style": 0,
    "palette": 0,
    "setting": 1,
    "cause": 1,
    "hero": 1,
    "subject": 1,
    "props": 1,
    "camera": 2,
    "actions": 2,
    "lighting": 2,
    "sound": 2,
}


# -- rendering -----------------------------------------------------------------------------


def hero_ref(protagonist: str) -> str:
    """The short name of the protagonist: "a programmer in braces ..." -> "the programmer"."""
    core = re.split(r",| in | with | wearing | who | that ", protagonist.strip(), maxsplit=1)[0]
    core = re.sub(r"^(a|an|the)\s+", "", core.strip(), flags=re.IGNORECASE)
    return f"the {core}" if core else "the hero"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = text.strip()
    done = text[-1:] in (".", "!", "?") or (text[-1:] in ("'", '"') and text[-2:-1] in ".!?")
    return text if not text or done else text + "."


def _fmt(template: str, **values: str) -> str:
    """str.format for wording files: unknown {names} are left as they are, never an error."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


_TIMED = re.compile(r"^\s*-?\s*\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\s*s\s*:\s*")


def timed_lines(lines: Sequence[str], seconds: int) -> str:
    """ "Actions:" then one "- a-b s: ..." line per beat, the clip's seconds split evenly."""
    n = len(lines)
    bounds = [0] + [min(seconds, math.ceil(seconds * (i + 1) / n)) for i in range(n)]
    out = ["Actions:"]
    for i, line in enumerate(lines):
        body = _sentence(_TIMED.sub("", line.strip()).rstrip("."))
        out.append(f"- {bounds[i]}-{bounds[i + 1]} s: {body}")
    return "\n".join(out)


def _lines_for(seconds: int, four: Sequence[str]) -> list[str]:
    """Which of the four tone lines a clip of this length plays (see prompts.toml)."""
    if seconds <= 4:
        return [four[1], four[3]]
    if seconds <= 8:
        return [four[0], four[1], four[3]]
    return list(four)


def _max_lines(seconds: int) -> int:
    return 2 if seconds <= 4 else 3 if seconds <= 8 else 4


# The story beats (metaphors.BEATS) a template beat's role stands for: the key of its sound.
_ROLE_BEAT = {
    "opening": "title",
    "use": "tools",
    "trouble": "error cascade",
    "overcome": "centerpiece",
    "payoff": "victory",
}


def beat_key(beat: Beat, beats: Sequence[Beat] = ()) -> str:
    """The story beat (metaphors.BEATS) a template beat plays: by its role, else by the words
    of its name and keys ("the attempt and error cascade" -> "error cascade"), else ""."""
    if beat.role in _ROLE_BEAT:
        return _ROLE_BEAT[beat.role]
    from .boards import _beat_by_words
    from .metaphors import BEATS

    pool = tuple(beats) or (beat,)
    here = pool.index(beat) if beat in pool else 0
    for key in BEATS:
        if _beat_by_words(pool, key)[:1] == [here]:
            return key
    return ""


def sound_line(style: Style, beat: str = "") -> str:
    """ "Sound: a jaunty ragtime piano; the piano races faster and faster; no dialogue."

    The theme's sound in every shot (continuity), what this beat adds, and whether anyone
    speaks: a silent theme says "no dialogue" or the model may invent speech. Never an
    on-screen text: a sound that mentions intertitles or cards loses that clause.
    """
    parts = [p.strip() for p in re.split(r"[;]", style.sound) if p.strip()]
    text_asks = Rules.load().text
    parts = [p for p in parts if not text_asks.mentions(p)]
    extra = dict(style.sound_by_beat).get(beat, "")
    if extra:
        parts.append(extra.strip().rstrip("."))
    dialogue = style.dialogue.strip().rstrip(".")
    if not dialogue and text_asks.mentions(style.sound):
        dialogue = "no dialogue"  # an older theme's "intertitles only": a silent film
    if dialogue and dialogue.lower() not in "; ".join(parts).lower():
        parts.append(dialogue)
    return _sentence("Sound: " + "; ".join(parts)) if parts else ""


#: The sound line of a film made without audio on a model that makes its sound regardless
#: (sora-2): ask for silence, or the model invents music and speech (PROMPTING.md).
SILENT_SOUND = "Sound: silence, no music; no dialogue."


def sound_for(style: Style, beat: str, *, audio: bool, provider: str, model: str) -> str:
    """The shot's sound line, given whether the film has audio (the plan's ``audio``: a
    silent theme's, or --no-audio) and the model's facts (capabilities, the one home).

    No sound line where the model makes no audio (Runway gen4.5: ``audio = false``), with
    audio or without: describing a sound that is never made only spends words, and a
    Runway prompt has 1000 characters. Otherwise, with audio: ``sound_line``. Without: no
    sound line where the clip is sent without audio (``capabilities.sent_silent``: Veo's
    generate_audio = false); ``SILENT_SOUND`` where the model makes its sound regardless,
    or is unknown.
    """
    from ..capabilities import PROVIDERS, lookup, sent_silent

    caps = lookup(provider, model) if provider in PROVIDERS else None
    if caps is not None and not caps.audio:
        return ""
    if audio:
        return sound_line(style, beat)
    if sent_silent(provider, model, False):
        return ""
    return SILENT_SOUND


def asks_for_text(text: str) -> bool:
    """True when a prompt asks the video model to draw words meant to be read (an
    intertitle, a title card, a chalked word, a quoted label): the rule of lint's
    ``on-screen-text`` finding (lint_data.text_request, its words in data/lint/rules.toml)."""
    return bool(text_request(text))


def style_sections(style: Style, beat: str = "") -> dict[str, str]:
    """The film's shared block: identical in every shot but for the beat's sound."""
    look = f", {style.look}" if style.look else ""
    return {
        "style": _sentence(f"Style: {style.name}{look}"),
        "palette": _sentence("Palette: " + ", ".join(style.palette)) if style.palette else "",
        "setting": _sentence(_cap(style.setting)) if style.setting else "",
        "lighting": _sentence(f"Lighting: {style.lighting}") if style.lighting else "",
        "sound": sound_line(style, beat),
    }


_LOOK_AROUND = "{hero} looks around, then to the camera"


def _filler_plan(storyboard: Storyboard) -> dict[int, tuple[int, Metaphor | None]]:
    """For each uncast shot: where it starts in its beat's lines, or the theme's metaphor it
    plays instead.

    Fillers of one beat slide along the beat's lines in order (a 4 s clip plays two of
    three lines; the next filler plays the next two), so no two shots read the same and no
    story runs backwards. Once a beat's lines run out, a filler plays a gag of the theme
    that no other shot plays (those suited to the beat first) rather than a paid rerun.
    """
    from .boards import _beat_by_words

    beats = storyboard.template.beats
    taken = {s.cast.metaphor.id for s in storyboard.shots if s.cast is not None}
    library = storyboard.casting.library.metaphors
    count: dict[str, int] = {}
    out: dict[int, tuple[int, Metaphor | None]] = {}
    # the beat a metaphor's words point to, once per distinct text: every filler past its
    # beat's lines asked it of each unused metaphor again (~200,000 word sets a test module)
    first_beat: dict[str, list[int]] = {}

    def points_to(words: str) -> list[int]:
        if words not in first_beat:
            first_beat[words] = _beat_by_words(beats, words)[:1]
        return first_beat[words]

    for shot in storyboard.shots:
        if shot.cast is not None:
            continue
        n = count.get(shot.beat, 0)
        count[shot.beat] = n + 1
        beat = storyboard.beat(shot.beat)
        lines = len(beat.actions) or 1
        fresh = lines - min(_max_lines(shot.seconds), lines) + 1  # fillers its lines make
        if n < fresh:
            out[shot.index] = (n, None)
            continue
        here = beats.index(beat)
        unused = [m for m in library if m.id not in taken]
        suited = [m for m in unused if points_to(m.beat) == [here]]
        pick = next(iter(suited or unused), None)
        if pick is not None:
            taken.add(pick.id)
        out[shot.index] = (0, pick)
    return out


def scene_sentence(metaphor: Metaphor | None, gag: str) -> str:
    """The shot's scene as an active sentence with the hero as subject, {hero} unfilled.

    A metaphor's own ``scene`` when it has one ("{hero} sorts a heap of cutlery into the
    drawer tray at lightning speed"); otherwise one made from the gag by the wording file's
    ``scene_from_gag`` ("{hero} is busy with a milk carton that will not pour"), never
    "<hero> faces <gag>", which reads as a fight with whatever the gag names.
    """
    own = getattr(metaphor, "scene", None) if metaphor is not None else None
    if isinstance(own, str) and own.strip():
        return own.strip().rstrip(".")
    return _fmt(wording().scene_from_gag, gag=gag.strip().rstrip("."))


def _hero_and_subject(
    scene: str, who: str, names: dict[str, str], cause: str = ""
) -> tuple[str, str]:
    """(hero, subject): the protagonist's full description as the scene's subject ("A
    programmer in braces ..., sorts ..."), or as a sentence of its own when the scene does
    not open with the hero. The description is the same words in every shot; after the
    shot's cause ("With the Session that session() returns, a programmer ...") its article is
    lower-case, and a scene that does not open with the hero takes the cause itself."""
    m = re.match(r"^\{(hero|Hero)\}\s+", scene)
    if m:
        rest = _fmt(scene[m.end() :], **names)
        if cause:
            who = re.sub(r"^(A|An|The)\b", lambda a: a.group(1).lower(), who)
        return who + ("," if "," in who else ""), _sentence(rest)
    subject = _cap(_fmt(scene, **names))
    if cause:
        subject = f"{cause} {subject[:1].lower()}{subject[1:]}"
    return _sentence(who), _sentence(subject)


def _gag_lines(metaphor: Metaphor, seconds: int, names: dict[str, str], gag: str) -> list[str]:
    prop = metaphor.props[0] if metaphor.props else "task"
    if metaphor.actions:
        raw = list(metaphor.actions)[: _max_lines(seconds)]
    else:
        w = wording()
        raw = _lines_for(seconds, w.tones.get(metaphor.tone, w.tones["default"]))
    core = re.split(r"[,;]", gag, maxsplit=1)[0].strip()
    return [_fmt(x, **names, gag=core, prop=prop) for x in raw]


def render_sections(
    shot: Shot, storyboard: Storyboard, audio: bool | None = None
) -> tuple[tuple[str, str], ...]:
    """The named parts of one shot's full prompt, in the guide's order (empty ones left out).

    No part asks the model for words on screen: titles and captions are drawn by sorafilm
    (Shot.caption, Shot.card, captions.py). ``audio``: whether the film has sound (None: the
    theme's ``audio``); the sound line follows ``sound_for`` (and the shot's model).
    """
    casting = storyboard.casting
    style = casting.library.style
    beat: Beat = storyboard.beat(shot.beat)
    hero = hero_ref(style.protagonist)
    who = _cap(style.protagonist.strip().rstrip(".")) or _cap(hero)
    profile = casting.profile
    names = {
        "hero": hero,
        "Hero": _cap(hero),
        "title": profile.title or profile.name,
        "name": profile.name,
    }
    key = beat_key(beat, storyboard.template.beats)
    parts = dict(style_sections(style, key))
    parts["sound"] = sound_for(
        style,
        key,
        audio=style.audio if audio is None else audio,
        provider=storyboard.provider,
        model=shot.model,
    )
    why = cause(storyboard, shot)
    entry = shot.cast
    mood = ""
    plan = _filler_plan(storyboard).get(shot.index, (0, None)) if entry is None else (0, None)
    k, spare = plan
    if entry is not None and entry.custom_gag:
        # the typed gag replaces the metaphor on screen: its props, actions, scene and tone
        # belong to another gag and would contradict this one
        gag = entry.gag.strip().rstrip(".")
        scene = scene_sentence(None, gag)
        core = re.split(r"[,;]", gag, maxsplit=1)[0].strip()
        lines = [_fmt(x, **names, gag=core) for x in _lines_for(shot.seconds, wording().custom)]
    elif entry is not None or spare is not None:
        metaphor = entry.metaphor if entry is not None else spare
        assert metaphor is not None
        gag = metaphor.gag.strip().rstrip(".")
        scene = scene_sentence(metaphor, gag)
        props = metaphor.props
        parts["props"] = _sentence("Props: " + ", ".join(props)) if props else ""
        lines = _gag_lines(metaphor, shot.seconds, names, gag)
        mood = metaphor.tone
    else:
        scene = beat.scene.strip()
        pool = list(beat.actions) or [_LOOK_AROUND]
        lines = [_fmt(x, **names) for x in pool[k : k + min(_max_lines(shot.seconds), len(pool))]]
    # the ending: the earlier concepts join in, and the promise is kept (plot_ending.finale)
    ended = finale(storyboard, shot, hero, scene, lines)
    if ended != (scene, lines, None):  # an ending, no longer the gag: not the gag's mood
        mood = ending_mood(storyboard)
    scene, lines, kept = ended
    if kept is not None:  # the reprise lists only the props its lines still use
        parts["props"] = _sentence("Props: " + ", ".join(kept)) if kept else ""
    if scene:
        parts["hero"], parts["subject"] = _hero_and_subject(scene, who, names, why)
        if re.match(r"^\{(hero|Hero)\}\s+", scene):  # else the subject opens with it
            parts["cause"] = why
    camera = beat.camera.strip().rstrip(".") or "medium shot, locked-off camera, 35 mm lens"
    parts["camera"] = _sentence(f"Cinematography: {camera}" + (f"; mood: {mood}" if mood else ""))
    parts["actions"] = timed_lines(lines, shot.seconds)
    return tuple((name, parts[name]) for name in SECTION_ORDER if parts.get(name))


def pieces(sections: Sequence[tuple[str, str]]) -> list[str]:
    """The prompt text cut at section boundaries, the separators attached where o200k's
    pre-tokenizer attaches them: a newline to the text before it (".\n" is one pre-token),
    a space to the word after it (" faces"). No pre-token crosses a cut, so the prompt's
    token count is the sum of its pieces' counts, and each piece can be counted once and
    remembered: the style block, the camera and the action lines repeat in every step and
    every shot. tests/story/test_prompts.py checks the sum against a direct count.
    """
    items = [(_PARAGRAPH.get(name, 2), i, text) for i, (name, text) in enumerate(sections) if text]
    if any(items[k][0] > items[k + 1][0] for k in range(len(items) - 1)):
        items.sort()  # rendered sections come in order already; hand-made ones may not
    out: list[str] = []
    for pos, (para, _, text) in enumerate(items):
        lead = " " if pos and items[pos - 1][0] == para == 1 else ""
        if pos + 1 == len(items):
            tail = ""
        elif items[pos + 1][0] != para:
            tail = "\n\n"
        else:
            tail = "" if para == 1 else "\n"
        out.append(lead + text + tail)
    return out


def join_sections(sections: Sequence[tuple[str, str]]) -> str:
    """The prompt text: style block, blank line, scene paragraph, blank line, the rest."""
    return "".join(pieces(sections))


@lru_cache(maxsize=16384)
def _piece_tokens(piece: str) -> int:
    from .tokens import count_tokens

    return count_tokens(piece)


def section_tokens(sections: Sequence[tuple[str, str]]) -> int:
    """Tokens of join_sections(sections), counted piece by piece with a cache (see pieces)."""
    return sum(_piece_tokens(p) for p in pieces(sections))


def render_prompt(shot: Shot, storyboard: Storyboard, audio: bool | None = None) -> ShotPrompt:
    """One shot's full, uncompressed prompt (cap = STANDARD)."""
    from .tokens import count_tokens

    sections = render_sections(shot, storyboard, audio)
    text = join_sections(sections)
    n = count_tokens(text)
    return ShotPrompt(
        shot.index, text, n, n, Tier.STANDARD.tokens, sections, n <= Tier.STANDARD.tokens
    )
