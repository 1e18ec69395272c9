"""Where a caption's clause may end, and what an error's README sentence says: the cuts
gloss.py makes when its first cut stopped before the point ("pass_context: marks a callback"
before "as wanting to receive the current context"; "can be printed, iterated" before ", and
treated as a boolean"; "thrown if the response status is not in the range" before "of
200...299"). Apart from gloss.py, which chooses the clause, so that each stays under the
module size (tests/test_module_size.py); clauses.py cuts text that knows no concept.
"""

from __future__ import annotations

import re

from ..analysis.text import CONDITION_WORD, throws_when
from .clauses import DANGLING, NEEDS_MORE, plain
from .gloss_words import spell_code_words

__all__ = [
    "CONDITION",
    "ends_a_phrase",
    "in_a_list",
    "point_after",
    "sensible_end",
    "thrown",
    "word_cut",
]


def in_a_list(text: str, clause: str) -> bool:
    """Whether ``clause`` ends on an item of a comma list that goes on in ``text`` (",
    iterated | , and treated as a boolean"): the clause names some of its items."""
    tail = " ".join(clause.split()[-2:]).lower()
    at = text.lower().find(tail)
    if at < 0 or "," not in clause:
        return False
    return bool(re.match(r",\s+(?:and\s+|or\s+)?\w", text[at + len(tail) :]))


CONDITION = re.compile(rf"(?:raised|thrown)\s+{CONDITION_WORD}\s", re.I)

# words a cut may not end on beyond clauses.DANGLING: a modal or an auxiliary wants its verb
# ("indicating that they should"), a participle that opens a phrase wants its phrase
_WANTS_MORE = frozenset({"should", "would", "could", "must", "might", "shall", "get", "gets"})


def word_cut(summary: str, clause: str, room: int) -> str:
    """ "marks a callback as wanting to receive the current context" where every phrase cut
    left "marks a callback": the sentence the clause opens, cut at the last word within
    ``room``, when that says three more words and ends where a phrase may (not on an article,
    a preposition, a modal or a participle that wants its object, nor one word before the
    sentence's end). The phrase cuts of clauses.short_clause stop before "as wanting ...",
    which is the point of pass_context; "" when no such cut reads whole."""
    text = plain(spell_code_words(summary))
    at = text.lower().find(clause.split(" ", 1)[-1].lower())
    first = clause.split(" ", 1)[0]
    start = text.lower().rfind(" ", 0, at - 1) + 1 if at > 0 else -1
    if at <= 0 or text[start:at].strip().lower().rstrip("s") != first.lower().rstrip("s"):
        return ""  # the clause is not said word for word at the sentence's start
    rest = re.split(r"(?<=[.!?;:])\s", text[at:], maxsplit=1)[0].rstrip(".!?;:")
    words = f"{first} {rest}".split()
    while words and len(" ".join(words)) > room:
        words.pop()
    while words and words[-1].lower().strip(",") in DANGLING | _WANTS_MORE:
        words.pop()
    cut = " ".join(words).rstrip(",")
    if (
        len(words) < len(clause.split()) + 3
        or words[-1].lower() in NEEDS_MORE
        or not words[-1].isalnum()
        or not ends_a_phrase(text, cut)
    ):
        return ""
    return cut


def ends_a_phrase(text: str, clause: str) -> bool:
    """Whether ``clause`` ends where a phrase of ``text`` may: not one word before its
    sentence's end, which is the noun its phrase is about ("a new unattached | argument.")."""
    tail = " ".join(clause.split()[-2:]).lower()
    at = text.lower().find(tail)
    if at < 0:
        return True  # said otherwise than written ("returns"): its cut was judged already
    return not re.match(r"\s+[\w-]+(?:[.!?;:](?:\s|$)|$)", text[at + len(tail) :])


def thrown(name: str) -> re.Pattern[str]:
    """ "... will throw an HTTPError if <condition>": the verb that throws the concept, the
    word that opens its condition, and the condition, without a phrase set off by commas
    right after that word ("when, after following redirects, the response ..." -> "when the
    response ..."): analysis.readme_names.thrown_sentence finds such README sentences."""
    short = re.escape(name.rsplit(".", 1)[-1])
    return re.compile(throws_when(short) + r"(\w.*)$", re.I)


