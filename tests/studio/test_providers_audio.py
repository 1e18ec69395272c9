"""A film without audio on Veo (plan(audio=False), `--no-audio`): every create goes out
with generate_audio = false through google-genai to FakeVeo, and the plan, the reservation
and the ledger price it at the price file's no_audio price when the file lists one (else at
the price with audio, the higher, so a reservation is never below the bill)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

from sorafilm_nb.cli import main
from sorafilm_nb.cli.film import Session
from sorafilm_nb.money.prices import PriceTable, default_path
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import Studio

# 256x144 animatics, each drawn once (provider_fixtures)
pytestmark = pytest.mark.usefixtures("small_doubles", "animatics_drawn_once")

MODEL = "veo-3.1-generate-preview"


def _prices_with_no_audio(tmp_path: Path) -> PriceTable:
    """The packaged Veo file plus a no_audio price of 20 cents a second at 1280x720."""
    path = tmp_path / "veo-prices.toml"
    text = default_path("veo").read_text(encoding="utf-8")
    path.write_text(text + f'\n[modifiers.no_audio."{MODEL}"]\n"1280x720" = 20\n')
    return PriceTable.load(path, provider="veo")


def _film(p: object, table: PriceTable, out: Path) -> tuple[list[bool | None], Decimal]:
    """Make the film on the embedded FakeVeo: what each job was asked for, and the bill."""
    with Studio(provider="veo", prices=table, min_poll_interval=0.05) as studio:
        fake = studio._simulator
        film = studio.run(p, out)  # type: ignore[arg-type]
        assert film.ok, film.shots
        jobs = sorted(fake.jobs.values(), key=lambda j: j.seq)
        billed = sum((s.billed.cents for s in film.shots if s.billed is not None), Decimal(0))
        return [j.audio for j in jobs], billed


@pytest.mark.slow  # a whole film, rendered
def test_a_film_without_audio_is_sent_and_priced_silent(repo: Path, tmp_path: Path) -> None:
    table = _prices_with_no_audio(tmp_path)
    loud = plan(repo, template="teaser-30", target_seconds=24, provider="veo", prices=table)
    quiet = plan(
        repo, template="teaser-30", target_seconds=24, provider="veo", prices=table, audio=False
    )
    assert loud.total.cents == Decimal(24 * 40) and quiet.total.cents == Decimal(24 * 20)
    assert quiet.id != loud.id and quiet.to_dict()["audio"] is False
    assert "audio" not in loud.to_dict()  # a film with audio's plan.json is as before
    sent, billed = _film(quiet, table, tmp_path / "quiet")
    assert sent == [False, False, False] and billed == Decimal(24 * 20)
    sent, billed = _film(loud, table, tmp_path / "loud")
    assert sent == [True, True, True] and billed == Decimal(24 * 40)


def test_without_a_listed_no_audio_price_it_is_reserved_at_the_price_with_audio(
    repo: Path, tmp_path: Path
) -> None:
    table = PriceTable.load(provider="veo")  # the packaged file lists no no_audio price
    quiet = plan(
        repo, template="teaser-30", target_seconds=24, provider="veo", prices=table, audio=False
    )
    assert quiet.total.cents == Decimal(24 * 40)
    sent, billed = _film(quiet, table, tmp_path / "quiet")
    assert sent == [False, False, False] and billed == Decimal(24 * 40)


def test_a_silent_theme_is_sent_and_priced_silent_through_the_cli(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme file that says audio = false: `sorafilm film --theme FILE --provider veo`
    (no --no-audio) sends every job with generate_audio = false and prices it so."""
    theme = tmp_path / "hush.toml"
    theme.write_text(
        '[theme]\nid = "hush"\ntitle = "Hush"\nextends = "kitchen"\n\n[style]\naudio = false\n'
    )
    _prices_with_no_audio(tmp_path)  # writes veo-prices.toml
    fakes: list[Any] = []
    start = Session.__init__

    def keep(self: Session, args: Any) -> None:
        start(self, args)
        fakes.append(self.simulator)

    monkeypatch.setattr(Session, "__init__", keep)
    argv = ["film", "--provider", "veo", "--repo", str(repo), "--theme", str(theme)]
    argv += ["--template", "teaser-30", "--seconds", "24", "--out", str(tmp_path / "f")]
    argv += ["--prices", str(tmp_path / "veo-prices.toml"), "--sim-seconds", "0.1"]
    assert main(argv) == 0
    (fake,) = fakes
    assert [j.audio for j in sorted(fake.jobs.values(), key=lambda j: j.seq)] == [False] * 3
    assert Film.load(tmp_path / "f").billed.cents == Decimal(24 * 20)
