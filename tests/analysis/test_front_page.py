"""Without a README at its root, the docs' front page plays its part (title, tagline, the
examples that lead the ranking): tenacity's sdist ships its README's text only as
doc/source/index.rst, in Sphinx ``testcode`` blocks under "~"-underlined sections, and its
film showed no retry. Real repositories in tmp dirs, real links and FIFOs."""

from __future__ import annotations

import os
from pathlib import Path

from sorafilm_nb.analysis.examples import code_uses, doc_uses
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.text import find_readme

INDEX = """\
Plucky
======

.. image:: https://img.shields.io/pypi/v/plucky.svg

Plucky is a library that keeps trying, for code that sometimes fails.

.. testcode::

    from plucky import again

    @again
    def flaky():
        raise IOError("no luck")

Examples
--------

Stopping
~~~~~~~~

Set a limit on the number of tries.

.. testcode::

    @again(stop=halt_after(7))
    def seven():
        raise Exception

Waiting
~~~~~~~

.. testcode::

    @again(wait=pause_fixed(2))
    def slow():
        raise Exception
"""

CODE = '''"""Keep trying."""

__all__ = ["again", "halt_after", "pause_fixed", "Ledger", "Journal", "Register"]


def again(fn=None, stop=None, wait=None):
    """Wrap a function so that it is called again when it fails."""
    return fn


class halt_after:
    """Stop after so many attempts."""


class pause_fixed:
    """Wait a fixed time between attempts."""
'''


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def plucky(root: Path, front: str = "doc/source/index.rst") -> Path:
    """A package whose internals (three classes every module names) outrank its API on the
    code's evidence alone, with its docs' front page at front and no README."""
    inner = "".join(
        f'class {n}:\n    """The {n.lower()} the package keeps."""\n\n'
        for n in ("Ledger", "Journal", "Register")
    )
    _write(root, "plucky/__init__.py", CODE + "\nfrom .books import Ledger, Journal, Register\n")
    _write(root, "plucky/books.py", inner)
    for i in range(3):
        _write(root, f"plucky/step{i}.py", "from .books import Ledger, Journal, Register\n")
    _write(root, front, INDEX)
    return root


def test_the_docs_front_page_plays_the_readme_when_there_is_none(tmp_path: Path) -> None:
    prof = analyze(plucky(tmp_path / "plucky-1.0"), use_cache=False)
    assert prof.title == "Plucky"  # the page's heading, not the folder's "plucky-1.0"
    assert prof.tagline.startswith("Plucky is a library that keeps trying")
    by = {c.name: c for c in prof.concepts}
    assert by["again"].in_readme and by["again"].readme_order == 0
    assert by["halt_after"].in_readme and by["pause_fixed"].in_readme
    api = [c.name for c in prof.concepts if c.kind in ("class", "function")]
    assert api[:3] == ["again", "halt_after", "pause_fixed"], api


def test_a_readme_at_the_root_wins_and_the_front_pages_go_in_a_fixed_order(
    tmp_path: Path,
) -> None:
    root = tmp_path / "r"
    _write(root, "doc/source/index.rst", INDEX)
    assert find_readme(root) == "doc/source/index.rst"
    _write(root, "docs/README.md", "# Docs\n")
    assert find_readme(root) == "docs/README.md"
    _write(root, "docs/index.md", "# Index\n")
    assert find_readme(root) == "docs/index.md"  # a front page before a folder's README
    _write(root, "Readme.rst", "Root\n====\n")
    assert find_readme(root) == "Readme.rst"
    (root / "empty").mkdir()
    assert find_readme(root / "empty") is None


def test_a_front_page_outside_the_repository_or_a_fifo_is_refused_aloud(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside, "index.rst", "Secret\n======\n\nSecret is the password hunter2-xyz.\n")
    root = tmp_path / "repo"
    _write(root, "app.py", "def run():\n    pass\n")
    os.symlink(outside, root / "docs")  # the folder itself leads out
    prof = analyze(root, use_cache=False)
    assert "hunter2" not in prof.to_json()
    assert "outside the repository" in {w.file: w.reason for w in prof.warnings}["docs/index.rst"]
    os.unlink(root / "docs")
    (root / "doc").mkdir()
    os.mkfifo(root / "doc" / "index.rst")
    prof = analyze(root, use_cache=False)  # an open() that blocked would hang here
    assert "not a regular file" in {w.file: w.reason for w in prof.warnings}["doc/index.rst"]


def test_testcode_blocks_under_tilde_titles_are_examples() -> None:
    """A "~~~~~~~~" under a section title is no Markdown fence: read as one, it swallowed each
    section down to the next such title (tenacity's "Stopping" and "Waiting" examples)."""
    uses, _ = code_uses(INDEX)
    order = sorted(uses, key=lambda n: uses[n].order)
    assert [n for n in order if n in ("again", "halt_after", "pause_fixed")] == [
        "again",
        "halt_after",
        "pause_fixed",
    ]
    assert uses["again"].decorator
    assert {"halt_after", "pause_fixed"} <= doc_uses([INDEX]).keys()
    fenced = "Text\n\n~~~python\nfrom plucky import again\nagain()\n~~~\n"
    assert "again" in code_uses(fenced)[0]  # a real "~~~" fence is still one
    # and its close is no underline, though the code line above it is no longer than it
    fenced = "Text\n\n~~~~~~~~python\nfrom plucky import again\nagain()\n~~~~~~~~\n"
    assert "again" in code_uses(fenced)[0]
    assert "again" in code_uses(fenced.replace("python", ""))[0]  # untagged: guessed


def test_an_examples_nodes_are_read_in_ast_walks_order() -> None:
    """scan_python.all_nodes replaces ast.walk (its generators were a third of reading a
    docs folder's examples) and must keep its order: the uses are sorted by where they start,
    and ``app.route`` and its ``app`` start at one place, so ties keep the walk's order."""
    import ast

    from sorafilm_nb.analysis.scan_python import all_nodes

    src = (
        "import click\nfrom flask import Flask as F, json\n\n"
        "@click.group()\n@click.pass_context\ndef cli(ctx, *args, k=1, **kw):\n"
        "    app = F(__name__)\n    app.route('/')(lambda: json.dumps({'a': [1, (2, 3)]}))\n"
        "    return [x.y.z for x in ctx.obj if x]\n"
    )
    tree = ast.parse(src)
    assert all_nodes(tree) == list(ast.walk(tree))
