"""How well a metaphor plays a concept: a score a person can follow.

A metaphor plays a concept by its polarity first, then by what the concept is called and what
it DOES: the verbs and objects of its name and docstring ("Sends a GET request", "Decorate a
view function to register it") against the metaphor's `roles` (and `words`, read the same).

    polarity    a "trouble" gag never plays a normal feature, a "feat" gag never an error
                (exception); either is 0, whatever else matches. "neutral" plays both
    NAME        the concept's name is one of the metaphor's `names` (ImportError)      100
    BASE        one of the concept's base classes is (class MyErr(KeyError))            40
    NAME_WORD   each word of the concept's name in `roles`/`words` (max 3)               15
                but a word that names one of the gag's own props is a pun, not a role
                (zod's `string` and "a string of sausages"): it counts as a DOC_WORD
                beside other evidence, and alone only as SAME_KIND
    SUMMARY     each word of its docstring's first sentence, what it does (max 2)        8
                (a non-error's main clause only: "..., before any money moves" says when,
                not what `plan` does; an error's "Raised when ..." is what it is about)
    DOC_WORD    each of the concept's other keywords (max 3)                              5
                and the words its name only names as context: a method's owner (app.get
                plays no app, AxiosHeaders.get sends no headers; nor does the owner its
                docstring names: "Get or set the name of the command") and what a predicate checks
                (isCancel's action is "check": it plays a gag that checks, not one that
                cancels: a gag doing what the code only tests shows the opposite). A name
                that is only "get" (ky.get) is a fetch when no docstring says more. An
                error handler's action is "rescue" (onerror, "Default error handler."),
                and a test double's its double, what it stands in for context
                (MockTransport: a mock, not a transport)
    KIND        added to any match above when the concept's kind is in `kinds`           4
                (on a metaphor written for other kinds, name words count half and other
                keywords not at all)
    fallbacks   metaphors with no names, words or roles: 2 for their kinds, 1 when they
                list no kinds (beat fallbacks); any other metaphor of the concept's kind
                stays a choice in the picker at 0.5

Words of the project's own name ("flask", "click") are no evidence: every docstring has them.
A cast scoring below WEAK_BELOW (nothing the concept is called or does matched; at most one
stray docstring word) is a weak fit: casting drops such a concept when enough others remain,
and flags the rest (CastEntry.weak). ``rank`` orders a theme's metaphors for one concept
(ties: the theme's order); ``casting`` assigns from those rankings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .gloss_words import ABBREVIATIONS

if TYPE_CHECKING:
    from ..analysis.profile import Concept
    from .metaphors import Metaphor

NAME, BASE, NAME_WORD, SUMMARY, DOC_WORD, KIND = 100.0, 40.0, 15.0, 8.0, 5.0, 4.0
MAX_WORD_HITS, MAX_SUMMARY_HITS = 3, 2
KIND_FALLBACK, BEAT_FALLBACK, SAME_KIND = 2.0, 1.0, 0.5
WEAK_BELOW = SUMMARY + KIND  # one verb of what it does, or two docstring words, is a fit

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
        # what the scanner writes as the summary of a concept it only counted
        "raised",
        "caught",
        "this",
        "that",
        "which",
        "are",
        "was",
        "be",
        "it",
        "its",
        "as",
        "new",
        "given",
        "used",
        # a class name's generic tail (yargs' YargsInstance): no role of its methods
        "instance",
        "instances",
    }
)
# A name's first word that says WHEN, not what (marshmallow's post_load, pre_dump): "post" is
# no HTTP POST nor a letter in the post there.
_WHEN_PREFIXES = frozenset({"pre", "post"})
# A name's first word that asks a question (isCancel, has, is_valid, can_read): the concept
# checks the rest of its name, so it plays a gag that checks (roles "check"), and a gag that
# DOES the rest (snatching a kettle off for isCancel) shows the opposite of the code.
_PREDICATES = frozenset({"is", "has", "can", "should", "does"})
# "get" is no evidence as a prefix (get_console names what it returns), but a name that is
# only "get" (ky.get, app.get, AxiosHeaders.get) names its action, a fetch: ignored, such a
# concept with no docstring had no evidence at all and was cast as a fallback (a pancake
# flipped for ky.get). With a docstring ("Sends a GET request"), that says what it does.
_FETCH = ("get",)
# A concept named after the project itself (typer's Typer, axios' Axios) is its core object:
# the project's words are no evidence of what it does, so with no docstring it had none and
# was cast as a fallback (Typer lost its "app" picture); it plays what the project's core does.
_CORE = "core"
CHECK = "check"
# An error handler (koa's onerror, flask's errorhandler, handle_error, "Default error handler.")
# RESCUES: it is there for the moment something goes wrong. Its name's "error" is no evidence
# (every error says it) and its "handler" alone cast it as a server, a lazy Susan turning
# plates all morning with no mishap in sight: its action is RESCUE, a gag that shows one.
RESCUE = "rescue"
_ERROR_HANDLER = re.compile(
    r"(?:on|handle|catch)_?(?:error|errors|err|exception|exceptions)"
    r"|(?:error|errors|exception|exceptions)_?(?:handler|handlers|handle|catch|callback)"
)
# A first sentence that says the concept hands back a NEW object ("Returns an object that
# contains a new `CancelToken` and ...", "Creates a new Command") names a factory: its
# action is CREATE, and its name only names what it makes (axios' CancelToken.source
# fetched milk from a well on "source", and on "called" of "a function that, when called").
CREATE = "create"
_FACTORY = re.compile(
    r"^(?:returns?|creates?|makes?|builds?|constructs?)\b[^.;]*?\bnew\s+(\w+)", re.I
)
_MARKUP = re.compile(r":\w+:|[`~]")  # ":class:`~flask.Response`" -> "flask.Response"
_ERROR_WORDS = frozenset({"error", "errors", "exception", "exceptions"})
_HANDLE_WORDS = frozenset({"handle", "handler", "handlers", "handles", "handling", "catch"})
# A concept whose name's action puts a failure right plays the rescue too: a retry (ky's
# retry, backoff), a fallback, a recovery, a catch (zod's ZodType.catch gives a value when
# parsing fails). Words of the name's action (_doing_words), never of its owner, and never
# an error's (an error is the trouble). And a docstring whose main clause says it swallows,
# catches or recovers from errors (click's safecall: "swallows exceptions").
_RESCUE_NAMES = frozenset({"retry", "retries", "fallback", "recover", "rescue", "catch", "backoff"})
_RESCUE_VERBS = frozenset({"swallow", "swallows", "recover", "recovers", "retry", "retries"})
# A name whose first word says it is a stand-in (httpx's MockTransport, a FakeClock, a
# DummyCache) IS a test double: that is its part, and the rest names what it stands in for
# ("transport" cast it as batter through a funnel, a stream that carries, which it fakes).
_DOUBLES = frozenset({"mock", "fake", "stub", "dummy", "spy"})
# A first sentence's subordinate clause says when, why or with what, not what the concept
# does ("Everything a film would be, and cost, before any money moves": `plan` moves
# nothing; "... otherwise it will use werkzeug's redirect"). Cut there for a non-error (an
# error's "Raised when ..." IS what it is about); a clause needs a word before it. The
# word is found after one separator and the run of separators before it stripped after:
# matching the run in the pattern was quadratic on a hostile docstring's long run of them.
_SUBORDINATE = re.compile(
    r"(?<=[\s,;:(])(?:before|after|unless|until|without|otherwise|instead|whether|although|"
    r"though|because|if|so that)\b",
    re.IGNORECASE,
)
_SEPARATORS = " \t\n\r\f\v,;:("
# Words every docstring's first sentence uses about itself ("The response object", "A function
# that ..."): no evidence there, though "Object" in a name (ZodObject) is.
_SUMMARY_FILLER = frozenset(
    {"object", "class", "function", "method", "instance", "return", "returns"}
    # and the plain English any sentence uses ("any number of processes", "use each one"):
    # a gag for zod's `any` or express's app.use plays those names, not these sentences
    | {"any", "each", "every", "all", "some", "one", "then", "also", "only", "way", "use"}
    | {"uses", "next", "way", "many", "more", "other", "same", "just", "like", "make"}
    # and what a sentence says of the call's signature, what it TAKES: rich's print "Print
    # object(s) supplied via positional arguments" filled pastry cases, a gag for arguments,
    # over the typewriter its name asks for (a concept NAMED argument still plays one)
    | {"argument", "arguments", "positional", "parameter", "parameters", "keyword"}
    | {"keywords", "arg", "args", "kwargs", "param", "params", "supplied", "given", "via"}
    # and "default", which in a sentence says WHICH one ("in the default viewer application",
    # "Default error handler", "instead of the default Signer"), not that it sets defaults:
    # typer's launch opened files in an app yet played a recipe copied to the oven dials
    | {"default"}
)
_SUMMARY_WORD = re.compile(r"[A-Za-z][a-z]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
# "-ator" names the doer as "-ation" names the doing: semver's Comparator compares
# ("comparator" kept its whole word and met no gag that compares). Not for a verb in "-ate":
# "validator" stems to valid, "validate" to validat, and the two do not meet (yet).
_SUFFIXES = ("ations", "ation", "ators", "ator", "ings", "ing", "ers", "er", "ed", "es", "s", "e")
# "-able" says what can be done to it: jinja's ChainableUndefined chains, a Callable is
# called. Only off a stem of four letters or more ("disable", "capable" keep theirs).
_ABLE = ("ables", "able")


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude stem so "parser", "parsing" and "parses" meet: one suffix off, then a final e
    ("chainable" meets "chain" too, "comparator" meets "compare")."""
    w = word.lower()
    for suffix in _ABLE:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
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


