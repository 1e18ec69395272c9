"""Why each shot happens: the clause that opens its scene sentence, as a picture of what an
earlier shot showed ("Fresh from the message canister, an astronaut-programmer ..."), the ending's
extras are plot_ending.py's.

The plot (plot.py) decides who plays which part; this finds, shot by shot, what in the code
links a shot's concept to an earlier shot's: what one returns and the next takes, a method
of the object just made, a class built on another, a docstring that names the other
concept, the README example's order; for an error, its own "Raised when ..." or the earlier
concept whose words it shares; the rescue follows from the trouble and the ending from the
rescue. The link is said by the earlier shot's main prop (main_prop), never the code's
names: "Handed the ZodString that string() returns" went to a video model that cannot draw
"ZodString" (the captions, drawn by sorafilm, name the code). A shot with no such link gets
no clause: "Because the kettle did the trick" (the clause every shot used to open with)
links nothing, and the same words in every shot read as a formula. The wording is
data/prompts/story.toml, read by wording.story_wording; each link has variants taken in
turn, so one film does not open every shot alike. Kept apart from prompts.py, which renders
a shot from these pieces.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence, Set
from typing import TYPE_CHECKING

from .plot import raises, the_rescue

if TYPE_CHECKING:
    from ..analysis.concepts import Concept
    from .boards import Shot, Storyboard
    from .casting import CastEntry
    from .wording import StoryWording

__all__ = [
    "cause",
    "causes",
    "link",
    "main_prop",
    "names_a_prop",
    "prop_heads",
    "raises",
    "wording_for",
]

# where a prop's main part ends: "pantry door | with chains", "station | through the porthole"
_PROP_CUT = re.compile(
    r"[,:;(]| (?:with|in|on|for|from|through|outside|under|behind|above|across|between) "
)
_PROP_WORD = re.compile(r"[a-z]{3,}")


def main_prop(shot: Shot | None) -> str:
    """A shot's main prop, as the causes and the ending name it: "pantry door" of "pantry
    door with chains and bolts"; "" for an uncast shot or a typed gag (no props of its own)."""
    cast = shot.cast if shot is not None else None
    if cast is None or cast.custom_gag or not cast.metaphor.props:
        return ""
    prop = _PROP_CUT.split(cast.metaphor.props[0].strip().lower(), maxsplit=1)[0]
    return re.sub(r"^(a|an|the)\s+", "", prop.strip())


def prop_heads(prop: str) -> set[str]:
    """The nouns a prop is called by, singular: the head of its main part (main_prop's cut),
    the last word of each "of" part ("heap" and "coin" of "heap of gold coins"), the last
    of a hyphened word ("plan" of "tracing-paper plan", "crank" of "hand-crank")."""
    main = _PROP_CUT.split(prop.lower(), maxsplit=1)[0]
    return {
        re.split(r"[^a-z]", part.split()[-1])[-1].rstrip("s")
        for part in main.split(" of ")
        if part.split()
    }


def names_a_prop(text: str, props: Sequence[str]) -> bool:
    """Whether the text names one of the props by a head noun (prop_heads), singular or
    plural; an adjective is no name ("little" of "little bowls"). The one rule for a payoff
    that would show the star's prop twice (plot_ending) and for a clause that holds the
    shot's prop (compress_steps)."""
    said = {w.rstrip("s") for w in _PROP_WORD.findall(text.lower())}
    return any(prop_heads(prop) & said for prop in props)


_WORDINGS: dict[int, tuple[object, StoryWording]] = {}  # id(library) -> (library, wording)


def wording_for(board: Storyboard) -> StoryWording:
    """The board's theme's story wording; a user theme reads the packaged theme most of its
    metaphors come from ("kitchen.milk-wont-pour": kitchen). Kept per library: every shot
    of every plan asks (the plan's time budget is 50 ms)."""
    from .wording import story_wording

    library = board.casting.library
    kept = _WORDINGS.get(id(library))
    if kept is not None and kept[0] is library:
        return kept[1]
    prefixes = Counter(m.id.split(".", 1)[0] for m in library.metaphors if "." in m.id)
    words = story_wording(library.theme, tuple(p for p, _ in prefixes.most_common()))
    if len(_WORDINGS) >= 64:
        _WORDINGS.clear()
    _WORDINGS[id(library)] = (library, words)
    return words


