"""Shot prompts in the Sora 2 prompting guide's order, token counting and budget tiers.

CONTRACT (shared with lint.py, plan.py, studio.py, ui/): Tier and ShotPrompt below.

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

Token budgets: a Tier caps each prompt's tokens (o200k_base, counted offline by
sorafilm_nb.story.tokens; the Videos API publishes no tokenizer, so this is a proxy for length, not
a billing unit). Tiers change prompt length, never the per-second price. compress() removes
the least important parts first and never touches the camera line or the action lines; parts
of the shared block are shortened for the whole film at once, so compression cannot make the
style drift between shots.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from ..datafiles import data_dir, field, load_toml, str_list
from ..errors import DataFileError

if TYPE_CHECKING:
    from .boards import Beat, Shot, Storyboard
    from .metaphors import Metaphor, Style


class Tier(Enum):
    """Token budget per prompt. Bounds prompt length, never the per-second price.

    Measured on this repository's own films (the packaged themes kitchen, space and heist,
    every template, targets 16-120 s): full prompts take 200-266 tokens and compression can
    bring every one under 160 (the camera and action lines are never cut). Mean length after
    compression, as a share of the full prompt: HIGH 0.86, MEDIUM 0.77, LOW (the default)
    0.71, ULTRA_LOW 0.63, which leaves little more than the style name, subject, camera,
    actions, lighting and intertitle. STANDARD keeps everything, with room for wordier user
    themes.
    """

    ULTRA_LOW = 160
    LOW = 180
    MEDIUM = 200
    HIGH = 220
    STANDARD = 400

    @property
    def tokens(self) -> int:
        return self.value

    @property
    def label(self) -> str:
        """The CLI spelling: "ultra-low"."""
        return self.name.lower().replace("_", "-")


def parse_tier(value: Tier | int | str) -> Tier | int:
    """A Tier from its name ("low", "ultra-low", "ULTRA_LOW") or a custom cap (int or "250")."""
    if isinstance(value, Tier):
        return value
    if isinstance(value, bool):
        raise ValueError(f"a budget tier is a name or a number of tokens, not {value!r}")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"a token cap must be a positive number, got {value}")
        return value
    text = str(value).strip()
    if text.isdigit():
        return parse_tier(int(text))
    key = text.upper().replace("-", "_")
    if key in Tier.__members__:
        return Tier[key]
    names = ", ".join(t.label for t in Tier)
    raise ValueError(f"unknown budget tier {value!r}; use one of {names} or a number of tokens")


def tier_cap(tier: Tier | int) -> int:
    """The token cap a tier stands for."""
    return tier.tokens if isinstance(tier, Tier) else int(tier)


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


# -- wording data --------------------------------------------------------------------------

SECTION_ORDER = (
    "style",
    "palette",
    "setting",
    "hero",
    "subject",
    "props",
    "camera",
    "actions",
    "lighting",
    "sound",
    "intertitle",
)
# The film's shared block: the same words in every shot (hero is empty in a few uncast shots).
SHARED = frozenset({"style", "palette", "setting", "hero", "lighting", "sound"})
_PARAGRAPH = {
    "style": 0,
    "palette": 0,
    "setting": 1,
    "hero": 1,
    "subject": 1,
    "props": 1,
    "camera": 2,
    "actions": 2,
    "lighting": 2,
    "sound": 2,
    "intertitle": 2,
}


@dataclass(frozen=True)
class Wording:
    droppable: frozenset[str]
    tones: dict[str, tuple[str, ...]]
    file: str = ""
    # the lines a user's typed gag plays (setup, gag, escalation, reaction): no {prop}, since
    # the metaphor's props belong to its own gag
    custom: tuple[str, ...] = (
        "{hero} steps up to it, full of confidence",
        "it happens: {gag}",
        "{hero} tries once more; it happens again",
        "{hero} looks straight into the camera",
    )


@cache
def wording(path: str | None = None) -> Wording:
    """data/prompts/prompts.toml, validated (errors name the file, the tone and the field)."""
    file = path or str(data_dir() / "prompts" / "prompts.toml")
    data = load_toml(file)
    droppable = frozenset(w.lower() for w in str_list(data, "droppable", file=file))
    tones_raw = field(data, "tone", dict, file=file)
    tones: dict[str, tuple[str, ...]] = {}
    for tone, table in tones_raw.items():
        if not isinstance(table, dict):
            raise DataFileError(file, "expected a [tone.NAME] table", entry=f"tone.{tone}")
        tones[tone] = _four_lines(table, file, f"tone.{tone}")
    if "default" not in tones:
        raise DataFileError(file, "a [tone.default] table is required", field="tone")
    if "custom" not in data:
        return Wording(droppable, tones, file)
    custom = field(data, "custom", dict, file=file)
    lines = _four_lines(custom, file, "custom")
    if any("{prop}" in x for x in lines):
        raise DataFileError(
            file,
            "a typed gag has no props of its own: no {prop} here",
            entry="custom",
            field="actions",
        )
    return Wording(droppable, tones, file, lines)


def _four_lines(table: dict[str, Any], file: str, entry: str) -> tuple[str, ...]:
    """A table's four action lines: setup, gag, escalation, reaction; one names {gag}."""
    lines = str_list(table, "actions", file=file, entry=entry)
    if len(lines) != 4 or sum("{gag}" in x for x in lines) != 1:
        raise DataFileError(
            file,
            "expected 4 lines (setup, gag, escalation, reaction), exactly one containing {gag}",
            entry=entry,
            field="actions",
        )
    return lines


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
    return text if not text or text[-1] in ".!?\"'" else text + "."


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


