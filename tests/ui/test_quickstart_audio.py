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

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_quickstart.ipynb"


def _cells() -> list[str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _cell(cells: list[str], marker: str) -> str:
    (found,) = [c for c in cells if marker in c]
    return found


def _run_quickstart(tmp_path: Path, **params: Any) -> dict[str, Any]:
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
    exec(_cell(cells, "casting = sf.cast(profile, THEME)"), ns)
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
