"""Visual metaphors for code concepts, loaded from TOML themes, and casting concepts to them.

CONTRACT (shared with story.py, prompts.py, lint.py, ui/): the dataclasses below.

A theme is a TOML file (packaged ones live in sorafilm_nb/data/metaphors/; the format is
documented at the top of kitchen.toml). Casting a profile takes its most central concepts, a
mix of kinds, scores every metaphor of the theme against each, and gives each concept the best
metaphor not already taken. Scores are plain sums so a person can follow them:

    NAME        the concept's name is one of the metaphor's `names` (ImportError)      100
    BASE        one of the concept's base classes is (class MyErr(KeyError))            40
    NAME_WORD   each word of the concept's name in the metaphor's `words` (max 3)       15
    DOC_WORD    each of the concept's other keywords in `words` (max 3)                  5
    KIND        added to any match above when the concept's kind is in `kinds`           4
                (on a metaphor written for other kinds, name words count half and other
                keywords not at all)
    fallbacks   metaphors with no names and no words: 2 for their kinds, 1 when they
                list no kinds (beat fallbacks); any other metaphor of the concept's kind
                stays a choice in the picker at 0.5

So every concept always gets a metaphor, an exact name always wins, and the same profile and
theme always give the same casting (ties go to the metaphor listed first in the theme).
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..analysis.profile import CONCEPT_KINDS, Concept, RepoProfile
from ..datafiles import field, load_toml, packaged, str_list
from ..errors import DataFileError, SorafilmError

# The story beats a metaphor can suit best. story.py matches these words against its
# templates' beat names and keys ("error cascade" -> "the attempt and error cascade").
BEATS = ("title", "tools", "error cascade", "centerpiece", "victory")
SECONDS = (4, 8, 12)  # the API's clip lengths (story.LEGAL_SECONDS; story imports us)

NAME, BASE, NAME_WORD, DOC_WORD, KIND = 100.0, 40.0, 15.0, 5.0, 4.0
MAX_WORD_HITS = 3
KIND_FALLBACK, BEAT_FALLBACK, SAME_KIND = 2.0, 1.0, 0.5
MAX_ALTERNATIVES = 20

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_THEME_KEYS = {"id", "title", "extends"}
_STYLE_KEYS = {"name", "look", "palette", "setting", "protagonist", "lighting", "sound"}
_METAPHOR_KEYS = {"id", "matches", "gag", "props", "beat", "seconds", "tone", "actions"}
_MATCH_KEYS = {"kinds", "names", "words"}
_MAX_TEXT = 300
# What prompts.py fills in inside action lines: the protagonist's short name ("the
# programmer"), capitalised, the gag's core and the first prop.
PLACEHOLDERS = ("hero", "Hero", "gag", "prop")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


@dataclass(frozen=True)
class MatchRule:
    """What a metaphor can stand for: concept kinds, exact names, and words in names/docs."""

    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metaphor:
    """One visual gag a video model can render: a visible physical action, not an abstraction."""

    id: str  # "kitchen.milk-wont-pour"
    matches: MatchRule
    gag: str  # "a milk carton that will not pour, however hard it is shaken"
    props: tuple[str, ...]
    beat: str  # the story beat it suits best ("error cascade", "tools", "victory", ...)
    seconds: int  # timing hint: 4, 8 or 12
    tone: str  # "slapstick", "tense", "triumphant", ...
    actions: tuple[str, ...] = ()  # optional timed action lines written for the video model

    @property
    def is_fallback(self) -> bool:
        """A generic metaphor (no names, no words): there so every concept gets one."""
        return not self.matches.names and not self.matches.words

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "gag": self.gag,
            "props": list(self.props),
            "beat": self.beat,
            "seconds": self.seconds,
            "tone": self.tone,
            "actions": list(self.actions),
            "matches": {
                "kinds": list(self.matches.kinds),
                "names": list(self.matches.names),
                "words": list(self.matches.words),
            },
        }


@dataclass(frozen=True)
class Style:
    """The look shared by every shot of a film in one theme (the prompt's style block)."""

    name: str  # "1920s silent-film comedy"
    look: str  # "18 fps hand-cranked look, warm sepia, soft vignette, film grain"
    palette: tuple[str, ...]  # 3-5 colours
    setting: str  # "a cramped 1920s kitchen at breakfast"
    protagonist: str  # "a programmer in braces and a bowler hat"
    lighting: str
    sound: str  # "intertitles only" / "ambient hum, no dialogue"


class UnknownMetaphor(SorafilmError, LookupError):
    """A metaphor id or concept name that the library or casting does not hold."""


@dataclass(frozen=True)
class MetaphorLibrary:
    """A theme's style plus its metaphors. Load with MetaphorLibrary.load(theme or path)."""

    theme: str
    title: str
    style: Style
    metaphors: tuple[Metaphor, ...]
    source: str = ""  # file(s) it came from

    @staticmethod
    def themes() -> tuple[str, ...]:
        """The ids of the packaged themes ("heist", "kitchen", "space")."""
        return tuple(packaged("metaphors"))

    @classmethod
    def load(
        cls, theme_or_path: str | Path = "kitchen", *, extra: Sequence[str | Path] = ()
    ) -> MetaphorLibrary:
        """A packaged theme by id, or a theme TOML file by path, plus extra mapping files.

        A theme file may say `extends = "kitchen"` in its [theme] table: it then inherits that
        theme's style (its own [style] keys override) and metaphors (its own are added; one
        with an existing id replaces it). Each extra file holds [[metaphor]] entries only,
        merged the same way. Errors are DataFileError naming file, entry and field.
        """
        library = _load_theme(str(theme_or_path), chain=())
        for path in extra:
            library = library.merged(_read_metaphors(Path(path)), str(path))
        return library

    def get(self, metaphor_id: str) -> Metaphor:
        """The metaphor with this id (UnknownMetaphor, naming close ids, if there is none)."""
        for m in self.metaphors:
            if m.id == metaphor_id:
                return m
        import difflib

        close = difflib.get_close_matches(str(metaphor_id), self.ids(), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownMetaphor(
            f"no metaphor {metaphor_id!r} in theme {self.theme!r} "
            f"({len(self.metaphors)} metaphors){hint}"
        )

    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.metaphors)

    def __repr__(self) -> str:  # a notebook shows this line, not every metaphor's fields
        return (
            f"MetaphorLibrary(theme={self.theme!r}, {len(self.metaphors)} metaphors, "
            f"style={_clip(self.style.name, 60)!r})"
        )

    def __contains__(self, metaphor_id: object) -> bool:
        return any(m.id == metaphor_id for m in self.metaphors)

    def __len__(self) -> int:
        return len(self.metaphors)

    def for_beat(self, beat: str) -> tuple[Metaphor, ...]:
        """Metaphors suited to a beat, generic ones (fallbacks) first: for uncast shots."""
        chosen = [m for m in self.metaphors if m.beat == beat]
        return tuple(sorted(chosen, key=lambda m: not m.is_fallback))

    def fallbacks(self, kind: str | None = None) -> tuple[Metaphor, ...]:
        """The generic metaphors, for one concept kind (those listing it or no kind at all)."""
        return tuple(
            m
            for m in self.metaphors
            if m.is_fallback and (kind is None or not m.matches.kinds or kind in m.matches.kinds)
        )

    def with_metaphors(self, *metaphors: Metaphor) -> MetaphorLibrary:
        """A new library with these metaphors added (one with an existing id replaces it).

        The way to add mappings in code; each is checked like a file entry would be.
        """
        for i, m in enumerate(metaphors):
            _check_metaphor(m, file="<code>", entry=m.id if isinstance(m, Metaphor) else str(i))
        return self.merged(tuple(metaphors), "<code>")

    def merged(self, metaphors: Sequence[Metaphor], source: str) -> MetaphorLibrary:
        """Replace same-id metaphors in place, append the rest (ids must be unique in metaphors)."""
        seen: set[str] = set()
        for m in metaphors:
            if m.id in seen:
                raise DataFileError(source, "duplicate metaphor id", entry=m.id, field="id")
            seen.add(m.id)
        incoming = {m.id: m for m in metaphors}
        kept = tuple(incoming.pop(m.id, m) for m in self.metaphors)
        added = tuple(m for m in metaphors if m.id in incoming)
        sources = ", ".join(s for s in (self.source, source) if s)
        return replace(self, metaphors=kept + added, source=sources)

    def candidates(self, concept: Concept) -> tuple[tuple[Metaphor, float], ...]:
        """Every metaphor that could play this concept, with its score, best first."""
        scored = [(i, m, score(concept, m)) for i, m in enumerate(self.metaphors)]
        ranked = sorted((t for t in scored if t[2] > 0), key=lambda t: (-t[2], t[0]))
        return tuple((m, s) for _, m, s in ranked)


# --------------------------------------------------------------------------- scoring

_IGNORED_TOKENS = frozenset(
    {
        "error",
        "errors",
        "exception",
        "exceptions",
        "base",
        "abstract",
        "mixin",
        "impl",
        "get",
        "set",
        "the",
        "a",
        "an",
        "of",
        "to",
        "is",
        "and",
        "or",
        "for",
        "in",
        "on",
        "by",
        "with",
        "from",
        "init",
        "main",
        "util",
        "utils",
        "helper",
        "helpers",
        "py",
    }
)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "s", "e")


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude stem so "parser", "parsing" and "parses" meet: one suffix off, then a final e."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


