"""A film folder whose manifest names its backend "veo-remote", as every --base-url server was
named before films recorded whether it was a sorafilm fake (backend_names.recorded_name): resumed
on the simulator it is read as "veo-remote-simulator" when the sandbox ledger holds its
reservations (with a note saying so), and refused with what to do when it does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.veo import VeoBackend
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.backend_names import legacy_remote
from sorafilm_nb.studio.folder import FilmError
from sorafilm_nb.studio.runner import Studio

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once


def _old_folder(fake: FakeVeo, repo: Path, out: Path) -> None:
    """A Veo film interrupted mid-run (its jobs still running on the fake), its manifest as
    the studio wrote it before recorded_name and lower thirds: backend "veo-remote"."""
    backend = VeoBackend(api_key=fake.api_key, base_url=fake.base_url, name="veo-remote")
    p = plan(repo, template="single-12", provider="veo")
    with Studio(backend, provider="veo", poll_timeout=0.2, max_poll_interval=0.05) as studio:
        film = studio.run(p, out)
    assert not film.ok and film.backend == "veo-remote-simulator"
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    data["backend"] = "veo-remote"
    del data["lower_thirds"]
    manifest.write_text(json.dumps(data, indent=2))


@pytest.fixture
def fake() -> FakeVeo:
    with FakeVeo(job_seconds=60) as server:
        yield server


@pytest.mark.slow
def test_the_legacy_name_is_read_as_todays_when_the_sandbox_holds_the_reservations(
    fake: FakeVeo, repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "old"
    _old_folder(fake, repo, out)
    creates = len(fake.requests)
    fake.job_seconds = 0.01  # the jobs finish now
    backend = VeoBackend(api_key=fake.api_key, base_url=fake.base_url, name="veo-remote")
    with Studio(backend, provider="veo", poll_timeout=60) as studio:
        film = studio.resume(out)
    assert film.ok and film.backend == "veo-remote-simulator"
    assert any("named its backend 'veo-remote'" in n for n in film.notes)
    assert len(fake.requests) == creates  # polled, never created again
    assert json.loads((out / "manifest.json").read_text())["backend"] == "veo-remote-simulator"


@pytest.mark.slow
def test_the_legacy_name_with_its_reservations_elsewhere_says_what_to_do(
    fake: FakeVeo, repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "old"
    _old_folder(fake, repo, out)
    before = (out / "manifest.json").read_bytes()
    other = Ledger(tmp_path / "other-sandbox.sqlite3", sandbox=True)
    backend = VeoBackend(api_key=fake.api_key, base_url=fake.base_url, name="veo-remote")
    with (
        pytest.raises(FilmError, match=r"'veo-remote'.*--ledger PATH.*resume --real, or"),
        Studio(backend, other, provider="veo") as studio,
    ):
        studio.resume(out)
    assert (out / "manifest.json").read_bytes() == before


def test_only_the_bare_remote_names_are_legacy() -> None:
    assert legacy_remote("veo-remote") == "veo-remote-simulator"
    assert legacy_remote("remote") == "remote-simulator"
    assert legacy_remote("runway-remote") == "runway-remote-simulator"
    for name in ("veo", "veo-simulator", "veo-remote-simulator", "simulator", "openai"):
        assert legacy_remote(name) is None
