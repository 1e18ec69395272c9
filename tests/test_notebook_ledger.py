"""Every notebook books in the ledger its server calls for, as `sorafilm film` does.

The notebooks once chose the ledger from USE_REAL alone, so the quickstart with BASE_URL set
and USE_REAL False sent a real gateway's paid jobs to the sandbox ledger, where no budget
guards them. The rule has one home (backends.is_simulated + Ledger.for_run); a notebook that
decides by a flag again fails here. Executed behaviour is covered by the saved notebook
tests (tests/test_saved_notebook*.py); this pins the choice itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def _code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_ledger_follows_the_server_not_a_flag(path: Path) -> None:
    code = _code(path)
    assert "Ledger.for_simulator()" not in code and "sf.Ledger()" not in code, path.name
    made = code.index("Ledger.for_run(simulated=is_simulated(backend))")
    # the backend exists before the ledger is chosen from it
    backend = min(i for i in (code.find("backend = "), code.find("backend, ")) if i >= 0)
    assert backend < made, path.name
