"""What a mute class's or module's members say they do (analysis.doc_members ->
Concept.member_docs), read from real files: commander's Command has no comment of its own
but its methods do, koa's request module is getters and setters with comments (captions
round 3). Each test fails on the old behaviour (there was no such field)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.analysis.doc_members import member_docs, with_member_summaries

JS_CLASS = """\
class Command extends EventEmitter {
  constructor(name) {
    super();
  }

  /**
   * Define a command.
   *
   * @param {string} nameAndArgs
   */
  command(nameAndArgs) {
    throw new Error(`a template literal's line
- at column 0 does not end the class`);
  }

  /**
   * Private: not said.
   */
  _hidden() {}

  /**
   * Define option with `flags`, `description`.
   * And more words.
   */
  async option(flags, description) {}
}

/**
 * Outside the class.
 */
function other() {}
"""

JS_MODULE = """\
'use strict';

module.exports = {

  /**
   * Return request header.
   *
   * @return {Object}
   * @api public
   */

  get header() {
    return this.req.headers;
  },

  /**
   * Set request header.
   */

  set header(val) {
    this.req.headers = val;
  },
};
"""

PY_CLASS = '''\
class Response:
    def __init__(self, status_code: int) -> None:
        """Not public."""

    @property
    def elapsed(self) -> float:
        """Returns the time taken. More words."""
        return 0.0

    def read(
        self,
    ) -> bytes:
        """
        Read and return the response content.
        """
        return b""

    def json(self):
        return {}


def outside():
    """Outside the class."""
'''


def _concept(name: str, kind: str, file: str, line: int, language: str, said: str = "") -> Concept:
    return Concept(name, kind, file, line, said, 1.0, language=language)


def test_a_js_class_says_what_its_commented_public_methods_say() -> None:
    c = _concept("Command", "class", "lib/command.js", 1, "javascript")
    assert member_docs(JS_CLASS.splitlines(), c) == (
        "command: Define a command.",
        "option: Define option with `flags`, `description`.",
    )


def test_a_js_module_says_its_getters_and_setters() -> None:
    c = _concept("request", "module", "lib/request.js", 0, "javascript")
    assert member_docs(JS_MODULE.splitlines(), c) == (
        "get header: Return request header.",
        "set header: Set request header.",
    )


def test_a_python_class_says_its_methods_docstrings_and_its_properties() -> None:
    c = _concept("Response", "class", "httpx/_models.py", 1, "python")
    assert member_docs(PY_CLASS.splitlines(), c) == (
        "get elapsed: Returns the time taken.",
        "read: Read and return the response content.",
    )


def test_only_mute_containers_are_read(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "command.js").write_text(JS_CLASS, encoding="utf-8")
    mute = _concept("Command", "class", "lib/command.js", 1, "javascript")
    told = _concept("Command", "class", "lib/command.js", 1, "javascript", "Runs things.")
    method = _concept("Command.command", "function", "lib/command.js", 11, "javascript")
    got = with_member_summaries(tmp_path, [mute, told, method])
    assert got[0].member_docs[0] == "command: Define a command."
    assert got[1].member_docs == () and got[2].member_docs == ()
    # a file that cannot be read says nothing
    gone = _concept("Gone", "class", "lib/gone.js", 1, "javascript")
    assert with_member_summaries(tmp_path, [gone])[0].member_docs == ()


def test_a_docstring_is_read_for_its_first_lines_only() -> None:
    """An unclosed docstring full of "def" lines (a hostile file) is read DOC_LINES lines
    from each def, not to its end from each: the first sentence is what is kept."""
    body = "\n".join(f"    def m{i}(self):\n        '''Line {i} runs on" for i in range(3000))
    lines = f"class Big:\n{body}\n".splitlines()
    c = _concept("Big", "class", "big.py", 1, "python")
    said = member_docs(lines, c)
    assert said[0].startswith("m0: Line 0 runs on def m1") and len(said[0]) <= 90


def test_a_long_member_sentence_is_cut_at_a_word_as_a_tagline_is() -> None:
    """A member's sentence is read by the one first-sentence rule (text.first_sentence): its
    own copy cut click's "press any key to continue" mid-word at DOC_CHARS ("...
    environment specific pager on std") and ended pydantic's sentence at "eg." ("Whether
    the field is "complex" eg.")."""
    from sorafilm_nb.analysis.doc_members import DOC_CHARS

    long = "Show the text via an environment specific pager on standard output, or prints it whole."
    py = f'class Pager:\n    def page(self):\n        """{long}"""\n'
    said = member_docs(py.splitlines(), _concept("Pager", "class", "p.py", 1, "python"))
    text = said[0].removeprefix("page: ")
    assert len(text) <= DOC_CHARS and text.endswith("…"), said
    assert long.startswith(text[:-1]) and long[len(text) - 1] in " ,;", said  # a whole word
    py = 'class F:\n    def is_complex(self):\n        """Whether it is "complex" eg. as JSON."""\n'
    said = member_docs(py.splitlines(), _concept("F", "class", "f.py", 1, "python"))
    assert said == ('is_complex: Whether it is "complex" eg. as JSON.',)


def test_a_documented_super_or_return_call_is_no_member() -> None:
    """A comment over ``super(options)`` or ``return make(...)`` in a class body documents a
    call, not a member: doc_members reads a member's line as signature does
    (_Classes.member_line), whose list of non-members had "super" and "return" and this
    reader's copy had not."""
    js = """\
class Tool extends Base {
  constructor(options) {
    /** The options, as Base reads them. */
    super(options)
  }

  /** Make the thing. */
  make() {
    /** A new one each time. */
    return (this.made ||= build(this))
  }
}
"""
    c = _concept("Tool", "class", "lib/tool.js", 1, "javascript")
    assert member_docs(js.splitlines(), c) == ("make: Make the thing.",)


def test_analyze_opens_each_source_file_once_for_params_and_member_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mute class is read for its members (signature.with_params) and for what they say
    (doc_members); the second reader takes the first one's text instead of opening the
    file again."""
    from sorafilm_nb.analysis import signature
    from sorafilm_nb.analysis.profile import analyze

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""Pkg."""\nfrom ._models import Response\n')
    (tmp_path / "pkg" / "_models.py").write_text(PY_CLASS)
    opened: list[str] = []
    real = signature.open_inside

    def counting(root: str, rel: str) -> tuple[int, os.stat_result]:
        opened.append(rel)
        return real(root, rel)

    monkeypatch.setattr(signature, "open_inside", counting)
    response = next(c for c in analyze(tmp_path, use_cache=False).concepts if c.name == "Response")
    assert response.member_docs[0] == "get elapsed: Returns the time taken."  # both read it
    assert response.members
    assert opened.count("pkg/_models.py") == 1, opened