def _doing_words(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a name says its concept does, and what it only names as context.

    The last part's words do (post_load -> load: a when-prefix is dropped); a method's owner
    only says where it lives (app.get is no app, AxiosHeaders.get sends no headers), and a
    predicate's words are what it checks, not what it does (isCancel cancels nothing: its
    action is CHECK); an error handler's, a retry's or a fallback's action is RESCUE, a test
    double's its double. An abbreviation in the name is the word it stands for (semver's
    SemVer: "ver" is a version; gloss_words.ABBREVIATIONS, the captions' table)."""
    head, _, last = name.rpartition(".")
    words = tuple(ABBREVIATIONS.get(w, w).lower() for w in name_words(last))
    context = name_words(head) if head else ()
    if _ERROR_HANDLER.fullmatch(last.lower()):
        return (RESCUE,), context
    if words and words[0] in _RESCUE_NAMES:  # retryRequest: what it retries is context
        # and a retry still retries: the rescue gag is its, and so is a gag of trying again
        # (tenacity's four retry_* had one rescue picture among them and fell back)
        return (RESCUE, words[0]), (*context, *words[1:])
    if len(words) > 1 and words[0] in _DOUBLES:
        return words[:1], (*context, *words[1:])
    if len(words) > 1 and words[0] in _WHEN_PREFIXES:
        words = words[1:]
    if words and words[0] in _PREDICATES:
        return (CHECK,), (*context, *words[1:])
    return words, context


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower()


