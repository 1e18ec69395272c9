"""The studio through the command line: sorafilm film and resume on the embedded simulator,
keys never printed, resume advice, the progress bars."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once, small_doubles  # noqa: F401 - fixtures, by name
from runner_fixtures import *  # noqa: F403 - the sim and ledger fixtures
from studio_child import make_plan

from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.money.ledger import Ledger, default_path
from sorafilm_nb.render import media_duration
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import ShotProgress, Studio

# the CLI's simulator: 256x144 animatics, each drawn once (provider_fixtures)
pytestmark = pytest.mark.usefixtures("small_doubles", "animatics_drawn_once")

# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "tiny"
    repo.mkdir()
    (repo / "README.md").write_text("# Tiny\n\nA tiny recipe loader.\n")
    (repo / "loader.py").write_text(
        '"""Load recipes from disk."""\n\n\nclass RecipeError(Exception):\n'
        '    """A recipe could not be read."""\n\n\ndef load(path):\n    try:\n'
        "        import json\n    except ImportError:\n"
        '        raise RecipeError("no json")\n    return json.load(open(path))\n'
    )
    return repo


def test_cli_film_dry_run_then_film_then_resume(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sorafilm_nb.cli import main

    out = tmp_path / "out"
    ledger_path = tmp_path / "cli-ledger.sqlite3"
    common = [
        "--repo",
        str(tiny_repo),
        "--template",
        "single-12",
        "--out",
        str(out),
        "--ledger",
        str(ledger_path),
        "--sim-seconds",
        "0.2",
    ]
    assert main(["film", *common, "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "shot-01" in printed and "$1.20" in printed and "dry run" in printed
    assert not out.exists()

    assert main(["film", *common]) == 0
    printed = capsys.readouterr().out
    assert "1/1 shots completed, billed $1.20" in printed
    captions = json.loads((out / "manifest.json").read_text())["plan"]["captions"]
    cards = sum(c["end_ms"] - c["start_ms"] for c in captions if c["kind"] != "lower-third")
    assert cards == 6000  # a title card and the end card: screen time at $0
    assert abs(media_duration(out / "film.mp4") - (12.0 + cards / 1000)) < 0.1
    with Ledger(ledger_path) as led:
        assert [r.status for r in led.records()] == ["completed"]

    assert main(["resume", str(out), "--ledger", str(ledger_path), "--sim-seconds", "0.2"]) == 0
    assert "1/1 shots completed" in capsys.readouterr().out
    with Ledger(ledger_path) as led:
        assert len(led.records()) == 1  # nothing paid twice


def test_ctrl_c_during_a_film_says_how_to_finish_it(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C printed one word, "interrupted". The embedded simulator stops with the process,
    so its unfinished jobs are gone: the advice is resume with --retry, which renders them
    again (simulated: no money), and that command, run as printed, finishes the film."""
    from sorafilm_nb.cli import film as film_cli
    from sorafilm_nb.cli import main

    def ctrl_c(self: object, event: ShotProgress) -> None:
        if event.status == "in_progress":
            raise KeyboardInterrupt

    out = tmp_path / "out"
    with monkeypatch.context() as mp:
        mp.setattr(film_cli.Bars, "__call__", ctrl_c)
        argv = ["film", "--repo", str(tiny_repo), "--template", "single-12", "--out", str(out)]
        assert main([*argv, "--sim-seconds", "5"]) == 130
    said = capsys.readouterr().err
    advice = f"sorafilm resume {out} --retry"
    assert advice in said, said
    assert main([*advice.split()[1:], "--sim-seconds", "0.2"]) == 0
    assert "1/1 shots completed" in capsys.readouterr().out


