"""Issue 11 item 11 (ledger side) and issue 16 item 5: the simulator is free, always; every
"raise the budget" hint names the ledger that refused and the exact command for it; money
is printed as people write it.

Real SQLite files throughout, at the paths the CLI and the notebooks use (the autouse fixture
points $SORAFILM_DATA_DIR and $SORAFILM_LEDGER at a temp folder).
"""

from __future__ import annotations

import shlex
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from sorafilm_nb.cli import main
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, BudgetWarning, Ledger, default_path


def c(cents: int) -> Cost:
    return Cost(Decimal(cents))


def test_the_sandbox_never_refuses_for_money() -> None:
    """The quickstart's case: a $50 hard limit on the sandbox and about $8.80 a film. The
    sixth film and every one after it is booked, with a warning that says nothing was
    refused; BudgetExceeded never comes from the sandbox."""
    with Ledger.for_simulator() as sandbox:
        sandbox.set_budget(c(5000))  # hard, as the quickstart sets it
        for film in range(5):
            sandbox.reserve(c(880), f"film {film}")
        with pytest.warns(BudgetWarning, match="nothing is refused") as caught:
            sixth = sandbox.reserve_many([{"cost": c(880), "purpose": "film 5"}])
        assert sixth[0].status == "reserved"
        text = str(caught[0].message)
        assert "simulated" in text and "sorafilm budget set" not in text  # no wrong advice
        assert sandbox.remaining() == c(5000 - 6 * 880)


def test_the_sandbox_past_its_own_budget_warns_once_not_once_per_shot() -> None:
    """A studio reserves shot by shot: the same words nine times (each with a new running
    total and the full path of the user's data folder) filled a film's output with warnings
    about money that is not spent. The words are the same every time, so Python's default
    filter shows them once; the path is written from "~", as the ledger's repr is."""
    import warnings

    with Ledger.for_simulator() as sandbox:
        sandbox.set_budget(c(100))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            for shot in range(3):
                sandbox.reserve(c(80), f"shot {shot}")
    said = [w for w in caught if issubclass(w.category, BudgetWarning)]
    assert len(said) == 1, [str(w.message) for w in said]
    assert "nothing is refused" in str(said[0].message)


