"""Films on Veo and Runway with no key and no network: the official SDKs (google-genai,
runwayml) against the in-process fakes, through create, poll, download, stitch and the
ledger, in a subprocess as a user runs them (its doubles drawing 256x144: SMALL_CLI).
Continuity frames and a lost create (held ``unknown``, then resumed and retried on purpose)
are in test_providers_continuity.py and test_providers_lost_create.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture
from provider_fixtures import KEYS, small_cli

from sorafilm_nb.errors import PlanError
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import media_duration
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import Studio

ROOT = Path(__file__).resolve().parents[2]


PRICES = {"veo": "$9.60", "runway": "$2.88"}  # 24 s at $0.40/s and at 12 credits/s


@pytest.mark.slow  # a whole film per provider, rendered
@pytest.mark.parametrize(
    ("provider", "continuity"), [("veo", ["--chain"]), ("runway", ["--look", "first"])]
)
def test_sorafilm_film_on_each_provider_fake_end_to_end(
    provider: str, continuity: list[str], repo: Path, tmp_path: Path
) -> None:
    out, ledger = tmp_path / "film", tmp_path / "sandbox.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env["PYTHONPATH"] = str(ROOT)
    args = ["film", "--repo", str(repo), "--out", str(out), "--provider", provider]
    args += ["--template", "teaser-30", "--seconds", "24", "--sim-seconds", "0.3"]
    args += ["--ledger", str(ledger), *continuity]
    done = small_cli(*args, env=env, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"embedded {provider} fake through its official SDK" in done.stdout
    assert f"Estimated cost: {PRICES[provider]}" in done.stdout
    assert "starts from" in done.stdout  # the plan shows which shot uses which reference
    assert "(simulated, no real money)" in done.stdout
    film = Film.load(out)
    assert film.ok and [s.seconds for s in film.shots] == [8, 8, 8]
    # 24 s of shots, plus the title and caption cards (stills) the story puts between them
    assert media_duration(out / "film.mp4") > 24 - 0.5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["backend"] == f"{provider}-simulator"
    assert manifest["plan"]["provider"] == provider
    with Ledger(ledger) as led:
        rows = led.records()
        assert [r.status for r in rows] == ["completed"] * 3
        assert str(sum((r.billed for r in rows), start=rows[0].billed * 0)) == PRICES[provider]


def test_a_plan_for_another_provider_is_refused(repo: Path) -> None:
    p = plan(repo, template="single-12", provider="runway")
    with Studio(min_poll_interval=0.05) as studio, pytest.raises(PlanError, match="runway"):
        studio.run(p, repo / "out")
