"""The words a caption says about what a concept does: its verbs and its spelled-out names.

Apart from gloss.py (which chooses the clause that teaches) because a caption reads as a
statement about the concept ("Application.use: uses the given middleware function"), while a
docstring is written in the imperative (PEP 257: "Use the given middleware `fn`.", "Return a
request handler callback.") and names things by their code abbreviations. Read on screen, an
imperative is a command to the viewer and "fn" is not English. fallback_gloss reads the same
verbs in a function's name ("create_model: creates a model") and the same abbreviations in a
parameter's ("opt" -> "options"): this is their one home.
"""

from __future__ import annotations

import re

__all__ = [
    "ABBREVIATIONS",
    "NAME_VERBS",
    "imperative_to_statement",
    "name_verb",
    "plural",
    "short_name_words",
    "spell_code_words",
    "third_person",
]

_MODALS = frozenset({"can", "will", "may", "must", "should", "could", "would", "might"})
_IRREGULAR = {"have": "has", "are": "is", "be": "is", "do": "does", "were": "was"}


def third_person(verb: str) -> str:
    """ "provide" -> "provides", "match" -> "matches", "carry" -> "carries": a verb said of
    one concept (the verb of a plural subject, or of an imperative)."""
    if verb.lower() in _MODALS:
        return verb
    if verb.lower() in _IRREGULAR:
        return _IRREGULAR[verb.lower()]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def plural(noun: str) -> str:
    """ "field" -> "fields", "class" -> "classes", "property" -> "properties", "URL" ->
    "URLs", "required option" -> "required options": a noun phrase's last word for many
    things (gloss_members lists members' nouns, gloss_apart counts a family's kinds)."""
    head, _, last = noun.rpartition(" ")
    if last.isupper():
        last += "s"  # an abbreviation: "URLs", "UUIDs"
    elif last.endswith(("s", "x", "z", "sh", "ch")):
        last += "es"
    elif len(last) > 1 and last.endswith("y") and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}".strip()


# Verbs a function's name opens with, and their third person: "create_model" -> "creates a
# model". Only verbs that read one way: "post", "set" or "test" could be nouns.
NAME_VERBS = {
    v: third_person(v)
    for v in [
        "add",
        "build",
        "check",
        "compile",
        "convert",
        "create",
        "decode",
        "delete",
        "dump",
        "encode",
        "extend",
        "fetch",
        "find",
        "format",
        "generate",
        "get",
        "launch",
        "load",
        "make",
        "merge",
        "open",
        "parse",
        "read",
        "register",
        "remove",
        "render",
        "resolve",
        "run",
        "send",
        "serialize",
        "sign",
        "start",
        "stop",
        "update",
        "validate",
        "write",
    ]
}

# Verbs a docstring's first sentence opens with in the imperative (PEP 257's "Return the
# ..."): NAME_VERBS and the others the eval's docstrings use. A word that also reads as a
# noun or an adjective at a sentence's start ("Default error handler", "Base field from
# which ...", "Proxy to ...") is left out: a false verb would say "defaults error handler".
_IMPERATIVES = frozenset(NAME_VERBS) | frozenset(
    [
        "allow",
        "append",
        "apply",
        "assign",
        "attach",
        "call",
        "clear",
        "close",
        "collect",
        "compute",
        "configure",
        "construct",
        "copy",
        "decorate",
        "define",
        "describe",
        "detect",
        "determine",
        "dispatch",
        "display",
        "emit",
        "ensure",
        "evaluate",
        "execute",
        "flash",
        "flush",
        "handle",
        "hide",
        "ignore",
        "include",
        "initialize",
        "initialise",
        "inspect",
        "install",
        "invoke",
        "iterate",
        "join",
        "keep",
        "list",
        "listen",
        "log",
        "look",
        "mark",
        "match",
        "modify",
        "mount",
        "normalize",
        "normalise",
        "perform",
        "prepare",
        "print",
        "process",
        "provide",
        "raise",
        "receive",
        "redirect",
        "reload",
        "rename",
        "replace",
        "reset",
        "retrieve",
        "return",
        "save",
        "search",
        "select",
        "serve",
        "set",
        "show",
        "skip",
        "sort",
        "split",
        "store",
        "strip",
        "take",
        "throw",
        "transform",
        "translate",
        "trigger",
        "try",
        "unset",
        "unsign",
        "use",
        "verify",
        "wrap",
        "yield",
    ]
)
# Words after which a bare word at a sentence's start is a verb: its object's determiner
# ("Serialize the given arguments", "Inspect any Python object").
_DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "these",
        "those",
        "its",
        "their",
        "all",
        "any",
        "each",
        "every",
        "one",
        "some",
        "whether",
    ]
)