def _fill(line: str, **values: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), line)


# -- what in the code links two concepts ----------------------------------------------------

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_ROLE = re.compile(r":[\w:]+:`~?(?:[\w.]*\.)?([\w]+)(?: <[^>]*>)?`")  # :class:`~flask.Response`
_TICKS = re.compile(r"`+([^`]+)`+")
_MARKED = re.compile(r"`+([^`]+)`+")  # what a role or backticks mark as code, whole
# a name in prose counts when it is code-like (CamelCase, dotted, snake_case) or marked up
_CODE_LIKE = re.compile(r"[A-Z]|[._]")
# Words an error's name shares with every error: no link to any concept.
_ERROR_WORDS = frozenset({"error", "errors", "exception", "bad", "invalid", "base", "warning"})
# How far back a link reaches: what the code says (returns, a method of, built on) across
# the film, the viewer remembers the object; a docstring's mention three shots, or back to
# the film's first concept (the one everything starts from); a weak link (the same base or
# owner, the README's next step) only from the shot just before.
_LOOK_BACK = 3
_DOCS = ("uses", "feeds")
_WEAK = ("same_owner", "kin", "readme")
_WEAK_MOST = 2  # times one weak link is said in a film
# Strongest first: a link in the code beats one in the docs, which beats the README's order.
_ORDER = (
    "returns",
    "makes",
    "method",
    "extends",
    "base_of",
    "raises",
    "uses",
    "feeds",
    "same_owner",
    "kin",
    "readme",
)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].removesuffix("()")