# What a sentence says right after a clause cut short, where that is its point: the examples
# its object stands for ("important shared variables | like configuration, filters, tests,
# globals and others"), or what it is for ("decorate methods on the class | indicating that
# they should be used to validate fields").
_EXAMPLES = re.compile(r"\s+(?:like|such\s+as|including)\s+(\w[\w\s,/-]*?)\s*(?:[.;:(]|$)", re.I)
_PURPOSE_AFTER = re.compile(
    r",?\s+(?:(?:indicating|meaning|marking|signall?ing)\s+(?:that\s+)?(?:it|they)\s+"
    r"(?:should|must|will|is\s+to|are\s+to)\s+be\s+used\s+)?"
    r"(to\s+(?!(?:the|an?|its|their|this|that|these|those|your|each|every|all|any)\s)"
    r"[a-z]+\s[^.;:,(]*)\s*(?:[.;:,(]|$)",
)
_LIST_OPENS = re.compile(r"\s+(?:like|such\s+as|including)\s", re.I)
_LIST_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def point_after(summary: str, clause: str, room: int) -> str:
    """``clause`` said with the point its sentence makes right after it, within ``room``:
    "contains configuration, filters, tests, globals and others" for "contains important
    shared variables" (a "like" or "such as" list names what its noun holds: the list says
    it, at least three of its items, where the clause is a verb and its bare object), or
    "decorates methods on the class to validate fields" (what "indicating that they should
    be used to" or a plain "to" says it is for, whole); "" when the sentence goes on
    otherwise or the point does not fit."""
    text = plain(spell_code_words(summary))
    # a cut inside the list ("... like timetables" before ", routes, drivers"): the noun
    # before it is where the clause stops
    inside = _LIST_OPENS.search(clause)
    if inside and re.match(r"\s*(?:,|and\s|or\s)", _after(text, clause)):
        clause = clause[: inside.start()]
    if len(clause.split()) < 2:
        return ""
    rest = _after(text, clause)
    m = _EXAMPLES.match(rest)
    verb, _, noun = clause.partition(" ")
    # a verb and its bare object: "a collection | of things like ..." has no verb to say the
    # examples with, "holds things | for later like ..." an object that goes on
    if m and not {w.lower() for w in (verb, *noun.split())} & DANGLING:
        items, said_to = _list_items(m.group(1))
        whole = f"{verb} {m.group(1)[:said_to].strip()}"
        if len(items) >= 3 and len(whole) <= room:
            return whole
        for k in range(len(items) - 1, 2, -1):
            said = f"{verb} {', '.join(items[:k])}"
            if len(said) <= room:
                return said
        return ""
    m = _PURPOSE_AFTER.match(rest)
    # the purpose whole, to its sentence's end or comma: "to verify that the value" cut
    # before "hasn't been changed" says a that-clause without its verb
    said = f"{clause} {m.group(1).strip()}" if m else ""
    if not said or len(said) > room or said.split()[-1].lower() in DANGLING | NEEDS_MORE:
        return ""
    return said


# what opens a clause of its own, not one more example: ", so restart the server" or ",
# which the app calls settings" after a list run to its sentence's end
_NOT_AN_ITEM = frozenset({"which", "that", "so", "but", "when", "where", "if"})


def _list_items(listed: str) -> tuple[list[str], int]:
    """The examples of a "like" list and where the last of them ends in ``listed``: the
    pattern runs to the sentence's end, so the list ends at the first part that is no
    example, longer than three words or opening a clause (", so restart the server after
    changes" counted as a third item made "paths and ports" pass the three-item check)."""
    items: list[str] = []
    said_to = 0
    start = 0
    for sep in [*_LIST_SPLIT.finditer(listed), None]:
        end = sep.start() if sep else len(listed)
        item = listed[start:end].strip()
        if item:
            words = item.split()
            if len(words) > 3 or words[0].lower() in _NOT_AN_ITEM:
                break
            items.append(item)
            said_to = end
        start = sep.end() if sep else len(listed)
    return items, said_to


def _after(text: str, clause: str) -> str:
    """What ``text`` says after ``clause``'s last two words, "" where it does not say them."""
    tail = " ".join(clause.split()[-2:]).lower()
    at = text.lower().find(tail)
    return text[at + len(tail) :] if at >= 0 and tail else ""


