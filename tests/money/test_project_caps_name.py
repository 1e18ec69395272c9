"""A project's cap counts all of its spend this month whatever spelling was booked.

Since the studio books a film under its package's name as registries compare names ("flask",
naming.project_key), spend booked before under the film's title ("Flask") and a cap set on
either spelling must meet: caps compared names exactly, so old spend under "Flask" was not
counted toward a cap on "flask" set this month, and a cap on "Flask" capped nothing the
studio booked (it only warned). Each test runs on a SQLite file and on the PostgreSQL team
ledger (the reservation's check runs server-side there), and fails on the exact comparison.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ledger_fixtures import FreshProcesses, rows

from sorafilm_nb.errors import LedgerError
from sorafilm_nb.money import migrations
from sorafilm_nb.money.budget import ProjectCapExceeded
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger

CTX = FreshProcesses(__name__)  # real processes, forked ready (ledger_fixtures)


def c(cents: int) -> Cost:
    return Cost(Decimal(cents))


def test_spend_under_the_title_counts_toward_a_cap_on_the_package_name(
    make_ledger: Callable[..., Ledger],
) -> None:
    with make_ledger() as led:
        led.set_budget(c(10_000))
        done = led.reserve(c(40), "last week's shot", project="Flask")  # booked as the title
        led.attach(done, "v1")
        led.settle("v1", c(40))
        led.reserve(c(20), "an open one", project="Flask")
        led.set_project_cap("flask", c(100))  # this month, on the package's name
        with pytest.raises(ProjectCapExceeded, match=r"'flask' past its monthly cap") as info:
            led.reserve(c(41), "would pass it", project="flask")
        assert info.value.remaining == c(40)
        led.reserve(c(40), "fits exactly", project="flask")
        with pytest.raises(ProjectCapExceeded):  # any spelling of it: the cap is full
            led.reserve(c(1), "one cent more", project="FLASK")
        led.reserve(c(5000), "another project", project="django")  # only the team budget


def test_a_cap_on_the_title_caps_what_the_studio_books_under_the_package_name(
    make_ledger: Callable[..., Ledger],
) -> None:
    with make_ledger() as led:
        led.reserve(c(70), "booked by the studio", project="zope-interface")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing to warn of: the cap counts it
            led.set_project_cap("Zope.Interface", c(100))
        for spelling in ("Zope.Interface", "zope_interface", "ZOPE--interface"):
            assert led.project_cap(spelling) == c(100), spelling
        with pytest.raises(ProjectCapExceeded, match=r"'zope-interface' past its monthly cap"):
            led.reserve(c(31), "would pass it", project="zope-interface")
        led.reserve(c(30), "fits", project="zope_interface")
        led.set_project_cap("zope-interface", c(200))  # the newest cap of the key applies
        assert led.project_cap("Zope.Interface") == c(200)
        led.reserve(c(100), "under the raised cap", project="Zope.Interface")
        caps = rows(led, "SELECT project, project_key FROM project_caps ORDER BY id")
        assert caps == [("Zope.Interface", "zope-interface"), ("zope-interface", "zope-interface")]


def test_one_batch_under_two_spellings_is_one_project(make_ledger: Callable[..., Ledger]) -> None:
    """reserve_many sums a project's drafts by key before the cap: two spellings of one
    project in one film could each fit alone and pass the cap together."""
    with make_ledger() as led:
        led.set_project_cap("flask", c(100))
        shots = [
            {"cost": c(60), "purpose": "a", "project": "Flask"},
            {"cost": c(60), "purpose": "b", "project": "flask"},
        ]
        with pytest.raises(ProjectCapExceeded, match=r"'Flask' past") as info:
            led.reserve_many(shots)
        assert info.value.asked == c(120) and led.records() == []
        shots[1]["cost"] = c(40)
        assert [r.project for r in led.reserve_many(shots)] == ["Flask", "flask"]


def test_a_writer_that_leaves_out_the_key_is_refused_by_the_schema(
    make_ledger: Callable[..., Ledger],
) -> None:
    """Every writer must store the key caps count by (a trigger on SQLite, a CHECK on the
    server): a row booked without it would be spend no cap sees."""
    with make_ledger() as led:
        led.reserve(c(1), "keyed", project="Flask")
        with pytest.raises(LedgerError, match=r"project_key|keyed"), led._write() as db:
            db.execute(
                "INSERT INTO jobs (id, created_at, updated_at, purpose, estimate_cents, "
                "currency, status, project) VALUES ('x', 't', 't', 'p', 1, 'USD', 'reserved', "
                "'Flask')"
            )
        with pytest.raises(LedgerError, match=r"project_key|keyed"), led._write() as db:
            db.execute("UPDATE jobs SET project_key = NULL")
        with pytest.raises(LedgerError, match=r"project_key|keyed"), led._write() as db:
            db.execute(
                "INSERT INTO project_caps (set_at, project, limit_cents, currency) "
                "VALUES ('t', 'flask', 1, 'USD')"
            )
        assert rows(led, "SELECT project, project_key FROM jobs") == [("Flask", "flask")]
        assert led.check() == []
        with led._write() as db:  # a key the schema cannot judge: check() computes it again
            db.execute("UPDATE jobs SET project_key = 'not-flask'")
        assert led.check() == [
            "1 project name(s) stored with a key unlike naming.project_key's, so their cap "
            "may miss their spend: 'Flask'"
        ]


def test_an_imported_history_counts_toward_the_cap(
    make_ledger: Callable[..., Ledger], tmp_path: Path
) -> None:
    with make_ledger("personal.sqlite3") as personal:
        personal.reserve(c(90), "made at home", project="Flask")
        personal.export_csv(tmp_path / "home.csv")
    with make_ledger("team.sqlite3") as team:
        team.set_project_cap("flask", c(100))
        assert team.import_csv(tmp_path / "home.csv").added == 1
        with pytest.raises(ProjectCapExceeded):
            team.reserve(c(11), "would pass it", project="flask")


# -- an existing ledger upgrades in place ---------------------------------------------------------


def _old_ledger(backend: str, where: Any, statements: list[str]) -> None:
    """A ledger as the last version left it (m001..m009), holding rows written by statements."""
    old = migrations.MIGRATIONS[:9]
    assert old[-1].__name__ == "m009_pg_durable_calls"
    if backend == "sqlite":
        db = sqlite3.connect(where, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        migrations.ensure_migrations_table(db)
        for fn in old:
            fn(db)
            db.execute("INSERT INTO _migrations VALUES (?, 'x')", (fn.__name__,))
        for sql in statements:
            db.execute(sql)
        db.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {len(old)}")
        db.execute("COMMIT")
        db.close()
        return
    import psycopg

    from sorafilm_nb.money.pgconn import PgConnection

    with psycopg.connect(where, autocommit=True) as conn:
        pg = PgConnection(conn)
        pg.execute("BEGIN")
        migrations.ensure_migrations_table(pg, migrations.POSTGRES)  # type: ignore[arg-type]
        for fn in old:
            fn(pg, migrations.POSTGRES)
            pg.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, 'x')", (fn.__name__,))
        for sql in statements:
            pg.execute(sql)
        pg.execute("COMMIT")


def test_an_old_ledger_keys_its_spend_and_caps_when_opened(
    make_ledger: Callable[..., Ledger], backend: str, clock: Any
) -> None:
    """Spend booked under "Flask" and a cap set on "flask" by the last version (which did
    not count one toward the other) meet once the ledger is opened by this one."""
    where = make_ledger.location("old.sqlite3")  # type: ignore[attr-defined]
    now = "2026-03-09T08:00:00.000000Z"  # clock's month (ledger_fixtures)
    _old_ledger(
        backend,
        where,
        [
            "INSERT INTO jobs (id, created_at, updated_at, purpose, estimate_cents, currency, "
            f"status, project) VALUES ('j1', '{now}', '{now}', 'old', 80, 'USD', 'reserved', "
            "'Flask')",
            "INSERT INTO project_caps (set_at, project, limit_cents, currency) "
            f"VALUES ('{now}', 'flask', 100, 'USD')",
            "INSERT INTO project_caps (set_at, project, limit_cents, currency) "
            f"VALUES ('{now}', 'Other.Pkg', 5, 'USD')",
        ],
    )
    with make_ledger("old.sqlite3", clock=clock) as led:
        keys = rows(led, "SELECT project, project_key FROM project_caps ORDER BY id")
        assert keys == [("flask", "flask"), ("Other.Pkg", "other-pkg")]
        assert rows(led, "SELECT project_key FROM jobs") == [("flask",)]
        assert led.project_cap("other_pkg") == c(5)
        with pytest.raises(ProjectCapExceeded):
            led.reserve(c(21), "would pass the cap", project="flask")
        led.reserve(c(20), "fits", project="flask")


# -- reports, the CLI and the notebook's frames ---------------------------------------------------


def test_reports_group_by_the_key_and_name_the_newest_spelling(
    make_ledger: Callable[..., Ledger], capsys: pytest.CaptureFixture[str]
) -> None:
    """One row a project, named as its newest job of the month spelled it (the name it goes
    by now), the other spellings said beside it; the history frame keeps each job's own
    spelling and adds the key to group by, and the chart draws one bar. The ledger's own
    clock: `sorafilm budget report` reports the month it is now."""
    from sorafilm_nb import charts
    from sorafilm_nb.cli import main

    with make_ledger() as led:
        for cents, project in ((30, "Flask"), (20, "flask"), (5, "django"), (7, "FLASK")):
            r = led.reserve(c(cents), f"{project} shot", project=project)
            led.attach(r, f"v-{r.id}")
            led.settle(f"v-{r.id}", c(cents))
        led.reserve(c(3), "open", project="flask")  # the newest: the name it goes by now
        data = json.loads(led.report("json"))
        assert data["by_project"] == [
            {
                "project": "flask",
                "also": ["FLASK", "Flask"],
                "jobs": 4,
                "billed_cents": 57,
                "reserved_cents": 3,
            },
            {"project": "django", "also": [], "jobs": 1, "billed_cents": 5, "reserved_cents": 0},
        ]
        assert "| flask (also booked as FLASK, Flask) |" in led.report("markdown")
        frame = led.history()
        assert list(frame["project"]) == ["Flask", "flask", "django", "FLASK", "flask"]
        assert frame.groupby("project_key")["billed_cents"].sum().to_dict() == {
            "django": 5,
            "flask": 57,
        }
        ax = charts.spend_by_who(frame, "project").axes[0]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["django", "flask"]
        assert [round(b.get_width(), 2) for b in ax.patches] == [0.05, 0.57]
        where = str(make_ledger.location("ledger.sqlite3"))  # type: ignore[attr-defined]
    assert main(["budget", "report", "--ledger", where]) == 0
    out = capsys.readouterr().out
    section = out[out.index("Spend by project:") :]
    assert "flask (also booked as FLASK, Flask)  charged $0.57, reserved $0.03, 4 job(s)" in section
    assert "django" in section and "  Flask" not in section


# -- racing processes -----------------------------------------------------------------------------


def _racer(where: str, project: str, attempts: int, start: Any, out: Any) -> None:
    """Reserve small amounts under one spelling as fast as possible; report what passed."""
    got, refused = [], 0
    with Ledger(where) as led:
        start.wait()
        for i in range(attempts):
            try:
                got.append(led.reserve(c(7 + i % 5), f"{project} #{i}", project=project).id)
            except ProjectCapExceeded:
                refused += 1
    out.put((project, got, refused))


@pytest.mark.skipif(sys.platform == "win32", reason="forkserver is POSIX")
def test_two_processes_under_two_spellings_never_pass_the_cap_together(
    make_ledger: Callable[..., Ledger],
) -> None:
    """The cap's check and the insert are one transaction serialised on the budget (BEGIN
    IMMEDIATE; the server's advisory lock), and both spellings are one project inside it."""
    cap = 200  # each alone asks 180 (20 x 7..11 cents): only the two together reach it
    with make_ledger("race.sqlite3") as led:
        led.set_project_cap("flask", c(cap))
    where = str(make_ledger.location("race.sqlite3"))  # type: ignore[attr-defined]
    start, out = CTX.Event(), CTX.Queue()
    procs = [
        CTX.Process(target=_racer, args=(where, spelling, 20, start, out))
        for spelling in ("Flask", "flask")
    ]
    for p in procs:
        p.start()
    time.sleep(0.3)
    start.set()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    with make_ledger("race.sqlite3") as led:
        held = rows(led, "SELECT COALESCE(SUM(estimate_cents), 0) FROM jobs")[0][0]
        assert held <= cap, f"{held} cents held under a cap of {cap}"
        assert len(led.records()) == sum(len(got) for _, got, _ in results)
    assert sum(refused for *_, refused in results) > 0, "the cap was never reached"
    assert held > cap - 11  # refused only when full to within one reservation