def _owner(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else ""


def _plain(text: str) -> str:
    """A docstring line without reST roles or backticks: ":class:`~flask.Response`" ->
    "Response"."""
    return _TICKS.sub(r"\1", _ROLE.sub(r"\1", text))


def _named_in(concept: Concept, name: str) -> bool:
    """Whether the concept's docstring line names ``name`` as code: marked up (``:class:``,
    backticks), or a code-like word (CamelCase, dotted, snake_case) standing alone. A plain
    English word ("request", "command") is no evidence: it is every docstring's word."""
    short = _short(name)
    if not short or short == _short(concept.name):
        return False
    summary = concept.summary
    marked = {part for code in _MARKED.findall(summary) for part in re.findall(r"\w+", code)}
    if short in marked:  # ":meth:`current_app.url_for() <flask.Flask.url_for>`" names Flask
        return True
    if not _CODE_LIKE.search(short):
        return False
    return re.search(rf"(?<![\w.]){re.escape(short)}(?![\w])", _plain(summary)) is not None


# "Returns a Session", "Creates a new Command": the class a docstring says it hands back
_RETURNS = re.compile(
    r"\b(?:[Rr]eturns?|[Cc]reates?|[Bb]uilds?|[Mm]akes?)\s+(?:an?\s+|the\s+|one\s+)?"
    r"(?:new\s+)?([A-Z]\w+)"
)


def _returns(concept: Concept) -> set[str]:
    """The class names a concept's code or docstring says it returns ("string" -> ZodString;
    "Returns a :class:`Session`" -> Session)."""
    out = {concept.makes} if concept.makes else set()
    out |= set(_RETURNS.findall(_plain(concept.summary)))
    return {_short(x) for x in out if x}


def _bases(concept: Concept) -> set[str]:
    return {_short(b) for b in concept.bases if _short(b) not in ("object", "Object")}


def link(before: CastEntry, this: CastEntry) -> tuple[str, dict[str, str]] | None:
    """What in the code makes ``this`` concept's shot follow ``before``'s: the strongest link
    of story.toml's [links] (see _ORDER) and what its wording names, or None."""
    a, b = before.concept, this.concept
    a_names = {_short(c.name) for c in before.concepts}
    b_names = {_short(c.name) for c in this.concepts}
    found: dict[str, dict[str, str]] = {}
    maker = next(
        (
            c
            for c in before.concepts
            if b_names & _returns(c) or (b.made_by and _short(b.made_by) == _short(c.name))
        ),
        None,
    )
    if maker is not None:  # the one of a family that returns it: object() for ZodObject
        found["returns"] = {"a": _called(maker)}
    method = bool(_owner(b.name)) and _short(_owner(b.name)) in a_names and not _owner(a.name)
    if method:  # a method that returns its own object (koa's use(), for chaining) makes nothing
        found["method"] = {"a": a.name}
    elif a_names & _returns(b) or (a.made_by and _short(a.made_by) in b_names):
        found["makes"] = {"a": a.name}
    if _owner(a.name) and _owner(a.name) == _owner(b.name):
        found["same_owner"] = {"owner": _owner(a.name)}
    if a_names & _bases(b):
        found["extends"] = {"a": a.name}
    if b_names & _bases(a):
        found["base_of"] = {"a": a.name}
    if any(_named_in(b, n) for n in a_names):
        found["uses"] = {"a": a.name}
    if any(_named_in(a, n) for n in b_names):
        found["feeds"] = {"a": a.name}
    shared = _bases(a) & _bases(b)
    if shared and a.kind == b.kind:
        found["kin"] = {"a": a.name, "base": sorted(shared)[0]}
    if 0 <= a.readme_order < b.readme_order:
        found["readme"] = {"a": a.name}
    for kind in _ORDER:
        if kind in found:
            return kind, found[kind]
    return None


def _called(concept: Concept) -> str:
    """A function as a reader of code writes it: "string()"; a class as it is: "Session"."""
    name = concept.name
    return f"{name}()" if concept.kind == "function" and not name.endswith(")") else name


def _words(name: str) -> set[str]:
    parts = re.split(r"[\W_]+", _CAMEL.sub(r"\1 \2", name).lower())
    return {p for p in parts if len(p) > 2 and p not in _ERROR_WORDS}


_RAISED = re.compile(
    r"^(?:(?:an? |this |the )?(?:exception|error) )?(?:is )?(?:raised|thrown)\s+(?:when|if)\s+(.+)",
    re.I,
)


def _raised_when(concept: Concept) -> str:
    """An error docstring's own cause: "Raised when a pot cracks in the kiln." -> "a pot
    cracks in the kiln"; "" when it says none, or more than a clause can carry."""
    m = _RAISED.match(_plain(concept.summary).strip())
    if not m:
        return ""
    # the event itself: "a pot cracks in the kiln" of "... because it was fired too fast"
    clause = re.split(r"[.;:(,]| because | so that | while ", m.group(1), maxsplit=1)[0].strip()
    return clause if 0 < len(clause.split()) <= 10 else ""


def _error_link(
    shots: Sequence[Shot], i: int, named: Set[str] = frozenset()
) -> tuple[str, dict[str, str]] | None:
    """Why an error happens: the nearest earlier concept whose code raises it ("Ledger
    raises LedgerError", with its own "Raised when ..." if it says one), else that "Raised
    when ...", else the error before it when one builds on the other or they share a word,
    else the nearest earlier concept its name shares a word with; never by a prop a cause
    of the film named already (``named``, see _why), but for the raiser's. The raiser
    first: LedgerError was told as following Studio (whose docstring says "ledger") though
    Ledger, which raises it, was shown five shots before; Studio's cause had named Ledger's
    housekeeping book, and a link by words is no reason to leave the true one unsaid."""
    this = shots[i].cast
    assert this is not None
    err = this.concept
    when = _raised_when(err)
    for j in range(i - 1, -1, -1):
        earlier = shots[j].cast
        if earlier is None or earlier.concept.kind == "exception" or not raises(earlier, err):
            continue
        thing = main_prop(shots[j])
        if thing:  # said even when a cause named its prop: the one true link (see above)
            values = {"a": earlier.concept.name, "a_thing": thing}
            return ("raised_by_when", {**values, "when": when}) if when else ("raised_by", values)
    if when:
        return "raised_when", {"when": when}
    mine = _words(err.name)
    prev = shots[i - 1].cast if i > 0 else None
    if prev is not None and prev.concept.kind == "exception":
        related = _short(prev.concept.name) in _bases(err) or _short(err.name) in _bases(
            prev.concept
        )
        if (related or mine & _words(prev.concept.name)) and main_prop(shots[i - 1]) not in named:
            return "worse", {"a": prev.concept.name, "a_thing": main_prop(shots[i - 1])}
    for j in range(i - 1, -1, -1):
        earlier = shots[j].cast
        if earlier is None or earlier.concept.kind == "exception" or main_prop(shots[j]) in named:
            continue
        theirs = set().union(*(_words(c.name) for c in earlier.concepts))
        theirs |= set(re.findall(r"[a-z]{4,}", _plain(earlier.concept.summary).lower()))
        if mine & theirs:
            return "fails", {"a": earlier.concept.name, "a_thing": main_prop(shots[j])}
    return None


def _variant(lines: tuple[str, ...], k: int, seed: int) -> str:
    return lines[(k + seed) % len(lines)]


def _opening(text: str) -> tuple[str, ...]:
    """A cause's first two words, lower case: what reads as a formula when two causes of a
    film share it, whatever props they name."""
    return tuple(re.findall(r"[a-z']+", text.lower())[:2])


def causes(board: Storyboard) -> tuple[str, ...]:
    """Every shot's cause, in shot order ("" for a shot with no link). Worked out for the
    whole film at once: the variants of a link are taken in turn across the film, passing
    over one whose first two words a cause of the film said already."""
    kept = _CAUSES.get(id(board))
    if kept is not None and kept[0] is board:
        return kept[1]
    words = wording_for(board)
    shots = board.shots
    role_of = {b.name: b.role for b in board.template.beats}
    roles = [role_of.get(s.beat, "") for s in shots]
    seed = zlib.crc32(board.casting.profile.name.encode("utf-8"))
    used: Counter[str] = Counter()
    opened: set[tuple[str, ...]] = set()
    trouble: list[Shot] = []
    out: list[str] = []
    named: set[str] = set()  # the earlier props a cause of the film named already
    rescue = _rescue(shots, roles)
    for i, shot in enumerate(shots):
        found = _why(shots, i, roles, trouble, used, rescue, named)
        entry = shot.cast
        if entry is not None and roles[i] == "trouble" and entry.concept.kind == "exception":
            trouble.append(shot)
        if found is None or entry is None:
            out.append("")
            continue
        kind, values = found
        b = entry.concept.name
        a = values.get("a", "")
        known = {k: v for k, v in values.items() if v}  # "" (no prop) stays a placeholder
        lines = words.links[kind]
        texts = [
            _fill(_variant(lines, used[kind] + k, seed), b=b, b_an=_an(b), a_an=_an(a), **known)
            for k in range(len(lines))
        ]
        # the next variant in turn, unless the film opened a cause so already ("Leaving the
        # egg beater for a moment", then "Leaving the grocery parcel for a moment")
        text = next((t for t in texts if _opening(t) not in opened), texts[0])
        used[kind] += 1
        if _UNFILLED.search(text):  # a shot with no prop of its own (a typed gag): no picture
            out.append("")
            continue
        opened.add(_opening(text))
        if values.get("a_thing"):
            named.add(values["a_thing"])
        out.append(text[:1].upper() + text[1:] + ",")
    result = tuple(out)
    if len(_CAUSES) >= 64:
        _CAUSES.clear()
    _CAUSES[id(board)] = (board, result)
    return result


_CAUSES: dict[int, tuple[object, tuple[str, ...]]] = {}
_UNFILLED = re.compile(r"\{\w+\}")


def _an(word: str) -> str:
    """The article a concept's name takes where it is spoken ("an Application", "a
    URLSafeSerializer": a U before a capital or a vowel is said "you")."""
    if not word:
        return ""
    if word[:1] in "uU" and word[1:2] and (word[1:2].isupper() or word[1:2] in "aeiou"):
        return "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def _rescue(shots: Sequence[Shot], roles: Sequence[str]) -> Shot | None:
    """The shot of the film's rescue: plot.the_rescue of the first centrepiece that has one
    (the decision that named the beat "the rescue" or "the big number"), or None."""
    beats: dict[str, list[Shot]] = {}
    for s in shots:
        if roles[s.index] == "overcome" and s.cast is not None:
            beats.setdefault(s.beat, []).append(s)
    for group in beats.values():
        hero = the_rescue([s.cast for s in group if s.cast is not None])
        if hero is not None:
            return next(s for s in group if s.cast is hero)
    return None


def _why(
    shots: Sequence[Shot],
    i: int,
    roles: Sequence[str],
    trouble: Sequence[Shot],
    used: Counter[str],
    rescue: Shot | None,
    named: Set[str] = frozenset(),
) -> tuple[str, dict[str, str]] | None:
    """The link of shot i by its part in the story (see the module docstring); ``used``:
    how often each link was said so far; ``rescue``: the rescue's shot (_rescue); ``named``:
    the earlier props a cause named already. A link to one of those is passed over for the
    next best, else the shot has no cause: zod's heist film went back to the first shot's
    velvet-lined case three times ("Fresh from", "Having put ... to good use", "Still
    pleased with"), flask's space film to the master switch three times, each true of the
    code (string() returns ZodString, number() ZodNumber) and together a formula that makes
    every shot look like the first one's sequel."""
    entry = shots[i].cast
    if entry is None or i == 0:
        return None
    role = roles[i]
    if role == "trouble" and entry.concept.kind == "exception":
        return _error_link(shots, i, named)
    if shots[i] is rescue and trouble:
        return "rescue", _trouble(trouble)
    if role == "payoff" and i == len(shots) - 1:
        # a centrepiece that puts nothing right (no error handler, retry or fallback in the
        # cast) is the big number, not a rescue: the ending does not say it saw the error off
        if rescue is not None and rescue.index < i and rescue.cast is not entry:
            hero = rescue.cast.concept.name if rescue.cast else ""
            saved = {"rescue": hero, "rescue_thing": main_prop(rescue)}
            if trouble and trouble[-1].cast is not None:
                return "payoff", {**_trouble(trouble), **saved}
            return "payoff_alone", saved
        if shots[i].reprise:
            # the reprise is a consequence of the story (finale), not of a code link to a
            # shot of the use beat ("To hand out another ZodNumber, ... guests applaud")
            if trouble and trouble[-1].cast is not None:
                return "payoff_past", _trouble(trouble)
            return None
    best: tuple[int, int, tuple[str, dict[str, str]]] | None = None
    for j in range(i - 1, -1, -1):
        before = shots[j].cast
        if before is None or before is entry:
            continue
        if main_prop(shots[j]) in named:
            continue  # a cause named its prop already (see above)
        if before.concept.kind == "exception":
            # an error shown before the concept whose code raises it (the teaser's trouble
            # comes first: LedgerError, then Ledger with nothing said between them)
            if not raises(entry, before.concept):
                continue
            found: tuple[str, dict[str, str]] | None = ("raises", {"a": before.concept.name})
        else:
            found = link(before, entry)
        if found is None:
            continue
        if found[0] == "readme" and any(
            s.cast is not None and s.cast.concept.readme_order >= 0 for s in shots[j + 1 : i]
        ):
            continue  # the README's order links only README neighbours
        if found[0] == "method" and any(
            s.cast is not None and _owner(s.cast.concept.name) == found[1]["a"]
            for s in shots[j + 1 : i]
        ):
            continue  # the object was to hand for the method shown since: said once
        if found[0] in _WEAK and used.get(found[0], 0) >= _WEAK_MOST:
            continue  # the third "On the same app" in a row reads as a formula
        if found[0] in _WEAK and j != i - 1:
            continue  # a weak link holds only between neighbours
        if found[0] in _DOCS and i - j > _LOOK_BACK and j > 0:
            continue  # a docstring's mention, a few shots back (or the film's first concept)
        found = (found[0], {**found[1], "a_thing": main_prop(shots[j])})
        key = (_ORDER.index(found[0]), i - j, found)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best is not None else None


def _trouble(trouble: Sequence[Shot]) -> dict[str, str]:
    """The film's last trouble shot as a link names it: its error and its main prop."""
    last = trouble[-1]
    return {"error": last.cast.concept.name if last.cast else "", "error_thing": main_prop(last)}


def cause(board: Storyboard, shot: Shot) -> str:
    """Why this shot happens, one clause ending in a comma ("With the ZodString that string()
    returns,"), or "" when nothing in the code links it to the story before it."""
    return causes(board)[shot.index]
