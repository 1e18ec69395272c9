"""A hostile repository cannot hang the scan with text built against its patterns (issue 11).

The package entry (package.json ``main`` and what it hands out) and the README's and docs
pages' code examples are read with regular expressions. Text made of openers that never
close (``export{`` a thousand times, ``/*`` without ``*/``) or of identifier fragments
(``a$a$a$``) made some of them try every start against the rest of the file: quadratic, so a
300 KB file took hours. Each test analyzes such a repository in a real child process with a
deadline that a linear scan meets many times over.

One child serves every case of this file, one request at a time (_Child): a child per case
spent about as much CPU starting up and importing as the cases spent scanning. Each request
still has its own deadline; a case that misses it fails and its child is killed, so the next
case gets a fresh one.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

DEADLINE = 90  # seconds; each case takes under a second (in-process: 0.01 to 0.45 s)
SIZE = 300_000  # bytes of hostile text: quadratic patterns take hours on it
#: The child: one request a line ({"op": "analyze" or "plain", "path": ...}), one answer a
#: line ({"out": ...} or {"error": traceback}). analyze answers the profile's concept names;
#: plain the lengths of story.clauses' plain() and short_clause() of the file's text; calls
#: the name and length of each call readme_names.example_calls keeps for the names "a" and
#: "b" (never called: the whole line is read for it, where "a" alone stops at its first call).
SERVE = """
import json, sys, traceback
from pathlib import Path

def analyze(path):
    from sorafilm_nb.analysis.profile import analyze
    return ' '.join(sorted(c.name for c in analyze(Path(path)).concepts))

def plain(path):
    from sorafilm_nb.story.clauses import plain, short_clause
    text = Path(path).read_text(encoding='utf-8')
    return f'{len(plain(text))} {len(short_clause(text, 60))}'

def calls(path):
    from sorafilm_nb.analysis.readme_names import example_calls
    found = example_calls(Path(path).read_text(encoding='utf-8'), ['a', 'b'])
    return ' '.join(f'{name} {len(call)}' for name, call in found.items())

OPS = {'analyze': analyze, 'plain': plain, 'calls': calls}
for line in sys.stdin:
    request = json.loads(line)
    try:
        answer = {'out': OPS[request['op']](request['path'])}
    except Exception:
        answer = {'error': traceback.format_exc()[-2000:]}
    print(json.dumps(answer), flush=True)