# Words that open a sentence before a determiner and are no verb: "For the ...", "Either a
# ...", "Did the value ..." ("that" is no determiner here: "Serializer that uses ...").
_NOT_VERBS = frozenset(
    [
        "did",
        "do",
        "does",
        "had",
        "has",
        "have",
        "was",
        "were",
        "about",
        "after",
        "also",
        "as",
        "at",
        "before",
        "both",
        "by",
        "during",
        "either",
        "for",
        "from",
        "given",
        "hence",
        "here",
        "how",
        "if",
        "in",
        "into",
        "like",
        "neither",
        "not",
        "of",
        "on",
        "once",
        "only",
        "over",
        "per",
        "since",
        "so",
        "such",
        "than",
        "then",
        "there",
        "thus",
        "to",
        "under",
        "unless",
        "unlike",
        "until",
        "upon",
        "via",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "why",
        "with",
        "within",
        "without",
    ]
)


def _bare_verb(word: str, following: str, *, infinitive: bool = False) -> bool:
    """Whether ``word``, opening a sentence before ``following``, is a verb in the
    imperative: a known one, or a plain word (not already "sends", "stored", "pending") whose
    object's determiner follows it, or (``infinitive``: it followed "to") any plain word,
    whatever follows ("to manipulate headers")."""
    low = word.lower()
    if not re.fullmatch(r"[a-z]+", low):
        return False
    if low in _IMPERATIVES:
        return True
    if low in _NOT_VERBS or low in _DETERMINERS:
        return False
    plain = not re.search(r"(?:[^s]s|ed|ing|ly)$", low) and len(low) > 2
    return plain and (infinitive or following.lower() in _DETERMINERS)


def imperative_to_statement(clause: str, own: str = "", *, infinitive: bool = False) -> str:
    """ "use the given middleware function" -> "uses the given middleware function", "get
    or set the name" -> "gets or sets the name": a clause that opens with a verb in the
    imperative said of the concept. Unchanged when it opens otherwise, or when its object is
    the concept itself, written ``own`` ("Use Session to keep cookies", "Create a new
    instance of Axios"): that is an instruction to the reader, which the concept does not do.
    ``infinitive``: the clause followed "to" ("a class to manipulate headers"), so its plain
    first word is a verb whatever follows it."""
    words = clause.split()
    if len(words) < 2:
        return clause
    compound = _compound_verb(words, own)
    if compound:
        return compound
    first, second = words[0], words[1]
    if second.lower() in _AND and len(words) > 3 and _bare_verb(words[2], words[3]):
        verbs = 3  # "get or set the name", "set / get the usage"
    elif _bare_verb(first, second, infinitive=infinitive):
        verbs = 1
    else:
        return clause
    rest = " ".join(words[verbs:])
    # "Subclass this class and override ...": what the reader does with it
    if (own and _names(own, rest)) or _ITSELF.match(rest):
        return clause
    said = [third_person(first.lower()), *words[1:]]
    if verbs == 3:
        said[2] = third_person(words[2].lower())
    # a later imperative joined to the first ("assign setting to value, or return its
    # value", "copy inst and apply changes", "slice an iterator and return a list"): the
    # same subject does it
    for i in range(verbs + 1, len(said) - 1):
        joined = said[i - 1].lower().strip(",") in _AND or said[i - 1] == "/"
        word, following = said[i].lower(), said[i + 1].lower()
        verb = word not in _DETERMINERS and (word not in _ALSO_NOUNS or following in _DETERMINERS)
        if joined and verb and _bare_verb(said[i], said[i + 1]):
            said[i] = third_person(said[i].lower())
    return " ".join(said)


