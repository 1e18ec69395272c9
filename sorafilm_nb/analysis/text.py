"""Words from names, docstrings and READMEs: the vocabulary metaphor matching works with,
and a docstring's summary (the scanners' Concept.summary)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from ..datafiles import data_dir
from ..lazyre import LazyPattern

# a keyword of prose as Concept.words holds it (concept_words): what another text is read
# with to be compared with those words (promised)
DOC_WORD = re.compile(r"[a-z][a-z]{2,}")
# LazyPattern (here and below): compiled at first use; Django's plan needs none of them (issue 14)
_URL = LazyPattern(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|`+[^`]*`+")
_NOT_PROSE = (" ", "\t", ">>>", "...", ":")  # how a line of code or markup starts
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The packaged stopword list (data/stopwords.txt); empty if the file is missing."""
    words: set[str] = set()
    try:
        text = (data_dir() / "stopwords.txt").read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(w.lower() for w in words)


def split_name(name: str) -> list[str]:
    """``HTTPStatusError`` -> [http, status, error]; ``read_file_2`` -> [read, file, 2]."""
    out: list[str] = []
    for part in name.replace(".", "_").split("_"):
        out.extend(m.lower() for m in _CAMEL.findall(part))
    return out


def concept_words(name: str, summary: str) -> tuple[str, ...]:
    """Lower-case keywords of a concept: its name's parts, then its summary's words."""
    stop = stopwords()
    seen: dict[str, None] = {}
    for w in split_name(name):
        if len(w) > 1:
            seen.setdefault(w, None)
    for w in DOC_WORD.findall(summary.lower()):
        if w not in stop:
            seen.setdefault(w, None)
    return tuple(seen)


def doc_words(docs: Iterable[str]) -> dict[str, int]:
    """keyword -> number of the given docstrings that use it (stopwords dropped).

    Only prose counts: lines that look like code (doctest prompts, indented blocks, reST
    field lists), links and inline code are left out, so ``self``, ``kwargs`` and ``https``
    do not become themes.
    """
    stop = stopwords()
    counts: dict[str, int] = {}
    get = counts.get
    for doc in docs:
        text = " ".join([ln for ln in doc.splitlines() if ln and not ln.startswith(_NOT_PROSE)])
        # links, e-mail addresses and ``code`` are not prose. Each of _URL's alternatives
        # needs one of these marks, and nine docstrings in ten have none: the regex, slow on
        # long words (\S+@ backtracks through each), is then skipped (issue 14)
        if "://" in text or "www." in text or "@" in text or "`" in text:
            text = _URL.sub(" ", text)
        for w in set(DOC_WORD.findall(text.lower())):
            if w not in stop:
                counts[w] = get(w, 0) + 1
    return counts


def summary_line(doc: str | None, limit: int = 160) -> str:
    """The docstring's summary on one line: the first sentence of its first prose paragraph,
    and the sentence after it when both fit in limit + SECOND_SENTENCE characters.

    Why two: a first sentence that only restates the name ("A user-created Request object.")
    or compares ("Works like Serializer.") teaches nothing, and the caption then takes the
    next one ("Used to prepare a PreparedRequest"). A paragraph that is not prose (pydantic's
    "Usage docs: <url>", a reST field or directive, "Args:") is passed over."""
    if not doc:
        return ""
    raw = doc.strip().split("\n\n")[:6]
    paras = [" ".join(p.split()) for p in raw]
    # a paragraph whose first line is a section heading ("Attributes:", "Usage::"),
    # an indented one is a literal block; a lone paragraph is what the filter would fall
    # back to anyway, so it is not asked (6 docstrings in 10: a fifth of the time here)
    prose = (
        paras
        if len(raw) == 1
        else [
            p
            for p, r in zip(paras, raw, strict=True)
            if p
            and not _NOT_PROSE_PARA.match(p)
            and not _SECTION.match(r.strip("\n").split("\n", 1)[0].strip())
            and not r.strip("\n")[:1].isspace()
        ][:2]
        or paras[:1]
    )
    sentences = [s for p in prose for s in _SENTENCE.split(p) if s]
    text = sentences[0] if sentences else ""
    if len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    if len(sentences) > 1 and len(text) + 1 + len(sentences[1]) <= limit + SECOND_SENTENCE:
        text = f"{text} {sentences[1]}"
    return text


