"""The film-quality metrics of `make eval` (issue 12, item 10), on plain records.

Why plain records and not sorafilm's own objects: the casting and story code is about to
change shape (issue 12), and these rules must stay the same while it does. run.py turns a Plan
into a FilmRecord (reading the package defensively); everything here is pure, small and unit
tested (tests/test_eval_metrics.py) on hand-made records.

Definitions (all per film unless said otherwise):

* filmed concepts: the distinct concept names that appear in the plan's shots, each name of a
  shot that films siblings together ("get, put, patch: sends a request") counted: every one is
  named on screen and judged (core, junk) as if it had a shot of its own; for precision the
  family is one concept, core when one of its names is (it takes one shot).
* precision: filmed concepts that are in the package's core list / filmed concepts. A concept
  matches a core name by its last dotted part (``Flask.route`` -> ``route``), case-insensitively;
  a module only by its whole name (``router.route`` is not ``app.route``); a docstring "theme"
  never (a word in docstrings is not an API name).
* core filmed: how many distinct core names are filmed.
* junk: a filmed concept that is private (a ``_name`` part), lives under tests/, examples/,
  docs/ (and their usual variants), is a built-in the project only raises or catches
  (ValueError, JavaScript's TypeError), is a reST/Sphinx/JSDoc markup token, or is in the
  package's own junk list.
* exception share and fallback share: over the shots that show a concept (title cards and
  fillers name nothing, so they would only dilute the figure).
* fallback-level cast: the casting says so (a ``fallback``/``weak`` flag, for the coming
  "weak fit" label), or the metaphor is a generic one (no names, no words), or the score is at
  most metaphors.py's KIND_FALLBACK (2): the points a generic metaphor gets.
* restating captions: concept shots whose caption teaches nothing a user can do with the
  thing: it is the bare name, its kind and module or owner ("a class in httpx._models", "a
  method of ky"), the name called by its kind ("a user-created Request object", "the Path
  type is ..."), "... is the Environment", nothing but the name's own words ("Context: a
  Context"), or only a comparison ("works like Serializer", "is similar to the File type").
  Counted here on the caption text alone, by rules of its own (not sorafilm's), so the eval
  judges the captions rather than agreeing with the code that wrote them.
* gag overlap: the Jaccard index of two films' sets of metaphor ids; the eval reports the
  highest over all pairs. Filler shots have no metaphor id and are counted separately.
"""

from __future__ import annotations

import builtins
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

# The targets of issue 12, item 10.
MIN_PRECISION = 0.7
MIN_CORE_FILMED = 4
MAX_JUNK = 0
MAX_EXCEPTION_SHARE = 0.30
MAX_FALLBACK_SHARE = 0.20
MAX_GAG_OVERLAP = 0.25

# metaphors.py: "fallbacks ... 2 for their kinds, 1 when they list no kinds; ... 0.5".
FALLBACK_SCORE = 2.0

JUNK_DIRS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "__tests__",
        "__mocks__",
        "spec",
        "example",
        "examples",
        "doc",
        "docs",
        "docs_src",
        "bench",
        "benchmark",
        "benchmarks",
        "fixtures",
    }
)
_TEST_FILE = re.compile(r"(^test_.*\.py$|_test\.py$|^conftest\.py$|\.(test|spec)\.[cm]?[jt]sx?$)")

# Built-in exceptions: Python's (from the running interpreter) and JavaScript's. A project that
# defines its own class of that name (requests.ConnectionError) is not filming a built-in.
JS_BUILTIN_ERRORS = frozenset(
    {
        "Error",
        "TypeError",
        "RangeError",
        "SyntaxError",
        "ReferenceError",
        "EvalError",
        "URIError",
        "AggregateError",
        "DOMException",
    }
)
PY_BUILTIN_ERRORS = frozenset(
    name
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type)
    and issubclass(getattr(builtins, name), BaseException)
)
BUILTIN_ERRORS = PY_BUILTIN_ERRORS | JS_BUILTIN_ERRORS

