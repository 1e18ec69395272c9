"""Which backend a film folder and its ledger rows name: a sorafilm fake reached through a
base URL is recorded as simulated, from what the server says about itself (the header every
fake sends, believed from loopback only), never from the URL or the name the caller gave.
So the film's summary says "(simulated, no real money)" for our own fakes, and a loopback
server that does not say it (a local gateway in front of a real API) is never called
simulated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture
from sim_fixtures import *  # noqa: F403 - the simulator fixture

from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.runway import RunwayBackend
from sorafilm_nb.backends.veo import VeoBackend
from sorafilm_nb.money.ledger import Ledger, default_path
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.backend_names import recorded_name
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import Studio

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

SIMULATED = "(simulated, no real money)"


def _backend(provider: str, fake: Any, name: str) -> Any:
    cls = VeoBackend if provider == "veo" else RunwayBackend
    return cls(api_key=fake.api_key, base_url=fake.base_url, name=name)


def _film(backend: Any, provider: str, repo: Path, out: Path) -> Film:
    p = plan(repo, template="single-12", provider=provider)
    with Studio(backend, provider=provider, poll_timeout=60) as studio:
        return studio.run(p, out)


@pytest.mark.parametrize("fake_class", [FakeVeo, FakeRunway])
def test_a_fake_reached_by_url_is_recorded_as_simulated(
    fake_class: type[FakeVeo] | type[FakeRunway], repo: Path, tmp_path: Path
) -> None:
    provider = "veo" if fake_class is FakeVeo else "runway"
    with fake_class(job_seconds=0.1) as fake:
        film = _film(_backend(provider, fake, f"{provider}-remote"), provider, repo, tmp_path / "f")
    assert film.ok
    assert film.backend == f"{provider}-remote-simulator"
    assert SIMULATED in film.summary()
    manifest = json.loads((tmp_path / "f" / "manifest.json").read_text())
    assert manifest["backend"] == f"{provider}-remote-simulator"
    assert SIMULATED in Film.load(tmp_path / "f").summary()  # read back, not only in memory
    assert not default_path().exists(), "simulated spend must not reach the real ledger"
    with Ledger(default_path(simulator=True)) as sandbox:
        assert {r.backend for r in sandbox.records()} == {f"{provider}-remote-simulator"}


@pytest.mark.parametrize("fake_class", [FakeVeo, FakeRunway])
def test_a_loopback_server_that_does_not_say_so_is_not_called_simulated(
    fake_class: type[FakeVeo] | type[FakeRunway], repo: Path, tmp_path: Path
) -> None:
    """A gateway on 127.0.0.1 in front of a real API answers without the header: its film is
    real money, whatever the name the caller gave (here even "...-simulator")."""
    provider = "veo" if fake_class is FakeVeo else "runway"
    with fake_class(job_seconds=0.1) as fake:
        fake.conceal = True
        film = _film(
            _backend(provider, fake, f"{provider}-simulator"), provider, repo, tmp_path / "f"
        )
    assert film.ok
    assert film.backend == f"{provider}-simulator-real"
    assert "simulated" not in film.summary()
    assert not default_path(simulator=True).exists()
    with Ledger(default_path()) as real:
        assert real.spent().whole_cents > 0


def test_sorafilm_simulate_reached_by_url_is_recorded_as_simulated(
    simulator: Any, repo: Path, tmp_path: Path
) -> None:
    backend = OpenAIBackend(api_key=simulator.api_key, base_url=simulator.base_url, name="remote")
    film = _film(backend, "openai", repo, tmp_path / "f")
    assert film.ok and film.backend == "remote-simulator"
    assert SIMULATED in film.summary()


def test_names_that_already_say_it_are_kept() -> None:
    class Named:
        def __init__(self, name: str, simulated: bool) -> None:
            self.name, self._simulated = name, simulated

        def is_simulator(self) -> bool:
            return self._simulated

    assert recorded_name(Named("simulator", True)) == "simulator"
    assert recorded_name(Named("veo-simulator", True)) == "veo-simulator"
    assert recorded_name(Named("veo", False)) == "veo"
    assert recorded_name(Named("remote", True)) == "remote-simulator"
    assert recorded_name(Named("simulator", False)) == "simulator-real"