def wants_intertitles(style: Style) -> bool:
    """A silent film (its sound mentions intertitles, or it has no sound at all)."""
    return "intertitle" in style.sound.lower() or not style.sound.strip()


def sound_line(sound: str) -> str:
    """The style's sound without its intertitle clause: "no dialogue; a ragtime piano"."""
    if "intertitle" not in sound.lower():
        return _sentence(f"Sound: {sound.strip()}") if sound.strip() else ""
    parts = [p.strip() for p in re.split(r"[;,]", sound) if p.strip()]
    kept = [p for p in parts if "intertitle" not in p.lower()]
    return _sentence("Sound: " + "; ".join(kept)) if kept else ""


def style_sections(style: Style) -> dict[str, str]:
    """The film's shared block: identical in every shot."""
    look = f", {style.look}" if style.look else ""
    return {
        "style": _sentence(f"Style: {style.name}{look}"),
        "palette": _sentence("Palette: " + ", ".join(style.palette)) if style.palette else "",
        "setting": _sentence(_cap(style.setting)) if style.setting else "",
        "lighting": _sentence(f"Lighting: {style.lighting}") if style.lighting else "",
        "sound": sound_line(style.sound),
    }


def _intertitle(text: str) -> str:
    clean = " ".join(text.replace('"', "'").split())
    return f'Intertitle: "{clean}"' if clean else ""


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
        suited = [m for m in unused if _beat_by_words(beats, m.beat)[:1] == [here]]
        pick = (suited or unused or [None])[0]
        if pick is not None:
            taken.add(pick.id)
        out[shot.index] = (0, pick)
    return out


