"""A repository's own Python is parsed without its warnings reaching the user: planning the
eval's packages printed "DeprecationWarning: invalid escape sequence '\\p'" from "<unknown>"
(analysis.examples parsed a README example, analysis.exports a class's file, with bare
ast.parse). Someone else's code is not ours to warn about, and a warning prints its text."""

from __future__ import annotations

import warnings
from pathlib import Path

from sorafilm_nb.analysis import examples, exports
from sorafilm_nb.analysis.scan_python import parse_quietly

BAD = 'PATTERN = "\\p{L}+"\nOK = 1 is 1\n'


def test_parse_quietly_parses_and_says_nothing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree = parse_quietly(BAD)
    assert [type(n).__name__ for n in tree.body] == ["Assign", "Assign"]


def test_a_readme_example_with_an_invalid_escape_warns_nothing() -> None:
    readme = "```python\nimport pkg\n" + BAD + "pkg.run(PATTERN)\n```\n"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")  # as "error" would, a warning turned ast's parse into
        found, _ = examples.code_uses(readme)  # a SyntaxError, which falls back to tokens
    assert [str(w.message) for w in said] == []
    assert "run" in found


def test_a_class_file_with_an_invalid_escape_warns_nothing(tmp_path: Path) -> None:
    (tmp_path / "pkg.py").write_text(
        BAD + 'class Box:\n    def open(self):\n        """Open the box."""\n', encoding="utf-8"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = exports.find_method(tmp_path, "pkg.py", "Box", "open", "python")
    assert got is not None and got[1] == "Open the box."
