"""The quickstart's AUDIO parameter reaches the estimate: its own cells, run in-process.

Only the cells that choose and price (parameters, read, cast, budget, the real-provider
comparison), with the ledger left out: the whole notebook is executed in `make test` by
tests/test_saved_notebook.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from package_fixtures import tools_package

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_quickstart.ipynb"


def _cells() -> list[str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _cell(cells: list[str], marker: str) -> str:
    (found,) = [c for c in cells if marker in c]
    return found


def _run_quickstart(tmp_path: Path, repo: Path | None = None, **params: Any) -> dict[str, Any]:
    if repo is None:
        repo = tmp_path / "kettle"
        repo.mkdir()
        (repo / "kettle.py").write_text(
            '"""A kettle."""\n\n\nclass Kettle:\n    """Boils water."""\n\n'
            "    def boil(self) -> None:\n        raise KettleError\n\n\n"
            "class KettleError(Exception):\n    pass\n"
        )
    cells = _cells()
    ns: dict[str, Any] = {}
    exec(_cell(cells, "# Parameters"), ns)
    ns.update(params, REPO=str(repo))
    # the setup cell without its server: no ledger, so no budget line
    exec("import sorafilm_nb as sf\nfrom sorafilm_nb import ui\nledger = None\n", ns)
    exec(_cell(cells, "profile = sf.analyze(REPO)"), ns)
    exec(_cell(cells, "picker = ui.MetaphorPicker(casting)"), ns)
    exec(_cell(cells, "def estimate(selection)"), ns)
    exec(_cell(cells, 'for name in ("veo", "runway")'), ns)
    return ns


@pytest.mark.parametrize("audio", [False, True])
def test_the_audio_parameter_reaches_the_plan_and_the_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], audio: bool
) -> None:
    ns = _run_quickstart(tmp_path, PROVIDER="veo", AUDIO=audio, TEMPLATE="teaser-30")
    budget = ns["budget"]
    assert budget.audio.value is audio and budget.plan.audio is audio
    assert ("without audio" in budget.output.value) is not audio
    assert ns["real"].audio is audio  # the real-provider comparison follows the box too
    budget.audio.value = not audio  # the box, live: a new plan
    assert budget.plan.audio is (not audio)


def test_audio_none_follows_the_theme(tmp_path: Path) -> None:
    ns = _run_quickstart(tmp_path, AUDIO=None, TEMPLATE="teaser-30")
    assert ns["budget"].audio.value is ns["casting"].library.style.audio is True


@pytest.mark.parametrize("audio", [False, None])
def test_the_audio_parameter_reaches_the_app(tmp_path: Path, audio: bool | None) -> None:
    """The quickstart's one-app cell passes AUDIO on: the app's box starts as the budget's."""
    ns = _run_quickstart(tmp_path, AUDIO=audio, TEMPLATE="teaser-30")
    ns.update(backend=None, OUT=tmp_path / "out")
    exec(_cell(_cells(), "app = ui.studio(REPO"), ns)
    app = ns["app"]
    expected = ns["budget"].audio.value
    assert expected is (True if audio is None else audio)
    assert app.budget.audio.value is expected and app.plan.audio is expected


@pytest.mark.parametrize("provider", ["openai", "veo"])
def test_the_quickstart_casts_each_provider_s_film_as_sorafilm_plan_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], provider: str
) -> None:
    """A new user's quickstart said "veo: 9 shots, 72 s (target 90 s) ... $28.80" where
    `sorafilm plan --provider veo` and the README say 11 shots, 88 s, $35.20: the picker cast
    the 8 concepts sora-2's 12 s clips need, and Veo's 8 s clips need more (so the cut film
    had 16 s of nothing). The picker's film, and the other providers' estimates, are now cast
    as the CLI casts them (planning.film_casting)."""
    import sorafilm_nb as sf

    repo = tools_package(tmp_path / "tools")  # 14 concepts: more than cast()'s 8
    ns = _run_quickstart(tmp_path, repo, PROVIDER=provider, TEMPLATE="silent-90", AUDIO=None)
    profile, budget = ns["profile"], ns["budget"]
    said = capsys.readouterr().out.splitlines()
    printed = dict(line.strip().split(": ", 1) for line in said if line)

    def as_the_cli(name: str) -> str:  # `sorafilm plan --repo R --provider NAME`, in-process
        return sf.plan(
            profile,
            theme=ns["THEME"],
            template="silent-90",
            tier=budget.tier.value,
            provider=name,
            audio=budget.audio.value,
        ).summary()

    assert budget.plan.summary() == as_the_cli(provider)
    for name in ("veo", "runway"):
        assert printed[name] == as_the_cli(name), name
    assert printed["veo"].startswith("11 shots, 88 s (target 90 s)")
    veo_prices = said[said.index(f"    veo: {printed['veo']}") + 1]
    assert veo_prices.strip() == f"prices: {sf.PriceTable.load(provider='veo').provenance()}"
    assert "UNVERIFIED" in veo_prices  # veo.toml's note: Google's price page was not read
