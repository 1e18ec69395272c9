"""A caption for a concept whose docstring teaches nothing: never a bare name.

About one shot in ten showed a bare "string" or "Request": the concept has no docstring, or
one that only restates its name ("a user-created Request object") or compares it ("works like
Serializer"), and captions.gloss gives no clause for those. A name alone teaches nothing, so:

1. the README's sentence about it ("Use `Session` to keep cookies across requests." ->
   "Session: use Session to keep cookies across requests"; "### ky.extend(defaults)" then
   "Create a new ky instance ..."), the project's own words. The analysis finds it when it
   builds the profile (analysis.readme_names.concept_sentences -> Concept.readme_sentence), so a
   plan reads no README and imports no Markdown reader;
   Where the docstring or README says only a few words ("naturalday: returns a natural
   day") and the README's example shows what a call gives, the example says it instead
   ("naturalday: turns dt.datetime.now() into 'today'", story.gloss_example), as it does
   first where the project says nothing else;
2. else a role phrase: what its name says it does ("create_model: creates a model"), what a
   user does with it ("an error you can catch", "a decorator you put on a function");
3. else what its code says plainly (analysis.signature, scan_js): the function that makes
   it ("ZodString: the ZodType string() returns"), the class it returns ("Option: returns
   an OptionInfo", a JSDoc ``@returns {Server}``), what it takes ("Request: built from a
   method and a URL"), its base ("MockTransport: an AsyncBaseTransport"), the class of
   another package it extends ("Context: extends click.Context"), the members that set a
   class apart ("URL: has scheme, raw_scheme, userinfo and username");
4. where two concepts of a film would say the same, what tells them apart (caption_choices:
   the HTTP method, the README example's first argument, each family member's base);
5. and only last its kind and owner ("a method of Command"): eval/run.py lists those, with
   what the concept had to draw on ("nothing" where the project says nothing about it).

A family of siblings names its members in English ("option, argument: attaches an option or
an argument to the command"; "Integer, Url: two kinds of field"), not "attaches one to ...".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..terminal import shown
from .captions import DANGLING, GLOSS_LIMIT, gloss, plain
from .clauses import article
from .gloss import CUT_EXTRA, teaching_clauses
from .gloss_apart import COUNT as _COUNT
from .gloss_apart import bases_gloss, example_value, http_gloss, route_gloss
from .gloss_cuts import CONDITION
from .gloss_example import example_gloss, says_little
from .gloss_members import BLAND, members_do
from .gloss_words import ABBREVIATIONS, NAME_VERBS, short_name_words

if TYPE_CHECKING:
    from ..analysis.concepts import Concept

_PLURAL = {
    "class": "classes",
    "function": "functions",
    "module": "modules",
    "exception": "exceptions",
    "theme": "themes",
}


# A predicate's name asks a question: "isAxiosError(payload)" -> "tells whether a payload is
# an axios error". Read word by word ("tells whether something is cancel") it was no English.
_ASKS = frozenset({"is", "has", "can", "should"})
# The last word of a predicate that reads as an adjective ("is valid", "is frozen"), not as a
# noun that takes an article ("is a cancel", "is a plain object").
_ADJECTIVE_END = re.compile(
    r"(?:able|ible|al|ive|ous|ful|less|ic|ed|ent|ant|ing|id|ty|ull|ue|lse|en)$"
)
_ADJECTIVES = frozenset(
    {"open", "ready", "empty", "safe", "same", "dirty", "busy", "plain", "new", "absolute"}
    | {"private", "public", "complete", "remote", "async", "sync", "online", "offline"}
)
# The one parameter of a switch: "strictCommands(enabled)" turns strict commands on or off.
_FLAGS = frozenset({"enabled", "enable", "on", "flag", "toggle", "bool", "boolean"})
# Verbs a switch's name may open with, which its caption leaves out: "setStrict" -> "strict".
_SWITCH_VERBS = frozenset({"set", "enable", "toggle", "use"})


def _module(c: Concept) -> str:
    """Where a concept is defined, as its users would name it: requests.models, lib/types.

    From the file's path shown as text (terminal.shown): ``file`` is the one field assemble
    leaves raw, for the reads, and a file named "ev" ESC "[2K" CR "warnings: 0" U+202E
    "il.py" put its escape, carriage return and bidi override into the caption, film.vtt,
    the cards and the manifest."""
    path = re.sub(r"(\.d)?\.(pyi?|[cm]?[jt]sx?)$", "", shown(c.file))
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


def role_gloss(c: Concept, room: int = GLOSS_LIMIT) -> str:
    """What a concept with no prose does for a user, from what is known for sure: the verb
    its name opens with and the words after it ("creates a model"), its use as a decorator
    in the README, an error the package hands out (the call a README example catches it
    from, where one does: "what axios.get() throws"), what a predicate tests, what a switch
    turns on or off (its one parameter a flag), within ``room`` characters; "" when none of
    these holds."""
    words = short_name_words(c.name)
    # "startOf": a verb and what it leads to, not its object ("starts an of", dayjs)
    names_object = len(words) >= 2 and words[-1] not in DANGLING
    if c.kind == "function" and names_object and words[0] in NAME_VERBS:
        rest = " ".join(words[1:])
        return f"{NAME_VERBS[words[0]]} {'' if rest.endswith('s') else article(rest) + ' '}{rest}"
    if c.kind == "function" and len(words) >= 2 and words[0] in _ASKS:
        return _asks_gloss(c, words)
    if c.kind == "function" and words and len(c.params) == 1 and c.params[0].lower() in _FLAGS:
        switched = words[1:] if words[0] in _SWITCH_VERBS else words
        if switched:  # "enable(flag)" names nothing it switches
            said = f"turns {' '.join(switched)} on or off"
            return said if len(said) <= room else said.replace(" on or off", " on/off")
    if c.kind == "function" and c.decorator:
        return "a decorator you put on a function"
    if c.kind == "exception" and c.caught_from:  # the call a README example catches it from
        said = f"what {c.caught_from}() {'raises' if c.language == 'python' else 'throws'}"
        if len(said) <= room:
            return said
    if c.kind == "exception" and c.public:
        return "an error your code can catch"
    return ""


def _asks_gloss(c: Concept, words: list[str]) -> str:
    """What a predicate tests, in English: its first parameter as the subject ("a value",
    else "something"), the rest of its name as an adjective ("is valid") or a noun with its
    article ("is a cancel", "has a header", "is an axios error"), a verb after can/should
    ("tells whether it can parse")."""
    verb, rest = words[0], " ".join(words[1:])
    # the parameter is the subject, unless it names what is asked ("hasHeader(header)")
    named = c.params and not set(short_name_words(c.params[0])) & set(words[1:])
    subject = (param_phrase(c.params[0]) if named else "") or "something"
    if verb in ("can", "should"):  # "canParse": it can parse, not its input
        return f"tells whether it {verb} {rest}"
    last = words[-1]
    if len(words) == 2 and (last in _ADJECTIVES or bool(_ADJECTIVE_END.search(last))):
        return f"tells whether {subject} {verb} {rest}"
    return f"tells whether {subject} {verb} {_with_article(rest)}"


# Nouns a caption names without an article ("takes data", not "takes a data").
_MASS = frozenset({"data", "content", "input", "output", "text", "code", "information", "argv"})


def _with_article(phrase: str) -> str:
    """ "key" -> "a key", "URL" -> "a URL", "options" -> "options", "HTTP client" -> "an
    HTTP client", "unit" -> "a unit": a parameter said as a noun, its article clauses.article's
    (a copy here said "an" before every vowel: dayjs' startOf "takes an unit")."""
    last = phrase.split()[-1]
    if phrase.lower() in _MASS or (last.endswith("s") and not last.endswith(("ss", "us", "is"))):
        return phrase
    if len(last) > 4 and last.endswith("ed"):  # a flag named as an adjective: "enabled"
        return phrase
    return f"{article(phrase.split()[0])} {phrase}"


def param_phrase(name: str) -> str:
    """A parameter as words: "status_code" -> "a status code", "opt" -> "options",
    "shortCircuit" -> "a short circuit"; "" for a one-letter name (dayjs' ``dayjs(date, c)``
    and ``isDayjs(d)``), which says nothing: "takes a date and a c", "tells whether a d is
    dayjs"."""
    if len(name.strip("_$")) <= 1:
        return ""
    words = [ABBREVIATIONS.get(w, w) for w in short_name_words(name)]
    return _with_article(" ".join(words)) if words else ""


def params_gloss(c: Concept, example: bool = False) -> str:
    """What an undocumented concept is given, from its definition (analysis.signature):
    "built from a method and a URL" for a class, "takes a key and options" for a
    function; "" when it takes nothing, or only something named like itself. With
    ``example``, the first parameter says what the README's example passes for it ("takes
    a key ('port') and options"), or "" when the README passes no short string."""
    said = [param_phrase(p) for p in c.params]
    if example and said and not said[0]:  # the example's value would go to the next one
        return ""
    said = [p for p in said if p]
    own = " ".join(short_name_words(c.name))
    if not said or (len(said) == 1 and said[0].lower().endswith(own)):  # URL(url)
        return ""
    if example:
        value = example_value(c)
        if not value:
            return ""
        said[0] = f"{said[0]} ('{value}')"
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    verb = "built from" if c.kind in ("class", "exception") else "takes"
    return f"{verb} {listed}"


def _noun_span(summary: str, own: set[str]) -> tuple[int, int, str] | None:
    """(start, end, word) of the first word of ``own`` used as a noun in summary, with the
    article before it: "Attaches [an option] to the command." (a word followed by a noun,
    as "a GET request", is an adjective and is no span)."""
    for m in re.finditer(r"(?:\b(a|an|the)\s+)?\b([A-Za-z][\w]*)\b", summary):
        word = m.group(2)
        if word.lower() not in own:
            continue
        rest = summary[m.end() :]
        after = re.match(r"\s*([A-Za-z]+)", rest)
        if (
            rest[:1] in ".,;:!?"
            or not rest.strip()
            or (after and after.group(1).lower() in DANGLING)
        ):
            return m.start(), m.end(), word
        return None
    return None


def family_gloss(names: str, concepts: Sequence[Concept], limit: int) -> str:
    """A family caption in English: siblings whose docstrings differ only by their names
    ("Attaches an option to the command.", "Attaches an argument to the command.") name them
    all ("option, argument: attaches an option or an argument to the command"), instead of
    "attaches one to the command"; "" when the docstrings do not read so."""
    shared = set.intersection(*(set(short_name_words(c.name)) for c in concepts))
    spans = []
    for c in concepts[:4]:
        summary = plain(c.summary)
        span = _noun_span(summary, set(short_name_words(c.name)) - shared)
        if span is None:
            return ""
        spans.append((summary, *span))
    first, start, end, _ = spans[0]
    article = re.match(r"(a|an|the)\s", first[start:end], re.I)
    words = [w for *_, w in spans]
    if article and article.group(1).lower() != "the":
        words = [_with_article(w) for w in words]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    if article and article.group(1).lower() == "the":
        listed = f"{article.group(1)} {listed}"
    if len(concepts) > len(spans):
        return ""
    kinds = {c.kind for c in concepts}
    kind = kinds.pop() if len(kinds) == 1 else ""
    text = gloss(names, first[:start] + listed + first[end:], kind=kind, limit=limit)
    return text if text.startswith(f"{names}: ") and not text.endswith(" or") else ""


# a family's shared noun ("field", "sub-command"), and what _kinds_of says of a family, which
# caption_choices reads back (a second pattern there took no hyphen: "sub-command" families
# never got bases_gloss's caption)
_NOUN = r"[a-z][\w-]*"
_KINDS = rf"\w+ kinds of ({_NOUN})"


def _kinds_of(names: str, count: int, text: str) -> str:
    """ "Integer, Url: an field" (the name taken out of "An integer field") -> "Integer, Url:
    two kinds of field": a family that only shares its noun says how many kinds of it."""
    m = re.fullmatch(rf"(?:an?|one)\s+({_NOUN})", text[len(names) + 2 :], re.I)
    if m and count in _COUNT:
        return f"{names}: {_COUNT[count]} kinds of {m.group(1)}"
    return text


def fallback_gloss(
    names: str, concepts: Sequence[Concept], docstring: str = "", limit: int = GLOSS_LIMIT
) -> str:
    """The caption ``names: ...`` within limit characters: ``docstring`` (captions.gloss of
    the docstring) when it teaches something, else what the README says about the concept,
    else a role phrase, else its kind and owner. The README and the name speak for one
    concept at a time: a family of siblings takes the kind gloss."""
    head = f"{names}: "
    if len(concepts) > 1:
        family = family_gloss(names, concepts, limit)
        if family:
            return family
        if docstring.startswith(head):
            return _kinds_of(names, len(concepts), docstring)
        said = makes_gloss(concepts, limit - len(head))
        if said:
            return head + said
    base = ""
    if len(concepts) == 1 and docstring.startswith(head):
        # "ZodObject: a ZodType" is its base class, said when no docstring clause teaches:
        # a README sentence or the code's own facts come first, with the base beside them
        c = concepts[0]
        based = docstring == gloss(c.name, "", kind=c.kind, bases=c.bases, limit=limit)
        said = docstring[len(head) :]
        if not based and not _bland(c, said, limit - len(head)) and not _when_instead(c, said):
            return _or_example(c, docstring, limit)
        base = docstring[len(head) :] if based else ""
    elif docstring.startswith(head):
        return docstring
    if len(concepts) == 1:
        c = concepts[0]
        sentence = c.readme_sentence
        if sentence:
            text = gloss(c.name, sentence, kind=c.kind, limit=limit)
            told = text.startswith(head) and len(text.split()) >= 4
            if told and not _bland(c, text[len(head) :], limit - len(head)):
                return _or_example(c, text, limit)
        room = limit - len(head)
        for said in (
            example_gloss(c, limit + CUT_EXTRA - len(head)),
            role_gloss(c, room),
            route_gloss(c),
            made_gloss(c, base),
            makes_gloss(concepts),
            members_do(c, room),
            params_gloss(c),
        ):
            if said and len(head) + len(said) <= limit:
                return head + said
        said = params_gloss(replace(c, params=c.params[:2]))  # the first two, when all do not fit
        if said and len(head) + len(said) <= limit:
            return head + said
        if base:
            return head + base
        # typer's Context on click.Context: the same name in another package says whose
        # object it is, where "a class in typer.models" says nothing
        short = c.name.rsplit(".", 1)[-1]
        foreign = [b for b in c.bases if "." in b and b.rsplit(".", 1)[-1] == short]
        if foreign and len(f"{head}extends {foreign[0]}") <= limit:
            return f"{head}extends {foreign[0]}"
        said = members_gloss(c, limit - len(head))
        if said:
            return head + said
    return head + kind_gloss(concepts)


def _or_example(c: Concept, caption: str, limit: int) -> str:
    """``caption``, or where it says only a few words ("naturalday: returns a natural
    day") what the README's example shows a call gives ("naturalday: turns
    dt.datetime.now() into 'today'"), which teaches more (gloss_example)."""
    head, _, said = caption.partition(": ")
    if not says_little(said):
        return caption
    example = example_gloss(c, limit + CUT_EXTRA - len(head) - 2)
    return f"{head}: {example}" if example else caption


# an error's caption that says when it comes
_SAYS_WHEN = re.compile(r"\b(?:raised|thrown|raises|throws|when|whenever|if|unless|once)\b", re.I)


def _when_instead(c: Concept, said: str) -> bool:
    """Whether an error's docstring caption ``said`` does not say when it comes and its
    README sentence does ("RetryError: encapsulates the last attempt instance" beside the
    docs' "... when your function fails its final time, a RetryError is raised"): what a
    user needs of an error is when it is raised, so the README speaks first."""
    if c.kind != "exception" or not c.readme_sentence or _SAYS_WHEN.search(said):
        return False
    told = gloss(c.name, c.readme_sentence, kind=c.kind)
    return bool(CONDITION.match(told.partition(": ")[2]))


def _bland(c: Concept, said: str, room: int) -> bool:
    """Whether ``said`` only says the concept has methods ("provides helpful methods for
    working with http requests") where its members say what they do (members_do)."""
    return bool(BLAND.match(said)) and bool(members_do(c, room))


def members_gloss(c: Concept, room: int = GLOSS_LIMIT) -> str:
    """ "has email(), url(), emoji() and uuid()": what a class offers that its siblings do
    not (Concept.members, analysis.signature), as many as fit in ``room``; ""."""
    members = list(c.members)
    while members:
        listed = ", ".join(members[:-1]) + " and " + members[-1]
        if len(members) > 1 and len(f"has {listed}") <= room:
            return f"has {listed}"
        members.pop()
    return ""


def made_gloss(c: Concept, base: str = "") -> str:
    """ "what string() returns", or with its base class "the ZodType object() returns": the
    function a user calls to make the class (Concept.made_by), when the code says it."""
    if not c.made_by:
        return ""
    m = re.fullmatch(r"an?\s+(\S+)", base)
    return f"the {m.group(1)} {c.made_by}() returns" if m else f"what {c.made_by}() returns"


def makes_gloss(concepts: Sequence[Concept], room: int = GLOSS_LIMIT) -> str:
    """ "returns a ZodString", or for a family "return ZodString, ZodNumber, …": the classes
    these functions make (Concept.makes), as many as fit in ``room``; "" unless all of
    them make one."""
    made = [c.makes for c in concepts]
    if not made or not all(made):
        return ""
    if len(made) == 1:
        return f"returns {_with_article(made[0])}"
    text = "return " + " and ".join(made) if len(made) == 2 else ""
    if text and len(text) <= room:
        return text
    shown = ["return " + made[0]]
    for cls in made[1:]:
        if len(", ".join([*shown, cls, "…"])) > room:
            break
        shown.append(cls)
    return ", ".join([*shown, "…"]) if len(shown) > 1 else ""


#: How much longer than GLOSS_LIMIT a caption may run when the short one reads like another
#: caption of the film: "ky.extend: create a new ky instance with some defaults overridden"
#: beside "ky.create: create a new Ky instance with complete new defaults" (12 words at
#: most, read in 4 s: the shortest clip; plan_lint checks each against its shot). The same
#: room gloss gives a clause the limit cut before its point (gloss.CUT_EXTRA).
DISTINCT_EXTRA = CUT_EXTRA


def caption_choices(
    names: str, concepts: Sequence[Concept], docstring: str = "", limit: int = GLOSS_LIMIT
) -> list[str]:
    """The captions a concept shot may carry, best first: fallback_gloss's, then the other
    true things the project says of it (each teaching clause of its docstring and its
    README sentence, a little longer where the short cut loses what tells it apart; what its
    code says: the function that makes it, what it returns, what it takes, its base). captions.
    distinct_captions picks among them so that no two captions of a film read alike; the
    kind-and-owner caption ("a method of ky") is never an alternative, as it teaches nothing,
    nor is a family's bare docstring gloss ("Integer, Url: an field", which fallback_gloss
    says as "two kinds of field").

    Where the project says the same of two concepts, what differs is said: the HTTP method a
    function is named after ("ky.put: replaces what a URL holds with new content (a PUT
    request)", http_gloss), what the README's example passes ("takes a key ('port') and
    options", params_gloss), what each member of a family is a kind of ("a Number field and
    two String fields", bases_gloss): never the name alone, which eval's said_of masks.
    """
    first = fallback_gloss(names, concepts, docstring, limit)
    head = f"{names}: "
    said: list[str] = [first[len(head) :]] if first.startswith(head) else []
    kinds = re.fullmatch(_KINDS, said[0], re.I) if said else None
    if len(concepts) > 1 and kinds:
        said.append(bases_gloss(concepts, kinds.group(1)))
    if len(concepts) == 1:
        c = concepts[0]
        said += [http_gloss(c), route_gloss(c), example_gloss(c, limit + CUT_EXTRA - len(head))]
        # each clause with its longer cut right after it ("decorator for marking functions
        # | as hook specifications"), then the rest: pluggy's HookspecMarker, alike with
        # HookimplMarker in its short cut, said its second sentence ("instantiate it with a
        # project_name") where its first, longer, told the two apart
        wide = [
            t
            for text in (c.summary, c.readme_sentence)
            for t in teaching_clauses(c.name, text, limit + DISTINCT_EXTRA - len(head), c.kind)
            if len(t.split()) >= 3
        ]
        for text in (c.summary, c.readme_sentence):
            for t in teaching_clauses(c.name, text, limit - len(head), c.kind):
                if len(t.split()) >= 3:
                    said += [t, *(w for w in wide if w.startswith(t + " "))]
        said += wide
        based = gloss(c.name, "", kind=c.kind, bases=c.bases, limit=limit)
        base = based[len(head) :] if based.startswith(head) else ""  # "a ZodType"
        # what makes it says its base too ("the ZodType object() returns"): the base alone
        # would say less
        said += [role_gloss(c, limit - len(head)), made_gloss(c, base) or base]
        said.append(makes_gloss(concepts))
        said += [params_gloss(c), params_gloss(c, example=True)]
        said.append(members_gloss(c, limit + DISTINCT_EXTRA - len(head)))
        said.insert(1, members_do(c, limit - len(head)))  # what it does, before its parts
        if len(head + params_gloss(c)) > limit + DISTINCT_EXTRA:  # the first two, else
            said.append(params_gloss(replace(c, params=c.params[:2])))
            said.append(params_gloss(replace(c, params=c.params[:2]), example=True))
    out: list[str] = []
    for text in said:
        caption = head + text
        if text and caption not in out and len(caption) <= limit + DISTINCT_EXTRA:
            out.append(caption)
    kind = head + kind_gloss(concepts)
    return [first] + [c for c in out if c != first and c != kind]