def test_resume_after_the_embedded_simulator_died_says_so_not_http_404(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a kill of `sorafilm film` (here a Ctrl-C: either way the embedded simulator and
    its jobs are gone), `resume` said "lost (the job is unknown to the server: retrieve
    video_...: ... not found. (HTTP 404, request req_...))", which reads as a fault. It says
    now why the job is gone, and that --retry renders it again, free."""
    from sorafilm_nb.cli import film as film_cli
    from sorafilm_nb.cli import main

    def ctrl_c(self: object, event: ShotProgress) -> None:
        if event.status == "in_progress":
            raise KeyboardInterrupt

    out = tmp_path / "out"
    argv = ["film", "--repo", str(tiny_repo), "--template", "single-12", "--out", str(out)]
    with monkeypatch.context() as mp:
        mp.setattr(film_cli.Bars, "__call__", ctrl_c)
        assert main([*argv, "--sim-seconds", "5"]) == 130
    capsys.readouterr()
    assert main(["resume", str(out), "--sim-seconds", "0.2"]) == 1
    said = capsys.readouterr().out
    (shot,) = Film.load(out).shots
    assert shot.status == "lost"
    for text in (said, shot.error):
        assert "embedded simulator's jobs die with the process that ran it" in text, text
        assert "resume --retry renders the shot again, at no cost" in text, text
        assert "HTTP 404" not in text and "req_" not in text and "video_" not in text, text
    assert f"sorafilm resume {out} --retry" in said
    # the server's own words are kept where an audit looks: the sandbox ledger's reason
    with Ledger(default_path(simulator=True)) as sandbox:
        (lost,) = [r for r in sandbox.records() if r.status == "failed"]
        assert "not found" in (lost.reason or "") and lost.billed is None


def test_ctrl_c_during_a_resume_gives_the_same_advice_as_during_a_film(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`sorafilm resume` (and resume --retry) printed only "interrupted" on Ctrl-C while
    `film` printed the command that finishes the film: one home (cli.film.with_bars) now
    says it for both, and the command, run as printed, still finishes the film."""
    from sorafilm_nb.cli import film as film_cli
    from sorafilm_nb.cli import main

    def ctrl_c(self: object, event: ShotProgress) -> None:
        if event.status == "in_progress":
            raise KeyboardInterrupt

    out = tmp_path / "out"
    argv = ["film", "--repo", str(tiny_repo), "--template", "single-12", "--out", str(out)]
    advice = f"sorafilm resume {out} --retry"
    with monkeypatch.context() as mp:
        mp.setattr(film_cli.Bars, "__call__", ctrl_c)
        assert main([*argv, "--sim-seconds", "5"]) == 130
        film_said = capsys.readouterr().err
        assert main([*advice.split()[1:], "--sim-seconds", "5"]) == 130
        resume_said = capsys.readouterr().err
    assert advice in film_said and advice in resume_said, resume_said
    assert film_said.strip().splitlines()[-1] == resume_said.strip().splitlines()[-1]
    assert main([*advice.split()[1:], "--sim-seconds", "0.2"]) == 0
    assert "1/1 shots completed, billed $1.20" in capsys.readouterr().out
    # The sandbox records what the film would cost on the real API, where an interrupted
    # film's jobs live on: the two shots lost with their simulators are not billed, so the
    # film is recorded once ($1.20), not three times.
    with Ledger(default_path(simulator=True)) as sandbox:
        assert sandbox.spent() == Film.load(out).shots[0].billed
        lost = [r for r in sandbox.records() if r.status == "failed"]
        assert len(lost) == 2 and all(r.billed is None for r in lost)
        assert all("simulated, so nothing billed" in (r.reason or "") for r in lost)


