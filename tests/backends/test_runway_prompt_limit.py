"""Runway's promptText limit, through the real path: the unmodified runwayml SDK talking to
FakeRunway on 127.0.0.1 never sees a prompt over 1000 characters (UTF-16 code units, as
runwayml's types document it), for the README's Runway command on this repository and on
the eval packages; and a prompt that cannot be made to fit blocks the plan before any money
is reserved, where before the API's HTTP 400 came after the reservation."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

import sorafilm_nb as sf
from sorafilm_nb.analysis.text import find_readme
from sorafilm_nb.backends.base import InvalidRequest
from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.runway import RunwayBackend
from sorafilm_nb.capabilities import prompt_length
from sorafilm_nb.cli import main
from sorafilm_nb.datafiles import data_dir
from sorafilm_nb.errors import PlanError
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.story.casting import Casting
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.runner import Studio

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / ".eval" / "src"
LIMIT = 1000


@pytest.fixture
def fake() -> Iterator[FakeRunway]:
    with FakeRunway(job_seconds=0.1) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def runway(fake: FakeRunway, tmp_path: Path) -> RunwayBackend:
    return RunwayBackend(api_key=fake.api_key, base_url=fake.base_url, cache_dir=tmp_path / "c")


def _readme_argv() -> list[str]:
    """The README's one Runway command (tests/cli/test_readme_provider_commands.py checks
    there is exactly one)."""
    sys.path.insert(0, str(ROOT / "tests" / "cli"))
    try:
        from test_readme_provider_commands import documented
    finally:
        sys.path.remove(str(ROOT / "tests" / "cli"))
    return list(next(d for d in documented() if d.provider == "runway").argv)


def test_the_fake_counts_prompt_text_as_runway_does(fake: FakeRunway) -> None:
    """1000 code units pass; 1001 (999 letters and an emoji, two UTF-16 units) are refused
    with the API's 400. Sent with the bare runwayml SDK: the backend no longer sends them."""
    import runwayml

    client = runwayml.RunwayML(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
    args = dict(model="gen4.5", ratio="1280:720", duration=4)
    assert client.text_to_video.create(prompt_text="a" * LIMIT, **args).id
    for long in ("a" * (LIMIT + 1), "a" * (LIMIT - 1) + "\N{GRINNING FACE}"):
        assert len(long) <= LIMIT + 1 and prompt_length(long) == LIMIT + 1
        with pytest.raises(runwayml.BadRequestError, match="1000 characters"):
            client.text_to_video.create(prompt_text=long, **args)
    assert fake.calls["create"] == 3 and len(fake.requests) == 1


def test_the_backend_refuses_an_over_long_prompt_before_any_request(
    runway: RunwayBackend, fake: FakeRunway
) -> None:
    """A caller of the backend API directly (no plan lint before it) learns the limit and
    the length from the backend, before any request, instead of from the API's 400; the
    error names the model, the limit and the length and holds none of the prompt."""
    ok = runway.create(prompt="a" * LIMIT, model="gen4.5", seconds=4, size="1280x720")
    assert ok.id
    for long in ("zebra" * 200 + "z", "zebra" * 199 + "zebr\N{GRINNING FACE}"):
        assert prompt_length(long) == LIMIT + 1
        with pytest.raises(InvalidRequest) as caught:
            runway.create(prompt=long, model="gen4.5", seconds=4, size="1280x720")
        text = str(caught.value)
        assert "gen4.5's promptText takes at most 1000 characters" in text
        assert "this prompt is 1001" in text and "zebr" not in text
        assert caught.value.param == "prompt"
    assert fake.calls["create"] == len(fake.requests) == 1  # only the prompt that fits


def test_the_studio_releases_a_shot_the_backend_refuses_as_too_long(
    repo: Path, runway: RunwayBackend, fake: FakeRunway, tmp_path: Path
) -> None:
    """A plan whose prompt grew past the limit after it was linted (here: replaced) reaches
    the backend: the shot is rejected with the limit in its error, its reservation is
    released and no task is created for it; the other shot is made as usual."""
    p = plan(repo, template="single-12", provider="runway", model="gen4.5")
    assert not p.blocked and len(p.prompts) == 2
    long = "zebra " * 200
    p = replace(p, prompts=(replace(p.prompts[0], text=long), *p.prompts[1:]))
    with (
        Ledger(tmp_path / "ledger.sqlite3") as ledger,
        Studio(runway, ledger, min_poll_interval=0.05) as studio,
    ):
        film = studio.run(p, tmp_path / "film")
        first, second = film.shots
        assert first.status == "rejected" and first.error_code == "invalid:prompt"
        assert "takes at most 1000 characters" in str(first.error)
        assert first.job_id is None and second.status == "completed"
        rows = {r.shot: r for r in ledger.records()}
        assert rows["shot-01"].status == "released" and rows["shot-01"].job_id is None
        assert rows["shot-02"].status == "completed"
        assert ledger.reserved().cents == 0
    assert fake.calls["create"] == len(fake.requests) == 1
    assert all(body["promptText"] != long for body in fake.requests)


def test_the_readme_command_on_this_repository_sends_no_prompt_over_the_limit(
    fake: FakeRunway,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`sorafilm film --repo . --provider runway --template teaser-30 --seconds 24`, as the
    README writes it, run from this repository against the fake: three shots, every
    promptText the SDK sent within the limit, none refused."""
    argv = _readme_argv()
    monkeypatch.setenv("RUNWAYML_API_SECRET", fake.api_key)
    monkeypatch.chdir(ROOT)
    argv[argv.index("--out") + 1] = str(tmp_path / "film")
    argv += ["--base-url", fake.base_url, "--ledger", str(tmp_path / "ledger.sqlite3")]
    assert main(argv) == 0, capsys.readouterr().out[-3000:]
    sent = [body["promptText"] for body in fake.requests]
    assert fake.calls["create"] == len(sent) == 3  # no create was refused
    assert max(prompt_length(p) for p in sent) <= LIMIT


#: Distributions every dev environment has (pyproject's dependencies: jinja2, tqdm and
#: platformdirs directly, httpx through openai; requests in dev), each with a README as its
#: long description: markdown for four, reST for tqdm's 53 KB one.
INSTALLED = ("httpx", "jinja2", "requests", "tqdm", "platformdirs")


def _installed_repo(dist: str, into: Path) -> Path:
    """An installed distribution as a repository: its import package's code as installed
    and its README from the distribution's metadata (what PyPI shows), under the name and
    suffix its Description-Content-Type gives."""
    meta = importlib.metadata.metadata(dist)
    readme = meta.get_payload() or meta.get("Description") or ""
    assert len(readme) > 1000, dist  # a real README, or this plans only code
    package = dist  # each of INSTALLED imports under its distribution's name
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin, dist
    root = into / dist
    shutil.copytree(Path(spec.origin).parent, root / package, ignore=_NO_CACHE)
    rst = "rst" in (meta.get("Description-Content-Type") or "")
    (root / ("README.rst" if rst else "README.md")).write_text(readme, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{dist}"\nversion = "{meta["Version"]}"\n', encoding="utf-8"
    )
    return root


_NO_CACHE = shutil.ignore_patterns("__pycache__", "*.so", "*.pyd")


def _eval_roots() -> list[Path]:
    """eval/fetch.py's downloads, where present (not in CI): planned too, as an extra."""
    return sorted(p for p in EVAL.iterdir() if p.is_dir()) if EVAL.is_dir() else []


def test_the_readme_plan_of_real_packages_goes_through_the_sdk(
    runway: RunwayBackend, fake: FakeRunway, tmp_path: Path
) -> None:
    """The README command's plan of real packages with real READMEs (every dev environment's
    installed ones, and the eval packages where fetched), at its tier and at standard, each
    prompt created through the SDK (the film's own create path, less the rendering): the
    backend and the fake refuse none."""
    fake.render = False  # nothing is downloaded: ~140 animatics drawn for nobody (~6 s CPU)
    roots = [_installed_repo(dist, tmp_path) for dist in INSTALLED] + _eval_roots()
    sent = 0
    for root in roots:
        # medium (the README's) is held by its token cap; at standard, 1000 characters bind.
        # Standard is planned from medium's casting: the same repository read and cast the
        # same way (the tier comes after casting), so only the tier differs.
        read: Path | Casting = root
        for tier in ("medium", "standard"):
            p = plan(read, template="teaser-30", target_seconds=24, provider="runway", tier=tier)
            read = p.storyboard.casting
            assert not p.blocked, (root.name, tier, [str(f) for f in p.findings])
            if find_readme(root):  # a README, else the docs' front page (tenacity's sdist)
                assert p.storyboard.casting.profile.description, root.name  # and it was read
            for shot, prompt in zip(p.storyboard.shots, p.prompts, strict=True):
                runway.create(
                    prompt=prompt.text, model=shot.model, seconds=shot.seconds, size=shot.size
                )
                sent += 1
    assert sent >= 2 * 3 * len(INSTALLED)
    assert fake.calls["create"] == len(fake.requests) == sent
    assert max(prompt_length(b["promptText"]) for b in fake.requests) <= LIMIT


def test_a_prompt_that_cannot_fit_blocks_the_plan_before_any_reservation(
    repo: Path, runway: RunwayBackend, fake: FakeRunway, tmp_path: Path
) -> None:
    """A theme's protagonist and a typed gag, each under their own 300-character limit and
    each one clause that no step may cut (the actions play the gag too): together over
    1000 characters. Lint blocks the plan; the studio sends nothing and reserves nothing."""
    text = (data_dir() / "metaphors" / "kitchen.toml").read_text(encoding="utf-8")
    who = ("a programmer in " + " and ".join(["a long striped woollen scarf"] * 12))[:299]
    text = re.sub(r"^protagonist = .*$", f'protagonist = "{who}"', text, count=1, flags=re.M)
    theme = tmp_path / "scarves.toml"
    theme.write_text(text, encoding="utf-8")
    gag = ("a kettle that " + " and ".join(["whistles a long slow tune"] * 12))[:299]
    casting = sf.cast(sf.analyze(repo), theme)
    for index in range(len(casting.entries)):  # whichever concepts the story films
        casting = casting.recast(index, custom_gag=gag)
    p = plan(casting, template="single-12", provider="runway", model="gen4.5")
    over = [f for f in p.findings if f.rule == "prompt-over-provider-limit"]
    assert over and all(f.severity == "error" for f in over) and p.blocked
    assert "characters; runway gen4.5 takes at most 1000" in over[0].message
    assert not all(x.fits for x in p.prompts)
    with (
        Ledger(tmp_path / "ledger.sqlite3") as ledger,
        Studio(runway, ledger, min_poll_interval=0.05) as studio,
    ):
        with pytest.raises(PlanError, match="takes at most 1000"):
            studio.run(p, tmp_path / "film")
        assert ledger.records() == []
        assert ledger.reserved().cents == 0
    assert fake.calls["create"] == 0
