"""Budget reports computed from a real ledger: figures checked by hand, in three formats."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from sorafilm_nb.markup import MD_DOLLAR
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.money.reports import budget_report, spend_stats

UTC = timezone.utc
NOW = datetime(2026, 6, 20, 9, 30, tzinfo=UTC)


def c(cents: int) -> Cost:
    return Cost(Decimal(cents))


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    """A month with every kind of outcome, amounts chosen so the figures are easy to check.

    sora-2 1280x720: 12 s completed billed $1.20, 8 s completed billed $0.80,
                     4 s failed and billed $0.40 (the provider billed the failure)
    sora-2-pro 1792x1024: 12 s refused, not billed; 12 s still open ($6.00 reserved)
    a reservation released (never became a job), and one job from May (another month).
    """
    t = [NOW - timedelta(days=10)]

    def clock() -> datetime:
        t[0] += timedelta(minutes=1)
        return t[0]

    with Ledger(tmp_path / "l.db", clock=clock) as led:
        # May's job first: the ledger's clock only moves forward (a clock that steps back
        # is held at the newest entry, issue 11 item 8).
        t[0] = datetime(2026, 5, 15, tzinfo=UTC)
        old = led.reserve(c(300), "last month", model="sora-2", size="720x1280", seconds=12)
        led.attach(old, "v_may")
        led.settle("v_may", c(300))
        t[0] = NOW - timedelta(days=10)
        led.set_budget(c(5000))
        jobs = [
            ("sora-2", "1280x720", 12, 120, "completed", 120),
            ("sora-2", "1280x720", 8, 80, "completed", 80),
            ("sora-2", "1280x720", 4, 40, "failed", 40),
            ("sora-2-pro", "1792x1024", 12, 600, "refused", None),
            ("sora-2-pro", "1792x1024", 12, 600, "open", None),
        ]
        for i, (model, size, secs, est, outcome, billed) in enumerate(jobs):
            r = led.reserve(
                c(est), f"shot {i}", "plan", shot=str(i), model=model, size=size, seconds=secs
            )
            if outcome == "open":
                continue
            led.attach(r, f"v{i}")
            if outcome == "completed":
                led.settle(f"v{i}", c(billed))
            elif outcome == "failed":
                led.fail(f"v{i}", "server_error", billed=c(billed))
            else:
                led.fail(f"v{i}", "moderation_blocked", refused=True)
        led.release(led.reserve(c(999), "create failed"), "400 bad size")
        yield led


def test_spend_stats(ledger: Ledger) -> None:
    s = ledger.month_summary(NOW)
    st = spend_stats(ledger.records(s.start, s.end))
    assert (st.jobs, st.completed, st.failed, st.open) == (5, 2, 2, 1)
    assert st.finished_seconds == 20
    assert st.billed_cents == 240 and st.failed_billed_cents == 40
    # everything charged over the seconds that came out: 240 / 20 = 12 cents a second
    assert st.cents_per_finished_second == Decimal(12)
    assert st.failure_rate == Decimal(2) / 4
    by = {(g.model, g.size): g for g in st.groups}
    assert by["sora-2", "1280x720"].billed_cents == 240
    assert by["sora-2", "1280x720"].cents_per_finished_second() == Decimal(12)
    pro = by["sora-2-pro", "1792x1024"]
    assert (pro.jobs, pro.failed, pro.open, pro.billed_cents) == (2, 1, 1, 0)
    assert pro.cents_per_finished_second() is None


def test_json_report(ledger: Ledger) -> None:
    data = json.loads(ledger.report("json", NOW))
    assert data["period_start"] == "2026-06-01T00:00:00.000000Z"
    assert data["days_left"] == 11
    assert data["limit_cents"] == 5000
    assert data["spent_cents"] == 240 and data["reserved_cents"] == 600
    assert data["remaining_cents"] == 5000 - 240 - 600
    assert data["jobs"] == {"completed": 2, "failed": 1, "refused": 1, "released": 1, "reserved": 1}
    assert data["cents_per_finished_second"] == "12.00"
    assert data["failure_rate"] == "0.5000"
    assert [(g["model"], g["size"], g["billed_cents"]) for g in data["by_model_size"]] == [
        ("sora-2", "1280x720", 240),
        ("sora-2-pro", "1792x1024", 0),
    ]

    def walk(x: object) -> None:  # amounts are never floats, anywhere
        assert not isinstance(x, float), x
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(data)


def test_text_report(ledger: Ledger) -> None:
    text = ledger.report("text", NOW)
    assert "2026-06-01 to 2026-07-01 (UTC), 11 days left" in text
    assert "$50.00 (hard limit)" in text
    assert "Charged:" in text and "$2.40" in text
    assert "Reserved (open jobs):" in text and "$6.00" in text
    assert "$41.60" in text  # remaining
    assert "Cost per finished second:" in text and "$0.120/s" in text
    assert "Failure rate:" in text and "50.0%" in text
    assert "Billed for failed jobs:" in text and "$0.40" in text
    assert "last month" not in text and "$3.00" not in text  # May is not in June's report
    line = next(ln for ln in text.splitlines() if "1280x720" in ln)
    assert line.split() == ["sora-2", "1280x720", "3", "2", "1", "20", "$2.40", "$2.40", "$0.120/s"]


def test_markdown_report(ledger: Ledger) -> None:
    md = ledger.report("markdown", NOW).replace(MD_DOLLAR, "$")  # never TeX (md_no_tex)
    assert md.startswith("## Budget report")
    assert "| Remaining | $41.60 |" in md
    assert "| sora-2 | 1280x720 | 3 | 2 | 1 | 20 | $2.40 | $2.40 | $0.120/s |" in md
    assert "| sora-2-pro | 1792x1024 | 2 | 0 | 1 | 0 | $12.00 | $0.00 | - |" in md


def test_previous_month(ledger: Ledger) -> None:
    data = json.loads(ledger.report("json", datetime(2026, 5, 31, tzinfo=UTC)))
    assert data["spent_cents"] == 300 and data["finished_seconds"] == 12
    assert data["failure_rate"] == "0.0000"


def test_empty_ledger_without_budget(tmp_path: Path) -> None:
    with Ledger(tmp_path / "e.db") as led:
        text = budget_report(led, format="text", now=NOW)
        assert "none set" in text and "No jobs this budget month." in text
        assert "Cost per finished second: -" in " ".join(text.split())
        data = json.loads(budget_report(led, format="json", now=NOW))
        assert data["limit_cents"] is None and data["remaining_cents"] is None
        assert data["failure_rate"] is None and data["by_model_size"] == []
        assert "No jobs this budget month." in led.report("markdown", NOW)


def test_unknown_format(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="text, markdown, json"):
        ledger.report("html")


def test_markdown_escapes_pipes(tmp_path: Path) -> None:
    with Ledger(tmp_path / "p.db") as led:
        led.reserve(c(10), "x", model="weird|model", size="1x1")
        assert "weird\\|model" in led.report("markdown")
