"""Issue 13, "Done means": with a key, one documented command makes a three-shot film on each
provider. The README's Providers section is parsed here (so it cannot drift): exactly one
`sorafilm film` line per provider, each after the `export` of its key variable; then each
line runs as written, pointed with --base-url at that provider's own fake, through its
official SDK. It must print the README's cost before any job is sent, and make a film of
three shots."""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.capabilities import PROVIDERS
from sorafilm_nb.cli import main

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Documented:
    """One documented command: its words, the key variable exported before it, its cost."""

    provider: str
    argv: tuple[str, ...]
    key_variable: str
    cost: str


def documented() -> list[Documented]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Providers\n", 1)[1].split("\n## ", 1)[0]
    out: list[Documented] = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        exported = ""
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            words = shlex.split(command)
            if words[:1] == ["export"]:
                exported = words[1].split("=", 1)[0]
            elif words[:2] == ["sorafilm", "film"]:
                provider = words[words.index("--provider") + 1]
                out.append(Documented(provider, tuple(words[1:]), exported, comment.strip()))
                exported = ""
    return out


def test_the_readme_has_exactly_one_command_per_provider() -> None:
    found = documented()
    assert sorted(d.provider for d in found) == sorted(PROVIDERS)
    keys = {"veo": "GEMINI_API_KEY", "runway": "RUNWAYML_API_SECRET", "openai": "OPENAI_API_KEY"}
    for d in found:
        assert d.key_variable == keys[d.provider], d
        assert "--real" in d.argv or "--base-url" in d.argv, d  # a real provider, not a double
        assert re.fullmatch(r"\$\d+\.\d\d", d.cost), d


class _Timeline:
    """stdout that notes how many jobs the fake had been sent when each line was printed."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.lines: list[tuple[int, str]] = []
        self._part = ""

    def write(self, text: str) -> int:
        self._part += text
        *done, self._part = self._part.split("\n")
        creates = self.server.calls["create"]
        self.lines.extend((creates, line) for line in done)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@pytest.fixture
def fake_for() -> Iterator[Any]:
    started: list[Any] = []

    def start(provider: str) -> Any:
        if provider == "openai":
            server: Any = Simulator(job_seconds=0.2, poll_after_ms=50, render_scale=0.2).start()
        else:
            server = (FakeVeo if provider == "veo" else FakeRunway)(job_seconds=0.2).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_documented_command_makes_a_three_shot_film_on_its_fake(
    provider: str,
    repo: Path,
    tmp_path: Path,
    fake_for: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = next(x for x in documented() if x.provider == provider)
    fake = fake_for(provider)
    monkeypatch.setenv(d.key_variable, fake.api_key)
    monkeypatch.chdir(repo)  # `--repo .` as written: run from the repository
    argv = list(d.argv)
    argv[argv.index("--out") + 1] = str(tmp_path / "film")
    if "--base-url" in argv:  # the gateway's URL: the fake's instead
        argv[argv.index("--base-url") + 1] = fake.base_url
    else:
        argv += ["--base-url", fake.base_url]
    timeline, stdout = _Timeline(fake), sys.stdout
    sys.stdout = timeline  # type: ignore[assignment]
    try:
        code = main(argv)
    finally:
        sys.stdout = stdout
    printed = "\n".join(line for _, line in timeline.lines)
    assert code == 0, printed
    cost = [n for n, line in timeline.lines if line.startswith(f"Estimated cost: {d.cost} ")]
    assert cost == [0], f"the cost {d.cost} is printed once, before any job is sent:\n{printed}"
    assert fake.calls["create"] == 3
    assert "3/3 shots completed" in printed and "(simulated, no real money)" in printed
    manifest = json.loads((tmp_path / "film" / "manifest.json").read_text())
    assert [s["status"] for s in manifest["shots"]] == ["completed"] * 3
    assert manifest["plan"].get("provider", "openai") == provider
    assert (tmp_path / "film" / "film.mp4").is_file()