# Where a cut stops before its sentence's point (tenacity's docstrings, cut at the limit:
# "retry strategy that retries | if an exception verifies a predicate", "the last attempt
# instance right | before giving up", "the previous attempt >= | max_attempt", "waits a fixed
# amount | of time between each retry"; semver's "returns the lowest version | that can
# match the given range"): the word after it opens a condition, the cut ends on an operator
# or an adverb that leads into what was cut, on a noun of measure before its "of", on a
# superlative's noun before the clause that says among what, or on a bare kind of value
# before what it holds (humanize's intcomma: "converts an integer to a string | containing
# commas every three digits"; said with "with", the point fits), or on what a conversion
# takes before what it makes ("converts a large integer | to a friendly text representation"),
# or on an infinitive whose object comes after a second verb ("to inspect | and set the result").
# (not "while": "spins the clay at a steady speed | while the potter shapes it" ends well)
_CONDITION_OPENS = frozenset({"if", "when", "whenever", "unless", "until", "once"})
_LEADS_IN = frozenset({"right", "just", "only", "even", "shortly", "immediately", "directly"})
_MEASURE = frozenset(
    {"amount", "number", "list", "set", "kind", "sort", "part", "piece", "series", "sequence"}
    | {"collection", "pair", "lot", "group", "range", "bunch", "couple"}
)
_SUPERLATIVE = re.compile(
    r"(?:low|high|great|small|larg|long|short|new|old|lat|earli|fast|near|clos|few|bigg)est|"
    r"best|least|most|first|last|next|only",
    re.I,
)
# a verb that makes one thing into another: what it makes is its point (humanize's intword:
# "converts a large integer | to a friendly text representation")
_CONVERTS = frozenset(
    {"converts", "turns", "transforms", "translates", "coerces", "casts", "changes", "maps"}
)
_BARE_KIND = frozenset(
    {"string", "strings", "text", "value", "values", "object", "objects", "list", "lists"}
    | {"dict", "dictionary", "array", "arrays", "tuple", "map", "mapping", "number", "item"}
)
# what the value holds, and the shorter way to say it
_HOLDS = re.compile(r"^\s+(?:containing|holding|(?:that|which)\s+(?:contains|holds))\s+(?=\w)")

# "Retry strategy that | retries ...": a kind of thing named before what it does, which the
# verb says again ("retries"); the caption may say what it does alone
_KIND_THAT = re.compile(
    r"^(?:(?:an?|the)\s+)?(?:[\w-]+\s+){0,2}(?:strategy|strategies|class|function|object|"
    r"helper|wrapper|decorator|callable|type|utility|policy|method)\s+(?:that|which)\s+"
    r"([a-z]+s\s.*)$",
    re.I,
)


def sensible_end(summary: str, clause: str, room: int) -> str:
    """``clause`` where it was cut before its sentence's point (see above), said to a
    sensible end within ``room``: the sentence whole ("stops when the previous attempt >=
    max_attempt"), else what its kind's "that" says ("retries if an exception verifies a
    predicate" for "retry strategy that retries"), else without the word that led into the
    cut ("encapsulates the last attempt instance"); "" when the cut ends well, the clause is
    the whole sentence, or none of these fits (the caller keeps its clause)."""
    text = plain(spell_code_words(summary))
    words = clause.split()
    rest = _after(text, clause)
    more = re.split(r"[.!?;](?:\s|$)", rest, maxsplit=1)[0].rstrip(" ,")
    if len(words) < 2 or not more.strip() or not more[:1].isspace():
        return ""
    following = more.split()[0].lower().strip(",")
    last = words[-1].lower().strip(",")
    operator = not re.search(r"\w", last)
    leads_in = last in _LEADS_IN
    ends_early = (
        following in _CONDITION_OPENS
        or (words[0].lower() in _CONVERTS and following in ("to", "into"))
        or (last in _MEASURE and following == "of")
        or (bool(_SUPERLATIVE.fullmatch(words[-2])) and following in ("that", "which", "who"))
        # "used to inspect | and set the result in a hook wrapper": two verbs share the
        # object the cut left behind (pluggy's Result read "an object used to inspect")
        or (words[-2].lower() == "to" and following in ("and", "or"))
    )
    holds = last in _BARE_KIND and bool(_HOLDS.match(more))
    if not (operator or leads_in or ends_early or holds):
        return ""
    whole = clause + more
    if len(whole) <= room:
        return whole
    if holds and len(clause + _HOLDS.sub(" with ", more)) <= room:
        return clause + _HOLDS.sub(" with ", more)
    m = _KIND_THAT.match(whole)
    if m and len(m.group(1)) <= room:
        return m.group(1)
    while words and (words[-1].lower() in _LEADS_IN or not re.search(r"\w", words[-1])):
        words.pop()
    cut = " ".join(_ends(words))
    return cut if cut != clause and len(cut.split()) >= 3 else ""


def _ends(words: list[str]) -> list[str]:
    """``words`` without the articles, prepositions and conjunctions they end on."""
    while words and words[-1].lower().strip(",") in DANGLING:
        words = words[:-1]
    return words