# Tokens of reST/Sphinx roles and directives and of JSDoc tags: words docstrings are full of
# that name nothing in the code ("versionadded" closed one film).
MARKUP = frozenset(
    {
        "versionadded",
        "versionchanged",
        "deprecated",
        "seealso",
        "note",
        "warning",
        "todo",
        "meth",
        "func",
        "class",
        "attr",
        "data",
        "mod",
        "obj",
        "exc",
        "ref",
        "doc",
        "const",
        "param",
        "parameter",
        "arg",
        "returns",
        "return",
        "rtype",
        "raises",
        "raise",
        "type",
        "vartype",
        "ivar",
        "cvar",
        "code",
        "codeblock",
        "literal",
        "math",
        "autoclass",
        "autofunction",
        "automodule",
        "currentmodule",
        "doctest",
        "testcode",
        "py",
        "rst",
        "example",
        "throws",
        "typedef",
        "property",
        "private",
        "public",
        "api",
        "link",
        "see",
        "since",
        "memberof",
        "template",
        "default",
        "inheritdoc",
    }
)


@dataclass(frozen=True)
class ShotRecord:
    """One shot of a film, as plain data (run.py fills it from a Plan)."""

    index: int
    beat: str = ""
    seconds: int = 0
    title: str = ""
    concept: str | None = None  # None: a title card or a filler that names nothing
    kind: str | None = None  # "class", "exception", "function", "module", "theme", ...
    file: str = ""  # posix path inside the package ("" for themes)
    bases: tuple[str, ...] = ()
    summary: str = ""
    gag_id: str | None = None  # the metaphor's id; None when nothing is cast
    gag: str = ""
    score: float | None = None
    fallback: bool = False  # fallback-level cast (see fallback_level)
    caption: str = ""
    prompt: str = ""
    also: tuple[str, ...] = ()  # siblings named on the same shot (same kind and file)
    props: tuple[str, ...] = ()  # the gag's props ("bowl of macaroni", "long cord")
    actions: tuple[str, ...] = ()  # the prompt's action lines, without their timings
    cause: str = ""  # the clause before the hero that says why the shot follows ("" none)


@dataclass(frozen=True)
class FilmRecord:
    """One package's film: its title card text and its shots."""

    package: str
    title: str
    shots: tuple[ShotRecord, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)  # problems met while reading it


@dataclass(frozen=True)
class FilmScore:
    """The per-film figures of the eval (see the module docstring)."""

    package: str
    precision: float
    filmed: tuple[str, ...]
    core_filmed: tuple[str, ...]
    junk: tuple[tuple[str, str], ...]  # (concept name, why it is junk)
    title: str
    title_ok: bool
    exception_share: float
    fallback_share: float
    fillers: int  # shots that name nothing from the project (title cards not counted)
    gag_ids: frozenset[str]
    restating: tuple[tuple[str, str], ...] = ()  # (caption, why) of each restating caption

    def passes(self) -> dict[str, bool]:
        """Each per-film target: met or not."""
        return {
            "precision": self.precision >= MIN_PRECISION,
            "core": len(self.core_filmed) >= MIN_CORE_FILMED,
            "junk": len(self.junk) <= MAX_JUNK,
            "title": self.title_ok,
            "exceptions": self.exception_share <= MAX_EXCEPTION_SHARE,
            "fallback": self.fallback_share <= MAX_FALLBACK_SHARE,
        }


# ----------------------------------------------------------------------------- names


def short_name(name: str) -> str:
    """The comparable form of an API name: last dotted/# part, no call parens, lower case."""
    text = name.strip().removesuffix("()")
    text = re.split(r"[.#]", text)[-1] if text else text
    return text.lower()


def matches_core(name: str, kind: str | None, core: Iterable[str]) -> bool:
    """Whether a filmed concept is one of the core names (module docstring: precision)."""
    if kind == "theme":
        return False
    wanted = {short_name(c) for c in core}
    if kind == "module":
        return name.strip().lower() in wanted
    return short_name(name) in wanted


