"""Clauses: a docstring or README sentence made fit for a caption, whatever it is about.

Apart from gloss.py (which chooses the clause that teaches a concept) because cleaning and
cutting text is a craft of its own that knows no concept: markup off (``plain``), a first
clause cut at a phrase boundary within a limit (``short_clause``), never ending on an
article or a clipped participle (``DANGLING``). card_facts.promise, story.compress and
story.siblings cut their own text with it too; gloss.py re-exports these names, where the
story has always imported them from.
"""

from __future__ import annotations

import re

from ..analysis.text import MID_ASIDE
from ..markup import CODE_SPAN, HTML_TAG, MD_LINK, RST_LINK, RST_ROLE, URL, unwrap_emphasis

# A cut may not end on these: "routes you register on an" reads broken, and a prompt's
# clause cut ending on one ("the jars filled with.") leaves the sentence whole instead
# (story.compress uses the same list).
DANGLING = frozenset(
    [
        "his",
        "her",
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "with",
        "for",
        "from",
        "by",
        "in",
        "on",
        "at",
        "as",
        "into",
        "onto",
        "that",
        "which",
        "who",
        "when",
        "while",
        "if",
        "than",
        "but",
        "so",
        "its",
        "their",
        "your",
        "our",
        "is",
        "are",
        "be",
        "been",
        "was",
        "were",
        "can",
        "will",
        "may",
        "during",
        "after",
        "before",
        "about",
        "between",
        "via",
        "within",
        "without",
        "under",
        "over",
        "through",
        "across",
        "because",
        "whether",
        "like",
        "not",
        "per",
        "such",
        "very",
        "more",
        "most",
        "being",
        "has",
        "have",
        "had",
        "does",
        "do",
    ]
)
# Phrase starts a long clause is best cut before (see boards' titles for the same idea).
_PHRASE = re.compile(
    r"\s(?=(?:that|which|who|when|while|until|with|without|from|into|onto|across|through|"
    r"over|under|for|by|at|and|or|so|as|in|on|of|to|using|via|because|unless|if)\s)"
)

_WORD_AFTER_SPACE = re.compile(r"\s([A-Za-z]+)(?=[\s,.;:]|$)")

# A JSDoc sentence that runs on without its full stop after a call: "Proxy to the app
# `Router#route()` Returns a new `Route` instance" reads as two sentences.
RUN_ON = r"(?<=\))\s+(?=[A-Z][a-z]+s\s)"

# A comma before one of these ends the first clause ("boils water, whatever the stove").
_SUBORDINATE = (
    r",\s+(?=(?:which|who|whatever|whichever|wherever|so|but|although|though|unless|"
    r"including|e\.g\.|i\.e\.|for example|because|while|whereas|if|when|where)\b)"
)
# Where a clause ends best: a comma, a conjunction or a relative pronoun.
_STRONG = re.compile(r",|\s(?=(?:and|or|but|that|which|who|while|whereas)\s)")


def plain(text: str) -> str:
    """Docstring text with its markup taken off, on one line: reST roles (their last dotted
    part), Markdown links, code and emphasis, HTML tags and URLs (patterns: sorafilm_nb.markup,
    shared with the README reader). A tag goes whole however long it is (it holds no ``<``):
    the ``<[^>]{0,80}>`` used here before left half of an ``<img>`` with a long URL, and no
    docstring of the eval packages reads worse without that bound."""
    text = RST_ROLE.sub(lambda m: m.group(1).strip().rsplit(".", 1)[-1], text)
    text = MD_LINK.sub(r"\1", text)
    text = RST_LINK.sub(lambda m: m.group(1).strip(), text)
    text = CODE_SPAN.sub(r"\1", text)
    text = unwrap_emphasis(text)
    text = HTML_TAG.sub("", text)
    text = URL.sub("", text)
    return " ".join(text.split())  # (as re.sub(r"\s+", " ") and strip, a third of the time)


def _ends_clean(words: list[str]) -> list[str]:
    while words and words[-1].lower().strip(",;:") in DANGLING:
        words = words[:-1]
    return words


# "Encapsulates a (future or past) attempted call ...": an aside inside a noun phrase, right
# after its article; the cut before " (" left "Encapsulates", so tenacity's Future said only
# what it extends. The aside goes, and the article agrees with the word after it.
_INNER_ASIDE = re.compile(r"\b(a|an|the)\s+\([^()]{1,40}\)\s+(?=(\w))", re.I)


def _aside_out(m: re.Match[str]) -> str:
    said = m.group(1)
    if said.lower() == "the":
        return said + " "
    agreed = "an" if m.group(2) in "aeiouAEIOU" else "a"
    return (agreed.capitalize() if said[0].isupper() else agreed) + " "


