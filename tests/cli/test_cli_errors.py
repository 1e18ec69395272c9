"""Every wrong use of the CLI is answered in one shape, on one line:

    sorafilm: error: --flag VALUE: what would be accepted (see sorafilm CMD --help)

and reads of the ledger (budget show, history, report, pending) never create it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sorafilm_nb.cli import main

ONE_LINE = re.compile(
    r"sorafilm: error: (?P<what>.+) \(see (?P<prog>sorafilm(?: [a-z]+)*) --help\)"
)


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """The one line on stderr (and the --help it points at) of a wrong use; exit 2, no usage."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err  # no argparse usage block before it
    assert captured.out == ""
    match = ONE_LINE.fullmatch(lines[0])
    assert match, lines[0]
    return match["what"], match["prog"]


@pytest.mark.parametrize(
    ("argv", "starts", "says", "prog"),
    [
        (["plan", "--budget", "cheap"], "--budget cheap:", "ultra-low, low", "sorafilm plan"),
        (["plan", "--seconds", "0"], "--seconds 0:", "from 4 to 120", "sorafilm plan"),
        (["plan", "--top", "0"], "--top 0:", "from 1 to 100", "sorafilm plan"),
        (["film", "--out", "x", "--top", "0"], "--top 0:", "from 1 to 100", "sorafilm film"),
        (["analyze", "--top", "0"], "--top 0:", "from 1 to 100", "sorafilm analyze"),
        (
            ["budget", "set", "abc"],
            "LIMIT_DOLLARS abc:",
            "amount in dollars",
            "sorafilm budget set",
        ),
        (["simulate", "--port", "99999"], "--port 99999:", "0 to 65535", "sorafilm simulate"),
        (["film"], "--out DIR is required", "output folder", "sorafilm film"),
        ([], "COMMAND is required", "analyze, plan, budget, film", "sorafilm"),
        (["budget"], "ACTION is required", "show, set, clear, history", "sorafilm budget"),
        (["plan", "--budget", "-3"], "--budget -3:", "must be positive", "sorafilm plan"),
        (["plan", "--budget", "5"], "--budget 5:", "too few tokens", "sorafilm plan"),
        (["plan", "--budget", "100000"], "--budget 100000:", "8,000 tokens", "sorafilm plan"),
        (
            ["budget", "report", "--format", "pdf"],
            "--format pdf:",
            "text, markdown",
            "sorafilm budget report",
        ),
        (["plan", "--no-such-flag"], "--no-such-flag:", "no such option", "sorafilm plan"),
        (
            ["budget", "set", "5", "--start-day", "40"],
            "--start-day 40:",
            "1 to 31",
            "sorafilm budget set",
        ),
        (
            ["film", "--out", "x", "--concurrency", "0"],
            "--concurrency 0:",
            "at least 1",
            "sorafilm film",
        ),
    ],
)
def test_each_wrong_use_is_one_line_naming_flag_value_and_what_is_accepted(
    argv: list[str], starts: str, says: str, prog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    what, shown_prog = _usage_error(argv, capsys)
    assert what.startswith(starts) and says in what
    assert shown_prog == prog


def test_a_negative_token_budget_is_not_called_an_unknown_tier(
    capsys: pytest.CaptureFixture[str],
) -> None:
    what, _ = _usage_error(["plan", "--budget", "-3"], capsys)
    assert "unknown" not in what and "not a tier" not in what


def test_a_cap_every_shot_misses_is_one_finding_with_one_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(tmp_path))
    repo = Path(__file__).resolve().parents[2]
    assert main(["plan", "--repo", str(repo), "--budget", "100"]) == 1
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if "ERROR [prompt-over-tokens]" in line]
    assert len(errors) == 1 and "the same in shot(s)" in out
    assert out.count("fix: Choose a higher budget tier") <= 2  # one per severity at most


def test_an_implausible_monthly_budget_needs_yes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    assert main(["budget", "set", "1e9", "--ledger", str(ledger)]) == 2  # stdin is no terminal
    assert "--yes" in capsys.readouterr().err and not ledger.exists()
    assert main(["budget", "set", "100000", "--ledger", str(ledger)]) == 0  # plausible: no ask
    assert main(["budget", "set", "1e9", "--yes", "--ledger", str(ledger)]) == 0
    assert "1000000000.00" in capsys.readouterr().out.replace(",", "")


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["budget", "show"], 0),
        (["budget", "show", "--json"], 1),
        (["budget", "history"], 0),
        (["budget", "history", "--csv"], 1),
        (["budget", "report"], 0),
        (["budget", "pending"], 0),
        (["budget", "show", "--simulator"], 0),
    ],
)
def test_reading_a_missing_ledger_says_so_and_creates_nothing(
    argv: list[str],
    code: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(data))
    for var in ("SORAFILM_LEDGER", "SORAFILM_SIM_LEDGER"):
        monkeypatch.delenv(var, raising=False)
    assert main(argv) == code
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "no ledger yet" in said or "no sandbox ledger yet" in said
    assert "sorafilm budget set 50" in said or "make demo" in said
    assert list(tmp_path.rglob("*")) == []  # not the ledger, not even its folder
    if "--json" in argv or "--csv" in argv:
        assert captured.out == ""  # a script reading stdout gets no prose


def test_a_missing_ledger_named_with_ledger_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.db"
    assert main(["budget", "show", "--ledger", str(path)]) == 0
    assert f"--ledger {path}" in capsys.readouterr().out
    assert not path.exists()
