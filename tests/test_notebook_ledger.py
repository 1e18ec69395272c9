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


def _setup_code(path: Path) -> str:
    """The parameters and setup cells: everything up to the line that prints the budget."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [("".join(c["source"])) for c in cells if c["cell_type"] == "code"]
    upto = next(i for i, text in enumerate(code) if "this month in the {which}" in text)
    return "\n".join(code[: upto + 1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_month_past_the_budget_is_written_as_over_not_as_a_negative_amount(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sandbox passes its $50 after a few simulated films, and every notebook then said
    "remaining this month in the sandbox ledger: $-5.20"; every other face says "$5.20 over"
    (money.cost.left_of). The notebook's own setup cells run here, on the embedded
    simulator, with the sandbox already past its budget."""
    import warnings
    from decimal import Decimal

    from sorafilm_nb.money.cost import Cost
    from sorafilm_nb.money.ledger import Ledger

    with Ledger.for_simulator() as sandbox, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sandbox.set_budget(Cost(Decimal(100)))
        sandbox.reserve(Cost(Decimal(620)), "six films ago")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SORAFILM_NOTEBOOK_OUT", str(tmp_path / "out"))
    scope: dict[str, object] = {"display": print}
    try:
        exec(compile(_setup_code(path), path.name, "exec"), scope)
    finally:
        connection = scope.get("connection")
        if connection is not None:
            connection.close()  # type: ignore[attr-defined]
        ledger = scope.get("ledger")
        if ledger is not None:
            ledger.close()  # type: ignore[attr-defined]
    line = next(x for x in capsys.readouterr().out.splitlines() if "this month in the" in x)
    assert "$5.20 over" in line and "$-" not in line, line
