"""A lost create on Veo or Runway (which cannot list jobs): the shot is held ``unknown`` with
its money, resume keeps it held and says where to look, and only --retry-unknown sends it
again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.runway import PORTAL, RunwayBackend
from sorafilm_nb.backends.veo import CONSOLE, VeoBackend
from sorafilm_nb.cli import main
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import Studio

# resume's doubles: 256x144 animatics, each drawn once (provider_fixtures)
pytestmark = pytest.mark.usefixtures("small_doubles", "animatics_drawn_once")


@pytest.fixture(params=["veo", "runway"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeVeo | FakeRunway]:
    kind = FakeVeo if request.param == "veo" else FakeRunway
    with kind(job_seconds=0.1, render_scale=0.2) as server:  # 256x144: pixels are not the point
        yield server


@pytest.mark.slow  # three runs of a film per provider
def test_a_lost_create_is_held_then_resumed_then_retried_on_purpose(
    fake: FakeVeo | FakeRunway, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    provider, where = ("veo", CONSOLE) if isinstance(fake, FakeVeo) else ("runway", PORTAL)
    backend = (VeoBackend if provider == "veo" else RunwayBackend).for_fake(fake)
    out, ledger_path = tmp_path / "film", tmp_path / "sandbox.sqlite3"
    p = plan(repo, template="teaser-30", target_seconds=24, provider=provider)
    fake.inject(lose_create_response=1)  # the first create is made, its answer lost
    with Studio(backend, Ledger(ledger_path), concurrency=1, min_poll_interval=0.05) as studio:
        film = studio.run(p, out)
    assert not film.ok and fake.calls["create"] == 3
    lost = film.shots[0]
    assert lost.status == "unknown" and lost.job_id is None
    assert where in (lost.error or "") and "--retry-unknown" in (lost.error or "")
    with Ledger(ledger_path) as led:
        assert [r.status for r in led.pending()] == ["reserved"]  # its money is held

    # `sorafilm resume` (a fresh fake: the provider cannot list) keeps it held and says
    # where to look and how to retry on purpose; nothing is sent again
    base = [str(out), "--ledger", str(ledger_path), "--sim-seconds", "0.1"]
    assert main(["resume", *base]) == 1
    said = capsys.readouterr().out
    assert where in said and "--retry-unknown" in said
    # the advice names the folder only: resume reads the provider from its manifest (the
    # --retry-unknown run below is that advice, with no --provider)
    assert f"sorafilm resume {out}" in said and f"--provider {provider}" not in said
    assert Film.load(out).shots[0].status == "unknown"

    assert main(["resume", *base, "--retry-unknown"]) == 0, capsys.readouterr()
    film = Film.load(out)
    assert film.ok and film.film is not None
    with Ledger(ledger_path) as led:
        statuses = sorted(r.status for r in led.records())
        assert statuses.count("completed") == 3 and not led.pending()