def concept_polarity(concept: Concept) -> str:
    """ "trouble" for an exception (an error the code meets), "feat" for anything else."""
    return "trouble" if concept.kind == "exception" else "feat"


def polarity_fits(concept: Concept, metaphor: Metaphor) -> bool:
    """Whether the metaphor's polarity may play this concept (neutral plays both)."""
    return metaphor.polarity == "neutral" or metaphor.polarity == concept_polarity(concept)


@functools.lru_cache(maxsize=8192)
def summary_words(summary: str, main_clause: bool = False) -> tuple[str, ...]:
    """Lower-case words of a docstring's first sentence: "Sends a `GET` request." ->
    ("sends", "get", "request"); main_clause: only those before a subordinate clause
    (_SUBORDINATE)."""
    first = re.split(r"(?<=[.!?])\s", summary.strip(), maxsplit=1)[0]
    cut = _SUBORDINATE.search(first) if main_clause else None
    if cut:
        first = first[: cut.start()].rstrip(_SEPARATORS)
    return tuple(w.lower() for w in _SUMMARY_WORD.findall(first))


def score(concept: Concept, metaphor: Metaphor, ignore: frozenset[str] = frozenset()) -> float:
    """How well a metaphor plays a concept (see the module docstring); 0 means not at all.

    ignore: words that are no evidence (the project's own name: scoring.project_words).
    """
    if not polarity_fits(concept, metaphor):
        return 0.0
    rule = metaphor.matches
    kind_ok = not rule.kinds or concept.kind in rule.kinds
    total = 0.0
    if rule.names:
        names = _short_names(tuple(rule.names))
        if concept.name.lower() in names or _short(concept.name) in names:
            total = NAME
        elif any(_short(b) in names for b in concept.bases):
            total = BASE
    if rule.words or metaphor.roles:
        wanted, own, says, docs, puns = _terms(concept, metaphor, ignore)
        name_hits = NAME_WORD * min(len(own & wanted - puns), MAX_WORD_HITS)
        doc_hits = SUMMARY * min(len(says & wanted), MAX_SUMMARY_HITS)
        doc_hits += DOC_WORD * min(len((docs & wanted) | puns), MAX_WORD_HITS)
        if puns and not total and not name_hits and doc_hits <= DOC_WORD * len(puns):
            return SAME_KIND  # the name's pun on a prop is all: no role (module docstring)
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