def _compound_verb(words: list[str], own: str) -> str:
    """ "base64 decode a URL-safe string" on base64_decode -> "base64-decodes a URL-safe
    string": a clause that opens with the concept's own name as a noun and a verb in the
    imperative (the name's words, in order) says the verb of it, the noun joined to it as
    English joins one ("base64-encodes", "url-quotes"); "" when it opens otherwise."""
    named = short_name_words(own) if own else []
    if len(named) != 2 or len(words) < 3:
        return ""
    noun, verb = words[0], words[1]
    if [noun.lower(), verb.lower()] != named or not _bare_verb(verb, words[2]):
        return ""
    if noun.lower() in _DETERMINERS:
        return ""
    return " ".join([f"{noun}-{third_person(verb.lower())}", *words[2:]])


_AND = frozenset({"and", "or", "then", "/"})
# verbs that are as often nouns, which a list joins ("a tuple or list to get"): a verb there
# only before its object's determiner ("and wrap the description")
_ALSO_NOUNS = frozenset(
    [
        "list",
        "set",
        "match",
        "sort",
        "split",
        "search",
        "show",
        "store",
        "process",
        "log",
        "mark",
        "trigger",
        "handle",
        "yield",
        "copy",
        "wrap",
        "strip",
        "display",
    ]
)
# the object that is the concept itself, whatever its name: "this class", "it"
_ITSELF = re.compile(r"(?:this|the)\s+(?:class|function|method|decorator|object)\b|it\b", re.I)


def _names(own: str, text: str) -> bool:
    """Whether text names the concept ``own`` as code: a name that reads as code anywhere
    ("Session", "render_template", "typer.Typer()"), a plain word only when called ("echo()":
    "Create a new field" names what field() makes, not the function)."""
    code = not own.islower() or "_" in own
    return bool(
        re.search(
            rf"(?<!\w){re.escape(own)}(?:\(|(?!\w))" if code else rf"(?<!\w){re.escape(own)}\(",
            text,
        )
    )


def short_name_words(name: str) -> list[str]:
    """The lower-case words of a name's last part: "create_model" -> ["create", "model"],
    "a.hideBin" -> ["hide", "bin"] (camelCase, snake_case and $ split alike). Not
    analysis.text.split_name (the casting's keywords), which keeps every dotted part and
    splits an abbreviation off: "HTTPStatusError" is http, status, error there and
    httpstatus, error here."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name.rsplit(".", 1)[-1])
    return [w.lower() for w in re.split(r"[\s_$]+", spaced) if w]


def name_verb(name: str) -> tuple[str, tuple[str, ...]]:
    """The third person of the verb a function's name opens with, and the words after it
    ("createContext" -> ("creates", ("context",)), "get_console" -> ("gets", ("console",))),
    or ("", ()) when it opens with no verb of NAME_VERBS."""
    short = name.rsplit(".", 1)[-1]
    if not short[:1].islower():  # a class ("LoadError") is named by a noun
        return "", ()
    words = short_name_words(short)
    if len(words) < 2 or words[0] not in NAME_VERBS:
        return "", ()
    return NAME_VERBS[words[0]], tuple(words[1:])


# Abbreviations code uses for what a caption says in words: yargs' option(key, opt), koa's
# "Use the given middleware `fn`."
ABBREVIATIONS = {
    "arg": "argument",
    "args": "arguments",
    "cb": "callback",
    "cfg": "config",
    "cmd": "command",
    "ctx": "context",
    "desc": "description",
    "dir": "directory",
    "el": "element",
    "env": "environment",
    "err": "error",
    "fn": "function",
    "func": "function",
    "http": "HTTP",
    "id": "ID",
    "json": "JSON",
    "msg": "message",
    "num": "number",
    "obj": "object",
    "opt": "options",
    "opts": "options",
    "req": "request",
    "res": "response",
    "str": "string",
    "uri": "URI",
    "url": "URL",
    "val": "value",
    "ver": "version",
}

# a word written as code on its own: `fn`, ``val``, with the word before it
_CODE_WORD = re.compile(r"(\w*)(\W*)(`{1,2})([a-z]+)\3")


def spell_code_words(text: str) -> str:
    """Docstring text with each abbreviation written as code alone spelled out ("the given
    middleware `fn`" -> "the given middleware function"): a parameter's name in a sentence
    reads as the word it stands for. Prose words ("an id") and longer code stay, and so does
    an abbreviation right after the word it stands for ("with value `val`")."""

    def spelled(m: re.Match[str]) -> str:
        word = ABBREVIATIONS.get(m.group(4), "")
        if not word or word.lower() == m.group(1).lower():
            return m.group(0)
        return m.group(1) + m.group(2) + word

    return _CODE_WORD.sub(spelled, text)