@functools.lru_cache(maxsize=8192)
def name_words(name: str) -> tuple[str, ...]:
    """Lower-case words of an identifier: "HTTPStatusError" -> ("http", "status", "error")."""
    return tuple(t.lower() for t in _CAMEL.findall(name))


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower()


def score(concept: Concept, metaphor: Metaphor) -> float:
    """How well a metaphor plays a concept (see the module docstring); 0 means not at all."""
    rule = metaphor.matches
    kind_ok = not rule.kinds or concept.kind in rule.kinds
    total = 0.0
    if rule.names:
        names = {_short(n) for n in rule.names}
        if concept.name.lower() in names or _short(concept.name) in names:
            total = NAME
        elif any(_short(b) in names for b in concept.bases):
            total = BASE
    if rule.words:
        wanted = {stem(w) for w in rule.words}
        own = {stem(t) for t in name_words(concept.name) if t not in _IGNORED_TOKENS}
        docs = {stem(w) for w in concept.words if w.lower() not in _IGNORED_TOKENS} - own
        name_hits = NAME_WORD * min(len(own & wanted), MAX_WORD_HITS)
        doc_hits = DOC_WORD * min(len(docs & wanted), MAX_WORD_HITS)
        if not kind_ok and total < NAME:  # a gag written for another kind: a weak claim
            name_hits, doc_hits = name_hits / 2, 0.0
        total += name_hits + doc_hits
    if total > 0:
        return total + (KIND if rule.kinds and kind_ok else 0.0)
    if metaphor.is_fallback:
        if not rule.kinds:
            return BEAT_FALLBACK
        return KIND_FALLBACK if kind_ok else 0.0
    return SAME_KIND if rule.kinds and kind_ok else 0.0


