"""Glosses: what a concept shot's lower third says ("Blueprint: a collection of routes").

Apart from captions.py (the timeline and WebVTT contract) because choosing the sentence that
teaches is a craft of its own: openings that say nothing dropped, a clause that only restates
the name or compares skipped for the next one, a base class said when no prose teaches.
story.fallback_gloss takes over when no docstring clause teaches. Cleaning and cutting the
text itself (markup off, a clause cut short) knows no concept and lives in story.clauses;
its names are re-exported here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .clauses import DANGLING, RUN_ON, article, lowered_opening, plain, short_clause
from .gloss_cuts import (
    CONDITION,
    ends_a_phrase,
    in_a_list,
    point_after,
    sensible_end,
    thrown,
    word_cut,
)
from .gloss_phrases import reduced, statement
from .gloss_words import spell_code_words, third_person

__all__ = ["DANGLING", "GLOSS_LIMIT", "gloss", "plain", "short_clause", "teaching_clauses"]

# -- glosses: what a concept shot's lower third says ---------------------------------------

#: The longest gloss a lower third holds: about ten words, read in three seconds.
GLOSS_LIMIT = 60

# A summary that is not prose: a count ("raised 4×", "in 56 docstrings"), a usage-docs link
# or a line of code ("url = httpx.URL(...)").
_NOT_PROSE = re.compile(
    r"^(?:in \d+ docstrings?|raised \d|caught \d|usage docs?:|example:|[\w.]+\s*=|>>>)", re.I
)
# Openings that say nothing a caption needs: "Represents a ...", "This class ...".
_FILLER_OPENING = re.compile(
    r"^(?:represents|this (?:class|function|method|module|object|exception)(?: is)?|"
    r"an? (?:class|function|helper|object) (?:that|which|to|for)|class (?:that|for)|"
    r"implementation of|initiali[sz]e|it|this(?=\s+(?:can|may|will|must|should)\s)|"
    r"the (?:\w+ ){0,2}object,?(?: that| which)?|"
    r"an? (?:internal |generic |custom )?(?:exception|error)(?: class)?(?: that| which)?)\s+"
    r"(?:is\s+|are\s+)?",
    re.I,
)
_RAISED = re.compile(
    r"^(raised|thrown|signals?|signalled)\s+(if|when|whenever|"
    r"to\s+(?:tell|show|signal|indicate)\s+(?:the\s+(?:user|caller)\s+)?that)\s+",
    re.I,
)


# "There was an ambiguous exception that occurred while handling your request": an error's
# docstring that says when it comes as something that occurred, said as when it is raised
# ("raised while handling your request"); the noun before it only called it an error.
_OCCURRED = re.compile(
    r"^(?:there\s+(?:was|is)\s+)?(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:exception|error)\s+"
    r"(?:that|which)\s+(?:occurred|occurs|happened|happens)\s+(while|when|if|during)\s+",
    re.I,
)


def _raised(m: re.Match[str]) -> str:
    """ "raised if ", "thrown when ": how the docstring says it, "when" for the rest."""
    how = m.group(2).lower() if m.group(2).lower() in ("if", "when") else "when"
    said = "thrown" if m.group(1).lower() == "thrown" else "raised"
    return f"{said} {how} "


# "The response object that is used by default": the noun phrase, then a participle with no
# subject of its own; the caption keeps the noun ("the response object used by default").
_NOUN_THEN_PARTICIPLE = re.compile(
    r"^(the\s+(?:\w+\s+){0,2}object),?\s+(?:(?:that|which)\s+(?:is|are)\s+)?"
    r"(?=\w+(?:ed|en|wn|lt|nt|de)\s)",
    re.I,
)


def _restates(name: str, clause: str) -> bool:
    """Whether a clause teaches nothing about ``name``: it only names it ("a blueprint" for
    Blueprint, "InvalidArgumentError class"), calls it by its own kind ("a user-created
    Request object", "the Path type is ...", "... is the Environment"), only compares it to
    something else ("works like Serializer", "similar to the File type"), or is one bare word."""
    words = [w for w in re.findall(r"[a-z0-9]+", clause.lower()) if w not in DANGLING]
    parts = set(re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()))
    joined = re.sub(r"[^a-z0-9]", "", name.lower())
    rest = [w for w in words if w not in parts and w != joined and w not in _NAMING_WORDS]
    # one bare word ("shorthand") says nothing; "a field" says what kind of thing it is
    lone = len(words) < 2 and not re.match(r"(?:an?|the)\s", clause, re.I)
    # "raised when schema": the limit cut the condition down to a word
    lone = lone or bool(re.fullmatch(r"(?:raised|thrown)\s+(?:if|when)\s+\S+", clause))
    code = bool(re.search(r"\w\(", clause)) and len(clause.split()) < 3  # "http.createServer()"
    if not rest or lone or code or _COMPARES.search(clause) or _BASE_ONLY.fullmatch(clause):
        return True
    own = name.rsplit(".", 1)[-1]
    short = re.escape(own)
    # "a Requests session" for Session: the name with its owner's or project's proper name
    if _may_hold(clause, own) and re.fullmatch(
        rf"(?i:an?|the)\s+[A-Z][\w-]*\s+(?i:{short})s?", clause
    ):
        return True
    return own in clause and bool(  # the name as it is spelled, or no match
        re.search(
            rf"(?<=\s){short}\s+(?:{_KIND_NOUNS})s?\b|\bis\s+(?:the|an?)\s+{short}\W*$", clause
        )
    )


# Adjectives that say which one of its kind a thing is, and nothing it does.
_WHICH_ONE = "default|base|basic|generic|simple|main|standard|plain|abstract|core"
# Words that only name or publish it: "Expose `Application` class." says nothing it does.
_NAMING_WORDS = frozenset({"class", "object", "expose", "exposes", "export", "exports"})
# Only its base: "Inherits from `Emitter.prototype`." (what an Application does is elsewhere)
_BASE_ONLY = re.compile(
    r"(?:inherits|derives|extends|subclasses)\s+(?:from\s+)?(?:the\s+)?[\w.#]+(?:\(\))?", re.I
)
# What a thing is called, not what it does: "the Request object", "the Path type".
_KIND_NOUNS = "object|type|class|instance|interface|function|method|module"
# A clause that only compares (the reader must already know the other thing).
_COMPARES = re.compile(
    r"^(?:works|behaves|acts)\s+(?:just\s+|exactly\s+)?like\b|^(?:just\s+)?like\b|"
    r"^(?:similar|identical|equivalent|analogous)\s+to\b|^(?:the\s+)?same\s+as\b|"
    r"\b(?:is|are)\s+(?:very\s+)?(?:similar|identical|equivalent|analogous)\s+to\b|"
    # "This is more or less compatible with Django's naturaltime filter" (humanize)
    r"\b(?:is|are)\s+(?:(?:more\s+or\s+less|mostly|fully|largely|roughly|broadly)\s+)?"
    r"(?:backwards?[\s-])?compatible\b|"
    r"^uses\s+\S+\s+instead\b",
    re.I,
)


@lru_cache(maxsize=256)
def _name_words(name: str) -> tuple[str, ...]:
    """The words of a name as the per-name patterns spell it: "CancelToken" -> Cancel, Token."""
    return tuple(re.findall(r"[A-Za-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name)))


def _may_hold(text: str, *words: str) -> bool:
    """False only when ``text`` cannot hold every one of ``words``, case aside: an ASCII text
    without one of them (ASCII words). Then a pattern made for a name is not compiled just to
    find no match: ~1 ms each, compiled per concept name on every plan (issue 14). A text
    or word that is not ASCII says True (case-insensitive matching of other letters is not
    str.lower's: 'ſ' matches 's'), and the pattern decides."""
    if not text.isascii():
        return True
    low = text.lower()
    return all(not w.isascii() or w.lower() in low for w in words)


def _name_is(name: str) -> re.Pattern[str]:
    """ "The context is ...", "A CancelToken is ...", "Commands are ...": the name (or its
    plural) restated as a subject."""
    words = r"\s*".join(re.escape(w) for w in _name_words(name))
    return re.compile(rf"^(?:(?:the|an?)\s+)?{words}s?\s+(?:is|are)\s+", re.I)


def _name_does(name: str) -> re.Pattern[str]:
    """ "Koa's Request object provides ...", "An AxiosHeaders object instance can ...": the
    name (called by its kind, or its owner's) as the subject of a verb; the caption keeps the
    predicate ("provides helpful methods ...")."""
    words = r"\s*".join(re.escape(w) for w in _name_words(name))
    return re.compile(
        rf"^(?:(?:the|an?)\s+|[\w.]+['’]s\s+)?{words}(?:\s+(?:{_KIND_NOUNS}))*\s+"
        r"(?=(?:[a-z]+ly\s+)?(?:(?:can|will|may|must|should|lets|allows)\s|[a-z]+[^su\W]s\s))",
        re.I,
    )


# Base classes that teach nothing in a caption.
_PLAIN_BASES = frozenset(
    [
        "object",
        "Exception",
        "BaseException",
        "Error",
        "ValueError",
        "TypeError",
        "RuntimeError",
        "KeyError",
        "LookupError",
        "IOError",
        "OSError",
        "AssertionError",
        "Generic",
        "typing.Generic",
        "ABC",
        "Protocol",
        "EventEmitter",
    ]
)


def _same_kind(base: str, name: str) -> bool:
    """A base that teaches nothing about name: a mixin (JupyterMixin), or one whose name and
    the concept's hold each other (Context on click's Context, URLSafeSerializerMixin)."""
    return base.endswith("Mixin") or base.lower() in name.lower() or name.lower() in base.lower()


def gloss(
    name: str,
    summary: str,
    *,
    kind: str = "",
    bases: tuple[str, ...] = (),
    limit: int = GLOSS_LIMIT,
) -> str:
    """A concept's lower third: its name and its docstring's first clause, short.

    "Blueprint: a collection of routes" from "Represents a blueprint, a collection of routes
    and other app-related functions that can be registered on a real application later."
    Markup is taken off, openings that say nothing ("Represents", "This class") are dropped,
    "Raised if X" reads "when X", a clause that only restates the name or compares gives way
    to the next one, then to the next sentence, and the whole ends at a word boundary within
    ``limit`` characters. With no prose to draw on, a project base class says what it is
    ("ZodObject: a ZodType"), else the name.
    """
    head = f"{name}: "
    # the first sentence that teaches: "A user-created Request object. Used to prepare
    # a PreparedRequest." -> "used to prepare a PreparedRequest"
    # a clause that only says it forwards ("proxy to the app Router#route()") speaks last:
    # a later sentence that says what comes back ("returns a new Route instance") teaches
    # and one that only calls it by its kind ("the default undefined type") speaks after one
    # that says what it does ("can be printed, iterated, and treated as a boolean")
    clauses = teaching_clauses(name, summary, limit - len(head), kind)
    for clause in sorted(clauses, key=lambda c: _forwards(c) or _kind_of_name(name, c)):
        return head + _whole_point(name, summary, clause, limit + CUT_EXTRA - len(head), kind)
    text = plain(summary)
    # "Uses TimestampSigner instead of the default Signer." on a Serializer: only a
    # comparison alone, but with its base it says what the class is
    uses = re.match(r"uses\s+([\w.]+)\s+instead\b", text, re.I)
    real = [b.rsplit(".", 1)[-1] for b in bases if b.rsplit(".", 1)[-1] not in _PLAIN_BASES]
    if uses and real and not real[0].endswith("Mixin"):
        said = f"{head}{article(real[0])} {real[0]} that uses {uses.group(1).rsplit('.', 1)[-1]}"
        if len(said) <= limit:
            return said
    if kind == "theme":
        m = re.match(r"in (\d+) docstrings?", summary.strip())
        if m:
            return f"{name}: a word in {m.group(1)} of its docstrings"
    own = [  # a base of its own name (typer's Context on click's) says nothing either
        b.rsplit(".", 1)[-1]
        for b in bases
        if b not in _PLAIN_BASES
        and b.rsplit(".", 1)[-1] not in _PLAIN_BASES
        and not _same_kind(b.rsplit(".", 1)[-1], name.rsplit(".", 1)[-1])
    ]
    if own:
        text = f"{head}{article(own[0])} {own[0]}"
        if len(text) <= limit:
            return text
    return name if len(name) <= limit else short_clause(name, limit)


#: How much longer than its limit a gloss may run where the cut left only a verb and its bare
#: object ("CancelToken.source: returns an object", cut before "that contains a new
#: CancelToken"): the 12 words a lower third holds on the shortest clip, the room
#: fallback_gloss.caption_choices already gives a caption that must differ from another.
CUT_EXTRA = 12


def _whole_point(name: str, summary: str, clause: str, room: int, kind: str = "") -> str:
    """``clause``, or where the cut left three words at most, the same clause cut within
    ``room`` when that says at least two more words of it; a cut that stops before its
    sentence's point (before a condition, on an operator: gloss_cuts.sensible_end) said to a
    sensible end."""
    # a condition is the point of an error's caption: "thrown if the response status is
    # not in the range" lost "of 200...299"
    # (only a sentence that throws it: a docstring's own "Raised if ..." keeps its cut)
    condition = bool(CONDITION.match(clause)) and bool(thrown(name).search(plain(summary)))
    said = _longer(name, summary, clause, room, kind, condition=condition)
    if condition:
        return said  # an error's condition: _longer's own rule
    return sensible_end(summary, said, room) or said


def _longer(
    name: str, summary: str, clause: str, room: int, kind: str = "", *, condition: bool
) -> str:
    """_whole_point's clause, before sensible_end; ``condition``: the clause is an error's
    condition (_whole_point decides it once for both)."""
    # a clause cut before the examples its noun stands for, or before what it is for
    after = point_after(summary, clause, room) if not condition else ""
    if after:
        return after
    # a list cut before its last item ("can be printed, iterated" before ", and treated as a
    # boolean") reads clipped: said whole where it fits
    if len(clause.split()) > 3 and not condition and not in_a_list(plain(summary), clause):
        return clause
    more = 1 if condition else 2  # "... a non-2xx status" lacked only its "code"
    if len(clause.split()) > 3 and not condition:  # a list: only its whole end
        whole = [
            t for t in teaching_clauses(name, summary, room, kind) if t.startswith(clause + ",")
        ]
        longer = whole[0] if whole else ""
        done = bool(longer) and not in_a_list(plain(summary), longer)
        return longer if done and ends_a_phrase(plain(summary), longer) else clause
    for longer in teaching_clauses(name, summary, room, kind):
        if longer.startswith(clause + " ") and len(longer.split()) >= len(clause.split()) + more:
            return longer if ends_a_phrase(plain(summary), longer) else clause
    return word_cut(summary, clause, room) or clause


# "proxy to Router#param()", "an alias of get": it forwards to something else, and says no
# purpose of its own ("proxy Router#use() to add middleware" says one)
_FORWARDS = re.compile(r"^(?:an?\s+)?(?:prox(?:y|ies)|alias(?:es)?|delegates?)\b", re.I)
_PURPOSE = re.compile(r"\bto\s+(?!the\b|an?\b)[a-z]+\b")


def _kind_of_name(name: str, clause: str) -> bool:
    """Whether a clause only calls the concept by its own name and kind, with an adjective
    that says which one ("the default undefined type" on Undefined)."""
    spelled = r"\s*".join(re.escape(w) for w in _name_words(name.rsplit(".", 1)[-1]))
    kind_of = rf"(?i:the|an?)\s+(?:(?i:{_WHICH_ONE})\s+)+(?i:{spelled})"
    return bool(spelled) and bool(re.fullmatch(rf"{kind_of}(?:\s+(?i:{_KIND_NOUNS}))?", clause))


def _forwards(clause: str) -> bool:
    """Whether a clause only says that the concept forwards to something else."""
    return bool(_FORWARDS.match(clause)) and not _PURPOSE.search(clause)


def teaching_clauses(name: str, summary: str, room: int, kind: str = "") -> list[str]:
    """The clause of each of the first three sentences of ``summary`` that teaches something
    about ``name`` (a concept of ``kind``), each within ``room`` characters, in order: gloss
    says the first, and a film whose captions would read alike says a later one
    (fallback_gloss.caption_choices)."""
    text = plain(spell_code_words(summary))
    if not text or _NOT_PROSE.match(text) or room < 12:
        return []
    out = []
    for sentence in _SENTENCE_END.split(text)[:3]:
        clause = _clause(name, sentence, room, kind)
        if clause and clause not in out:
            out.append(clause)
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|" + RUN_ON)


# A clause that only says what kind of thing it is ("a class decorator", "a helper
# function"), and the same kind phrase with what it does after it ("... that adds", "...
# used to create").
_KIND_PHRASE = (
    r"(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:decorator|class|function|method|object|helper|"
    r"type|instance|interface|module|callable|wrapper|utility|mixin)s?"
)
_KIND_ONLY = re.compile(_KIND_PHRASE, re.I)
_KIND_THEN = re.compile(
    _KIND_PHRASE + r",?\s+(?:that|which|(?:(?:used|meant|designed|intended)\s+)?to)\s+(\w.*)$",
    re.I,
)


# An admonition's label before the sentence it marks: "Note: `hideBin` is a shorthand ...".
_LABEL = re.compile(r"^(?:note|tip|hint|important|warning|caution|n\.b\.)\s*:\s+(?=\S)", re.I)


def _clause(name: str, sentence: str, room: int, kind: str = "") -> str:
    """The clause of one docstring sentence a caption shows, or "" when it teaches nothing."""
    sentence = _LABEL.sub("", sentence)
    # "these will throw an HTTPError if the response status is ...": said of the error
    # ("thrown if the response status is ..."), as its own "Raised if ..." would be
    throws = thrown(name).search(sentence) if _may_hold(sentence, name) else None
    if throws:
        said = "raised" if throws.group(1).lower().startswith("rais") else "thrown"
        sentence = f"{said} {throws.group(2).lower()} {throws.group(3)}"
    original = text = sentence
    # "Works like Serializer but dumps into a URL safe string": what it adds is the lesson
    m = re.match(r"(.*?)\s+but\s+(\w.*)$", text)
    if m and _COMPARES.search(m.group(1)):
        text = m.group(2)
    # "Raised if a signature does not match": an exception is "raised if ..." (a bare
    # "when ..." is a fragment that no longer says it is raised); its own "if" or "when"
    text = _RAISED.sub(_raised, text)
    # (only an exception is raised: "The error that occurred during the last request" on a
    # lastError function is what it returns)
    if kind == "exception":
        text = _OCCURRED.sub(lambda m: f"raised {m.group(1).lower()} ", text)
    text, kept_noun = _NOUN_THEN_PARTICIPLE.subn(r"\1 ", text)
    if not kept_noun:
        text = _FILLER_OPENING.sub("", text)
    named = _name_is(name).sub("", text) if _may_hold(text, *_name_words(name)) else text
    if named != text:  # "A CancelToken is an object that ...": that opening says nothing too
        text = _FILLER_OPENING.sub("", named)
    elif _may_hold(text, *_name_words(name.rsplit(".", 1)[-1])):
        text = _name_does(name.rsplit(".", 1)[-1]).sub("", text)
        # "Type adapters provide a flexible way ..." -> "provides a flexible way ..."
        text = _plural_does(name.rsplit(".", 1)[-1]).sub(
            lambda m: (m.group(1) or "") + third_person(m.group(2)), text, count=1
        )
    # only a sentence's own first word loses its capital
    initial = text.split(" ", 1)[0] == original.split(" ", 1)[0]
    # "An undefined that is chainable, where both __getattr__ and __getitem__ return itself":
    # when the first clause only names it, what follows ", where" is the lesson
    after = r",\s+(?=(?:a|an|the)\s)|,\s+(?:where|so that|in which)\s+"
    pieces = re.split(after, text, maxsplit=1)
    for piece in (p.strip() for p in pieces):
        clause, said_in = short_clause(reduced(piece, room), room), room
        if clause and _restates(name, clause):
            # "Register a plugin | and return its name" on PluginManager.register: the cut
            # kept only the part that restates the name, and a later "If the plugin is
            # already registered" spoke instead; the clause goes on to what it teaches
            wider = short_clause(reduced(piece, room + CUT_EXTRA), room + CUT_EXTRA)
            clause, said_in = (
                (wider, room + CUT_EXTRA) if wider.startswith(clause + " ") else (clause, room)
            )
        # "A class decorator that adds dunder methods ...": only its kind was left; what
        # follows the kind says what it does
        m = _KIND_THEN.match(piece) if clause and _KIND_ONLY.fullmatch(clause) else None
        then = short_clause(m.group(1), room) if m else ""
        if then and not _restates(name, then):
            # "... used to create a dataclass": the verb after "to" is bare, said of it
            to = bool(m and re.search(r"\bto\s+$", piece[: m.start(1)]))
            return statement(name, then, room, imperative=to)
        if clause and not _restates(name, clause):
            if initial:  # "HTTP" and "Least Recently Used (LRU)" stay (clauses.py)
                clause = lowered_opening(clause, piece)
            return statement(name, clause, said_in, imperative=initial)
    # "Construct a Syntax object to render syntax highlighted code": after the name called
    # by its kind, what it is for
    short = re.escape(name.rsplit(".", 1)[-1])
    m = re.search(
        rf"\b{short}(?:\s+(?:{_KIND_NOUNS}))?,?\s+((?:to|that|which|for|containing)\s+\w.*)", text
    )
    if m:
        said = re.sub(r"^(?:to|that|which|for)\s+", "", m.group(1))
        # "..., containing the exact bytes that will be sent": said of it, "contains ..."
        said = re.sub(r"^containing\b", "contains", said)
        clause = short_clause(reduced(said, room), room)
        if clause and not _restates(name, clause):
            to = m.group(1).startswith("to ")
            return statement(name, clause, room, imperative=to, purpose=to)
    return ""


def _plural_does(name: str) -> re.Pattern[str]:
    """ "Type adapters provide ...": the name in the plural as the subject of a verb."""
    words = r"\s*".join(re.escape(w) for w in _name_words(name))
    # an adverb before the verb stays as it is ("Sessions also provide" -> "also provides")
    adverb = r"((?:also|often|always|never|only|[a-z]+ly)\s+)?"
    # not the name as the sentence's own verb: "Coerces a string to semver" on coerce is no
    # plural "coerces" doing "a" ("coerce: as string to semver")
    verb = rf"(?!{_DETERMINERS}\s)([a-z]+)"
    return re.compile(rf"^(?:(?:the|an?)\s+)?{words}s\s+{adverb}{verb}(?=\s)", re.I)


# words that open a noun phrase, never a verb
_DETERMINERS = r"(?:a|an|the|this|that|these|those|its|their|each|every|all|some|any|no|one)"