"""


class _Child:
    """The serving child, started on first use (inside a test, so that it inherits the
    test's isolated user directories, conftest._isolated_user_dirs) and again after a kill."""

    def __init__(self, stderr: IO[str]) -> None:
        self.proc: subprocess.Popen[str] | None = None
        self.stderr = stderr  # a file: a pipe that nobody reads could fill and stall it

    def ask(self, op: str, path: Path, what: str) -> str:
        """The child's answer; the test fails if it takes over DEADLINE or fails."""
        if self.proc is None:
            self.stderr.seek(0)
            self.stderr.truncate()
            self.proc = subprocess.Popen(
                [sys.executable, "-c", SERVE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                text=True,
            )
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps({"op": op, "path": str(path)}) + "\n")
        proc.stdin.flush()
        deadline = time.monotonic() + DEADLINE
        while not select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))[0]:
            if time.monotonic() >= deadline:
                self.close()
                pytest.fail(f"{what} took over {DEADLINE} s")
        line = proc.stdout.readline()
        if not line:
            code = self.close()
            self.stderr.seek(0)
            pytest.fail(f"{what}: the child exited ({code}): {self.stderr.read()[-2000:]}")
        answer = json.loads(line)
        assert "error" not in answer, answer["error"]
        return str(answer["out"])

    def close(self) -> int | None:
        """Kill the child, if any, and say how it ended."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        proc.kill()
        proc.communicate()
        return proc.returncode


@pytest.fixture(scope="module")
def child() -> Iterator[_Child]:
    with tempfile.TemporaryFile(mode="w+") as stderr:
        served = _Child(stderr)
        try:
            yield served
        finally:
            served.close()


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


def _analyze(child: _Child, root: Path) -> set[str]:
    return set(child.ask("analyze", root, f"analyzing {root.name}").split())


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
def test_a_hostile_package_entry_does_not_hang_the_scan(
    child: _Child, tmp_path: Path, unit: str
) -> None:
    names = _analyze(child, _js_package(tmp_path / "repo", _fill(unit)))
    # the scan ends with a profile; a thousand unclosed braces may cost the parser "start"
    assert names & {"start", "index"}


@pytest.mark.parametrize(
    "unit",
    ["/* ", "import a, {", "\n", "evil("],
    ids=["unclosed-comments", "unclosed-import-lists", "blank-lines", "unclosed-calls"],
)
def test_hostile_readme_and_docs_examples_do_not_hang_the_scan(
    child: _Child, tmp_path: Path, unit: str
) -> None:
    root = _js_package(tmp_path / "repo", "")
    fill = _fill(unit)
    example = "```js\nconst evil = require('evil')\nevil.start()\n" + fill + "\n```\n"
    example += "```\nevil\n" + fill + "evil.start()\n```\n"  # untagged: its language guessed
    (root / "README.md").write_text("# evil\n\nStarts things.\n\n" + example)
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Guide\n\n" + example[:200_000] + "\n```\n")
    assert "start" in _analyze(child, root)


@pytest.mark.parametrize(
    ("mark", "page"),
    [("~", "README.md"), ("`", "README.md"), ("~", "docs/index.rst")],
    ids=["tildes", "backticks", "tildes-on-the-docs-front-page"],
)
def test_a_fence_mark_a_page_long_does_not_hang_the_scan(
    child: _Child, tmp_path: Path, mark: str, page: str
) -> None:
    """One line of 900,000 fence marks in the README, or on the docs' front page that plays
    it when there is none: the fence pattern tried every shorter run of them as the opener,
    each a search to the end for its close (600,000 "~": 250 s of CPU)."""
    root = _js_package(tmp_path / "repo", "")
    text = "Evil\n====\n\n.. code-block:: js\n\n    const evil = require('evil')\n"
    text += "    evil.start()\n\nAfter\n~~~~~\n\n" + mark * 900_000 + "\n"
    (root / page).parent.mkdir(exist_ok=True)
    (root / page).write_text(text)
    assert "start" in _analyze(child, root)


def test_a_hostile_class_body_does_not_hang_the_method_lookup(
    child: _Child, tmp_path: Path
) -> None:
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
    assert "Runner" in _analyze(child, root)


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
def test_hostile_readme_prose_does_not_hang_the_markup_stripping(
    child: _Child, tmp_path: Path, unit: str
) -> None:
    """A README paragraph built against the prose patterns (markup.py: a reST role whose
    backtick never closes, runs of role colons, emphasis or tag openers that never close):
    analysis.readme.strip_markup reads each paragraph whole, so a pattern that retries every
    start against the rest of it was quadratic (20 KB of spaces after ``:a:``` took 17 s;
    60 KB of ``[``, links whose brackets never close, took minutes)."""
    root = _js_package(tmp_path / "repo", "")
    (root / "README.md").write_text("# evil\n\nA tool " + _fill(unit) + "\n\nStarts things.\n")
    assert "start" in _analyze(child, root)


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
def test_hostile_docstring_prose_does_not_hang_the_captions(
    child: _Child, tmp_path: Path, unit: str
) -> None:
    """story.clauses.plain takes the same markup off a docstring that the README reader
    takes off a paragraph (a tag holds no ``<``: markup.HTML_TAG), so a summary built of
    tag openers that never close is read once, not from each opener to the end."""
    text = tmp_path / "docstring.txt"
    text.write_text(_fill(unit), encoding="utf-8")
    child.ask("plain", text, f"plain() of {SIZE:,} bytes of {unit[:8]!r}")


def test_a_hostile_line_of_calls_is_read_once(child: _Child, tmp_path: Path) -> None:
    """readme_names.example_calls looks at what stands before each call on its line (is it
    called on something?). It copied the whole line up to each call: quadratic in a line of
    calls, which memcpy hides at first (400 KB took 12 s, 800 KB 44 s at load ~10), so this
    line is 2.4 MB (a linear read: about 2 s, now 0.3 s). "b", never called, keeps the whole
    line read ("a" alone, found first, would stop it). Each kept call is cut at CALL_MAX."""
    from sorafilm_nb.analysis.readme_names import CALL_MAX

    text = tmp_path / "README.md"
    text.write_text("```js\n" + "a(" * 1_200_000 + "\n```\n", encoding="utf-8")
    assert child.ask("calls", text, "example_calls of a 2.4 MB line of calls") == f"a {CALL_MAX}"


@pytest.mark.parametrize(
    ("opener", "closer", "depth"),
    [("export function layer() {\n", "}", 20_000), ("class Layer { run() {\n", "}}", 16_000)],
    ids=["functions", "classes"],
)
def test_deeply_nested_javascript_is_read_in_linear_time(
    child: _Child, tmp_path: Path, opener: str, closer: str, depth: int
) -> None:
    """scan_js asked tree-sitter for the parent and previous sibling of each declaration,
    which tree-sitter finds by searching down from the root: the depth each time, so
    quadratic in nesting (4,000 nested functions took 21 s, 1 MB of them 11 min). These
    depths take about a second now, the old code minutes. (Deeper, tree-sitter's own query
    slows down and stops at 16,384 classes or ~21,800 functions, scan_js's _QUERY.)"""
    root = _js_package(tmp_path / "repo", opener * depth + closer * depth)
    assert "start" in _analyze(child, root)
