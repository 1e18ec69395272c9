"""analysis.analyze: real files in tmp dirs, real git repos, real installed packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.analysis import RepoProfile, analyze
from sorafilm_nb.errors import AnalysisError


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="no such file or directory"):
        analyze(tmp_path / "nope")
    f = write(tmp_path, "a.py", "x = 1\n")
    with pytest.raises(AnalysisError, match="not a directory"):
        analyze(f)


def test_small_repo_concepts(tmp_path: Path) -> None:
    write(tmp_path, "pkg/errors.py", '"""Errors."""\nclass ParseError(ValueError):\n'
          '    """The input could not be parsed."""\n')
    write(tmp_path, "pkg/core.py", "from .errors import ParseError\n\n"
          "def parse(text):\n    \"\"\"Parse text.\"\"\"\n    if not text:\n"
          "        raise ParseError('empty')\n    try:\n        return int(text)\n"
          "    except ValueError:\n        raise ParseError(text)\n")
    prof = analyze(tmp_path)
    by_name = {c.name: c for c in prof.concepts}
    err = by_name["ParseError"]
    assert err.kind == "exception"
    assert (err.raised, err.caught) == (2, 0)
    assert err.file == "pkg/errors.py" and err.line == 2
    assert by_name["ValueError"].caught == 1
    assert by_name["parse"].kind == "function"
    assert RepoProfile.from_json(prof.to_json()) == prof
