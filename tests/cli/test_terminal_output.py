"""Terminal output cannot be spoofed: repository and server text is printed with its control
characters as visible escapes (issue 11 item 10).

A real repository whose file name, docstrings and README title hold ESC[2K, \\r, a fake
"warnings: 0" and a bidi override goes through the real CLI in a subprocess (analyze, plan,
film, resume, budget history and pending, share): no raw control byte reaches the terminal,
and the escapes are there for the reader to see.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_repo import ANSI, make_hostile_repo
from provider_fixtures import small_cli
from vocab_fixtures import SharedVocab

from sorafilm_nb.terminal import guard_streams, printable, raw_stderr

ROOT = Path(__file__).resolve().parents[2]
# Every control but newline, DEL, C1, and the bidi/format characters printable() escapes.
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def test_printable_escapes_every_control_visibly() -> None:
    assert printable("a\x1b[2K\rb\x07\x7f\x9b\u202ec\td\ne") == (
        "a\\x1b[2K\\rb\\x07\\x7f\\u009b\\u202ec\\td\\ne"
    )
    assert printable("line\nnext\tcol", keep_newlines=True) == "line\nnext\tcol"
    assert printable("plain — ünïcode ✓") == "plain — ünïcode ✓"
    assert not RAW.search(printable("".join(map(chr, range(0x2070)))))


def test_guarded_streams_escape_what_anyone_prints(capsys: pytest.CaptureFixture[str]) -> None:
    with guard_streams():
        print(f"name{ANSI}")
        print("err\x1b[31m", file=sys.stderr)
        assert not hasattr(raw_stderr(), "_stream")  # the bars' way around the guard
    out, err = capsys.readouterr()
    assert out == "name\\x1b[2K\\rwarnings: 0\\x1b[31m\\u202e\n" and err == "err\\x1b[31m\n"


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory, shared_vocab: SharedVocab
) -> dict[str, subprocess.CompletedProcess[str]]:
    base = tmp_path_factory.mktemp("terminal")
    shared_vocab.seed(base / "cache")  # the output is tested here, not preparing it
    repo = make_hostile_repo(base / "repo", terminal=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SORAFILM_CACHE_DIR": str(base / "cache"),
        "SORAFILM_DATA_DIR": str(base / "data"),
        "SORAFILM_LEDGER": str(base / "data" / "ledger.sqlite3"),
    }
    sandbox = str(base / "data" / "sandbox.sqlite3")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        # `sorafilm` itself (the main `python -m sorafilm_nb` runs), its doubles drawing
        # 256x144: the text is tested, and film's and resume's 640x360 clips were most of
        # their CPU (SMALL_CLI, provider_fixtures.py)
        return small_cli(*args, env=env, cwd=base, errors="surrogateescape")

    # not \r or \n in the folder's name: ffmpeg's concat list cannot hold them (render.py)
    out = str(base / "film\x1b[2K\u202e")
    return {
        "analyze": run("analyze", str(repo), "--top", "12"),
        "plan": run("plan", "--repo", str(repo), "--verbose", "--top", "12"),
        # a simulated job in 0.1 s, not the CLI's 2 s: the output, not the pace, is tested.
        # A 30 s teaser, not the default 90 s film: stitching is most of these runs' CPU,
        # 17 -> 6 s (resume keeps the finished film: test_resume_keeps_the_finished_film).
        # Its output still holds the hostile names (a caption, the "left out" line), the
        # --out folder and the film's and report's paths; `plan` above prints the full 90 s
        # table, every hostile title in it.
        "film": run(
            "film",
            "--repo",
            str(repo),
            "--out",
            out,
            "--ledger",
            sandbox,
            "--sim-seconds",
            "0.1",
            "--template",
            "teaser-30",
        ),
        "resume": run("resume", out, "--ledger", sandbox),
        "history": run("budget", "history", "--ledger", sandbox),
        "pending": run("budget", "pending", "--ledger", sandbox),
        "share": run("share", str(base / f"missing{ANSI}.ipynb")),
    }


@pytest.mark.slow  # `runs`: seven CLI runs in subprocesses (~10 s)
@pytest.mark.parametrize(
    "command", ["analyze", "plan", "film", "resume", "history", "pending", "share"]
)
def test_no_raw_control_byte_reaches_the_terminal(
    runs: dict[str, subprocess.CompletedProcess[str]], command: str
) -> None:
    proc = runs[command]
    for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        found = RAW.search(text)
        assert found is None, f"{command} {name}: raw {found.group()!r} in {text[-600:]!r}"


@pytest.mark.slow  # `runs`: seven CLI runs in subprocesses
def test_the_repository_text_is_there_as_escapes(
    runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    assert runs["analyze"].returncode == 0, runs["analyze"].stderr
    assert "\\x1b[2K\\rwarnings: 0" in runs["analyze"].stdout  # the file name, shown
    assert runs["plan"].returncode == 0, runs["plan"].stderr  # a plan, not a usage error
    # the hostile file name's module, its controls gone from the story's text (captions
    # are made for people: terminal.shown), and none left raw for the terminal
    assert "a module in mod_<img src=x onerror=window.__pwned=1>[2K warnings: 0[31m" in (
        runs["plan"].stdout
    )
    assert "\x1b" not in runs["plan"].stdout
    assert runs["film"].returncode == 0, runs["film"].stderr
    assert "film\\x1b[2K\\u202e" in runs["film"].stdout  # the --out folder, shown
    assert runs["share"].returncode == 2 and "missing\\x1b[2K" in runs["share"].stderr


@pytest.mark.slow  # `runs`: seven CLI runs in subprocesses
def test_resume_keeps_the_finished_film(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """`sorafilm resume` of the film `sorafilm film` just finished says the film is current
    and stitches nothing (studio/stitching.py); it stitched the whole film again before."""
    from sorafilm_nb.studio.stitching import KEPT

    assert runs["resume"].returncode == 0, runs["resume"].stderr
    assert KEPT in runs["resume"].stdout
