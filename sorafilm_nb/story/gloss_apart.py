"""What tells two concepts apart when the project says the same of both (issue 12's aim).

A film whose captions repeat ("ky.get, ky.put: sets options.method to the method name";
"YargsInstance.option, YargsInstance.positional: takes a key and options"; two marshmallow
families "three kinds of field") teaches nothing with its second caption. The eval masks a
concept's own names when it compares captions (captions.said_of), so a caption that differs
only by the name it repeats is still the same caption: what differs must be something the
project says of one and not the other. fallback_gloss.caption_choices offers these as the
alternatives captions.distinct_captions picks when two captions read alike:

- the HTTP method a function is named after, when its own words say it makes a request;
- the first argument the README's example passes (Concept.readme_call);
- what each member of a family is a kind of (its first base that teaches).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..redact import masks
from .clauses import article
from .gloss import _PLAIN_BASES, _same_kind
from .gloss_words import plural

if TYPE_CHECKING:
    from ..analysis.concepts import Concept

__all__ = ["COUNT", "bases_gloss", "example_value", "http_gloss", "route_gloss"]

#: Counts a caption spells out: "three kinds of field", "two String fields".
COUNT = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}

# What each HTTP method asks of a server (RFC 9110, section 9.3), for a function named after
# one whose own words say it makes a request: ky.get and ky.put share one README sentence
# ("Sets options.method to the method name and makes a request"), and only the method they
# send tells them apart.
_HTTP_METHODS = {
    "get": "fetches what a URL holds",
    "head": "fetches only the headers of a URL",
    "post": "sends data for the server to process",
    "put": "replaces what a URL holds with new content",
    "patch": "changes part of what a URL holds",
    "delete": "removes what a URL holds",
    "options": "asks which methods a URL allows",
}
# The function itself makes the request: its verb in the third person ("Sets options.method
# ... and makes a request") or as a sentence's opening imperative ("Send a GET request"), not
# a verb some other subject does ("so you can make a request later", "lets you send a
# request", "to perform a request"): a sentence that mentions a request is no request made.
_MAKES_REQUEST = re.compile(
    r"(?:\b(?:makes|sends|issues|performs)|(?:^|(?<=[.!?]\s))(?:make|send|issue|perform))"
    r"\s+(?:(?:an?|the|its|one|another)\s+)?(?:[\w`'-]+\s+){0,3}?requests?\b",
    re.I,
)
# a subject other than the function, or a modal, right before the verb: someone else acts
_OTHER_SUBJECT = re.compile(
    r"\b(?:you|we|they|users?|callers?|one|can|could|may|might|will|would|should|must|to|"
    r"lets?|allows?)\s+(?:\w+\s+)?$",
    re.I,
)
# "never makes a network request", "does not send a request": the opposite of one, in the
# clause (from the last , ; : . before it) that says it
_NEGATED = re.compile(r"\b(?:not|never|no|without|cannot)\b|n't\b", re.I)


def _makes_request(said: str) -> bool:
    """Whether some clause of said says, unnegated, that it makes a request."""
    for m in _MAKES_REQUEST.finditer(said):
        lo = max(0, m.start() - 80)  # a clause, not the whole text (linear on a hostile one)
        start = max(lo - 1, *(said.rfind(p, lo, m.start()) for p in ",;:."))
        if _OTHER_SUBJECT.search(said, start + 1, m.start()):
            continue
        if not _NEGATED.search(said, start + 1, m.end()):
            return True
    return False


def http_gloss(c: Concept) -> str:
    """ "fetches what a URL holds (a GET request)": what a function named after an HTTP
    method does, when its docstring or README sentence says it makes a request (express's
    app.get, which routes GET requests, says no such thing); ""."""
    method = c.name.rsplit(".", 1)[-1].lower()
    said = f"{c.summary} {c.readme_sentence}"
    if c.kind != "function" or method not in _HTTP_METHODS or not _makes_request(said):
        return ""
    upper = method.upper()
    return f"{_HTTP_METHODS[method]} ({article(upper)} {upper} request)"


# What a server-side route's first parameter is called: app.get(path, ...handlers) routes
# the GET requests that reach a path (express, koa-router, Flask's Scaffold.get(rule)).
_ROUTE_PARAMS = frozenset({"path", "route", "rule", "pattern"})


def route_gloss(c: Concept) -> str:
    """ "routes GET requests for a path": a function named after an HTTP method whose first
    parameter is a path or a rule registers what answers those requests on a server (it
    makes none: http_gloss says that of a client); ""."""
    method = c.name.rsplit(".", 1)[-1].lower()
    if c.kind != "function" or method not in _HTTP_METHODS or not c.params:
        return ""
    if c.params[0].lower() not in _ROUTE_PARAMS:
        return ""
    return f"routes {method.upper()} requests for {article(c.params[0])} {c.params[0].lower()}"


# The first argument of a README example's call when it is a short string: "'port'" of
# "positional('port', {".
_FIRST_STRING = re.compile(r"^[\w$]+\s*\(\s*(['\"])([^'\"\\\n]{1,24})\1\s*[,)]")


def example_value(c: Concept) -> str:
    """What the README's first example call of c passes first, when it is a short string
    (Concept.readme_call): "port" for yargs' positional('port', {...}); "". Never what
    redact(strict=True) would mask (a key, an e-mail address: the README is hostile, and
    lint would block a film over a caption it only took to tell two concepts apart)."""
    m = _FIRST_STRING.match(c.readme_call)
    if not m or masks(m.group(2)):
        return ""
    return m.group(2)


def bases_gloss(concepts: Sequence[Concept], noun: str) -> str:
    """ "a Number field and two String fields": what each member of a family is a kind of
    (its first base that teaches, in the family's order), where "three kinds of field" is
    all its docstrings share and another family of the film shares it too (marshmallow's
    Integer, Email, Url and String, Boolean, UUID); "" when a member has no such base, or
    every member is a plain ``noun`` (a Field base of a field)."""
    groups: dict[str, int] = {}
    for c in concepts:
        # its name without module or type parameters ("typing.Generic[T]" -> "Generic"),
        # passing over what teaches nothing (a plain base, a mixin: gloss._same_kind)
        real = [b.split("[", 1)[0].rsplit(".", 1)[-1] for b in c.bases]
        own = c.name.rsplit(".", 1)[-1]
        real = [b for b in real if b and b not in _PLAIN_BASES and not _same_kind(b, own)]
        if not real:
            return ""
        groups[real[0]] = groups.get(real[0], 0) + 1
    if all(base.lower() == noun.lower() for base in groups) or max(groups.values()) > 8:
        return ""
    parts = []
    for base, n in groups.items():
        # members built straight on the family's noun are its plain kind: "two fields and a
        # String field" read as if the String field were not a field
        said = f"plain {noun}" if base.lower() == noun.lower() else f"{base} {noun}"
        parts.append(f"{article(said)} {said}" if n == 1 else f"{COUNT[n]} {plural(said)}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