def render_sections(shot: Shot, storyboard: Storyboard) -> tuple[tuple[str, str], ...]:
    """The named parts of one shot's full prompt, in the guide's order (empty ones left out)."""
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
    parts = dict(style_sections(style))
    entry = shot.cast
    if entry is not None:
        gag = entry.gag.strip().rstrip(".")
        props = entry.metaphor.props
        prop = props[0] if props else "task"
        parts["hero"] = who + ("," if "," in who else "")
        parts["subject"] = _sentence(f"faces {gag}")
        parts["props"] = _sentence("Props: " + ", ".join(props)) if props else ""
        mood = entry.metaphor.tone
        if entry.custom_gag:
            # the typed gag replaces the metaphor on screen: its props, actions and tone
            # belong to another gag and would contradict this one
            parts["props"] = ""
            mood = ""
            lines = _lines_for(shot.seconds, wording().custom)
        elif entry.metaphor.actions:
            lines = list(entry.metaphor.actions)[: _max_lines(shot.seconds)]
        else:
            w = wording()
            four = w.tones.get(entry.metaphor.tone, w.tones["default"])
            lines = _lines_for(shot.seconds, four)
        # the subject already has the whole gag; the action line names its core only
        core = re.split(r"[,;]", gag, maxsplit=1)[0].strip()
        lines = [_fmt(x, hero=hero, Hero=_cap(hero), gag=core, prop=prop) for x in lines]
        caption = shot.title.rstrip("…")
    else:
        scene = beat.scene.strip()
        if scene.startswith("{Hero} "):  # the protagonist, described as in every other shot
            parts["hero"] = who + ("," if "," in who else "")
            scene = scene[len("{Hero} ") :]
        parts["subject"] = _sentence(_cap(_fmt(scene, **names))) if scene else ""
        if parts.get("hero"):
            parts["subject"] = parts["subject"][:1].lower() + parts["subject"][1:]
        parts["props"] = ""
        plan = _filler_plan(storyboard).get(shot.index, (0, None))
        k, spare = plan
        pool = list(beat.actions) or [_LOOK_AROUND]
        lines = [_fmt(x, **names) for x in pool[k : k + min(_max_lines(shot.seconds), len(pool))]]
        mood = ""
        caption = _fmt(beat.intertitle, **names) if beat.intertitle else shot.title
        if spare is not None:  # the beat's lines are all used: a gag of the theme, not a rerun
            gag = spare.gag.strip().rstrip(".")
            prop = spare.props[0] if spare.props else "task"
            parts["hero"] = who + ("," if "," in who else "")
            parts["subject"] = _sentence(f"faces {gag}")
            parts["props"] = _sentence("Props: " + ", ".join(spare.props)) if spare.props else ""
            if spare.actions:
                raw = list(spare.actions)[: _max_lines(shot.seconds)]
            else:
                w = wording()
                raw = _lines_for(shot.seconds, w.tones.get(spare.tone, w.tones["default"]))
            core = re.split(r"[,;]", gag, maxsplit=1)[0].strip()
            lines = [_fmt(x, hero=hero, Hero=_cap(hero), gag=core, prop=prop) for x in raw]
            mood = spare.tone
    camera = beat.camera.strip().rstrip(".") or "medium shot, locked-off camera, 35 mm lens"
    parts["camera"] = _sentence(f"Cinematography: {camera}" + (f"; mood: {mood}" if mood else ""))
    parts["actions"] = timed_lines(lines, shot.seconds)
    if wants_intertitles(style):
        parts["intertitle"] = _intertitle(caption)
    elif beat.title_card and entry is None:  # no cards in a sound film, but the name shows
        clean = " ".join(caption.replace('"', "'").split())
        parts["intertitle"] = f'On-screen title: "{clean}"' if clean else ""
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


def render_prompt(shot: Shot, storyboard: Storyboard) -> ShotPrompt:
    """One shot's full, uncompressed prompt (cap = STANDARD)."""
    from .tokens import count_tokens

    sections = render_sections(shot, storyboard)
    text = join_sections(sections)
    n = count_tokens(text)
    return ShotPrompt(
        shot.index, text, n, n, Tier.STANDARD.tokens, sections, n <= Tier.STANDARD.tokens
    )


# -- compression ---------------------------------------------------------------------------

Sections = dict[str, str]


