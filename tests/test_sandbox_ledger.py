"""Simulated runs cost nothing, so they are booked in a sandbox ledger, never the real one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sim_fixtures import *  # noqa: F403 - the simulator fixtures
from studio_child import make_plan

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.cli import main
from sorafilm_nb.ledger import Ledger, default_path
from sorafilm_nb.studio import Studio


def test_sandbox_path_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SORAFILM_SIM_LEDGER", raising=False)
    monkeypatch.delenv("SORAFILM_LEDGER", raising=False)
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(tmp_path))
    assert default_path() == tmp_path / "ledger.sqlite3"
    assert default_path(simulator=True) == tmp_path / "simulator-ledger.sqlite3"
    monkeypatch.setenv("SORAFILM_SIM_LEDGER", str(tmp_path / "mine.sqlite3"))
    assert default_path(simulator=True) == tmp_path / "mine.sqlite3"


def test_a_studio_on_the_simulator_books_in_the_sandbox(simulator, tmp_path: Path) -> None:
    backend = OpenAIBackend.for_simulator(simulator)
    with Studio(backend) as studio:
        assert studio.ledger.path == default_path(simulator=True)
        film = studio.run(make_plan(2, tag="sandbox"), tmp_path / "film")
    assert film.film is not None
    assert not default_path().exists(), "a simulated run must not create the real ledger"
    with Ledger(default_path(simulator=True)) as sandbox:
        assert sandbox.spent().whole_cents == 80  # 2 × 4 s × 10 ¢/s, priced like real jobs


def test_a_studio_on_another_backend_uses_the_real_ledger(simulator) -> None:
    backend = OpenAIBackend(api_key=simulator.api_key, base_url=simulator.base_url, name="remote")
    with Studio(backend) as studio:
        assert studio.ledger.path == default_path()


def test_cli_film_without_real_leaves_the_real_ledger_alone(
    tmp_path: Path, repo_root: Path, capsys
) -> None:
    code = main(
        [
            "film",
            "--repo",
            str(repo_root),
            "--template",
            "single-12",
            "--out",
            str(tmp_path / "out"),
            "--sim-seconds",
            "0.2",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert (tmp_path / "out" / "film.mp4").is_file()
    assert not default_path().exists()
    with Ledger(default_path(simulator=True)) as sandbox:
        assert sandbox.spent().whole_cents > 0
    assert main(["budget", "show", "--simulator"]) == 0
    assert "simulator-ledger.sqlite3" in capsys.readouterr().out
