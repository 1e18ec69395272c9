"""A caption's clause said of its concept, as grammar: a passive relative clause reduced to
its participle where the whole would be cut, and an imperative or a bare noun phrase said as
what the concept does ("creates a new context"). Apart from gloss.py, which chooses the
sentence that teaches; these only reword the clause it chose."""

from __future__ import annotations

import re

from .clauses import DANGLING, short_clause
from .gloss_words import imperative_to_statement, name_verb

__all__ = ["head_noun", "reduced", "statement"]


# a relative clause in the passive: "bytes | that will be sent to the server"
_PASSIVE_RELATIVE = re.compile(
    r"\b(?:that|which)\s+(?:will\s+be|is|are|was|were|(?:has|have)\s+been)\s+(?=\w+(?:ed|en|nt|wn|lt|de)\b)"
)


def reduced(text: str, room: int) -> str:
    """ "the exact bytes that will be sent to the server" -> "the exact bytes sent to the
    server": a passive relative clause said by its participle alone, where the whole text
    does not fit in ``room`` (the limit would cut the relative clause off, and with it the
    point: "PreparedRequest: contains the exact bytes"). A modal's ("that can be rendered")
    stays: it says what may be done, not what is."""
    return text if len(text) <= room else _PASSIVE_RELATIVE.sub("", text)


# a noun phrase alone: an article, and no verb of its own ("a new context", not "a new
# context is made")
_NOUN_PHRASE = re.compile(
    r"(?:an?|the)\s(?!.*\b(?:is|are|was|were|be|been|has|have|can|will|"
    r"may|must|should|would|could|does)\b)",
    re.I,
)


def head_noun(phrase: str) -> str:
    """The noun a noun phrase is about, singular: "a new context for the request" ->
    "context" (its last word before a preposition or a relative pronoun)."""
    words = []
    for word in phrase.lower().split()[1:]:
        if word in DANGLING:
            break
        words.append(word.strip(",;:"))
    return _singular(words[-1]) if words else ""


def _singular(word: str) -> str:
    return re.sub(r"(?<=[^s])s$", "", word)


def statement(name: str, clause: str, room: int, *, imperative: bool, purpose: bool = False) -> str:
    """A caption's clause said of the concept: an imperative opening ("use the given
    middleware function", PEP 257's mood) as what it does ("uses ..."), and a function's
    noun phrase with the verb its name opens with ("Initialize a new context." on
    createContext: "creates a new context", not "a new context"); within ``room``.
    ``purpose``: the verb followed the concept's own name and "to" ("its own AxiosHeaders
    class to manipulate headers"), so it says what the concept does even where its object
    shares the name's words; a sentence's opening imperative ("Use Session to keep
    cookies") is the reader's when its object is the concept."""
    own = "" if purpose else name.rsplit(".", 1)[-1]
    said = imperative_to_statement(clause, own, infinitive=purpose) if imperative else clause
    verb, rest = name_verb(name)
    # only a noun phrase that fits whole, and names what the verb makes: "a quick way to
    # create a new class" says it already, "the element factory" is no element
    named = f"{verb} {clause}"
    if said == clause and verb and _NOUN_PHRASE.match(clause) and len(named) <= room:
        said = named if head_noun(clause) in {_singular(w) for w in rest} else said
    if len(said) <= room:
        return said
    # the statement's longer verbs would cut off what the imperative says ("assign setting
    # to value, or return setting's value"): what it says beats how it says it
    cut = short_clause(said, room)
    return clause if len(cut.split()) < len(clause.split()) else cut
