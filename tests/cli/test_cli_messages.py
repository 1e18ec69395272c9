"""What the commands print in the corner cases a new user meets first."""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.cli import main


def test_analyze_of_an_empty_folder_prints_no_empty_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(tmp_path), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "(no concepts found: nothing to cast)" in out
    assert "METAPHOR" not in out  # a header over no rows reads like a bug


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_simulate_refuses_a_port_out_of_range_as_a_usage_error(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["simulate", "--port", port])
    assert info.value.code == 2
    assert "0 to 65535" in capsys.readouterr().err


def test_plain_progress_lines_do_not_repeat_the_status(capsys: pytest.CaptureFixture[str]) -> None:
    from sorafilm_nb.cli.film import Bars
    from sorafilm_nb.studio.runner import ShotProgress

    bars = Bars(live=False)
    for status, message in (
        ("reserved", "reserved $0.40"),
        ("queued", "submitted"),
        ("in_progress", ""),
        ("failed", "moderation_blocked: refused"),
    ):
        bars(ShotProgress("shot-01", 0, status, 0, 0.0, None, message))
    assert capsys.readouterr().err.splitlines() == [
        "shot-01 reserved $0.40",
        "shot-01 queued (submitted)",
        "shot-01 in_progress",
        "shot-01 failed (moderation_blocked: refused)",
    ]


def test_a_plan_against_an_overspent_month_says_over_not_a_negative_amount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from decimal import Decimal

    from sorafilm_nb.money.cost import Cost
    from sorafilm_nb.money.ledger import Ledger

    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.set_budget(Cost(Decimal(100)), soft=True)  # $1 a month, soft: may be passed
        with pytest.warns(UserWarning, match="soft budget passed"):
            ledger.reserve(Cost(Decimal(400)), "an earlier film")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "mod.py").write_text('class Kettle:\n    """Boils water."""\n', encoding="utf-8")
    main(["plan", "--repo", str(repo), "--template", "single-12", "--ledger", str(path)])
    out = capsys.readouterr().out
    assert "Budget this month: $3.00 over" in out and "$-" not in out
