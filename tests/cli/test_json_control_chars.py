"""`--json` output stays JSON whatever characters a repository's text holds.

The CLI's stdout escapes control characters for the terminal (terminal.guard_streams), and
json.dumps(ensure_ascii=False) leaves DEL raw: the guard wrote it ``\\x7f``, which JSON has no
such escape for, so a docstring holding a DEL made `analyze --json` and `plan --json` print a
document nothing could parse. Both must parse; a file name comes back exactly (DEL and all),
and prose comes back as terminal.shown makes it (controls and bidi characters removed where the
profile is built, issue 11), so the caption holds no DEL any more.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sorafilm_nb.cli import main

ODD = "Does odd \x7f things \u009b and \u202e here"
SHOWN = "Does odd  things  and  here"  # terminal.shown(ODD)
ODD_FILE = "oddpkg/odd\x7f\u009b\u202emod.py"  # a path stays the real one, for the reader


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "oddrepo"
    (root / "oddpkg").mkdir(parents=True)
    (root / "oddpkg" / "__init__.py").write_text(
        f'"""Odd package."""\n\n\nclass Oddity:\n    """{ODD}."""\n\n'
        '    def go(self):\n        """Go somewhere."""\n',
        encoding="utf-8",
    )
    (root / ODD_FILE).write_text(f'"""{ODD}."""\n\n\ndef odd():\n    """{ODD}."""\n')
    return root


def test_analyze_json_holds_a_docstring_with_a_del(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(repo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    text = json.dumps(data, ensure_ascii=False)
    assert ODD_FILE in text and SHOWN in text and ODD not in text


def test_plan_json_holds_a_caption_with_a_del(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--repo", str(repo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    captions = [s.get("caption") or "" for s in data["shots"]]
    assert "Oddity: does odd things and here" in captions
    assert not any("\x7f" in c for c in captions)
