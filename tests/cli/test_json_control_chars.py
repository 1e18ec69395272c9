"""`--json` output stays JSON whatever characters a repository's text holds.

The CLI's stdout escapes control characters for the terminal (terminal.guard_streams), and
json.dumps(ensure_ascii=False) leaves DEL raw: the guard wrote it ``\\x7f``, which JSON has no
such escape for, so a docstring holding a DEL made `analyze --json` and `plan --json` print a
document nothing could parse. Both must give back the repository's text exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sorafilm_nb.cli import main

ODD = "Does odd \x7f things \u009b and \u202e here"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "oddrepo"
    (root / "oddpkg").mkdir(parents=True)
    (root / "oddpkg" / "__init__.py").write_text(
        f'"""Odd package."""\n\n\nclass Oddity:\n    """{ODD}."""\n\n'
        '    def go(self):\n        """Go somewhere."""\n',
        encoding="utf-8",
    )
    return root


def test_analyze_json_holds_a_docstring_with_a_del(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(repo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert ODD in json.dumps(data, ensure_ascii=False)


def test_plan_json_holds_a_caption_with_a_del(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--repo", str(repo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any("\x7f" in (s.get("caption") or "") for s in data["shots"])
