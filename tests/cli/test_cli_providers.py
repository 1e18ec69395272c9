"""A new user's first steps with a real provider, as the CLI answers them: `sorafilm
providers` lists models, prices and keys; `film --real` without a key names the variable
and spends nothing; `film --base-url` at a loopback fake makes the film and says it is
booked in the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no provider key (autouse), the repo fixture

from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.cli import main
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.paths import shown_path

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once


@pytest.fixture(autouse=True)
def _no_openai_settings_and_own_ledgers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Beside provider_fixtures' (no Veo or Runway key): no OpenAI key or URL, no price
    override, and ledgers of the test's own."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SORAFILM_PRICES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SORAFILM_LEDGER", str(tmp_path / "real.sqlite3"))
    monkeypatch.setenv("SORAFILM_SIM_LEDGER", str(tmp_path / "sandbox.sqlite3"))


def test_providers_lists_models_prices_and_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    for line in (
        "veo  (--provider veo; --real reads GEMINI_API_KEY or GOOGLE_API_KEY)",
        "runway  (--provider runway; --real reads RUNWAYML_API_SECRET)",
        "veo-3.1-generate-preview (default): $0.40/s",
        "veo-3.1-fast-generate-preview: $0.15/s",
        "gen4.5 (default): $0.12/s",
        "sizes 1280x720, 720x1280, 1920x1080 (8 s only), 1080x1920 (8 s only)",
        "audio (--no-audio turns it off)",
        "OpenAI's own hosted API shut down on 2026-09-24: these prices are for the simulator",
    ):
        assert line in out, line
    veo = out.split("\nveo  ", 1)[1].split("\nrunway  ", 1)[0]
    assert "UNVERIFIED" in veo and PriceTable.load(provider="veo").source in veo
    assert main(["providers", "--provider", "runway"]) == 0
    only = capsys.readouterr().out
    assert only.startswith("runway  ") and "\nveo  " not in only


@pytest.mark.parametrize(
    ("provider", "variable"),
    [("veo", "GEMINI_API_KEY or GOOGLE_API_KEY"), ("runway", "RUNWAYML_API_SECRET")],
)
def test_real_without_a_key_names_the_variable_and_spends_nothing(
    provider: str, variable: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "film"
    argv = ["film", "--provider", provider, "--real", "--repo", str(repo), "--out", str(out)]
    assert main([*argv, "--template", "single-12"]) == 2
    err = capsys.readouterr().err
    assert f"--real with --provider {provider} needs {variable} set" in err
    assert not out.exists()
    assert not (tmp_path / "real.sqlite3").exists()
    assert not (tmp_path / "sandbox.sqlite3").exists()


@pytest.mark.parametrize("fake_class", [FakeVeo, FakeRunway])
def test_a_film_through_base_url_at_a_fake_is_booked_in_the_sandbox(
    fake_class: type[FakeVeo] | type[FakeRunway],
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    provider = "veo" if fake_class is FakeVeo else "runway"
    # paths print as people read them (paths.shown_path: relative to the working directory
    # when that is shorter, as in CI's clone beside /tmp): run from a known place
    monkeypatch.chdir(tmp_path)
    with fake_class(job_seconds=0.2) as fake:
        assert fake is not None
        variable = "GEMINI_API_KEY" if provider == "veo" else "RUNWAYML_API_SECRET"
        monkeypatch.setenv(variable, fake.api_key)
        argv = ["film", "--provider", provider, "--base-url", fake.base_url, "--repo", str(repo)]
        argv += ["--out", str(tmp_path / "film"), "--template", "teaser-30", "--seconds", "24"]
        assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"booked in the sandbox ledger {shown_path(tmp_path / 'sandbox.sqlite3')}" in out
    assert "(simulated jobs: no real money)" in out
    # the server said it is a sorafilm fake: the film says so too (not "veo-remote", real)
    assert "3/3 shots completed" in out and "(simulated, no real money)" in out
    assert (tmp_path / "film" / "film.mp4").is_file()
    assert not (tmp_path / "real.sqlite3").exists()
    with Ledger(tmp_path / "sandbox.sqlite3") as ledger:
        rows = ledger.records()
    assert [r.status for r in rows] == ["completed"] * 3


def test_resume_takes_the_provider_from_the_folder_and_the_advice_says_no_more(
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A new user was told to finish a Runway film with `sorafilm resume DIR --provider
    runway`, though the folder's manifest records the provider and resume reads it there:
    the advice names only what resume cannot know, and that advice, run as said, resumes on
    Runway's double (a wrong provider would be refused as another backend)."""
    import shlex

    out = tmp_path / "film"
    argv = ["film", "--provider", "runway", "--repo", str(repo), "--out", str(out)]
    argv += ["--template", "teaser-30", "--seconds", "24", "--sim-seconds", "60"]
    assert main([*argv, "--poll-timeout", "1"]) == 1  # every shot still running
    said = capsys.readouterr().out
    advice = said.split("finish with: ", 1)[1].splitlines()[0]
    assert advice == shlex.join(["sorafilm", "resume", str(out)]), advice

    # the advice as a command: resume on Runway's double (the embedded jobs died with the
    # first run, so they are lost, not refused as made elsewhere), and its own advice agrees
    assert main([*shlex.split(advice)[1:], "--poll-timeout", "1"]) == 1
    said = capsys.readouterr()
    assert "on an embedded runway fake" in said.out
    assert "was made on" not in said.err + said.out
    assert said.out.count("  lost  ") == 3
    again = said.out.split("again with: ", 1)[1].splitlines()[0]
    assert again == shlex.join(["sorafilm", "resume", str(out)]) + " --retry", again

    # at a server that answers as a real one, the refusal says what to drop, not --provider
    with FakeRunway(job_seconds=0.2) as fake:
        assert fake is not None
        fake.conceal = True
        monkeypatch.setenv("RUNWAYML_API_SECRET", fake.api_key)
        assert main(["resume", str(out), "--base-url", fake.base_url]) != 0
    said = capsys.readouterr()
    refusal = said.err + said.out
    assert "was made on 'runway-simulator'" in refusal and "(no --real)" in refusal, refusal