@lru_cache(maxsize=4096)
def _first_clause(text: str) -> str:
    """Each sentence cut at its first comma, colon or semicolon: "a carton that will not
    pour, however hard it is shaken." -> "a carton that will not pour."."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(
        _sentence(re.split(r"[,:;]", s, maxsplit=1)[0].rstrip(".")) if re.search(r"[,:;]", s) else s
        for s in sentences
    )


@lru_cache(maxsize=4096)
def _drop_words(text: str, words: frozenset[str]) -> str:
    def keep(m: re.Match[str]) -> str:
        return "" if m.group(0).lower() in words else m.group(0)

    out = re.sub(r"[A-Za-z]+(?:-[A-Za-z]+)*", keep, text)
    out = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"[ \t]{2,}", " ", out))
    out = re.sub(r"([.!?]\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), out.strip())
    if text[:1].isupper():
        out = _cap(out)
    return re.sub(r"\b(a|an) (a|an)\b", r"\2", out)


def _label_split(text: str) -> tuple[str, str]:
    label, _, body = text.partition(": ")
    return label, body.rstrip(".")


def _list_keep(text: str, n: int) -> str:
    """'Palette: a, b, c, d.' -> 'Palette: a, b, c.' (first n items)."""
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(",") if x.strip()]
    return _sentence(f"{label}: " + ", ".join(items[:n])) if items else ""


def _style_repeats(s: Sections) -> Sections:
    style = s.get("style", "")
    if not style:
        return s
    return {**s, "style": _style_without_repeats(style, s.get("palette", ""))}


@lru_cache(maxsize=256)
def _style_without_repeats(style: str, palette_line: str) -> str:
    """Look items that repeat a palette colour or the style name say nothing new."""
    label, body = _label_split(style)
    if not body:
        return style
    items = [x.strip() for x in body.split(",")]
    name, look = items[0], items[1:]
    _, palette = _label_split(palette_line)
    seen = {w for w in re.findall(r"[a-z]+", (palette + " " + name).lower()) if len(w) > 3}
    kept = [x for x in look if not set(re.findall(r"[a-z]+", x.lower())) & seen]
    return _sentence(f"{label}: " + ", ".join([name, *kept]))


def _on(names: Sequence[str], fn: Callable[[str], str]) -> Callable[[Sections], Sections]:
    def step(s: Sections) -> Sections:
        out = dict(s)
        for n in names:
            if out.get(n):
                out[n] = fn(out[n])
        return out

    return step


def _drop(name: str) -> Callable[[Sections], Sections]:
    return lambda s: {k: v for k, v in s.items() if k != name}


def _label_first_clause(text: str) -> str:
    label, body = _label_split(text)
    return _sentence(f"{label}: {body.split(',', 1)[0].strip()}") if body else text


def _style_name_only(text: str) -> str:
    label, body = _label_split(text)
    return _sentence(f"{label}: {body.split(',', 1)[0].strip()}")


def _intertitle_short(text: str) -> str:
    m = re.match(r'^(Intertitle: ")(.*)"$', text)
    if not m:
        return text
    short = re.split(r":| — | - ", m.group(2), maxsplit=1)[0].strip()
    return f'{m.group(1)}{short}"'


@dataclass(frozen=True)
class Step:
    """One compression step: a name for the report, whether it edits the film's shared block."""

    name: str
    shared: bool
    apply: Callable[[Sections], Sections]


def _shorten_hero(s: Sections) -> Sections:
    hero = s.get("hero", "")
    return {**s, "hero": _shorten_hero_text(hero)} if hero else s


def _hero_first_clause(text: str) -> str:
    return text.split(",", 1)[0].strip()


def _shorten_hero_text(text: str) -> str:
    return _cap(hero_ref(text.rstrip(",")))


@cache
def ladder() -> tuple[Step, ...]:
    """The compression steps, least important first. None touches 'camera' or 'actions'."""
    drop = wording().droppable

    def words(t: str) -> str:
        return _drop_words(t, drop)

    def style_repeats(s: Sections) -> Sections:
        return _on(["setting"], words)(_style_repeats(s))

    return (
        Step("secondary clauses", False, _on(["subject"], _first_clause)),
        Step("adjectives", False, _on(["subject", "props"], words)),
        Step("repeated style words", True, style_repeats),
        Step("secondary props", False, _on(["props"], lambda t: _list_keep(t, 2))),
        Step("palette extras", True, _on(["palette"], lambda t: _list_keep(t, 3))),
        Step("lighting detail", True, _on(["lighting"], _label_first_clause)),
        Step("sound detail", True, _on(["sound"], _label_first_clause)),
        Step(
            "protagonist detail",
            True,
            lambda s: _on(["hero"], _hero_first_clause)(_on(["setting"], _first_clause)(s)),
        ),
        Step("props", False, _drop("props")),
        Step("style look", True, _on(["style"], _style_name_only)),
        Step("sound", True, _drop("sound")),
        Step("protagonist", True, _shorten_hero),
        Step("setting", True, _drop("setting")),
        Step("palette", True, _drop("palette")),
        Step("intertitle detail", False, _on(["intertitle"], _intertitle_short)),
    )


@dataclass(frozen=True)
class Compressed:
    """What compress() returns: the sections kept, the text and the token counts."""

    sections: tuple[tuple[str, str], ...]
    text: str
    tokens: int
    tokens_before: int
    cap: int
    fits: bool
    steps: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.tokens / self.tokens_before if self.tokens_before else 1.0


def _as_tuple(s: Sections) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in s.items() if v)


