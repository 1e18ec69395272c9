"""A caption teaches what the thing does for a user; it never restates the name or its module
(issue 12, captions). gloss() gives no clause for a docstring that only restates or compares;
fallback_gloss then takes the README's sentence, else a role phrase, else kind and owner."""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.captions import gloss
from sorafilm_nb.story.casting import cast
from sorafilm_nb.story.fallback_gloss import fallback_gloss, role_gloss


@pytest.mark.parametrize(
    ("name", "summary", "bases"),
    [
        ("Request", "A user-created :class:`Request <Request>` object.", ()),
        ("Path", "The ``Path`` type is similar to the :class:`File` type.", ()),
        ("URLSafeSerializer", "Works like :class:`.Serializer`.", ()),
        ("Environment", "The core component of Jinja is the `Environment`.", ()),
        ("Syntax", "Construct a Syntax object.", ()),
        ("Pane", "Construct a Pane object with a border.", ()),
        ("listen", "Shorthand.", ()),
        ("listen", "http.createServer(app.callback()).listen(...)", ()),
        ("Context", "", ("click.Context",)),
        ("Syntax", "", ("JupyterMixin",)),
        ("URLSafeSerializer", "", ("URLSafeSerializerMixin",)),
    ],
)
def test_a_docstring_that_restates_or_compares_gives_no_clause(
    name: str, summary: str, bases: tuple[str, ...]
) -> None:
    assert gloss(name, summary, kind="class", bases=bases) == name


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        ("print", "Print object(s) supplied via positional arguments.", "print: prints object(s)"),
        ("request", "Sends an HTTP request.", "request: sends an HTTP request"),
        ("Table", "A console renderable to draw a table.", "Table: a console renderable"),
        ("Syntax", "Construct a Syntax object to render code.", "Syntax: renders code"),
        (
            "Prepared",
            "The fully mutable Prepared object, containing the exact bytes to send.",
            "Prepared: contains the exact bytes to send",
        ),
        ("Safe", "Works like :class:`.Serializer` but dumps to a URL safe string.", "Safe: dumps"),
    ],
)
def test_a_docstring_that_teaches_keeps_its_clause(name: str, summary: str, want: str) -> None:
    assert gloss(name, summary).startswith(want)


def _concept(name: str, kind: str = "class", **kw: object) -> Concept:
    base: dict[str, object] = {
        "file": "courier/models.py",
        "line": 1,
        "summary": "",
        "score": 1.0,
    }
    return Concept(name=name, kind=kind, **{**base, **kw})  # type: ignore[arg-type]


def test_a_restating_docstring_gives_way_to_the_readme_sentence() -> None:
    c = _concept(
        "Request",
        summary="A user-created Request object.",
        readme_sentence="Use `Request` to describe a call before you send it.",
    )
    doc = gloss(c.name, c.summary, kind=c.kind)
    assert (
        fallback_gloss(c.name, [c], doc)
        == "Request: use Request to describe a call before you send it"
    )


@pytest.mark.parametrize(
    ("concept", "want"),
    [
        (_concept("create_model", "function"), "creates a model"),
        (_concept("getConsole", "function", decorator=True), "gets a console"),
        (_concept("route", "function", decorator=True), "a decorator you put on a function"),
        (_concept("HTTPError", "exception"), "an error your code can catch"),
        (_concept("isCancel", "function"), "tells whether something is a cancel"),
        (_concept("Depot"), ""),
        (_concept("post", "function"), ""),  # "post" may be a noun: no claim
    ],
)
def test_a_role_phrase_says_only_what_the_name_and_use_show(concept: Concept, want: str) -> None:
    assert role_gloss(concept) == want


def test_without_prose_a_role_phrase_comes_before_kind_and_module() -> None:
    assert fallback_gloss("create_model", [_concept("create_model", "function")]) == (
        "create_model: creates a model"
    )
    assert fallback_gloss("Depot", [_concept("Depot")]) == "Depot: a class in courier.models"


def test_a_film_of_a_repository_whose_docstrings_restate_teaches_from_its_readme(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "courier"
    (repo / "courier").mkdir(parents=True)
    (repo / "README.md").write_text(
        "# Courier\n\nCourier sends parcels.\n\n### Van\n\nCarries parcels from the depot to"
        " every door on its round.\n\n```python\nfrom courier import Van\nVan().go()\n```\n",
        encoding="utf-8",
    )
    (repo / "courier" / "__init__.py").write_text(
        '"""Courier."""\n\n\nclass Van:\n    """A user-created Van object."""\n\n'
        "    def go(self):\n        pass\n\n\n__all__ = ['Van']\n",
        encoding="utf-8",
    )
    board = storyboard(cast(analyze(repo, use_cache=False), top=2), "silent-90", 48)
    captions = {s.cast.concept.name: s.caption for s in board.shots if s.cast and not s.reprise}
    assert captions["Van"] == "Van: carries parcels from the depot to every door", captions