def test_cli_real_needs_a_key_and_never_prints_one(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sorafilm_nb.cli import main

    secret = "sk-test-SECRET-never-shown-1234567890"
    # a "real" API wanting a key (256x144 animatics: the key is looked for, not the pixels)
    with Simulator(api_key=secret, job_seconds=0.2, render_scale=0.2) as server:
        ledger_path = tmp_path / "l.sqlite3"
        args = [
            "film",
            "--repo",
            str(tiny_repo),
            "--template",
            "single-12",
            "--ledger",
            str(ledger_path),
            "--real",
            "--base-url",
            server.base_url,
        ]
        assert main([*args, "--out", str(tmp_path / "none")]) == 2
        assert "OPENAI_API_KEY" in capsys.readouterr().err
        assert server.calls["create"] == 0

        # A wrong key: the API says no (401), nothing is created, the reservation released.
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-WRONG-key-0987654321")
        assert main([*args, "--out", str(tmp_path / "wrong")]) == 1
        captured = capsys.readouterr()
        assert "rejected" in captured.out and "WRONG" not in captured.out + captured.err
        with Ledger(ledger_path) as led:
            assert led.pending() == [] and [r.status for r in led.records()] == ["released"]

        # The right key: the film is made, and the key is in no output, file or ledger row.
        monkeypatch.setenv("OPENAI_API_KEY", secret)
        assert main([*args, "--out", str(tmp_path / "out")]) == 0
        captured = capsys.readouterr()
    assert "1/1 shots completed" in captured.out
    seen = captured.out + captured.err
    for path in (tmp_path / "out").iterdir():
        if path.suffix in (".json", ".md"):
            seen += path.read_text()
    with Ledger(ledger_path) as led:
        seen += repr(led.records()) + led.report("markdown")
    assert "SECRET" not in seen


def test_cli_resume_of_a_folder_that_is_not_a_film(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sorafilm_nb.cli import main

    assert main(["resume", str(tmp_path)]) == 2
    assert "no manifest here" in capsys.readouterr().err


def test_cli_resume_retry_after_the_embedded_simulator_died(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sorafilm_nb.cli import main

    out = tmp_path / "out"
    ledger_path = tmp_path / "l.sqlite3"
    # The run gives up polling; its embedded simulator (and the job) end with the command.
    assert (
        main(
            [
                "film",
                "--repo",
                str(tiny_repo),
                "--template",
                "single-12",
                "--out",
                str(out),
                "--ledger",
                str(ledger_path),
                "--sim-seconds",
                "30",
                "--poll-timeout",
                "0.5",
            ]
        )
        == 1
    )
    assert "finish with: sorafilm resume" in capsys.readouterr().out
    # A new simulator does not know the job: reported lost, then --retry makes it again.
    assert (
        main(["resume", str(out), "--retry", "--ledger", str(ledger_path), "--sim-seconds", "0.2"])
        == 0
    )
    printed = capsys.readouterr()
    assert "retrying shot-01" in printed.err and "1/1 shots completed" in printed.out
    film = Film.load(out)
    assert film.ok and film.shots[0].history[-1]["status"] == "lost"
    with Ledger(ledger_path) as led:
        rows = led.records()
        assert sorted(r.status for r in rows) == ["completed", "failed"]
        assert led.pending() == []


def test_cli_resume_advice_reaches_the_same_server_and_ledger(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The printed `finish with:` line, run as printed, finishes a --base-url film (without
    --base-url it would go to a fresh embedded simulator and the sandbox ledger)."""
    import shlex

    from sorafilm_nb.cli import main

    out = tmp_path / "out dir"
    ledger_path = tmp_path / "l.sqlite3"
    with Simulator(job_seconds=30, poll_after_ms=50, render_scale=0.2) as sim:
        monkeypatch.setenv("OPENAI_API_KEY", sim.api_key)
        assert (
            main(
                [
                    "film",
                    "--repo",
                    str(tiny_repo),
                    "--template",
                    "single-12",
                    "--out",
                    str(out),
                    "--base-url",
                    sim.base_url,
                    "--ledger",
                    str(ledger_path),
                    "--poll-timeout",
                    "0.5",
                ]
            )
            == 1
        )
        printed = capsys.readouterr().out
        line = printed.split("finish with: ", 1)[1].splitlines()[0]
        words = shlex.split(line)
        assert words[:3] == ["sorafilm", "resume", str(out)], line
        sim.job_seconds = 0.0
        assert main(words[1:]) == 0, capsys.readouterr()
        assert sim.calls["create"] == 1
    assert Film.load(out).ok
    with Ledger(ledger_path) as led:
        assert [r.status for r in led.records()] == ["completed"]


def test_studio_with_no_arguments_uses_an_embedded_simulator(tmp_path: Path) -> None:
    with Studio(min_poll_interval=0.05) as studio:
        assert studio.backend_name == "simulator"
        sim = studio._simulator
        film = studio.run(make_plan(1, tag="default"), tmp_path / "f")
        assert film.ok and sim.calls["create"] == 1
    assert studio._simulator is None
    with pytest.raises(RuntimeError, match="not running"):
        sim.base_url  # noqa: B018 - the simulator was stopped with the studio
    # simulated jobs are booked in the sandbox ledger, and the real one is never created
    assert not Path(os.environ["SORAFILM_LEDGER"]).exists()
    with Ledger(default_path(simulator=True)) as led:
        assert [r.status for r in led.records()] == ["completed"]


@pytest.mark.parametrize("live", [True, False])
def test_cli_bars_follow_the_shots(live: bool, capsys: pytest.CaptureFixture[str]) -> None:
    from sorafilm_nb.cli.film import Bars

    bars = Bars(live=live)
    for status, progress in (
        ("reserved", 0),
        ("queued", 0),
        ("in_progress", 40),
        ("downloading", 100),
        ("completed", 100),
    ):
        bars(ShotProgress("shot-01", 0, status, progress, 0.1, "video_1"))
    bars(ShotProgress("shot-02", 1, "refused", 0, 0.1, "video_2", "moderation_blocked: no"))
    bars.close()
    err = capsys.readouterr().err
    assert "shot-01" in err and "completed" in err and "moderation_blocked" in err
    if live:
        assert "100%" in err
    else:
        assert err.count("shot-01") == 5  # one line per status change, no progress spam


def test_a_key_the_server_refuses_is_not_blamed_on_the_plan(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 401 at create ended as "rejected" with the advice for a refused prompt: "plan the
    film anew (another --theme, --template or --budget tier)", which fixes nothing. It names
    the key to check instead, and not the plan."""
    from sorafilm_nb.cli import main

    right = "sk-right-" + "1" * 24
    with Simulator(job_seconds=0.2, poll_after_ms=50, render_scale=0.2, api_key=right) as sim:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-" + "0" * 24)
        argv = ["film", "--repo", str(tiny_repo), "--template", "single-12"]
        code = main([*argv, "--out", str(tmp_path / "out"), "--base-url", sim.base_url])
        assert code == 1
    said = capsys.readouterr().out
    assert "billed $0.00" in said  # refused before any job existed
    assert "did not accept the key" in said and "OPENAI_API_KEY" in said, said
    assert "plan the film anew" not in said