def defined_here(shot: ShotRecord) -> bool:
    """Whether the project defines the concept (a class with bases, a documented def), rather
    than only raising or catching it (the scanner's summary then says "raised 3×, caught 1×")."""
    if shot.bases:
        return True
    return not re.match(r"^(raised|caught)\b", shot.summary.strip())


def junk_reason(shot: ShotRecord, extra: Iterable[str] = ()) -> str | None:
    """Why a filmed concept must never be filmed, or None when it may be."""
    name = shot.concept
    if not name:
        return None
    parts = [p for p in re.split(r"[.#/]", name) if p]
    if any(p.startswith("_") for p in parts):
        return "private"
    path = shot.file.replace("\\", "/")
    dirs = [d.lower() for d in path.split("/")[:-1]]
    if any(d in JUNK_DIRS for d in dirs):
        return "tests/examples/docs"
    if path and _TEST_FILE.search(path.rsplit("/", 1)[-1]):
        return "tests/examples/docs"
    short = parts[-1] if parts else name
    if short in BUILTIN_ERRORS and not defined_here(shot):
        return "built-in"
    if short.lower() in MARKUP and (shot.kind == "theme" or not shot.file):
        return "markup"
    if name in set(extra) or short in set(extra):
        return "listed junk"
    return None


# ----------------------------------------------------------------------------- captions

_ARTICLES = frozenset({"a", "an", "the", "of", "in", "for", "to", "its", "it", "is", "are"})
_KIND_WORDS = frozenset(
    {"class", "object", "type", "instance", "function", "method", "module", "exception", "name"}
)
_KIND_OWNER = re.compile(
    r"^(?:an?\s+)?(?:class|function|method|module|exception|name|type)(?:e?s)?\s+(?:in|of)\s+\S+$",
    re.I,
)
_COMPARES_ONLY = re.compile(
    r"^(?:works|behaves|acts)\s+(?:just\s+)?like\b|^(?:just\s+)?like\b|"
    r"^(?:similar|identical|equivalent)\s+to\b|^(?:the\s+)?same\s+as\b|"
    r"\b(?:is|are)\s+(?:similar|identical|equivalent)\s+to\b|^uses\s+\S+\s+instead\b",
    re.I,
)