# --------------------------------------------------------------------------- casting


@dataclass(frozen=True)
class CastEntry:
    """One concept cast as one metaphor, with the ranked alternatives the UI offers."""

    concept: Concept
    metaphor: Metaphor
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()  # (metaphor id, score), best first
    custom_gag: str | None = None  # free text typed by the user overrides metaphor.gag

    @property
    def gag(self) -> str:
        return self.custom_gag or self.metaphor.gag

    def __repr__(self) -> str:  # not the concept's and the metaphor's every field
        custom = f", custom gag {_clip(self.custom_gag, 60)!r}" if self.custom_gag else ""
        return (
            f"CastEntry({self.concept.name} ({self.concept.kind}) -> {self.metaphor.id}, "
            f"score {self.score:g}{custom})"
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.concept
        return {
            "concept": {
                "name": c.name,
                "kind": c.kind,
                "file": c.file,
                "line": c.line,
                "score": c.score,
                "summary": c.summary,
            },
            "metaphor": self.metaphor.id,
            "score": self.score,
            "gag": self.gag,
            "custom_gag": self.custom_gag,
            "props": list(self.metaphor.props),
            "beat": self.metaphor.beat,
            "seconds": self.metaphor.seconds,
            "tone": self.metaphor.tone,
            "actions": list(self.metaphor.actions),
            "alternatives": [{"id": i, "score": s} for i, s in self.alternatives],
        }


@dataclass(frozen=True)
class Casting:
    """The concepts chosen for a film and the metaphor each is played as."""

    profile: RepoProfile
    library: MetaphorLibrary
    entries: tuple[CastEntry, ...]

    def __repr__(self) -> str:  # the profile alone would print the whole repository
        shown = ", ".join(f"{e.concept.name}->{e.metaphor.id}" for e in self.entries[:3])
        more = f", +{len(self.entries) - 3} more" if len(self.entries) > 3 else ""
        return _clip(
            f"Casting(repo={self.profile.name!r}, theme={self.library.theme!r}, "
            f"{len(self.entries)} entries: {shown}{more})",
            280,
        )

    def _repr_markdown_(self) -> str:
        """A notebook shows the casting as a table: concept, kind, metaphor, gag."""
        lines = [
            f"**Casting** of `{self.profile.name}` in theme `{self.library.theme}` "
            f"({len(self.entries)} concepts)",
            "",
            "| # | concept | kind | metaphor | gag |",
            "|---:|---|---|---|---|",
        ]
        for i, e in enumerate(self.entries):
            gag = e.gag + (" *(typed)*" if e.custom_gag else "")
            lines.append(
                f"| {i + 1} | `{_md(e.concept.name)}` | {e.concept.kind} | `{_md(e.metaphor.id)}` "
                f"| {_md(gag)} |"
            )
        return "\n".join(lines) + "\n"

    def entry(self, concept: str | int) -> CastEntry:
        """The entry for a concept name (case-sensitive first, then not) or an index."""
        return self.entries[self._index(concept)]

    def _index(self, concept: str | int) -> int:
        if isinstance(concept, int):
            n = len(self.entries)
            if not -n <= concept < n:
                raise IndexError(
                    f"no concept #{concept} in this casting: it has {n} "
                    + (f"(indexes 0-{n - 1})" if n else "(none)")
                )
            return concept % n
        for exact in (True, False):
            for i, e in enumerate(self.entries):
                if e.concept.name == concept or (
                    not exact and e.concept.name.lower() == concept.lower()
                ):
                    return i
        names = ", ".join(e.concept.name for e in self.entries)
        raise UnknownMetaphor(f"no concept {concept!r} in this casting (cast: {names})")

    def recast(
        self, concept: str | int, metaphor_id: str | None = None, *, custom_gag: str | None = None
    ) -> Casting:
        """A new casting with one concept played differently: the notebook picker's action.

        metaphor_id picks another metaphor of the library (and drops any custom gag, as
        choosing from the dropdown replaces typed text); custom_gag keeps the metaphor's beat
        and timing but replaces its gag with the user's words (the prompt then leaves out the
        metaphor's props and actions, which belong to its own gag). Give either or both;
        custom_gag="" clears a custom gag.
        """
        if metaphor_id is None and custom_gag is None:
            raise ValueError("recast needs a metaphor_id, a custom_gag, or both")
        i = self._index(concept)
        old = self.entries[i]
        new = old
        if metaphor_id is not None:
            m = self.library.get(metaphor_id)
            new = replace(new, metaphor=m, score=score(old.concept, m), custom_gag=None)
        if custom_gag is not None:
            text = " ".join(custom_gag.split())
            if len(text) > _MAX_TEXT:
                raise ValueError(
                    f"custom gag is {len(text)} characters; keep it under "
                    f"{_MAX_TEXT} (one visible action reads best)"
                )
            new = replace(new, custom_gag=text or None)
        entries = (*self.entries[:i], new, *self.entries[i + 1 :])
        return replace(self, entries=entries)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the theme, its style and each entry."""
        style = self.library.style
        return {
            "theme": self.library.theme,
            "title": self.library.title,
            "style": {
                "name": style.name,
                "look": style.look,
                "palette": list(style.palette),
                "setting": style.setting,
                "protagonist": style.protagonist,
                "lighting": style.lighting,
                "sound": style.sound,
            },
            "entries": [e.to_dict() for e in self.entries],
        }


# How many of the cast concepts each kind gets first, as a share of `top`; what is left goes
# to the best-scoring concepts of any kind. Exceptions and classes make the best gags; a theme
# or two gives the film its subject.
_QUOTA = (("exception", 0.35), ("class", 0.35), ("theme", 0.125))


def pick_concepts(profile: RepoProfile, top: int = 8) -> tuple[Concept, ...]:
    """The concepts worth a shot: a mix of kinds, best first, one per name."""
    if top < 1:
        return ()
    unique: list[Concept] = []
    seen: set[str] = set()
    for c in profile.concepts:
        key = c.name.lower()
        if key not in seen:
            seen.add(key)
            unique.append(c)
    chosen: set[int] = set()
    for kind, share in _QUOTA:
        quota = max(1, math.ceil(top * share)) if kind != "theme" else (1 if top < 10 else 2)
        idx = [i for i, c in enumerate(unique) if c.kind == kind and i not in chosen]
        chosen.update(idx[: min(quota, top - len(chosen))])
    for i in range(len(unique)):
        if len(chosen) >= top:
            break
        chosen.add(i)
    return tuple(unique[i] for i in sorted(chosen))


def cast(
    profile: RepoProfile | str | Path, library: MetaphorLibrary | str = "kitchen", *, top: int = 8
) -> Casting:
    """Rank candidate metaphors for the top concepts and pick one each, deterministically.

    The picks are the assignment in which no metaphor plays two concepts and the sum of the
    squared scores is highest (ties: each concept's better-ranked candidates, then the
    theme's order). Squared, so a strong match is not split into two middling ones
    (ScreenRecorder keeps the camera gag rather than yielding it to the docstring theme
    "screen"), while a concept with a second good match still yields the first to one that
    has none (InvalidURL, a ValueError, leaves the HTTP gag to HTTPError). A metaphor is
    reused only when some concept has no unused candidate left.
    """
    if isinstance(profile, (str, Path)):  # a path, as plan() takes one
        from ..analysis.profile import analyze

        profile = analyze(str(profile))
    elif not isinstance(profile, RepoProfile):
        raise TypeError(
            f"cast() takes a path or a RepoProfile (from analyze), not {type(profile).__name__}"
        )
    lib = library if isinstance(library, MetaphorLibrary) else MetaphorLibrary.load(library)
    if not lib.metaphors:
        raise DataFileError(lib.source or lib.theme, "the theme has no metaphors", field="metaphor")
    concepts = pick_concepts(profile, top)
    ranked = [lib.candidates(c) or ((lib.metaphors[0], 0.0),) for c in concepts]
    picks = _assign(ranked)
    entries = tuple(
        CastEntry(
            concept=c,
            metaphor=ranked[i][picks[i]][0],
            score=ranked[i][picks[i]][1],
            alternatives=tuple((m.id, s) for m, s in ranked[i][:MAX_ALTERNATIVES]),
        )
        for i, c in enumerate(concepts)
    )
    return Casting(profile=profile, library=lib, entries=entries)


def _assign(ranked: Sequence[Sequence[tuple[Metaphor, float]]]) -> list[int]:
    """For each concept, the index into its ranked candidates it gets (see cast()).

    A max-weight assignment (weight: the score squared; the Hungarian method, in exact
    integers) over concepts x distinct candidates, plus one private "reuse" column per
    concept that costs more than any real pick, so it is taken only when no unused
    candidate is left; such a concept then gets its best candidate, shared.
    """
    n = len(ranked)
    if n == 0:
        return []
    columns: dict[str, int] = {}
    for options in ranked:
        for m, _ in options:
            columns.setdefault(m.id, len(columns))
    width = max(len(o) for o in ranked)
    scale = n * width + 1  # any difference in weight outweighs every rank tie-break
    forbidden = 1 << 62
    m_real = len(columns)
    cost = [[forbidden] * (m_real + n) for _ in range(n)]
    for i, options in enumerate(ranked):
        for rank, (m, s) in enumerate(options):
            cost[i][columns[m.id]] = -(round(s * 2) ** 2) * scale + rank  # exact integers
        cost[i][m_real + i] = 0  # reuse: worse than any real pick (those are all negative)
    col_of_row = _hungarian(cost)
    out = []
    for i, options in enumerate(ranked):
        j = col_of_row[i]
        out.append(next((r for r, (m, _) in enumerate(options) if columns[m.id] == j), 0))
    return out


def _hungarian(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of every row to a distinct column (rows <= columns).

    The O(rows^2 x columns) potentials method; integers in, so the result is exact and the
    same on every machine.
    """
    n, m = len(cost), len(cost[0])
    unreachable = 1 << 100  # above any cost, forbidden ones included
    u, v = [0] * (n + 1), [0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)  # p[j]: row (1-based) holding column j
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [unreachable] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], unreachable, 0
            row = cost[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    col_of_row = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            col_of_row[p[j] - 1] = j - 1
    return col_of_row


# --------------------------------------------------------------------------- loading


def _unknown_keys(
    table: Mapping[str, Any], allowed: set[str], *, file: str, entry: str | None, where: str = ""
) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise DataFileError(
            file,
            f"unknown key{'s' if len(extra) > 1 else ''} "
            f"{', '.join(map(repr, extra))}{where}; allowed: "
            f"{', '.join(sorted(allowed))}",
            entry=entry,
            field=extra[0],
        )


def _text(
    table: Mapping[str, Any], name: str, *, file: str, entry: str | None, default: str | None = None
) -> str:
    value = field(
        table, name, str, file=file, entry=entry, default=default if default is not None else ...
    )
    value = " ".join(value.split())
    if not value and default is None:
        raise DataFileError(file, "must not be empty", entry=entry, field=name)
    if len(value) > _MAX_TEXT:
        raise DataFileError(
            file,
            f"{len(value)} characters, at most {_MAX_TEXT}: a video "
            "model follows short, concrete lines best",
            entry=entry,
            field=name,
        )
    return value


def _texts(
    table: Mapping[str, Any], name: str, *, file: str, entry: str | None, lo: int, hi: int
) -> tuple[str, ...]:
    values = str_list(table, name, file=file, entry=entry, default=() if lo == 0 else None)
    if (values or lo) and not lo <= len(values) <= hi:
        raise DataFileError(
            file, f"has {len(values)} items, expected {lo}-{hi}", entry=entry, field=name
        )
    out = tuple(" ".join(v.split()) for v in values)
    for v in out:
        if not v:
            raise DataFileError(file, "contains an empty string", entry=entry, field=name)
        if len(v) > _MAX_TEXT:
            raise DataFileError(
                file,
                f"an item is {len(v)} characters, at most {_MAX_TEXT}",
                entry=entry,
                field=name,
            )
    return out


def _theme_id(value: str, *, file: str, entry: str | None, name: str) -> str:
    if not _ID.match(value):
        raise DataFileError(
            file,
            f"{value!r} is not a valid id: lower-case letters, digits and . _ - only",
            entry=entry,
            field=name,
        )
    return value


def _parse_style(table: Any, *, file: str, base: Style | None) -> Style:
    if not isinstance(table, dict):
        raise DataFileError(file, f"expected a table, got {type(table).__name__}", entry="style")
    _unknown_keys(table, _STYLE_KEYS, file=file, entry="style")
    values: dict[str, Any] = {}
    for key in ("name", "look", "setting", "protagonist", "lighting", "sound"):
        if base is not None and key not in table:
            values[key] = getattr(base, key)
        else:
            values[key] = _text(table, key, file=file, entry="style")
    if base is not None and "palette" not in table:
        values["palette"] = base.palette
    else:
        values["palette"] = _texts(table, "palette", file=file, entry="style", lo=3, hi=5)
    return Style(**values)


def _parse_metaphor(raw: Any, index: int, *, file: str) -> Metaphor:
    entry = f"metaphor #{index + 1}"
    if not isinstance(raw, dict):
        raise DataFileError(file, f"expected a table, got {type(raw).__name__}", entry=entry)
    if isinstance(raw.get("id"), str) and raw["id"]:
        entry = raw["id"]
    _unknown_keys(raw, _METAPHOR_KEYS, file=file, entry=entry)
    mid = _theme_id(
        field(raw, "id", str, file=file, entry=entry), file=file, entry=entry, name="id"
    )
    matches = field(raw, "matches", dict, file=file, entry=entry, default={})
    _unknown_keys(matches, _MATCH_KEYS, file=file, entry=entry, where=" in matches")
    rule = MatchRule(
        kinds=_match_list(matches, "kinds", file=file, entry=entry),
        names=_match_list(matches, "names", file=file, entry=entry),
        words=tuple(w.lower() for w in _match_list(matches, "words", file=file, entry=entry)),
    )
    m = Metaphor(
        id=mid,
        matches=rule,
        gag=_text(raw, "gag", file=file, entry=entry),
        props=_texts(raw, "props", file=file, entry=entry, lo=1, hi=8),
        beat=field(raw, "beat", str, file=file, entry=entry),
        seconds=field(raw, "seconds", int, file=file, entry=entry),
        tone=_text(raw, "tone", file=file, entry=entry),
        actions=_texts(raw, "actions", file=file, entry=entry, lo=0, hi=4),
    )
    _check_metaphor(m, file=file, entry=entry)
    return m


def _match_list(matches: Mapping[str, Any], name: str, *, file: str, entry: str) -> tuple[str, ...]:
    """A list in the matches table; errors call the field "matches.<name>" like the rest."""
    try:
        return str_list(matches, name, file=file, entry=entry, default=())
    except DataFileError as exc:
        where = f"{exc.file}, entry {exc.entry!r}, field {exc.field!r}: "
        message = str(exc)[len(where) :] if str(exc).startswith(where) else str(exc)
        raise DataFileError(file, message, entry=entry, field=f"matches.{name}") from None


def _check_metaphor(m: Any, *, file: str, entry: str) -> None:
    """The rules a metaphor obeys whether it came from a file or from code."""
    if not isinstance(m, Metaphor):
        raise DataFileError(file, f"expected a Metaphor, got {type(m).__name__}", entry=entry)
    if not isinstance(m.id, str) or not _ID.match(m.id):
        raise DataFileError(
            file,
            f"{m.id!r} is not a valid id: lower-case letters, digits and . _ - only",
            entry=entry,
            field="id",
        )
    for name, kinds in (
        ("kinds", m.matches.kinds),
        ("names", m.matches.names),
        ("words", m.matches.words),
    ):
        if isinstance(kinds, str) or not all(isinstance(k, str) and k for k in kinds):
            raise DataFileError(
                file, "expected a list of non-empty strings", entry=entry, field=f"matches.{name}"
            )
    for kind in m.matches.kinds:
        if kind not in CONCEPT_KINDS:
            raise DataFileError(
                file,
                f"unknown concept kind {kind!r}; known: {', '.join(CONCEPT_KINDS)}",
                entry=entry,
                field="matches.kinds",
            )
    for word in m.matches.words:
        if not word.isascii() or not re.fullmatch(r"[a-z0-9_]+", word):
            raise DataFileError(
                file,
                f"{word!r}: words are single lower-case words (a name or docstring keyword)",
                entry=entry,
                field="matches.words",
            )
    for name, value in (("gag", m.gag), ("tone", m.tone)):
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(file, "must be a non-empty string", entry=entry, field=name)
    if m.beat not in BEATS:
        raise DataFileError(
            file, f"unknown beat {m.beat!r}; known: {', '.join(BEATS)}", entry=entry, field="beat"
        )
    if isinstance(m.seconds, bool) or m.seconds not in SECONDS:
        raise DataFileError(
            file,
            f"{m.seconds!r} is not a clip length the API renders; "
            f"use one of {', '.join(map(str, SECONDS))}",
            entry=entry,
            field="seconds",
        )
    if not m.props or not all(isinstance(p, str) and p.strip() for p in m.props):
        raise DataFileError(
            file,
            "needs at least one prop (a list of non-empty strings)",
            entry=entry,
            field="props",
        )
    if m.actions and not 2 <= len(m.actions) <= 4:
        raise DataFileError(
            file,
            f"has {len(m.actions)} actions, expected 2-4 (or none)",
            entry=entry,
            field="actions",
        )
    for name, texts in (("gag", (m.gag,)), ("props", m.props), ("actions", m.actions)):
        for text in texts:
            for placeholder in _PLACEHOLDER.findall(text):
                if name != "actions" or placeholder not in PLACEHOLDERS:
                    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    allowed = (
                        f"; actions may use {known}"
                        if name == "actions"
                        else " (only actions take placeholders)"
                    )
                    raise DataFileError(
                        file,
                        f"unknown placeholder {{{placeholder}}}{allowed}",
                        entry=entry,
                        field=name,
                    )


def _read_metaphors(
    path: Path, *, allowed_top: Iterable[str] = ("metaphor",)
) -> tuple[Metaphor, ...]:
    """The [[metaphor]] entries of a mappings file (ids unique within it)."""
    data = load_toml(path)
    return _metaphors_of(data, file=str(path), allowed_top=set(allowed_top))


def _metaphors_of(
    data: Mapping[str, Any], *, file: str, allowed_top: set[str]
) -> tuple[Metaphor, ...]:
    extra = sorted(set(data) - allowed_top)
    if extra:
        hint = (
            " (a mappings file holds [[metaphor]] entries only; to change the style, "
            "write a theme with `extends`)"
            if allowed_top == {"metaphor"}
            else ""
        )
        raise DataFileError(file, f"unknown top-level key {extra[0]!r}{hint}", field=extra[0])
    raw = data.get("metaphor", [])
    if not isinstance(raw, list):
        raise DataFileError(
            file, "expected [[metaphor]] entries (an array of tables)", field="metaphor"
        )
    out = tuple(_parse_metaphor(r, i, file=file) for i, r in enumerate(raw))
    seen: dict[str, int] = {}
    for i, m in enumerate(out):
        if m.id in seen:
            raise DataFileError(
                file,
                f"duplicate id (metaphor #{seen[m.id] + 1} and #{i + 1})",
                entry=m.id,
                field="id",
            )
        seen[m.id] = i
    return out


def _looks_like_path(theme_or_path: str) -> bool:
    return theme_or_path.endswith(".toml") or "/" in theme_or_path or "\\" in theme_or_path


def _resolve(theme_or_path: str) -> tuple[Path, bool]:
    """(file, is_packaged) for a theme id or a path."""
    themes = packaged("metaphors")
    looks_like_path = _looks_like_path(theme_or_path)
    if not looks_like_path and theme_or_path in themes:
        return themes[theme_or_path], True
    path = Path(theme_or_path).expanduser()
    if looks_like_path or path.is_file():
        return path, False
    raise DataFileError(
        theme_or_path,
        f"no packaged theme of that name and no such file; packaged themes: {', '.join(themes)}",
    )


def _load_theme(theme_or_path: str, *, chain: tuple[str, ...]) -> MetaphorLibrary:
    path, is_packaged = _resolve(theme_or_path)
    if is_packaged:
        return _load_packaged(str(path), path.stat().st_mtime_ns)
    return _parse_theme(path, chain=chain)


@functools.lru_cache(maxsize=16)
def _load_packaged(path: str, mtime_ns: int) -> MetaphorLibrary:
    """Packaged themes are parsed once per process (keyed by mtime, so edits show up)."""
    return _parse_theme(Path(path), chain=())


def _parse_theme(path: Path, *, chain: tuple[str, ...]) -> MetaphorLibrary:
    file = str(path)
    data = load_toml(path)
    theme = data.get("theme")
    if not isinstance(theme, dict):
        hint = (
            "; to add these metaphors to a packaged theme, start the file with [theme] and "
            'id = "mine", title = "Mine", extends = "kitchen" (or MetaphorLibrary.load('
            '"kitchen", extra=[file]) in Python)'
            if "metaphor" in data
            else ""
        )
        raise DataFileError(file, "missing [theme] table (id, title)" + hint, entry="theme")
    _unknown_keys(theme, _THEME_KEYS, file=file, entry="theme")
    tid = _theme_id(
        field(theme, "id", str, file=file, entry="theme"), file=file, entry="theme", name="id"
    )
    packaged_stem = path.stem if path.parent == Path(str(packaged_dir())) else None
    if packaged_stem is not None and tid != packaged_stem:
        raise DataFileError(
            file,
            f"theme id {tid!r} must equal the file name {packaged_stem!r}",
            entry="theme",
            field="id",
        )
    title = _text(theme, "title", file=file, entry="theme")
    base: MetaphorLibrary | None = None
    parent = field(theme, "extends", str, file=file, entry="theme", default="")
    if parent:
        ref = parent
        if _looks_like_path(parent) and not Path(parent).expanduser().is_absolute():
            # relative to the file that says it, as a user expects, not to the working folder
            ref = str(path.parent / parent)
        if os.path.abspath(ref) in {os.path.abspath(f) for f in (*chain, file)}:
            raise DataFileError(
                file,
                f"extends {parent!r} in a loop ({' -> '.join((*chain, file, parent))})",
                entry="theme",
                field="extends",
            )
        try:
            base = _load_theme(ref, chain=(*chain, file))
        except DataFileError as exc:
            if exc.file == ref:  # the name itself is wrong: say so from this file
                raise DataFileError(
                    file, str(exc).split(": ", 1)[-1], entry="theme", field="extends"
                ) from None
            raise
    if "style" not in data and base is None:
        raise DataFileError(file, "missing [style] table", entry="style")
    style = (
        _parse_style(data["style"], file=file, base=base.style if base else None)
        if "style" in data
        else base.style
    )  # type: ignore[union-attr]
    metaphors = _metaphors_of(data, file=file, allowed_top={"theme", "style", "metaphor"})
    if base is not None:
        return replace(base.merged(metaphors, file), theme=tid, title=title, style=style)
    return MetaphorLibrary(theme=tid, title=title, style=style, metaphors=metaphors, source=file)


def packaged_dir() -> Path:
    """Where the packaged themes live (sorafilm_nb/data/metaphors)."""
    from ..datafiles import data_dir

    return data_dir() / "metaphors"


def _clip(text: str, limit: int) -> str:
    """Text cut to limit characters with an ellipsis: reprs stay one short line."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> str:
    """Text safe in a markdown table cell (a pipe would start a new cell)."""
    return " ".join(str(text).split()).replace("|", "\\|")
