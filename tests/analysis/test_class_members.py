"""A class with nothing else to say is told apart by what it offers (issue 12, captions):
zod's five schema classes all read "the ZodType x() returns", httpx's URL "a class in
httpx._urls". analysis.signature reads the members that set a class apart from the other
subclasses of its base in its file (Concept.members); fallback_gloss says them."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.signature import _Classes, set_apart
from sorafilm_nb.story.fallback_gloss import fallback_gloss, members_gloss

JS = """class ZodType {
    parse(data) {}
}
class ZodString extends ZodType {
    _parse(input) {}
    email(message) {
        if (x) {
            return 1;
        }
    }
    url(message) {}
    min(n) {}
}
class ZodNumber extends ZodType {
    get isInt() { return true; }
    set thing(v) {}
    int(message) {}
    min(n) {}
    static create(params) {}
}
"""

PY = '''class URL:
    """
    url = httpx.URL("https://example.org/")
    """

    def __init__(self, url=""):
        pass

    @property
    def scheme(self) -> str:
        return ""

    def _private(self):
        pass

    def copy_with(self, **kwargs):
        pass

    def join(self, url):
        def inner():
            pass
'''


def test_members_are_the_public_methods_and_properties_of_the_body() -> None:
    classes = _Classes(JS.splitlines(), "javascript")
    assert classes.bases["ZodString"] == classes.bases["ZodNumber"] == "ZodType"
    assert classes.members("ZodString") == ("email()", "url()", "min()")
    assert classes.members("ZodNumber") == ("isInt", "int()", "min()", "create()")
    py = _Classes(PY.splitlines(), "python")
    assert (py.bases["URL"], py.members("URL")) == ("", ("scheme", "copy_with()", "join()"))


def test_what_sets_a_class_apart_from_its_siblings_comes_first() -> None:
    classes = _Classes(JS.splitlines(), "javascript")
    apart = functools.partial(set_apart, classes.bases, classes.members)
    assert apart("ZodString") == ("email()", "url()")  # min() ZodNumber has too
    assert apart("ZodNumber") == ("isInt", "int()", "create()")
    assert apart("Missing") == ()


def test_analyze_gives_an_undocumented_class_its_members(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""Pkg."""\nfrom ._urls import URL\n')
    (tmp_path / "pkg" / "_urls.py").write_text(PY)
    concepts = {c.name: c for c in analyze(tmp_path, use_cache=False).concepts}
    assert concepts["URL"].members == ("scheme", "copy_with()", "join()")


def test_the_caption_says_the_members_before_the_kind_and_owner() -> None:
    c = Concept("URL", "class", "httpx/_urls.py", 15, "url = httpx.URL(...)", 1.0)
    assert fallback_gloss("URL", [c]) == "URL: a class in httpx._urls"
    c = replace(c, members=("scheme", "raw_scheme", "userinfo", "username"))
    assert fallback_gloss("URL", [c]) == "URL: has scheme, raw_scheme, userinfo and username"
    assert members_gloss(c, room=30) == "has scheme and raw_scheme"  # as many as fit
    assert members_gloss(replace(c, members=("scheme",))) == ""  # one says too little