def short_clause(text: str, limit: int) -> str:
    """The first clause of ``text`` in at most ``limit`` characters, cut at a phrase
    boundary ("... that can be registered") where one leaves enough, else at a word, and
    never ending on an article, a preposition or a conjunction."""
    text = MID_ASIDE.sub("", _INNER_ASIDE.sub(_aside_out, plain(text)))
    text = re.split(
        r"(?<=[.!?])\s|;|:\s|\s[-–—]\s|\s\(|" + RUN_ON + "|" + _SUBORDINATE, text, maxsplit=1
    )[0]
    text = text.strip().rstrip(".!?,").strip()
    if len(text) <= limit:
        return " ".join(_ends_clean(text.split()))
    head = text[: limit + 1]
    # boundaries are found with the word after them ("... interfaces| in Click" cut at the
    # limit), in a window of the text just past it: linear however long the text
    window = text[: limit + 16]
    strong = [m.start() for m in _STRONG.finditer(window) if limit // 3 <= m.start() <= limit]
    weak = [m.start() for m in _PHRASE.finditer(window) if limit // 3 <= m.start() <= limit]
    # before a participle phrase ("an issues array | containing detailed information")
    weak += [
        m.start()
        for m in _WORD_AFTER_SPACE.finditer(window)
        if limit // 3 <= m.start() <= limit and m.group(1).lower() in _PARTICIPLE_OPENS
    ]
    best = max(strong or weak, default=-1)
    word = head.rsplit(" ", 1)[0] if " " in head[:limit] else head[:limit]
    # the latest phrase boundary first (else the word cut); a cut that leaves the clause
    # clipped ("a decorator used", "dynamically creates") gives way to another phrase
    # boundary, or to the word cut where the next word starts a phrase
    cuts = [head[:best] if best > 0 else word]
    cuts += [head[:i] for i in sorted(set(strong + weak), reverse=True) if i != best]
    whole = text.split()
    following = whole[len(word.split())] if len(word.split()) < len(whole) else ""
    # a relative or participle phrase ("string | consisting of") starts at the next word
    opens = _PHRASE.match(f" {following} ") or following in _OPENS_PHRASE or _participle(following)
    if best > 0 and opens:
        cuts.append(word)
    tried = [_ends_clean(cut.rstrip(" ,").split()) for cut in cuts]
    for words in tried:
        if words and not _clipped(words, whole[len(words)] if len(words) < len(whole) else ""):
            return " ".join(words)
    if _adverb(whole[0]) and len(whole) > 2:  # "Dynamically creates and returns ..."
        return short_clause(" ".join(whole[1:]), limit)
    # every cut reads clipped: a cut that only loses a participle at its end reads whole
    # ("adds dunder methods according to fields [specified]" beats "... according")
    for words in [*tried, _ends_clean(word.split())]:
        dropped = _drop_dangling_participle(words)
        if dropped != words and dropped and dropped[-1].lower() not in NEEDS_MORE:
            return " ".join(dropped)
    return " ".join(_drop_dangling_participle(tried[0]))


# Participles and verbs that cannot end a clause: what they need comes after them ("used to
# ...", "based on ...", "indicating that ..."). Only a cut is judged: a docstring's own
# sentence ending ("a Connection error occurred") is whole.
NEEDS_MORE = frozenset(
    [
        "used",
        "based",
        "according",
        "intended",
        "meant",
        "designed",
        "supposed",
        "able",
        "due",
        "indicating",
        "wanting",
        "allowing",
        "containing",
        "including",
        "requiring",
        "using",
        "causing",
        "letting",
        "making",
        "taking",
        "giving",
        "describing",
        "specifying",
    ]
)
# "-ing" words that open a phrase after a noun ("a string | consisting of ...")
_OPENS_PHRASE = NEEDS_MORE | {"consisting", "holding", "representing"}
# the "-ing" words of those that open a phrase a cut may fall before ("according" does not:
# "adds dunder methods according to fields" says how)
_PARTICIPLE_OPENS = frozenset(w for w in _OPENS_PHRASE if w.endswith("ing")) - {"according"}
_AUXILIARY = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "get",
        "gets",
        "got",
        "has",
        "have",
        "had",
        "not",
        "can",
        "will",
        "may",
        "must",
        "should",
        "would",
        "could",
    ]
)
_IRREGULAR_PARTICIPLES = frozenset(
    [
        "made",
        "built",
        "given",
        "taken",
        "known",
        "written",
        "shown",
        "done",
        "held",
        "kept",
        "sent",
        "found",
        "thrown",
        "drawn",
        "seen",
        "chosen",
        "meant",
        "bound",
        "set",
        "put",
    ]
)
# what follows a participle that modifies the noun before it ("the value returned by")
_COMPLEMENT = frozenset(
    [
        "to",
        "on",
        "by",
        "as",
        "for",
        "from",
        "with",
        "into",
        "in",
        "at",
        "of",
        "via",
        "using",
        "upon",
        "onto",
        "against",
        "through",
        "under",
        "over",
        "within",
        "without",
    ]
)


