"""Casting: which concepts of a repository the film shows, and the metaphor each is played as.

``cast(profile, library)`` picks the most central concepts, a mix of kinds (``pick_concepts``),
ranks every metaphor of the theme for each (``scoring.rank``), and then solves one
assignment for all of them at once: no metaphor plays two concepts, and the sum of the
squared scores is as high as it can be (``_assign``: the Hungarian method, in exact
integers). A metaphor is shared only when some concept has no unused candidate left. The same
profile and theme always give the same casting.

The model (``Metaphor``, ``MetaphorLibrary``, ...) lives in ``metaphors``, theme files in
``themes``, the scores in ``scoring``; their public names are importable from here too.

CONTRACT (shared with boards, prompts, lint, ui/): CastEntry and Casting below.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..analysis.profile import Concept, RepoProfile
from ..errors import DataFileError
from .metaphors import (
    BEATS,
    MAX_TEXT,
    PLACEHOLDERS,
    MatchRule,
    Metaphor,
    MetaphorLibrary,
    Style,
    UnknownMetaphor,
    _clip,
    _md,
)
from .scoring import BASE, DOC_WORD, KIND, NAME, NAME_WORD, name_words, score, stem

__all__ = [
    "BASE",
    "BEATS",
    "DOC_WORD",
    "KIND",
    "MAX_ALTERNATIVES",
    "NAME",
    "NAME_WORD",
    "PLACEHOLDERS",
    "CastEntry",
    "Casting",
    "MatchRule",
    "Metaphor",
    "MetaphorLibrary",
    "Style",
    "UnknownMetaphor",
    "cast",
    "name_words",
    "pick_concepts",
    "score",
    "stem",
]

MAX_ALTERNATIVES = 20  # ranked alternatives kept per entry, for the notebook's picker


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
            if len(text) > MAX_TEXT:
                raise ValueError(
                    f"custom gag is {len(text)} characters; keep it under "
                    f"{MAX_TEXT} (one visible action reads best)"
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
