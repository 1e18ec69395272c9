"""Which ledger a film books into, as `sorafilm film --help` (and resume's) and the README
say it, and as a film really does: a simulated film into the sandbox ledger
($SORAFILM_SIM_LEDGER, else simulator-ledger.sqlite3 in the data folder, never
$SORAFILM_LEDGER), a real one into $SORAFILM_LEDGER (else ledger.sqlite3 there), and
--ledger into the file it names, either kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.cli import main
from sorafilm_nb.money.ledger import Ledger

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

ROOT = Path(__file__).resolve().parents[2]


def _help(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return " ".join(capsys.readouterr().out.split())


def _ledger_help(text: str) -> str:
    return text.split("--ledger PATH", 1)[1].split(" --concurrency", 1)[0]


@pytest.mark.parametrize("command", ["film", "resume"])
def test_the_help_says_which_ledger_each_kind_of_film_books_into(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _ledger_help(_help(command, capsys))
    simulated, real = said.split("a real film", 1)
    assert "a simulated film" in simulated and "--base-url" in simulated
    assert "sandbox ledger" in simulated and "$SORAFILM_SIM_LEDGER" in simulated
    assert "simulator-ledger.sqlite3" in simulated and "never $SORAFILM_LEDGER" in simulated
    assert "--real" in real and "$SORAFILM_LEDGER" in real and "ledger.sqlite3" in real
    assert "$SORAFILM_SIM_LEDGER" not in real
    assert "either kind" in said  # --ledger itself


def test_the_readme_says_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    which = re.search(r"\*\*Which ledger\.\*\*(.*?)(?:\*\*|$)", readme)
    assert which, "the README's 'Which ledger.' paragraph"
    text = which[1]
    simulated, real = text.split("a real film", 1)
    assert "`$SORAFILM_SIM_LEDGER`" in simulated and "never `$SORAFILM_LEDGER`" in simulated
    assert "--base-url" in simulated and "`simulator-ledger.sqlite3`" in simulated
    assert "`$SORAFILM_LEDGER`" in real and "`--ledger PATH`" in real


@pytest.mark.slow  # three films
@pytest.mark.usefixtures("small_doubles")  # the CLI's doubles: 256x144 animatics; ledgers checked
def test_films_book_where_the_help_says(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$SORAFILM_LEDGER set, $SORAFILM_SIM_LEDGER not: the simulated film goes to the data
    folder's sandbox, not beside the real ledger; a loopback gateway (a fake that does not
    say it is one) goes to $SORAFILM_LEDGER; --ledger wins for either."""
    data, real = tmp_path / "data", tmp_path / "elsewhere" / "mine.sqlite3"
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(data))
    monkeypatch.setenv("SORAFILM_LEDGER", str(real))
    monkeypatch.delenv("SORAFILM_SIM_LEDGER", raising=False)
    monkeypatch.chdir(tmp_path)
    argv = ["film", "--provider", "runway", "--repo", str(repo), "--template", "single-12"]
    argv += ["--sim-seconds", "0.1"]
    assert main([*argv, "--out", "sim"]) == 0
    sandbox = data / "simulator-ledger.sqlite3"
    assert sandbox.is_file() and not real.exists()
    assert not (real.parent / "simulator-ledger.sqlite3").exists()
    with FakeRunway(job_seconds=0.1) as gateway:
        gateway.conceal = True  # answers as a real server would
        monkeypatch.setenv("RUNWAYML_API_SECRET", gateway.api_key)
        assert main([*argv, "--out", "gw", "--base-url", gateway.base_url]) == 0
        assert real.is_file()
        chosen = tmp_path / "chosen.sqlite3"
        assert main([*argv, "--out", "sim2", "--ledger", str(chosen)]) == 0
    for path, films in ((sandbox, 1), (real, 1), (chosen, 1)):
        with Ledger(path) as ledger:
            assert len({r.plan_id for r in ledger.records()}) == films, path