# words that open a verb's object clause ("to verify | that ...", "to decide | whether ...")
_CLAUSE_OBJECT = frozenset({"that", "whether", "if", "what", "how", "which", "who", "where"})


def _participle(word: str) -> bool:
    word = word.lower().strip(",;:")
    return (
        len(word) > 3 and word.endswith("ed") and not word.endswith("eed")
    ) or word in _IRREGULAR_PARTICIPLES


def _clipped(words: list[str], following: str) -> bool:
    """Whether a cut clause reads clipped: it ends on a word that needs what was cut off
    ("a decorator used" before "to create ...", "the pathname based" before "on ...",
    "methods indicating" before "that ..."), or it is only verbs and adverbs, with the
    object cut off ("dynamically creates" before "and returns a new model", "dumps and
    loads" before "into a URL safe string")."""
    if not following:
        return False
    last = words[-1].lower().strip(",;:")
    if last in NEEDS_MORE:
        return True
    # "helpful methods for working" before "with http requests": a gerund after a
    # preposition wants its object
    if (
        len(words) > 1
        and last.endswith("ing")
        and words[-2].lower() in _COMPLEMENT
        and following.lower() in _COMPLEMENT | {"a", "an", "the"}
    ):
        return True
    # "then unsigns them to verify" before "that the value ...": the verb's object was cut
    if len(words) > 1 and words[-2].lower() == "to" and following.lower() in _CLAUSE_OBJECT:
        return True
    core = [w for w in words if not _adverb(w)]
    before = core[-2].lower() if len(core) > 1 else ""
    if _participle(last) and following.lower() in _COMPLEMENT and before not in _AUXILIARY:
        return True
    content = [w.lower() for w in core if w.lower() not in ("and", "or")]
    joined = len(content) < len(words)  # "dumps and loads", "dynamically creates"
    return (
        joined and 0 < len(content) <= 2 and all(re.fullmatch(r"[a-z]+[^su]s", w) for w in content)
    )


def _adverb(word: str) -> bool:
    return len(word) > 4 and word.lower().endswith("ly")


def _drop_dangling_participle(words: list[str]) -> list[str]:
    """ "returns a signed string serialized" -> "returns a signed string": a participle
    that modifies the noun before it (no auxiliary: "can be registered" stays), and the
    adverbs that lead into it ("typically produced"), go when no cut keeps what they need."""
    core = [w for w in words if not _adverb(w)]
    if len(core) > 2 and _participle(core[-1]) and core[-2].lower() not in _AUXILIARY:
        words = words[:-1]
        while words and _adverb(words[-1]):
            words = words[:-1]
        return _ends_clean(words)
    return words


def article(word: str) -> str:
    """The article a caption's noun takes, by its first letter ("an Environment", "a Signer").
    The one home for captions (gloss, fallback_gloss); lint's kind names keep their own rule
    (story/lint.py `_a`: "a US number", "an API key"), which the captions do not share.
    A class name that opens with an acronym is read by its letters ("a UUID", "an HTTPServer",
    "an SQLField"), and a word that opens with a "you" sound takes "a" ("a Union", "a User")."""
    if word[:2].isupper() and word[:2].isalpha():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    if word.lower().startswith(("uni", "use", "usu", "uti", "eu")):
        return "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


# "Least Recently Used (LRU) cache implementation": Capitalised words naming a thing, three
# or more, or ones an acronym in brackets spells; a determiner is no part of such a name
_TITLE_RUN = re.compile(r"[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)+(?:[ \t]+\(([A-Z]{2,})\))?")
_DETERMINERS = frozenset(
    ("A", "An", "The", "This", "That", "These", "Those", "Each", "Every", "Some", "Any", "All")
)


def lowered_opening(text: str, whole: str = "") -> str:
    """A sentence's opening as it reads inside a caption after "Name: ": its first letter
    lower-cased ("Decorator to wrap a function" -> "decorator to ..."), except where the
    capital is no sentence's but a name's: an acronym or a camel-cased word ("HTTP",
    "JavaScript"), or the first of Title Case words that name a thing (cachetools' "Least
    Recently Used (LRU) cache implementation" read "least Recently Used"). The one rule for
    the promise (card_facts) and a gloss's clause (gloss.py). ``whole``: the sentence the
    text was cut from, when a cut may have dropped the bracketed acronym ("Random
    Replacement" of "Random Replacement (RR) cache implementation")."""
    if not text.strip() or re.match(r"[A-Z]{2}|[A-Z][a-z]*[A-Z]", text):  # "HTTP" stays
        return text
    m = _TITLE_RUN.match(whole if whole.startswith(text.split(None, 1)[0]) else text)
    if m and text.split(None, 1)[0] not in _DETERMINERS:
        words = m.group(0).split(" (")[0].split()
        if len(words) >= 3 or m.group(1) == "".join(w[0] for w in words):
            return text
    return text[:1].lower() + text[1:]
