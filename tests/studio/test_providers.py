"""Films on Veo and Runway with no key and no network: the official SDKs (google-genai,
runwayml) against the in-process fakes, through create, poll, download, stitch and the
ledger, in a subprocess as a user runs them; continuity frames; a lost create held
``unknown``, then resumed and retried on purpose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.runway import PORTAL, RunwayBackend
from sorafilm_nb.backends.veo import CONSOLE, VeoBackend
from sorafilm_nb.cli import main
from sorafilm_nb.errors import PlanError
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import ffmpeg_exe, media_duration
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import Studio

KEYS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_CLOUD_PROJECT", "RUNWAYML_API_SECRET")
KEYS += ("RUNWAYML_BASE_URL",)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in KEYS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A tiny repository to film: a class, a function and an exception."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_text("# Kettle\n\nBoils water, politely.\n")
    (root / "kettle.py").write_text(
        '"""A kettle."""\n\n\nclass BoilError(Exception):\n    """Too hot."""\n\n\n'
        "class Kettle:\n    def boil(self, litres: float) -> float:\n"
        "        if litres > 2:\n            raise BoilError(litres)\n        return litres\n\n\n"
        "def pour(kettle: Kettle) -> None:\n    kettle.boil(1)\n"
    )
    return root


def _image(path: Path) -> Path:
    subprocess.run(
        [
            *(ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "color=c=teal:s=320x200"),
            *("-frames:v", "1", "-y", str(path)),
        ],
        check=True,
    )
    return path


PRICES = {"veo": "$9.60", "runway": "$2.88"}  # 24 s at $0.40/s and at 12 credits/s


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
    done = subprocess.run(
        [sys.executable, "-m", "sorafilm_nb", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
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


@pytest.mark.parametrize("provider", ["veo", "runway"])
def test_continuity_frames_are_sent_and_recorded(provider: str, repo: Path, tmp_path: Path) -> None:
    look = _image(tmp_path / "look.png")
    looked = plan(repo, template="teaser-30", target_seconds=24, provider=provider, look=look)
    # Veo 3.1 keeps the look as a reference image (8 s 16:9 shots); gen4.5 as a first frame
    as_ref = ", as a reference image" if provider == "veo" else ""
    assert [looked.reference_text(i) for i in range(3)] == [f"the look image{as_ref}"] * 3
    assert "lists no difference" in looked.continuity_note
    assert "## Continuity" in looked.to_markdown()
    assert str(tmp_path) not in looked.to_json()  # the look's path never leaves the process
    chained = plan(repo, template="teaser-30", target_seconds=24, provider=provider, chain=True)
    assert chained.id != plan(repo, template="teaser-30", target_seconds=24, provider=provider).id
    for p, kind in ((looked, "look"), (chained, "chain")):
        with Studio(provider=provider, min_poll_interval=0.05) as studio:
            fake = studio._simulator
            film = studio.run(p, tmp_path / f"{provider}-{kind}")
            assert film.ok, film.shots
            jobs = sorted(fake.jobs.values(), key=lambda j: j.seq)
            sent = [j.conditioning.get("first_frame") for j in jobs]
            refs = [j.conditioning.get("reference_images") for j in jobs]
        if kind == "look" and provider == "veo":  # one ASSET reference, never a frame
            assert sent == [None] * 3 and all(r is not None for r in refs)
            images = [r["images"] for r in refs]
            assert all(len(i) == 1 and i[0]["reference_type"] == "ASSET" for i in images)
            assert all(i[0]["size"] == "1280x720" for i in images)
            assert len({i[0]["sha256"] for i in images}) == 1
        elif kind == "look":  # the same image, fitted to the shot's size, on every shot
            assert all(s is not None and s["size"] == "1280x720" for s in sent)
            assert len({s["sha256"] for s in sent}) == 1
        else:  # shot 1 from nothing, then each from the one before: frames that differ
            assert sent[0] is None and all(s is not None for s in sent[1:])
            assert sent[1]["sha256"] != sent[2]["sha256"]
            assert (tmp_path / f"{provider}-chain" / "shot-01.last.jpg").is_file()


def test_a_plan_for_another_provider_is_refused(repo: Path) -> None:
    p = plan(repo, template="single-12", provider="runway")
    with Studio(min_poll_interval=0.05) as studio, pytest.raises(PlanError, match="runway"):
        studio.run(p, repo / "out")


@pytest.fixture(params=["veo", "runway"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeVeo | FakeRunway]:
    kind = FakeVeo if request.param == "veo" else FakeRunway
    with kind(job_seconds=0.1, render_scale=0.5) as server:
        yield server


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
    assert f"sorafilm resume {out} --provider {provider}" in said  # the advice keeps it
    assert Film.load(out).shots[0].status == "unknown"

    assert main(["resume", *base, "--retry-unknown"]) == 0, capsys.readouterr()
    film = Film.load(out)
    assert film.ok and film.film is not None
    with Ledger(ledger_path) as led:
        statuses = sorted(r.status for r in led.records())
        assert statuses.count("completed") == 3 and not led.pending()
