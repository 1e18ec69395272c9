"""What a class or module does, said from what its own members' comments say they do.

A container with no sentence of its own still says what it does through its members
(analysis.doc_members -> Concept.member_docs): commander's ``Command`` has "Define a
command.", "Define argument syntax for command.", "Define option with flags ..." -> "defines
commands, arguments and options"; koa's ``request`` has getters and setters "Get request
URL." / "Set request URL." -> "gets and sets the header, URL, method and path". That says
what it does where the rest could only list its members ("has copyInheritedSettings(),
command() and createCommand()"), its parameters ("built from a name") or, for koa, a README
sentence that names no method ("provides helpful methods for working with http requests").

Only what the comments say in the imperative counts (a verb that opens the sentence, as
gloss_words reads one), each member named by its own words without the verb ("addArgument"
-> "argument"), and only where two members or more share the verb: one member is that
member's caption, not the container's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .clauses import DANGLING
from .gloss_words import (
    ABBREVIATIONS,
    NAME_VERBS,
    imperative_to_statement,
    plural,
    short_name_words,
    third_person,
)

if TYPE_CHECKING:
    from ..analysis.concepts import Concept

__all__ = ["BLAND", "members_do"]

# A sentence that says a thing has methods and names none: "provides helpful methods for
# working with http requests" (koa's README on its Request object). True, but what the
# methods do teaches more, where the members say it.
BLAND = re.compile(
    r"^(?:provides|offers|has|contains|exposes|includes|adds)\s+"
    r"(?:(?:some|many|several|various|helpful|useful|handy|convenient|common|a\s+few)\s+)*"
    r"(?:methods|helpers|functions|utilities|properties|accessors|apis?)\b",
    re.I,
)
# What a getter's comment says it does ("Return request header.", "Get request URL."): one
# verb, whichever word the comment uses.
_GETS = frozenset({"get", "return"})
_JOINS = frozenset({"or", "and", "/", "&"})


def _verb(summary: str) -> str:
    """The verb in the imperative a member's sentence opens with ("define" for "Define a
    command."), or "" (not a verb, or two joined: "Get or set the name")."""
    words = summary.split()
    if len(words) < 2 or words[1].lower() in _JOINS:
        return ""
    said = imperative_to_statement(summary)
    first = words[0].lower()
    return first if said.split()[0] == third_person(first) and said != summary else ""


def _acts_on(summary: str, noun: str) -> bool:
    """Whether a member's sentence acts on the thing its name says, as the head of its
    object: "Define a command." on command, "Define option with flags ..." on option; not
    "Define argument syntax for command" on argument (it defines a syntax), "Set environment
    variable ..." on env, nor "Make argument required." on argRequired. One word, the whole
    object: only then is the member's name what its verb acts on, in the plural of a list."""
    words = summary.split()[1:]
    if words and words[0].lower() in ("a", "an"):
        words = words[1:]
    phrase: list[str] = []
    for word in words:
        core = word.strip(".,;:!?()`'\"").lower()
        if core in DANGLING or core in _STOPS or not core:
            break
        phrase.append(core)
        if word[-1:] in ",;:.!?)":
            break
    return phrase == [noun.lower()]  # one word, the whole object: no guess at adjectives


# where an object's noun phrase ends, beyond clauses.DANGLING's words
_STOPS = frozenset({"using", "whose", "where", "so", "via", "unless", "until", "once"})


def _noun(member: str) -> str:
    """A member's name as the thing its verb acts on: "addArgument" -> "argument",
    "requiredOption" -> "required option", "url" -> "URL"."""
    words = short_name_words(member)
    while words and (words[0] in NAME_VERBS or words[0] in ("add", "set", "define")):
        words = words[1:]
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def _distinct(nouns: Sequence[str]) -> list[str]:
    """The nouns in order, each once: "headers" after "header" is the same thing."""
    out: list[str] = []
    for noun in nouns:
        if noun and noun not in out and noun.removesuffix("s") not in out:
            out.append(noun)
    return out


def _listed(head: str, nouns: Sequence[str], room: int) -> str:
    """ "defines commands, arguments and options": as many nouns as fit in ``room``, at
    least two; ""."""
    shown = list(nouns)
    while len(shown) >= 2:
        said = f"{head} {', '.join(shown[:-1])} and {shown[-1]}"
        if len(said) <= room:
            return said
        shown.pop()
    return ""


def members_do(c: Concept, room: int) -> str:
    """What ``c`` does, said from its members' comments (Concept.member_docs) within
    ``room`` characters: the accessors it both gets and sets ("gets and sets the status,
    message and body"), else the verb most of its methods' comments open with and what each
    acts on ("defines commands, arguments and options"); "" when no two share one."""
    entries = []
    summaries = []
    for entry in c.member_docs:
        name, _, summary = entry.partition(": ")
        accessor, _, member = name.rpartition(" ")
        entries.append((accessor, member, _verb(summary)))
        summaries.append(summary)
    got = [_noun(m) for a, m, v in entries if a == "get" and v in _GETS]
    put = {_noun(m) for a, m, v in entries if a == "set" and v == "set"}
    both = _distinct([n for n in got if n in put])
    said = _listed("gets and sets the", both, room) if len(both) >= 2 else ""
    if said:
        return said
    groups: dict[str, list[str]] = {}
    for (accessor, member, verb), summary in zip(entries, summaries, strict=True):
        noun = _noun(member)
        # a getter speaks only beside its setter; a method only where it acts on its name
        if verb and not accessor and noun and _acts_on(summary, noun):
            groups.setdefault(verb, []).append(noun)
    # the verb most members share; of two as many, the one the class says first (stable)
    ranked = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    for verb, nouns in ranked[:1]:
        distinct = _distinct(nouns)
        if len(distinct) >= 2:
            return _listed(third_person(verb), [plural(n) for n in distinct], room)
    return ""