def first_sentence(text: str, limit: int | None) -> str:
    """The first sentence of a paragraph, cut at a word boundary to at most limit chars
    (None: whole). The one rule for the tagline and the metadata's summary (readme), a
    forward's target (forwards) and a member's doc comment (doc_members): three copies had
    cut one sentence at three places, one of them mid-word."""
    text = " ".join(text.split())
    s = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if limit is None or len(s) <= limit:
        return s
    # too long: its asides go first ("a fuzzy human-readable duration ("3 minutes ago") or
    # into a human-readable size"), then the cut is at the last phrase boundary in the
    # second half, where one is: humanize's tagline ended "into a fuzzy human-readable…", an
    # adjective without its noun, where "... common humanization utilities…" ends whole
    s = MID_ASIDE.sub("", s)
    if len(s) <= limit:
        return s
    head = s[: limit - 1]
    bounds = [m.start() for m in _PHRASE_END.finditer(head) if m.start() >= limit // 2]
    cut = head[: bounds[-1]] if bounds else head.rsplit(" ", 1)[0]
    return cut.rstrip(",;:-—") + "…"


#: An aside inside a phrase that goes on after it: "a version 4 (random) UUID", "for the
#: creation of RFC9562 (formerly RFC4122) UUIDs". A cut at " (" lost the noun the phrase is
#: about ("generates a version 4", "for the creation of RFC9562"); without the aside the
#: phrase stays whole (an aside before a comma, a stop or the end is no part of a phrase).
#: The one rule for story.clauses.short_clause and first_sentence.
MID_ASIDE = LazyPattern(r"\s\([^()]{1,40}\)(?=\s+[A-Za-z0-9])")
# where a phrase of a long sentence ends: before a comma, a semicolon or a dash, or before
# "or"/"and" and another word
_PHRASE_END = LazyPattern(r"[,;]\s|\s[-–—]\s|\s(?=(?:or|and)\s\w)")


# a sentence ends before a capital, a quote, a code span or a bracket: not at "e.g. the"
_SENTENCE_END = LazyPattern(r"(?<=[.!?])\s+(?=[A-Z\"'`(])")
SECOND_SENTENCE = 100

#: The verbs that throw an error, and the words that open the condition it is thrown on.
THROW_VERB = r"(?:throws?|thrown|throwing|raises?|raised|raising|rejects?\s+with|rejected\s+with)"
CONDITION_WORD = r"(?:if|when|whenever|unless|once)"


def throws_when(name: str) -> str:
    """The pattern (re.I) of "... will throw an HTTPError if ": a verb that throws ``name``
    (a pattern) as the object after its article, then within 30 characters the word that
    opens the condition (groups 1 and 2), past a phrase set off by commas right after it
    ("when, after following redirects, the ..."). The one reading of such a sentence for
    the README's (readme_names.thrown_sentence) and the caption's (story.gloss_cuts.thrown)."""
    return (
        rf"\b({THROW_VERB})\s+(?:(?:a|an|the)\s+)?{name}(?![\w.])[^.;:]{{0,30}}?"
        rf"\s({CONDITION_WORD})\b,?\s*(?:[^,.;:]{{1,40}},\s*)?"
    )


# A section's heading line: "Attributes:", "Args:", "Usage::" ("Shorthand for:" is prose)
_SECTION = LazyPattern(r"^(?:\w+:|.*::)$")
_SENTENCE = LazyPattern(r"(?<=[.!?])\s+(?=[A-Z`:(])")
# "Usage docs: https://...", "Args:", ":param x:", ".. versionadded::", ">>> x", a bare URL
_NOT_PROSE_PARA = LazyPattern(
    r"^(?:[\w ]{1,30}:\s*(?:https?://\S+)?$|[\w ]{1,30}:\s*https?://|https?://\S+$|[:.]{1,2}\w|>>>|@)"
)


_README_NAMES = ("readme.md", "readme.rst", "readme.txt", "readme", "readme.markdown")
# Where a project without a README at its root greets its users, in this order: the docs'
# front page (Sphinx's and MkDocs' index, in the folders docs.DOC_DIRS walks first), else a
# docs folder's own README. tenacity's sdist ships its README's text only as
# doc/source/index.rst: its film knew no example, so it never showed a retry.
FRONT_DIRS = ("docs", "doc", "docs/source", "doc/source")
FRONT_PAGES = ("index.md", "index.rst", *_README_NAMES)


def _top_files(folder: Path) -> dict[str, str]:
    """{lower-case name: name} of what folder holds that is not a directory ({} if none).

    A link or special file counts (neither is followed or opened here): whoever opens it
    must use files.open_inside, which refuses links out of the root, /proc and FIFOs."""
    try:
        with os.scandir(folder) as entries:
            return {
                e.name.lower(): e.name
                for e in entries
                if not e.is_dir(follow_symlinks=False)  # a FIFO too: to be refused, aloud
            }
    except OSError:
        return {}


def find_readme(root: Path) -> str | None:
    """The README's path relative to root (posix): README.md / .rst / .txt at the top of
    root (any case), preferring that order; without one, the docs' front page (FRONT_DIRS,
    then FRONT_PAGES in each), which plays its part: the page users land on, with the
    project's name, its promise and its first examples."""
    names = _top_files(root)
    for cand in _README_NAMES:
        if cand in names:
            return names[cand]
    for folder in FRONT_DIRS:
        names = _top_files(root / folder)
        for cand in FRONT_PAGES:
            if cand in names:
                return f"{folder}/{names[cand]}"
    return None


def brackets(text: str, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth after it) for each bracket and comma of a line of code in
    text[start:stop] outside its quoted strings ('', "", ``; a backslash escapes the next
    character inside one): what a README example's call spans (call_answers) and whether
    its arguments are one (story.gloss_example), one scan for both."""
    depth = 0
    quote = ""
    end = len(text) if stop is None else min(stop, len(text))
    i = start
    while i < end:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
            yield i, ch, depth
        elif ch in ")]}":
            depth -= 1
            yield i, ch, depth
        elif ch == ",":
            yield i, ch, depth
        i += 1
