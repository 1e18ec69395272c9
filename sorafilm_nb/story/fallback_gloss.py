"""A caption for a concept whose docstring teaches nothing: never a bare name.

About one shot in ten showed a bare "string" or "Request": the concept has no docstring, or
one that only restates its name ("a user-created Request object") or compares it ("works like
Serializer"), and captions.gloss gives no clause for those. A name alone teaches nothing, so:

1. the README's sentence about it ("Use `Session` to keep cookies across requests." ->
   "Session: use Session to keep cookies across requests"; "### ky.extend(defaults)" then
   "Create a new ky instance ..."), the project's own words. The analysis finds it when it
   builds the profile (analysis.readme.concept_sentences -> Concept.readme_sentence), so a
   plan reads no README and imports no Markdown reader;
2. else a kind and role phrase: what its name says it does ("create_model: creates a
   model"), what a user does with it ("an error you can catch", "a decorator you put on a
   function"), and only last its kind and owner ("a method of Command").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .captions import GLOSS_LIMIT, gloss

if TYPE_CHECKING:
    from ..analysis.concepts import Concept

_PLURAL = {
    "class": "classes",
    "function": "functions",
    "module": "modules",
    "exception": "exceptions",
    "theme": "themes",
}
# Verbs a function's name opens with, and their third person: "create_model" -> "creates a
# model". Only verbs that read one way: "post", "set" or "test" could be nouns.
_VERBS = {
    "add": "adds",
    "build": "builds",
    "check": "checks",
    "compile": "compiles",
    "convert": "converts",
    "create": "creates",
    "decode": "decodes",
    "delete": "deletes",
    "dump": "dumps",
    "encode": "encodes",
    "extend": "extends",
    "fetch": "fetches",
    "find": "finds",
    "format": "formats",
    "generate": "generates",
    "get": "gets",
    "launch": "launches",
    "load": "loads",
    "make": "makes",
    "merge": "merges",
    "open": "opens",
    "parse": "parses",
    "read": "reads",
    "register": "registers",
    "remove": "removes",
    "render": "renders",
    "resolve": "resolves",
    "run": "runs",
    "send": "sends",
    "serialize": "serializes",
    "sign": "signs",
    "start": "starts",
    "stop": "stops",
    "update": "updates",
    "validate": "validates",
    "write": "writes",
}


# A predicate's name asks a question: "isCancel" -> "tells whether something is cancel".
_ASKS = frozenset({"is", "has", "can", "should"})


def _module(c: Concept) -> str:
    """Where a concept is defined, as its users would name it: requests.models, lib/types."""
    path = re.sub(r"(\.d)?\.(pyi?|[cm]?[jt]sx?)$", "", c.file)
    if c.language == "python":
        path = re.sub(r"^(src|lib)/", "", path).replace("/", ".")
        return re.sub(r"\.__init__$", "", path)
    return path


def kind_gloss(concepts: Sequence[Concept]) -> str:
    """ "a class in requests.models", "a method of Command", "functions in lib/types"."""
    c = concepts[0]
    owner, dot, _ = c.name.rpartition(".")
    many = len(concepts) > 1
    if dot and c.kind == "function":
        return f"methods of {owner}" if many else f"a method of {owner}"
    kind = c.kind if c.kind in _PLURAL else "name"
    noun = _PLURAL.get(kind, "names") if many else kind
    where = _module(c)
    if not where:
        return noun if many else f"a {noun}"
    return (
        f"{noun} in {where}" if many else f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} in {where}"
    )


def _name_words(name: str) -> list[str]:
    """ "create_model" -> ["create", "model"], "hideBin" -> ["hide", "bin"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name.rsplit(".", 1)[-1])
    return [w.lower() for w in re.split(r"[\s_$]+", spaced) if w]


def role_gloss(c: Concept) -> str:
    """What a concept with no prose does for a user, from what is known for sure: the verb
    its name opens with and the words after it ("creates a model"), its use as a decorator
    in the README, an error the package hands out; "" when none of these holds."""
    words = _name_words(c.name)
    if c.kind == "function" and len(words) >= 2 and words[0] in _VERBS:
        rest = " ".join(words[1:])
        article = "an" if rest[0] in "aeiou" else "a"
        return f"{_VERBS[words[0]]} {'' if rest.endswith('s') else article + ' '}{rest}"
    if c.kind == "function" and len(words) >= 2 and words[0] in _ASKS:
        return f"tells whether something {words[0]} {' '.join(words[1:])}"
    if c.kind == "function" and c.decorator:
        return "a decorator you put on a function"
    if c.kind == "exception" and c.public:
        return "an error your code can catch"
    return ""


def fallback_gloss(
    names: str, concepts: Sequence[Concept], docstring: str = "", limit: int = GLOSS_LIMIT
) -> str:
    """The caption ``names: ...`` within limit characters: ``docstring`` (captions.gloss of
    the docstring) when it teaches something, else what the README says about the concept,
    else a role phrase, else its kind and owner. The README and the name speak for one
    concept at a time: a family of siblings takes the kind gloss."""
    head = f"{names}: "
    if docstring.startswith(head):
        return docstring
    if len(concepts) == 1:
        c = concepts[0]
        sentence = c.readme_sentence
        if sentence:
            text = gloss(c.name, sentence, kind=c.kind, limit=limit)
            if text.startswith(head) and len(text.split()) >= 4:
                return text
        role = role_gloss(c)
        if role and len(head) + len(role) <= limit:
            return head + role
    return head + kind_gloss(concepts)
