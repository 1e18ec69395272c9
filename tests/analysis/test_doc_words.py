"""doc_words: the keywords of docstrings' prose, links, e-mail addresses and code left out.

It skips its link regex when a docstring holds none of the marks a link, an address or a
code span needs (issue 14); the keywords must be exactly those the regex run on every
docstring gives."""

from __future__ import annotations

import pytest
from pyscan_fixtures import collector_paused, package_dir

from sorafilm_nb.analysis import text


def _always_sub(docs: list[str]) -> dict[str, int]:
    """doc_words as it was: the regex on every docstring."""
    stop = text.stopwords()
    counts: dict[str, int] = {}
    for doc in docs:
        prose = [
            ln
            for ln in doc.splitlines()
            if ln and not ln.startswith((" ", "\t", ">>>", "...", ":"))
        ]
        joined = text._URL.sub(" ", " ".join(prose)).lower()
        for w in set(text.DOC_WORD.findall(joined)):
            if w not in stop:
                counts[w] = counts.get(w, 0) + 1
    return counts


DOCS = [
    "Fetch the page at https://example.com/path and parse it.",
    "See www.example.org for details about caching.",
    "Mail admin@example.com when the queue overflows.",
    "Returns ``QuerySet`` objects filtered by the ``lookup`` keyword.",
    "Plain prose about templates, widgets and forms.",
    "HTTPS://UPPER.CASE is not a link to the regex; WWW.Upper neither.",
    "ftp://files.example.net mirrors hold archives",
    "an @decorator wraps handlers",
    "",
]


@pytest.mark.parametrize("doc", DOCS)
def test_same_keywords_as_the_regex_on_every_docstring(doc: str) -> None:
    assert text.doc_words([doc]) == _always_sub([doc])


def test_links_addresses_and_code_are_left_out() -> None:
    words = text.doc_words(DOCS[:4])
    for gone in ("example", "path", "admin", "queryset", "lookup"):
        assert gone not in words
    assert {"fetch", "page", "parse", "mail", "queue", "filtered"} <= set(words)


def test_same_keywords_on_every_docstring_of_django() -> None:
    docs: list[str] = []
    with collector_paused():  # a parse of all of Django (pyscan_fixtures says why)
        for f in sorted(package_dir("django").rglob("*.py")):
            docs.extend(_docs_of(f.read_bytes()))
    assert len(docs) > 1000
    assert text.doc_words(docs) == _always_sub(docs)
    for doc in docs:  # each on its own too: a count of one docstring is its own test
        assert text.doc_words([doc]) == _always_sub([doc])


def _docs_of(data: bytes) -> list[str]:
    import ast

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return []
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef)))]
    return [d for d in (ast.get_docstring(n) for n in nodes) if d]
