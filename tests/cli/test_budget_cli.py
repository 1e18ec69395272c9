"""`sorafilm budget set`: amounts a person might type, including absurd ones."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from sorafilm_nb.cli import main
from sorafilm_nb.money.cost import MAX_CENTS, Cost, CostError
from sorafilm_nb.money.ledger import Ledger


@pytest.mark.parametrize("amount", ["1e400", "99999999999999999999", "1000000000.01"])
def test_an_absurd_budget_is_a_usage_error_not_a_traceback(
    amount: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    with pytest.raises(SystemExit) as info:
        main(["budget", "set", amount, "--ledger", str(ledger)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "at most $1,000,000,000" in err and "Traceback" not in err


def test_the_largest_budget_is_stored_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    assert main(["budget", "set", "1000000000", "--yes", "--ledger", str(ledger)]) == 0
    assert "$1000000000.00" in capsys.readouterr().out.replace(",", "")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("inf", "finite amount"),
        ("nan", "finite amount"),
        ("Infinity", "finite amount"),
        ("-5", "cannot be negative"),
        ("-5.50", "cannot be negative"),
        ("$-5", "cannot be negative"),
        ("", "expected an amount in dollars"),
        ("abc", "expected an amount in dollars"),
        ("1_000", "expected an amount in dollars"),
        ("12,50", "cents after a point"),
        ("1,00.5", "commas only group thousands"),
        (",000.50", "quote an amount"),  # `budget set $1,000.50` unquoted: the shell ate "$1"
        ("12.345", "fractions of a cent"),
        ("1e-999999", "fractions of a cent"),  # not rounded down to a $0 budget
    ],
)
def test_a_bad_amount_says_what_is_wrong_and_touches_nothing(
    amount: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    with pytest.raises(SystemExit) as info:
        main(["budget", "set", amount, "--ledger", str(ledger)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    # the value as typed, in the one-line shape (shlex-quoted: '' for the empty one)
    assert words in err and f"LIMIT_DOLLARS {shlex.quote(amount)}:" in err
    assert "Traceback" not in err
    assert not ledger.exists()  # refused before the ledger is opened


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("$1,000.50", 100050),
        ("1000.50", 100050),
        ("1,000,000", 100_000_000),
        ("$ 50", 5000),
        (".5", 50),
        ("12.340", 1234),
        ("1e3", 100_000),
        ("0", 0),  # a hard limit of nothing: no job may be reserved
    ],
)
def test_amounts_people_type_are_stored_exactly(
    amount: str, cents: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger_path = tmp_path / "ledger.sqlite3"
    # --yes: $1,000,000 is above what is set without asking (test_cli_errors.py)
    assert main(["budget", "set", amount, "--yes", "--ledger", str(ledger_path)]) == 0
    assert "budget set:" in capsys.readouterr().out
    with Ledger(ledger_path) as ledger:
        budget = ledger.budget()
        assert budget is not None and budget.limit == Cost(Decimal(cents))
        assert ledger.remaining() == Cost(Decimal(cents))


# -- the Python API path: the same amounts as Cost, straight to Ledger.set_budget -------------


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Cost(Decimal("Infinity")), CostError, "Decimal('Infinity')"),
        (lambda: Cost(Decimal("NaN")), CostError, "Decimal('NaN')"),
        (lambda: Cost(10**400), CostError, "1.000E+400"),
        (lambda: Cost(MAX_CENTS), CostError, "less than 1,000,000,000,000,000 cents"),
        (lambda: Cost(Decimal("1e400")), CostError, "1E+400"),
        (lambda: Cost(1.5), TypeError, "float"),  # type: ignore[arg-type]
    ],
)
def test_an_amount_that_is_not_money_never_becomes_a_cost(
    make: Callable[[], Cost], error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("limit", "words"),
    [(Cost(Decimal(-500)), "must not be negative"), (Cost(Decimal("12.345")), "whole number")],
)
def test_the_ledger_refuses_a_budget_that_makes_no_sense(
    limit: Cost, words: str, tmp_path: Path
) -> None:
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.set_budget(Cost(Decimal(5000)))
        with pytest.raises(ValueError, match=words):
            ledger.set_budget(limit)
        budget = ledger.budget()
        assert budget is not None and budget.limit == Cost(Decimal(5000))  # the old one stands


def test_the_largest_cost_is_a_budget_the_ledger_stores_and_reports(tmp_path: Path) -> None:
    top = Cost(Decimal(MAX_CENTS - 1))
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.set_budget(top)
        ledger.reserve(Cost(Decimal(MAX_CENTS - 2)), "a very large job", "plan-1")
        assert ledger.remaining() == Cost(Decimal(1))
        summary = ledger.month_summary().to_dict()
        assert summary["limit_cents"] == MAX_CENTS - 1
        assert summary["reserved_cents"] == MAX_CENTS - 2


@pytest.mark.parametrize(
    ("which", "made"),
    [
        ([], True),
        ([], False),
        (["--simulator"], True),  # no sandbox yet is advised a film, not a budget
        (["--ledger", "{tmp}/mine.sqlite3"], True),
        (["--ledger", "{tmp}/mine.sqlite3"], False),
    ],
)
def test_the_set_advice_of_budget_show_sets_the_ledger_shown(
    which: list[str],
    made: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`budget show --simulator` advised `sorafilm budget set DOLLARS`: the real ledger, not
    the one shown. Run as said, the advice (a ledger with no budget; none yet) sets the
    budget that the same `budget show` then reports, and makes no other ledger."""
    monkeypatch.setenv("SORAFILM_LEDGER", str(tmp_path / "real.sqlite3"))
    monkeypatch.setenv("SORAFILM_SIM_LEDGER", str(tmp_path / "sandbox.sqlite3"))
    which = [w.format(tmp=tmp_path) for w in which]
    shown = {"": "real", "--simulator": "sandbox", "--ledger": "mine"}[(which or [""])[0]]
    if made:
        with Ledger(tmp_path / f"{shown}.sqlite3"):  # a ledger with no budget
            pass
    assert main(["budget", "show", *which]) == 0
    said = capsys.readouterr().out
    line = said.split("set one with `" if made else "make one with `", 1)[1].split("`")[0]
    command = shlex.split(line)
    assert command[:4] == ["sorafilm", "budget", "set", "DOLLARS" if made else "50"], line
    assert main([*command[1:3], "7", *command[4:]]) == 0
    capsys.readouterr()
    assert main(["budget", "show", *which]) == 0
    assert "budget:    $7.00 a month" in capsys.readouterr().out
    assert sorted(tmp_path.glob("*.sqlite3")) == [tmp_path / f"{shown}.sqlite3"]