def compress(
    prompt_sections: Sequence[tuple[str, str]],
    cap: int,
    *,
    shared_steps: int | None = None,
    verify: bool = True,
) -> Compressed:
    """Remove the least important parts until the prompt fits cap tokens (deterministic).

    Steps run in ladder() order; after each, the text is re-counted and compression stops as
    soon as it fits. The camera and action sections are never changed. shared_steps, when
    given, applies every shared step up to that ladder position first and forbids later
    ones, then this prompt's own steps while it is over the cap: render_prompts() uses it so
    the style block is cut the same way in every shot and no shot loses more of its own
    detail than the shared cuts leave necessary. fits is
    False when even the last step leaves the prompt over the cap. Tokens are counted piece by
    piece (see pieces()); verify re-counts the final text whole, and should the two ever
    differ, compression is redone with whole-text counts.
    """
    from .tokens import count_tokens

    if cap < 1:
        raise ValueError(f"a token cap must be positive, got {cap}")
    result = _compress(prompt_sections, cap, shared_steps, section_tokens)
    if verify and count_tokens(result.text) != result.tokens:  # pragma: no cover
        result = _compress(
            prompt_sections, cap, shared_steps, lambda secs: count_tokens(join_sections(secs))
        )
    return result


def _compress(
    prompt_sections: Sequence[tuple[str, str]],
    cap: int,
    shared_steps: int | None,
    counter: Callable[[Sequence[tuple[str, str]]], int],
) -> Compressed:
    current: Sections = dict(prompt_sections)
    before = counter(_as_tuple(current))
    tokens = before
    applied: list[str] = []
    steps = list(enumerate(ladder()))
    if shared_steps is not None:
        # The film's shared cuts first (they happen anyway), then this shot's own cuts,
        # least important first, only while it is still over the cap.
        steps = [(p, st) for p, st in steps if st.shared and p <= shared_steps] + [
            (p, st) for p, st in steps if not st.shared
        ]
    for _pos, step in steps:
        if (not step.shared or shared_steps is None) and tokens <= cap:
            continue
        nxt = step.apply(current)
        if nxt == current:
            continue
        current = nxt
        applied.append(step.name)
        tokens = counter(_as_tuple(current))
    final = _as_tuple(current)
    return Compressed(
        final, join_sections(final), tokens, before, cap, tokens <= cap, tuple(applied)
    )


def shared_level(prompt_sections: Sequence[tuple[str, str]], cap: int) -> int:
    """The ladder position up to which shared steps are needed for this prompt to fit (-1: none).

    Found by compressing with local and shared steps interleaved, as compress() does alone.
    """
    return _level_of(compress(prompt_sections, cap, verify=False))


def _level_of(result: Compressed) -> int:
    steps = ladder()
    last = -1
    for pos, step in enumerate(steps):
        if step.shared and step.name in result.steps:
            last = pos
    if not result.fits:  # nothing short of every shared step is enough
        last = len(steps) - 1
    return last


def render_prompts(
    storyboard: Storyboard,
    tier: Tier | int | str = Tier.LOW,
) -> tuple[ShotPrompt, ...]:
    """Every shot's prompt, compressed to the tier's cap, with one shared style block.

    The shared block is cut as far as the most demanding shot needs, in every shot, so the
    film's style words stay identical (lint checks for drift); the rest of each prompt is cut
    only as far as that shot needs.
    """
    from .tokens import count_tokens

    cap = tier_cap(parse_tier(tier))
    full = [render_sections(shot, storyboard) for shot in storyboard.shots]
    first = [compress(s, cap, verify=False) for s in full]
    levels = [_level_of(r) for r in first]
    level = max(levels, default=-1)
    out = []
    for shot, sections, done, own in zip(storyboard.shots, full, first, levels, strict=True):
        # A shot that needed exactly the film's shared cuts and none of its own was compressed
        # just as the second pass would do it. Reuse it.
        only_shared = all(step.shared for step in ladder() if step.name in done.steps)
        if own == level and only_shared and count_tokens(done.text) == done.tokens:
            c = done
        else:
            c = compress(sections, cap, shared_steps=level)
        out.append(
            ShotPrompt(
                shot.index, c.text, c.tokens, c.tokens_before, cap, c.sections, c.fits, c.steps
            )
        )
    return tuple(out)


def prompt_report(prompts: Sequence[ShotPrompt]) -> dict[str, Any]:
    """Totals for a set of prompts: tokens before and after, the ratio, how many fit."""
    before = sum(p.tokens_before for p in prompts)
    after = sum(p.tokens for p in prompts)
    return {
        "tokens_before": before,
        "tokens": after,
        "ratio": after / before if before else 1.0,
        "fit": sum(p.fits for p in prompts),
        "shots": len(prompts),
    }
