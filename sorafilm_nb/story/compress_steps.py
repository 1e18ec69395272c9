"""Compression's steps: each one cut that ``compress.ladder()`` may make to a prompt's sections.

Every step takes a shot's sections (label -> line) and returns them with one kind of thing
cut, by whole clauses or list items, never mid-phrase; none of them counts tokens or decides
when to stop (compress.py walks them in order and stops once a prompt fits). The ordinary
cuts (secondary clauses, adjectives, props the actions do not use, the style's repeats,
palette and lighting detail) come first; ``LAST_RESORT`` holds the steps that cut into what
keeps a shot readable and its clips alike, in the order compress() may reach them. Kept apart
from the walk itself so each module stays one subject (issue 10: compress.py was 504 lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..lazyre import LazyPattern
from .captions import DANGLING
from .causes import names_a_prop
from .prompts import SECTION_ORDER, _cap, _sentence

Sections = dict[str, str]


@lru_cache(maxsize=4096)
def _first_clause(text: str, keep: Sequence[str] = ()) -> str:
    """Each sentence cut to its first clause, at a comma, colon or semicolon that ends one:
    "a carton that will not pour, however hard it is shaken." -> "a carton that will not
    pour.". A sentence whose first clause would end on an article, a preposition or a
    conjunction, or leave fewer than four words, is kept whole; so is one whose cut would
    take the only thing of ``keep`` (the shot's props) it names: "straps in as the rocket
    lifts off, the launch key showing every system go" lost the star's prop, the one thing
    that made it this film's ending. A first clause that names a prop itself is enough
    ("seals a message in a canister." of the canister gag)."""
    out = []
    for s in re.split(r"(?<=[.!?])\s+", text.strip()):
        m = re.search(r"[,:;]\s", s)
        head = s[: m.start()] if m else s
        words = head.split()
        if m and len(words) >= 4 and words[-1].lower() not in DANGLING:
            if names_a_prop(s[m.end() :], keep) and not names_a_prop(head, keep):
                out.append(s)
                continue
            out.append(_sentence(head.rstrip(".")))
        else:
            out.append(s)
    return " ".join(out)


def _secondary_clauses(s: Sections) -> Sections:
    """The scene sentence cut to its first clause (_first_clause), keeping a clause that
    names a prop the shot lists: that is what the shot shows, not a secondary detail."""
    if not s.get("subject"):
        return s
    props = s.get("props", "").removeprefix("Props:").strip().rstrip(".")
    listed = [x.strip() for x in props.split(",") if x.strip()]
    return {**s, "subject": _first_clause(s["subject"], tuple(listed))}


@lru_cache(maxsize=4096)
def _drop_words(text: str, words: frozenset[str]) -> str:
    def keep(m: re.Match[str]) -> str:
        return "" if m.group(0).lower() in words else m.group(0)

    # only a word before another word (an adjective's place): "the dark." keeps its noun
    out = re.sub(r"[A-Za-z]+(?:-[A-Za-z]+)*(?= [A-Za-z])", keep, text)
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


_CONTENT = re.compile(r"[a-z]{3,}")
_LIST_STOP = frozenset({"the", "and", "with", "for", "one", "row", "set", "pair", "full"})


def _used(prop: str, actions: str) -> bool:
    """A prop the actions name: one of its words ("glass" of "empty glass") is in them."""
    words = {w for w in _CONTENT.findall(prop.lower()) if w not in _LIST_STOP}
    said = set(_CONTENT.findall(actions.lower()))
    stems = {w.rstrip("s") for w in said}
    return any(w in said or w.rstrip("s") in stems for w in words)


def _props_kept(s: Sections, keep: int) -> Sections:
    """Props cut to those the actions use, plus the first ``keep`` others: a prop the
    actions use stays, or the prompt would show one thing and do another."""
    text = s.get("props", "")
    if not text:
        return s
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(",") if x.strip()]
    actions = s.get("actions", "") + " " + s.get("subject", "")
    kept, spare = [], keep
    for item in items:
        if _used(item, actions):
            kept.append(item)
        elif spare > 0:
            kept.append(item)
            spare -= 1
    out = dict(s)
    if kept:
        out["props"] = _sentence(f"{label}: " + ", ".join(kept))
    else:
        out.pop("props", None)
    return out


def _adjectives(drop: frozenset[str]) -> Callable[[Sections], Sections]:
    """Decorative words out of the scene, and out of the props the actions do not name."""

    def step(s: Sections) -> Sections:
        out = dict(s)
        if out.get("subject"):
            out["subject"] = _drop_words(out["subject"], drop)
        props = out.get("props", "")
        if props:
            label, body = _label_split(props)
            actions = out.get("actions", "") + " " + out.get("subject", "")
            items = [x.strip() for x in body.split(",") if x.strip()]
            items = [x if _used(x, actions) else _drop_words(x, drop) or x for x in items]
            out["props"] = _sentence(f"{label}: " + ", ".join(items))
        return out

    return step


def _style_repeats(s: Sections) -> Sections:
    style = s.get("style", "")
    if not style:
        return s
    return {**s, "style": _style_without_repeats(style, s.get("palette", ""))}


@lru_cache(maxsize=256)
def _style_without_repeats(style: str, palette_line: str) -> str:
    """Look items whose head noun repeats a palette colour or the style name say nothing new:
    "warm sepia" beside a sepia palette goes, "film grain" beside "silent-film comedy" stays
    (it adds the grain, and the animatic draws grain from that word too)."""
    label, body = _label_split(style)
    if not body:
        return style
    items = [x.strip() for x in body.split(",")]
    name, look = items[0], items[1:]
    _, palette = _label_split(palette_line)
    seen = {w for w in re.findall(r"[a-z]+", (palette + " " + name).lower()) if len(w) > 3}

    def head(item: str) -> str:
        words = re.findall(r"[a-z]+", item.lower())
        return words[-1] if words else ""

    kept = [x for x in look if head(x) not in seen]
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


# -- last-resort steps: only for a prompt still over its cap after every step above ---------

# LazyPattern: compiled at first use, as most plans never reach these last resorts (issue 14)
_BECAUSE = LazyPattern(r"^Because\b[^,]*,\s+")
# Camera-line items that describe the lens or focus, not what the camera sees or does.
_LENS = LazyPattern(r"\b(?:mm|lens|focus|depth of field|background)\b", re.I)
_MOOD = LazyPattern(r";\s*mood:[^.;]*")


def _props_line(s: Sections) -> Sections:
    """The props line goes: by now it lists only props the actions use, and the action
    lines name each of them, so nothing shown contradicts what is done."""
    return {k: v for k, v in s.items() if k != "props"}


def _without_cause(s: Sections) -> Sections:
    """The shot's cause goes ("Because the kettle did the trick, "), as its own section or
    at the head of the subject; what follows it opens the sentence, capitalised."""
    out = dict(s)
    if out.pop("cause", None):
        after = SECTION_ORDER[SECTION_ORDER.index("cause") + 1 :]
        nxt = next((n for n in after if out.get(n)), None)
        if nxt is not None:
            out[nxt] = _cap(out[nxt])
        return out
    m = _BECAUSE.match(out.get("subject", ""))
    if m and out["subject"][m.end() :].strip():
        out["subject"] = _cap(out["subject"][m.end() :])
    return out


def _camera_core(text: str) -> str:
    """'Cinematography: medium shot, slow push-in, 35 mm lens, shallow depth of field.' ->
    'Cinematography: medium shot, slow push-in.': the shot size and the move stay."""
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(",")]
    kept = [x for x in items if not _LENS.search(x)] or items[:1]
    return _sentence(f"{label}: " + ", ".join(kept)) if body else text


def _sound_core(text: str) -> str:
    """'Sound: ragtime piano; the piano races; no dialogue.' -> 'Sound: ragtime piano; no
    dialogue.': the theme's sound (the same in every shot) and whether anyone speaks stay."""
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(";") if x.strip()]
    if len(items) < 3:
        return text
    return _sentence(f"{label}: {items[0]}; {items[-1]}")


def _hero_first_clause(text: str) -> str:
    """The protagonist's description to its first clause: 'a programmer in braces, a
    striped shirt and a bowler hat,' -> 'a programmer in braces' (its closing comma only
    set the clauses off; a description of its own, a sentence, keeps its full stop)."""
    body = text.rstrip()
    end = body[-1:] if body[-1:] in ",." else ""
    body = body[: len(body) - len(end)] if end else body
    m = re.search(r",\s", body)
    if not m:
        return text
    head = body[: m.start()]
    words = head.split()
    if len(words) < 3 or words[-1].lower() in DANGLING:
        return text
    return head + ("." if end == "." else "")


@dataclass(frozen=True)
class Step:
    """One compression step: a name for the report, whether it edits the film's shared block."""

    name: str
    shared: bool
    apply: Callable[[Sections], Sections]


#: The steps that cut into what keeps a shot readable and its clips alike, least harmful
#: first; compress() reaches them only when every step before left the prompt over its cap:
#: the props line (the actions name each prop it still lists), the camera's mood (the
#: actions play it), the shot's cause (a model cannot film "because"), the lens and focus
#: (the shot size and move stay), the beat's own sound (the theme's sound and whether
#: anyone speaks stay), the lighting (for the whole film), the protagonist's detail after
#: its first clause (for the whole film, so every clip still shows the same person).
LAST_RESORT: tuple[Step, ...] = (
    Step("props line", False, _props_line),
    Step("camera mood", False, _on(["camera"], lambda t: _MOOD.sub("", t))),
    Step("cause", False, _without_cause),
    Step("lens and focus", False, _on(["camera"], _camera_core)),
    Step("beat sound", False, _on(["sound"], _sound_core)),
    Step("lighting", True, _drop("lighting")),
    Step("protagonist detail", True, _on(["hero"], _hero_first_clause)),
)
