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


def test_every_budget_json_holds_a_del_and_names_its_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`budget show/history --json` and `budget report --format json` built their text apart
    from analyze's and plan's (now terminal.json_out for all): each still parses with a DEL
    and non-ASCII in a purpose and a project (a repository's name), and `show --json` names
    the ledger its text names first (it was missing). The non-ASCII is written as is, as
    every `--json` writes it: the report's json.dumps of its own wrote "caf\\u00e9"."""
    from decimal import Decimal

    from sorafilm_nb.money.cost import Cost
    from sorafilm_nb.money.ledger import Ledger

    path = tmp_path / "ledger.sqlite3"
    odd = "film of odd\x7frepo, café"
    with Ledger(path) as ledger:
        ledger.reserve(Cost(Decimal(120)), odd, shot="shot-01", project="odd\x7frepo-café")
    common = ["--ledger", str(path)]
    documents = {}
    for argv in (["show", "--json"], ["history", "--json"], ["report", "--format", "json"]):
        assert main(["budget", argv[0], *common, *argv[1:]]) == 0
        out = capsys.readouterr().out
        documents[argv[0]] = json.loads(out)
        assert "\\u00e9" not in out, argv
    assert documents["history"][0]["purpose"] == odd
    assert documents["show"]["ledger"] == str(path)
    assert documents["report"]["by_project"][0]["project"] == "odd\x7frepo-café"


def test_a_reader_that_closes_the_pipe_gets_no_traceback(tmp_path: Path) -> None:
    """`sorafilm budget history --json | head -1`: the reader goes away, the next write
    fails with EPIPE. Only `analyze` caught it; the others printed a traceback (cli._run
    now says nothing, for every command). A real pipe, so a child process."""
    import os
    import subprocess
    import sys

    from sorafilm_nb.money.cost import Cost
    from sorafilm_nb.money.ledger import Ledger

    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.reserve(Cost(120), "a film")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first write: EPIPE, deterministically
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sorafilm_nb", "budget", "history", "--ledger", str(path)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.stderr == "" and done.returncode == 0


def test_a_broken_pipe_that_is_not_stdouts_is_no_quiet_success(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Only a closed stdout ends a command quietly with 0: a broken pipe to a socket or a
    child (a command's own work failing) must not read as success."""
    from sorafilm_nb.cli import budget as budget_cli

    def broken(args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")  # from the command's own work

    monkeypatch.setattr(budget_cli, "_history", broken, raising=True)
    with pytest.raises(BrokenPipeError):
        main(["budget", "history", "--ledger", str(tmp_path / "l.sqlite3")])


def test_main_leaves_the_warnings_format_as_it_found_it() -> None:
    """catch_warnings() restores filters and showwarning, not formatwarning: each
    in-process main() wrapped it once more (a notebook calling main() 100 times)."""
    import warnings

    before = warnings.formatwarning
    for _ in range(3):
        assert main(["providers"]) == 0
    assert warnings.formatwarning is before


def test_a_lone_surrogate_prints_as_its_escape_on_a_strict_terminal() -> None:
    """A path whose bytes are no UTF-8 (--out b"out\\xff") reaches Python as "out\\udcff": a
    strict UTF-8 terminal (an en_US.UTF-8 locale) raised UnicodeEncodeError at the first
    print of one, a traceback after the plan was written. The guard writes it as JSON
    does, so a --json document stays valid with the same value."""
    import io
    import json

    from sorafilm_nb.terminal import _GuardedStream

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    doc = json.dumps({"out": "out\udcff"}, ensure_ascii=False)
    _GuardedStream(stream).write(f"wrote out\udcff/plan.md\n{doc}\n")
    stream.flush()
    lines = raw.getvalue().decode("utf-8").splitlines()
    assert lines[0] == "wrote out\\udcff/plan.md"
    assert json.loads(lines[1]) == {"out": "out\udcff"}