def test_the_sandbox_says_it_passed_its_rehearsal_budget_once_a_month_not_every_film(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue ux 1: the quickstart sets a $50 budget on the sandbox; past it, every simulated
    film (a new `sorafilm film` process, so the default filter's "once" never held) printed
    "BudgetWarning: ... is past its own $50.00 monthly budget", and `budget show --simulator`
    called a limit that never refuses a "hard limit". The sandbox says it when the month's
    rehearsal is passed, then not again; show calls it a rehearsal; clear removes it."""
    with Ledger.for_simulator() as sandbox:
        sandbox.set_budget(c(5000))  # as the quickstart sets it: hard
        said = []
        for film in range(8):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")  # each film its own process: nothing muted
                sandbox.reserve(c(880), f"film {film}")
            said.append([str(w.message) for w in caught if issubclass(w.category, BudgetWarning)])
    assert [len(s) for s in said] == [0, 0, 0, 0, 0, 1, 0, 0], said  # the 6th passes $50
    assert "rehearsal" in said[5][0] and "nothing is refused" in said[5][0]
    capsys.readouterr()
    assert main(["budget", "show", "--simulator"]) == 0
    out = capsys.readouterr().out
    assert "hard limit" not in out and "rehearsal: simulated films are never refused" in out
    assert main(["budget", "report", "--simulator"]) == 0  # the report says it the same way
    out = capsys.readouterr().out
    assert "hard limit" not in out and "$50.00 (rehearsal: simulated films are never" in out
    assert main(["budget", "clear", "--simulator"]) == 0
    assert "cleared the $50.00 rehearsal budget" in capsys.readouterr().out
    assert main(["budget", "show", "--simulator"]) == 0
    assert "budget:    none set" in capsys.readouterr().out
    with Ledger.for_simulator() as sandbox:
        assert sandbox.budget() is None and sandbox.remaining() is None


def test_a_real_ledger_keeps_its_budget_when_asked_to_clear_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Only a rehearsal is cleared: a real ledger's limits are its history (append-only)."""
    with Ledger(default_path()) as real:
        real.set_budget(c(1000))
    assert main(["budget", "clear"]) == 1
    assert "sorafilm budget set DOLLARS" in capsys.readouterr().err
    with Ledger(default_path()) as real:
        assert real.budget() is not None and real.remaining() == c(1000)


def test_a_simulated_run_that_would_not_fit_the_real_budget_warns_with_the_real_figures() -> None:
    real_path = default_path()
    with Ledger(real_path) as real:
        real.set_budget(c(500))
        real.reserve(c(400), "a real shot")
    with Ledger.for_simulator() as sandbox:
        with pytest.warns(BudgetWarning) as caught:
            check = sandbox.check_real_budget(c(880))
        assert check is not None and not check.fits
        assert (check.remaining, check.limit, check.ledger) == (c(100), c(500), real_path)
        text = str(caught[0].message)
        assert str(real_path) in text and "$1.00 left of $5.00" in text and "$8.80" in text
        assert "`sorafilm budget set 13`" in text  # 5.00 - 1.00 + 8.80 = 12.80, whole dollars
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fits = sandbox.check_real_budget(c(50))  # fits: no warning
            # the same answer without the warning, for callers that say it their own way
            assert sandbox.real_budget(c(880)) == check
        assert fits is not None and fits.fits
        assert check.asking(c(50)) == fits
        assert str(check.warning()) == text and fits.warning() is None


def test_the_real_budget_check_never_creates_the_real_ledger() -> None:
    assert not default_path().exists()
    with Ledger.for_simulator() as sandbox:
        assert sandbox.check_real_budget(c(880)) is None
    assert not default_path().exists()


def test_a_ledger_opened_for_reading_only_is_never_created(tmp_path: Path) -> None:
    from sorafilm_nb.money.pgstore import LedgerMissing

    with pytest.raises(LedgerMissing, match="no ledger at"):
        Ledger(tmp_path / "none.sqlite3", create=False)
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_refusal_by_the_real_ledger_names_it_and_the_exact_command() -> None:
    with Ledger(default_path()) as real:
        real.set_budget(c(1000))
        real.reserve(c(700), "first")
        with pytest.raises(BudgetExceeded) as info:
            real.reserve(c(880), "a film")
    msg = str(info.value)
    assert str(default_path()) in msg and "$3.00 left of $10.00" in msg
    assert "`sorafilm budget set 16`" in msg  # 10.00 - 3.00 + 8.80 = 15.80
    assert info.value.ledger == default_path()


def test_a_refusal_by_another_ledger_file_gives_the_command_for_that_file(tmp_path: Path) -> None:
    path = tmp_path / "team ledger.sqlite3"
    with Ledger(path) as team:
        team.set_budget(c(100))
        with pytest.raises(BudgetExceeded) as info:
            team.reserve(c(250), "a film")
    command = f"sorafilm budget set 3 --ledger {shlex.quote(str(path))}"
    assert f"`{command}`" in str(info.value)
    assert main(shlex.split(command)[1:]) == 0  # the advice works as written
    with Ledger(path) as team:
        assert team.reserve(c(250), "a film").cents == 250


def test_a_negative_remaining_budget_is_written_as_over(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Ledger(default_path()) as real:
        real.set_budget(c(1000), soft=True)
        with pytest.warns(BudgetWarning):
            real.reserve(c(1300), "past a soft limit")
        with pytest.warns(BudgetWarning) as caught:
            one_more = real.reserve(c(100), "and one more")
        assert "$3.00 over the $10.00 limit" in str(caught[0].message)
        assert "$-" not in str(caught[0].message)
        real.release(one_more, "not needed")
        report = real.report()
    assert "$3.00 over budget" in report and "$-" not in report
    assert main(["budget", "set", "10", "--soft"]) == 0
    out = capsys.readouterr().out
    assert "$3.00 over" in out and "$-3.00" not in out
    assert main(["budget", "show"]) == 0
    out = capsys.readouterr().out
    assert "$3.00 over" in out and "$-3.00" not in out