def _words(text: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [w for w in re.findall(r"[a-z0-9]+", spaced.lower())]


def restating_reason(shot: ShotRecord) -> str | None:
    """Why a concept shot's caption teaches nothing (module docstring), or None."""
    if not shot.concept:
        return None
    names = [shot.concept, *shot.also]
    caption = " ".join(shot.caption.split())
    _head, sep, text = caption.partition(": ")
    if not sep or not text.strip():
        return "bare name"
    text = text.strip().rstrip(".")
    if _KIND_OWNER.match(text):
        return "kind and module/owner"
    if _COMPARES_ONLY.search(text):
        return "only compares"
    own = {w for n in names for w in _words(n)}
    own |= {re.sub(r"[^a-z0-9]", "", n.lower()) for n in names}
    left = [w for w in _words(text) if w not in own | _ARTICLES | _KIND_WORDS]
    if not left:
        return "only the name"
    for n in names:
        short = re.escape(re.split(r"[.#]", n)[-1])
        kinds = "|".join(sorted(_KIND_WORDS))
        if re.search(rf"(?<=\s){short}\s+(?:{kinds})s?\b", text) or re.search(
            rf"\bis\s+(?:the|an?)\s+{short}$", text
        ):
            return "the name called by its kind"
    return None


def restating_captions(film: FilmRecord) -> tuple[tuple[str, str], ...]:
    """(caption, why) of each concept shot whose caption restates (restating_reason)."""
    out = []
    for s in concept_shots(film):
        why = restating_reason(s)
        if why:
            out.append((s.caption, why))
    return tuple(out)


# ----------------------------------------------------------------------------- shots


def concept_shots(film: FilmRecord) -> list[ShotRecord]:
    """The shots that show a concept of the project."""
    return [s for s in film.shots if s.concept]


def named_shots(film: FilmRecord) -> list[ShotRecord]:
    """Each concept a shot names as a record of its own: a shot of siblings gives one record
    per sibling (same kind, file and shot; only the name differs)."""
    out: list[ShotRecord] = []
    for s in concept_shots(film):
        out.append(s)
        out.extend(replace(s, concept=name, also=()) for name in s.also)
    return out


def filmed_names(film: FilmRecord) -> list[str]:
    """The distinct concept names filmed, in shot order."""
    seen: dict[str, None] = {}
    for s in named_shots(film):
        seen.setdefault(s.concept or "", None)
    return list(seen)


def precision(film: FilmRecord, core: Iterable[str]) -> float:
    """Share of the filmed concepts that are core names; 0.0 when nothing is filmed.

    A shot of siblings ("get, put, patch, options") is one filmed concept, the family, and a
    core one when any of its names is: precision asks whether shots go to the right things,
    and the family shot is one shot (its non-core names cost no shot a core name could have
    had). core_filmed and junk_filmed still judge every name it shows."""
    core = list(core)
    families: dict[str, bool] = {}
    seen: set[str] = set()
    for s in concept_shots(film):
        names = (s.concept or "", *s.also)
        if not seen.isdisjoint(names):  # a name filmed twice counts once, where first filmed
            continue
        seen.update(names)
        families[names[0]] = any(matches_core(n, s.kind, core) for n in names)
    if not families:
        return 0.0
    return sum(families.values()) / len(families)


def core_filmed(film: FilmRecord, core: Iterable[str]) -> tuple[str, ...]:
    """The core names (as golden.toml spells them) that some shot shows, in core order."""
    core = list(core)
    shown = {
        short_name(s.concept or "") if s.kind != "module" else (s.concept or "").lower()
        for s in named_shots(film)
        if s.kind != "theme"
    }
    out: list[str] = []
    for c in core:
        if short_name(c) in shown and c not in out and short_name(c) not in map(short_name, out):
            out.append(c)
    return tuple(out)


def junk_filmed(film: FilmRecord, extra: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """(name, reason) of each distinct junk concept filmed."""
    extra = tuple(extra)
    out: dict[str, str] = {}
    for s in named_shots(film):
        why = junk_reason(s, extra)
        if why and s.concept not in out:
            out[s.concept or ""] = why
    return tuple(out.items())


def normalize_title(text: str) -> str:
    """A title compared without case, spacing or Markdown escape backslashes. Nothing else is
    forgiven: a title card reading "$ click" or "Flask!" is not the name "Click" or "Flask"."""
    return " ".join(text.replace("\\", "").casefold().split())


def title_ok(title: str, expected: str, aliases: Iterable[str] = ()) -> bool:
    """The title card holds the project's name, and nothing else (a name, not a sentence)."""
    got = normalize_title(title)
    return bool(got) and got in {normalize_title(t) for t in (expected, *aliases)}


def is_exception(shot: ShotRecord) -> bool:
    """An exception shot: the scanner's kind says so, or (kind unknown) the name does."""
    if shot.kind:
        return shot.kind == "exception"
    return bool(re.search(r"(Error|Exception)$", shot.concept or ""))


def exception_share(film: FilmRecord) -> float:
    """Share of the concept shots that show an exception."""
    shots = concept_shots(film)
    return sum(map(is_exception, shots)) / len(shots) if shots else 0.0


def fallback_level(score: float | None, generic: bool = False, flagged: bool | None = None) -> bool:
    """Whether a cast is fallback-level: flagged so by the casting, a generic metaphor, or a
    score no better than a generic metaphor's (FALLBACK_SCORE); no score at all counts too."""
    if flagged is not None:
        return bool(flagged)
    if generic:
        return True
    return score is None or score <= FALLBACK_SCORE


def fallback_share(film: FilmRecord) -> float:
    """Share of the film's casts (concept and gag) that are fallback-level.

    Counted per cast, not per shot: an ending that reprises an earlier shot shows the same
    cast again, and a weak cast is no weaker for being seen twice (issue 12 counts "casts")."""
    casts = {(s.concept, s.gag_id): s.fallback for s in concept_shots(film)}
    return sum(casts.values()) / len(casts) if casts else 0.0


def filler_count(film: FilmRecord) -> int:
    """Shots that name nothing from the project, title cards aside."""
    return sum(
        1 for s in film.shots if not s.concept and not s.title.lower().startswith("title card")
    )


def gag_ids(film: FilmRecord) -> frozenset[str]:
    """The metaphor ids the film uses."""
    return frozenset(s.gag_id for s in film.shots if s.gag_id)


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """|a & b| / |a | b|; two empty sets share nothing (0.0)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def max_gag_overlap(films: Sequence[FilmRecord]) -> tuple[float, tuple[str, str] | None]:
    """The highest Jaccard index of gag ids over every pair of films, and that pair."""
    best, pair = 0.0, None
    for a, b in itertools.combinations(films, 2):
        j = jaccard(gag_ids(a), gag_ids(b))
        if pair is None or j > best:
            best, pair = j, (a.package, b.package)
    return best, pair


def score_film(
    film: FilmRecord,
    core: Iterable[str],
    expected_title: str,
    *,
    aliases: Iterable[str] = (),
    junk: Iterable[str] = (),
) -> FilmScore:
    """Every per-film figure at once."""
    core = tuple(core)
    return FilmScore(
        package=film.package,
        precision=precision(film, core),
        filmed=tuple(filmed_names(film)),
        core_filmed=core_filmed(film, core),
        junk=junk_filmed(film, junk),
        title=film.title,
        title_ok=title_ok(film.title, expected_title, aliases),
        exception_share=exception_share(film),
        fallback_share=fallback_share(film),
        fillers=filler_count(film),
        gag_ids=gag_ids(film),
        restating=restating_captions(film),
    )


@dataclass(frozen=True)
class TargetResult:
    """One line of the summary table."""

    target: str
    goal: str
    value: str
    passed: bool


def summarize(scores: Sequence[FilmScore], films: Sequence[FilmRecord]) -> list[TargetResult]:
    """The issue's targets over the whole golden set: a per-film target passes when every film
    meets it (the value column says how many do, and the worst figure)."""
    n = len(scores)
    rows: list[TargetResult] = []

    def per_film(key: str, target: str, goal: str, worst: str) -> None:
        ok = sum(1 for s in scores if s.passes()[key])
        rows.append(TargetResult(target, goal, f"{ok}/{n} films; {worst}", n > 0 and ok == n))

    if n:
        per_film(
            "precision",
            "precision",
            f">= {MIN_PRECISION}",
            f"min {min(s.precision for s in scores):.2f}",
        )
        per_film(
            "core",
            "core names filmed",
            f">= {MIN_CORE_FILMED}",
            f"min {min(len(s.core_filmed) for s in scores)}",
        )
        per_film(
            "junk", "junk filmed", f"= {MAX_JUNK}", f"total {sum(len(s.junk) for s in scores)}"
        )
        per_film("title", "title right", "every film", f"{sum(s.title_ok for s in scores)} right")
        per_film(
            "exceptions",
            "exception shots",
            f"<= {MAX_EXCEPTION_SHARE:.0%}",
            f"max {max(s.exception_share for s in scores):.0%}",
        )
        per_film(
            "fallback",
            "fallback casts",
            f"<= {MAX_FALLBACK_SHARE:.0%}",
            f"max {max(s.fallback_share for s in scores):.0%}",
        )
    if len(films) < 2:  # a run of one package (--only) cannot measure it, so must not fail it
        rows.append(TargetResult("gag overlap", f"<= {MAX_GAG_OVERLAP:.0%}", "n/a: one film", True))
        return rows
    overlap, pair = max_gag_overlap(films)
    where = f" ({pair[0]} / {pair[1]})" if pair else ""
    rows.append(
        TargetResult(
            "gag overlap",
            f"<= {MAX_GAG_OVERLAP:.0%}",
            f"max {overlap:.0%}{where}",
            overlap <= MAX_GAG_OVERLAP,
        )
    )
    return rows


# ----------------------------------------------------------------------------- caption variety
# Two concepts whose captions read alike teach the difference between them nowhere: zod's
# five "the ZodType object() returns", koa's request and response both "provides helpful
# methods". Judged on what a caption says about its concept (after "names: "), its own names
# masked: "ZodString: the ZodType string() returns" and "ZodArray: the ZodType array()
# returns" say the same thing of two names.

MAX_REPEATED_CAPTIONS = 0  # per film: captions that say what an earlier one says
MAX_SHARED_OPENINGS = 2  # per film: captions whose first OPENING_WORDS words another shares
OPENING_WORDS = 3


def _own_words(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        out.add(re.sub(r"[^a-z0-9]", "", name.lower()))
        for part in re.split(r"[.#]", name):
            words = _words(part)  # ZodBigInt: zod, big, int, and bigint as the name says it
            out.update("".join(words[i:]) for i in range(len(words)))
            out.update(words)
    return out - {""}


def caption_body(shot: ShotRecord) -> tuple[str, ...]:
    """The words a concept shot's caption says about its concept: after "names: ", lower
    case, edge punctuation off, the shot's own names and their words masked as "~"."""
    _head, sep, text = " ".join(shot.caption.split()).partition(": ")
    if not sep:
        return ()
    own = _own_words([shot.concept or "", *shot.also])
    out = []
    for token in text.lower().split():
        core = token.strip(".,;:!?'\"()[]{}…").removesuffix("()")
        out.append("~" if re.sub(r"[^a-z0-9]", "", core) in own else core)
    return tuple(w for w in out if w)


def variety_shots(film: FilmRecord) -> list[ShotRecord]:
    """The concept shots judged for variety: a reprise (a shot of names an earlier shot
    showed) repeats its concept, and its caption is the story's choice, so it is left out."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for s in concept_shots(film):
        names = tuple(sorted([s.concept or "", *s.also]))
        if names not in seen:
            seen.add(names)
            out.append(s)
    return out


def repeated_captions(film: FilmRecord) -> tuple[str, ...]:
    """Captions (in shot order) that say what an earlier concept's caption says."""
    said: set[tuple[str, ...]] = set()
    out = []
    for s in variety_shots(film):
        body = caption_body(s)
        if body and body in said:
            out.append(s.caption)
        said.add(body)
    return tuple(out)


def shared_openings(film: FilmRecord) -> tuple[str, ...]:
    """Captions (in shot order) whose first OPENING_WORDS words another caption of the film
    opens with too ("built from a method", "built from a handler")."""
    shots = [(s, caption_body(s)[:OPENING_WORDS]) for s in variety_shots(film)]
    openings = [o for _, o in shots if len(o) == OPENING_WORDS]
    return tuple(s.caption for s, o in shots if len(o) == OPENING_WORDS and openings.count(o) > 1)


def caption_variety(films: Sequence[FilmRecord]) -> list[TargetResult]:
    """The caption variety targets over the films: every film within each."""
    n = len(films)
    rows = []
    for target, limit, count in (
        ("repeated captions", MAX_REPEATED_CAPTIONS, repeated_captions),
        (f"captions sharing {OPENING_WORDS} first words", MAX_SHARED_OPENINGS, shared_openings),
    ):
        per = {f.package: len(count(f)) for f in films}
        ok = sum(1 for v in per.values() if v <= limit)
        worst = max(per, key=lambda p: per[p], default="")
        value = f"{ok}/{n} films; max {per.get(worst, 0)}" + (
            f" ({worst})" if per.get(worst) else ""
        )
        rows.append(TargetResult(target, f"<= {limit}", value, n > 0 and ok == n))
    return rows


# -- story variety: endings across the films of a theme, cause openings within a film ------

# The most films of a theme that may end on one picture: a quarter (5 of 18), never fewer
# than 2 (a run of a few packages may share one by chance). Before: 10 of 18 kitchen films
# ended at the judges' table, 8 of 18 heists at the hideout, 7 of 18 space films docking.
SHARED_ENDING_SHARE = 0.25
SAME_ENDING = 0.6  # Jaccard of two endings' masked words at which they are one picture
MAX_CAUSE_REPEATS = 0  # per film: causes whose first CAUSE_WORDS words another cause says
CAUSE_WORDS = 2


def ending_words(film: FilmRecord) -> frozenset[str]:
    """What a film's last shot ends on, as a picture: the words (3 letters or more) of its
    last action line, the consequence, less every word of the film's props (an ending names
    its star's prop and the earlier ones: "the guests burst into applause" is one picture
    whatever dish came before)."""
    if not film.shots or not film.shots[-1].actions:
        return frozenset()
    own = {w for s in film.shots for p in s.props for w in re.findall(r"[a-z]{3,}", p.lower())}
    said = re.findall(r"[a-z]{3,}", film.shots[-1].actions[-1].lower())
    return frozenset(w for w in said if w not in own)


def shared_ending(films: Sequence[FilmRecord]) -> tuple[int, tuple[str, ...]]:
    """The most films that end on one picture (ending_words at least SAME_ENDING alike),
    and which they are."""
    ends = [(f.package, ending_words(f)) for f in films]
    best: tuple[str, ...] = ()
    for _, words in ends:
        if not words:
            continue
        alike = tuple(p for p, w in ends if w and jaccard(words, w) >= SAME_ENDING)
        if len(alike) > len(best):
            best = alike
    return len(best), best


def max_shared_endings(n: int) -> int:
    """How many of n films may end on one picture (SHARED_ENDING_SHARE, at least 2)."""
    return max(2, math.ceil(n * SHARED_ENDING_SHARE)) if n else 0


def cause_opening(cause: str) -> tuple[str, ...]:
    """A cause's first CAUSE_WORDS words, lower case ("leaving the" of "Leaving the
    electric egg beater for a moment,")."""
    return tuple(re.findall(r"[a-z']+", cause.lower())[:CAUSE_WORDS])


def repeated_cause_openings(film: FilmRecord) -> tuple[str, ...]:
    """Causes (in shot order) that open as an earlier cause of the film did: "Leaving the
    electric egg beater for a moment" then "Leaving the brown paper grocery parcel for a
    moment" reads as a formula, whatever prop it names."""
    said: set[tuple[str, ...]] = set()
    out = []
    for s in film.shots:
        opening = cause_opening(s.cause)
        if len(opening) < CAUSE_WORDS:
            continue
        if opening in said:
            out.append(s.cause)
        said.add(opening)
    return tuple(out)


def story_variety(films: Sequence[FilmRecord]) -> list[TargetResult]:
    """The story variety targets over a theme's films: films ending on one picture (across
    the films), cause openings a film repeats (every film within its limit)."""
    n = len(films)
    most, which = shared_ending(films)
    limit = max_shared_endings(n)
    rows = [
        TargetResult(
            "films sharing one ending",
            f"<= {limit}",
            f"{most}/{n} films" + (f" ({', '.join(which)})" if most > 1 else ""),
            n > 0 and most <= limit,
        )
    ]
    per = {f.package: len(repeated_cause_openings(f)) for f in films}
    ok = sum(1 for v in per.values() if v <= MAX_CAUSE_REPEATS)
    worst = max(per, key=lambda p: per[p], default="")
    value = f"{ok}/{n} films; max {per.get(worst, 0)}" + (f" ({worst})" if per.get(worst) else "")
    rows.append(
        TargetResult(
            f"causes sharing {CAUSE_WORDS} first words", f"<= {MAX_CAUSE_REPEATS}", value, ok == n
        )
    )
    return rows
