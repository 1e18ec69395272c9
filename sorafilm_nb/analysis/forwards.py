"""What a function that only forwards does: its target's own sentence (issue 12, captions).

express documents ``app.param`` as "Proxy to `Router#param()` with one added api feature. The
_name_ parameter can be an array of names.": the first sentence names where the call goes,
the second an extra, and neither says what it does. The target says it ("Map the given param
placeholder `name`(s) to the given callback.", on ``proto.param`` of lib/router/index.js), so
the forwarding function's summary opens with that sentence, then its own words: a caption
says what the call does, and the extra stays for a film whose captions must differ.

Only a sentence that says it forwards "to" (or is an alias "of"/"for") a named ``Owner#method``
or ``Owner.method`` and says no purpose of its own ("Proxy `Router#use()` to add middleware"
says one), and only a target the project defines once: a function of that short name whose
owner, or whose file's folder or module, is the named owner, with a summary that is prose
and no forward itself (a chain of aliases says where the call goes, never what it does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .concepts import Concept
from .text import first_sentence

__all__ = ["MAX_NAMESAKES", "with_forwarded"]

#: Functions of one short name a target is looked for among: more is no project's API, and
#: a proxy among them all would cost names x names.
MAX_NAMESAKES = 16

# "Proxy to `Router#param()` with one added api feature.", "Alias for Owner.method()."
_FORWARD = re.compile(
    r"^(?:an?\s+)?(?:prox(?:y|ies)|alias(?:es)?|delegates?)\s+(?:to|of|for)\s+"
    r"(?:the\s+\w+\s+)?`?([A-Za-z_$][\w$]*)[#.]([A-Za-z_$][\w$]*)(?:\(\))?`?"
    r"(?:\s+with\s[^.]*)?(?:[.]|\s*$)",
    re.I,
)
# a target's summary that is no prose: a count (a forward itself is _FORWARD's: "Alias for"
# to "Delegates to" said "Delegates to Layer.handle(). Alias for Router.use.")
_NOT_PROSE = re.compile(r"^(?:in \d+ docstrings?|raised \d|caught \d)", re.I)


def _owned_by(c: Concept, owner: str) -> bool:
    """Whether ``c`` is a method of ``owner``: its own owner's name ("Router.param"), or the
    folder or module it is defined in (lib/router/index.js, lib/router.js)."""
    head = c.name.rpartition(".")[0].lower()
    parts = re.sub(r"\.[^./]+$", "", c.file.lower()).split("/")
    return owner.lower() in {head, *parts}


def with_forwarded(concepts: Sequence[Concept]) -> list[Concept]:
    """The concepts, each function that only forwards with its target's first sentence
    before its own summary (see the module's doc); the others as they are."""
    out = list(concepts)
    # functions by short name: a profile of 600 proxies looks each target up once, not 600
    # times over every concept
    named: dict[str, list[Concept]] = {}
    for t in concepts:
        if (
            t.kind == "function"
            and t.summary
            and not _NOT_PROSE.match(t.summary)
            and not _FORWARD.match(t.summary)
        ):
            named.setdefault(t.name.rpartition(".")[2], []).append(t)
    for i, c in enumerate(out):
        m = _FORWARD.match(c.summary) if c.kind == "function" and c.summary else None
        if not m:
            continue
        owner, method = m.group(1), m.group(2)
        namesakes = named.get(method, [])
        if len(namesakes) > MAX_NAMESAKES:  # a hostile profile's 600 "x.param"s: no target
            continue
        found = [t for t in namesakes if t is not c and _owned_by(t, owner)]
        if len(found) == 1:
            said = first_sentence(found[0].summary, limit=None)
            out[i] = replace(c, summary=f"{said.rstrip('.')}. {c.summary}")
    return out