def _terms(
    concept: Concept, metaphor: Metaphor, ignore: frozenset[str]
) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(the metaphor's wanted stems, the concept's own name stems, what its summary says, its
    other docs, the name's puns on a prop): the sets score() weighs and explain() shows."""
    wanted = _wanted(tuple(metaphor.matches.words), tuple(metaphor.roles))
    own, says, docs = _evidence(
        concept.name,
        concept.summary,
        tuple(concept.words),
        _skipped(ignore),
        concept.kind != "exception",
    )
    return wanted, own, says, docs, own & wanted & prop_words(metaphor.props)


def explain(
    concept: Concept, metaphor: Metaphor, ignore: frozenset[str] = frozenset()
) -> dict[str, frozenset[str] | bool]:
    """Which stems of the concept met which of the metaphor's roles/words, term by term (the
    sets score() counts): what a person reads to see WHY a gag plays a concept
    (eval/fit_terms.py prints it for every cast of the eval's films)."""
    rule = metaphor.matches
    wanted, own, says, docs, puns = _terms(concept, metaphor, ignore)
    return {
        "name": own & wanted - puns,
        "summary": says & wanted,
        "docs": docs & wanted,
        "puns": puns,
        "kind_ok": not rule.kinds or concept.kind in rule.kinds,
    }


# score() runs for every (concept, metaphor) pair, yet what it stems depends on one side
# only: each side's stems are worked out once (a warm `sorafilm plan` stemmed a concept's
# words again for each of ~160 metaphors; issue 14).
@functools.lru_cache(maxsize=64)
def _skipped(ignore: frozenset[str]) -> frozenset[str]:
    """_IGNORED_TOKENS and the project's words, made once per project rather than once per
    (concept, metaphor) pair; the same set each time also hashes once as _evidence's key."""
    return _IGNORED_TOKENS | ignore


@functools.lru_cache(maxsize=4096)
def _short_names(names: tuple[str, ...]) -> frozenset[str]:
    """The last parts of a metaphor's names, lower-case."""
    return frozenset(_short(n) for n in names)


@functools.lru_cache(maxsize=4096)
def _wanted(words: tuple[str, ...], roles: tuple[str, ...]) -> frozenset[str]:
    """The stems a metaphor's words and roles look for."""
    return frozenset(stem(w) for w in (*words, *roles))


@functools.lru_cache(maxsize=4096)
def _evidence(
    name: str, summary: str, words: tuple[str, ...], skip: frozenset[str], main_clause: bool
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """A concept's stems (skip left out): what its name says it does (_doing_words), its
    summary's (filler left out too; main_clause: the main clause's only) not in its name,
    and its other words' in neither, with what its name only names as context (a method's
    owner, what a predicate checks): those are keywords, not its action."""
    doing, context = _doing_words(name)
    quiet = skip | _SUMMARY_FILLER
    said = summary_words(summary, main_clause)
    # the whole first sentence: "Wraps a function so that it swallows exceptions" rescues
    whole = summary_words(summary) if main_clause else ()
    if _ERROR_WORDS.intersection(whole) and (_HANDLE_WORDS | _RESCUE_VERBS).intersection(whole):
        quiet = quiet | _HANDLE_WORDS  # "Default error handler.": it rescues, serves nothing
        said = (*said, RESCUE)
    made = _FACTORY.match(_MARKUP.sub("", summary).strip()) if main_clause and doing else None
    # ... unless its name says what it makes: click's command "Creates a new subcommand"
    if made and doing[0] != RESCUE and not _names_made(doing, made.group(1)):
        doing, context = (CREATE,), (*context, *doing)
        said = ()  # what the new object does is its own concept's, not the factory's
    told = [w for w in said if w not in quiet]
    fetch = doing == _FETCH and not told  # what its docstring says of it, when it says
    own = {stem(t) for t in doing if t not in skip or fetch}
    # the owner a first sentence names ("Get or set the name of the command") is where the
    # method lives, as in its name: Command.name played the command gags on "command"
    where = {stem(t) for t in context}
    says = {stem(w) for w in told} - own - where
    named = [*context, *(w.lower() for w in words)]
    if doing and all(t in skip for t in doing) and not set(doing) <= _IGNORED_TOKENS:
        named.append(_CORE)  # named after the project (typer's Typer): its core object
    docs = {stem(w) for w in named if w not in skip} - own - says
    return frozenset(own), frozenset(says), frozenset(docs)


def _names_made(doing: tuple[str, ...], made: str) -> bool:
    """Whether a factory's name says what it makes ("command" of "a new subcommand")."""
    thing = made.lower()
    return any(stem(w) in thing for w in doing if len(w) > 2)


def rescues(concept: Concept) -> bool:
    """Whether the concept is an error handler (its action is RESCUE: onerror, errorhandler,
    "Default error handler."): the concept that overcomes a film's errors by what it does,
    and a rescue to show even in a film whose project defines no error (plot.rescuer)."""
    if concept.kind == "exception":
        return False
    own, says, _ = _evidence(concept.name, concept.summary, (), _IGNORED_TOKENS, True)
    return stem(RESCUE) in own | says


@functools.lru_cache(maxsize=4096)
def prop_words(props: tuple[str, ...]) -> frozenset[str]:
    """Stems of the words of a gag's props: the things on screen ("string of sausages" ->
    string, sausag). A concept whose NAME is one of them is a pun on the picture (zod's
    `string`, http's cookies and a cookie jar), not a concept that does what the gag shows."""
    return frozenset(stem(w) for p in props for w in _SUMMARY_WORD.findall(p.lower()))


def project_words(*names: str) -> frozenset[str]:
    """The words of a project's name(s) ("flask", "click"): no evidence of what a concept does."""
    out: set[str] = set()
    for n in names:
        out.update(w for w in name_words(n) if len(w) > 2)
        out.update(w for w in re.findall(r"[a-z]{3,}", n.lower()))
    return frozenset(out)


def rank(
    concept: Concept, metaphors: Sequence[Metaphor], ignore: frozenset[str] = frozenset()
) -> tuple[tuple[Metaphor, float], ...]:
    """Every metaphor that could play this concept, with its score, best first (ties: order)."""
    scored = [(i, m, score(concept, m, ignore)) for i, m in enumerate(metaphors)]
    ranked = sorted((t for t in scored if t[2] > 0), key=lambda t: (-t[2], t[0]))
    return tuple((m, s) for _, m, s in ranked)
