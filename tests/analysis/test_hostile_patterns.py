"""A hostile repository cannot hang the scan with text built against its patterns (issue 11).

The package entry (package.json ``main`` and what it hands out) and the README's and docs
pages' code examples are read with regular expressions. Text made of openers that never
close (``export{`` a thousand times, ``/*`` without ``*/``) or of identifier fragments
(``a$a$a$``) made some of them try every start against the rest of the file: quadratic, so a
300 KB file took hours. Each test analyzes such a repository in a real ``sorafilm`` process
with a deadline that a linear scan meets many times over.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DEADLINE = 90  # seconds; each of these repositories analyzes in ~2 s (an interpreter start)
SIZE = 300_000  # bytes of hostile text: quadratic patterns take hours on it
SCRIPT = (
    "import sys; from pathlib import Path; from sorafilm_nb.analysis.profile import analyze; "
    "p = analyze(Path(sys.argv[1])); print(' '.join(sorted(c.name for c in p.concepts)))"
)


def _fill(unit: str) -> str:
    return unit * (SIZE // len(unit))


def _js_package(root: Path, tail: str) -> Path:
    """A small real package whose entry file ends in hostile text."""
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "evil", "main": "lib/index.js"}))
    (root / "lib").mkdir()
    (root / "lib" / "index.js").write_text(
        "/** Starts the show. */\nfunction start() { return 1 }\n"
        "module.exports = { start }\n" + tail + "\n"
    )
    return root


def _bounded(args: list[str], what: str, stdin: str | None = None) -> str:
    """A child python's stdout; the test fails if it takes over DEADLINE or fails."""
    try:
        done = subprocess.run(
            [sys.executable, *args], input=stdin, capture_output=True, text=True, timeout=DEADLINE
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took over {DEADLINE} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _analyze(root: Path) -> set[str]:
    return set(_bounded(["-c", SCRIPT, str(root)], f"analyzing {root.name}").split())


@pytest.mark.parametrize(
    "unit",
    [
        "a$",  # identifier fragments: obj.x = v looked for a dot after every one
        "module.exports={",  # object literals that never close
        "export{",
        "const{",
    ],
    ids=["fragments", "module-exports", "export-list", "destructure"],
)
def test_a_hostile_package_entry_does_not_hang_the_scan(tmp_path: Path, unit: str) -> None:
    names = _analyze(_js_package(tmp_path / "repo", _fill(unit)))
    # the scan ends with a profile; a thousand unclosed braces may cost the parser "start"
    assert names & {"start", "index"}


@pytest.mark.parametrize(
    "unit",
    ["/* ", "import a, {", "\n", "evil("],
    ids=["unclosed-comments", "unclosed-import-lists", "blank-lines", "unclosed-calls"],
)
def test_hostile_readme_and_docs_examples_do_not_hang_the_scan(tmp_path: Path, unit: str) -> None:
    root = _js_package(tmp_path / "repo", "")
    fill = _fill(unit)
    example = "```js\nconst evil = require('evil')\nevil.start()\n" + fill + "\n```\n"
    example += "```\nevil\n" + fill + "evil.start()\n```\n"  # untagged: its language guessed
    (root / "README.md").write_text("# evil\n\nStarts things.\n\n" + example)
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Guide\n\n" + example[:200_000] + "\n```\n")
    assert "start" in _analyze(root)


def test_a_hostile_class_body_does_not_hang_the_method_lookup(tmp_path: Path) -> None:
    """A README example calls ``c.run()`` on a class whose file then holds ~1 MB (the scan
    cap) of ``run(`` openers that never close: looking up run's definition must not read on
    from each of them."""
    root = _js_package(tmp_path / "repo", "")
    (root / "lib" / "index.js").write_text(
        "/** Runs things. */\nclass Runner {\n  start() { return 1 }\n}\n"
        "module.exports = { Runner }\n" + "  run(\n" * 140_000
    )
    (root / "README.md").write_text(
        "# evil\n\n```js\nconst { Runner } = require('evil')\n"
        "const c = new Runner()\nc.run()\n```\n"
    )
    assert "Runner" in _analyze(root)


@pytest.mark.parametrize(
    "unit",
    [":a:`" + " " * 2_000 + "x ", ":", "*a ", "<", "_a ", "[", "[a](", "![a][", "[a]["],
    ids=[
        "role-then-spaces",
        "role-colons",
        "emphasis-openers",
        "tag-openers",
        "underscores",
        "link-openers",
        "unclosed-links",
        "unclosed-image-refs",
        "unclosed-link-refs",
    ],
)
def test_hostile_readme_prose_does_not_hang_the_markup_stripping(tmp_path: Path, unit: str) -> None:
    """A README paragraph built against the prose patterns (markup.py: a reST role whose
    backtick never closes, runs of role colons, emphasis or tag openers that never close):
    analysis.readme.strip_markup reads each paragraph whole, so a pattern that retries every
    start against the rest of it was quadratic (20 KB of spaces after ``:a:``` took 17 s;
    60 KB of ``[``, links whose brackets never close, took minutes)."""
    root = _js_package(tmp_path / "repo", "")
    (root / "README.md").write_text("# evil\n\nA tool " + _fill(unit) + "\n\nStarts things.\n")
    assert "start" in _analyze(root)


PLAIN = (
    "import sys; from sorafilm_nb.story.clauses import plain, short_clause; "
    "text = sys.stdin.read(); print(len(plain(text)), len(short_clause(text, 60)))"
)


@pytest.mark.parametrize(
    "unit",
    ["<", "<a ", "<a <b>", "<" + "a" * 100 + " ", ":a:`" + " " * 2_000 + "x ", "[", "[a]("],
    ids=[
        "tag-openers",
        "unclosed-tags",
        "nested-tags",
        "long-unclosed-tags",
        "role-then-spaces",
        "link-openers",
        "unclosed-links",
    ],
)
def test_hostile_docstring_prose_does_not_hang_the_captions(unit: str) -> None:
    """story.clauses.plain takes the same markup off a docstring that the README reader
    takes off a paragraph (a tag holds no ``<``: markup.HTML_TAG), so a summary built of
    tag openers that never close is read once, not from each opener to the end."""
    _bounded(["-c", PLAIN], f"plain() of {SIZE:,} bytes of {unit[:8]!r}", stdin=_fill(unit))
