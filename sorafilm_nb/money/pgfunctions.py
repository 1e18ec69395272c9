"""The team ledger's server-side reservation: the budget check and the insert in ONE round trip.

Why on the server: a reservation reads the newest entry (the clock rule), the budget, the
month's usage and any project cap, then inserts, all under the budget's lock. Sent statement
by statement that is six round trips, and on a machine whose clients outnumber its cores
each one is a sleep and a wake-up: eight clients made 166 reserve+settle pairs a second (a
third of SQLite's). ``sorafilm_reserve`` does the same reads and the same decision in one
call, and the procedure ``sorafilm_reserve_durably`` (m009, below) runs it, commits and
waits for the flush in one prepared CALL (``pgstore.PgStore.write_one``), so the lock is held
only while the server works.

What stays with the client (``reservations.Reservations._reserve_on_server``): the month's
bounds (``budget.month_bounds``, the one home of that rule: the client sends the bounds it
expects and the function answers ``bounds`` when the budget's start day or the ledger's time
says otherwise), every message, and every warning. A warning is issued before anything is
written (the function answers ``warn`` and reserves nothing unless ``p_force``), so with
warnings turned into errors nothing is reserved, as on SQLite.

Why the function never waits for the budget's lock: a message that waited on the server
would still commit after its client died (SIGKILL, a crash) while it waited, leaving a
reservation nobody will use. It answers ``busy`` instead; the client waits for the lock in
a statement that writes nothing (``PgStore.wait_for_lock``) and calls again, so a client
killed while it waits has sent nothing that could commit.

The decision is the same as the SQLite path's in ``reservations``: refuse over a hard limit
unless a sandbox, refuse past a project's cap unless a sandbox, otherwise reserve. The whole
ledger suite runs on both stores, so the two cannot drift apart unseen.

FROZEN: migration m007 creates this function from the text below. A change is a new
migration that runs ``CREATE OR REPLACE FUNCTION`` with the new text, never an edit here:
m010 did (``reserve_by_key_function``: caps matched and counted by the project's key, so
spend booked under "Flask" counts toward a cap on "flask").
"""

from __future__ import annotations

# The answers of sorafilm_reserve (its o_outcome).
RESERVED = "reserved"  # inserted
EXISTING = "existing"  # the ids exist already: a re-run after a lost COMMIT reply
BOUNDS = "bounds"  # the month sent is not the ledger's: o_now and o_start_day say which is
CURRENCY = "currency"  # a draft is in another currency than the ledger's (o_currency)
OVER = "over"  # past a hard limit (nothing written)
CAP = "cap"  # past a project's cap (o_cap_*)
WARN = "warn"  # a warning is due first (soft limit passed, or the clock behind): call again
BUSY = "busy"  # another transaction holds the budget's lock: wait for it, then call again


def reserve_function(budget_lock: int) -> str:
    """CREATE FUNCTION sorafilm_reserve (m007). budget_lock: pgstore.BUDGET_LOCK.

    p_jobs: a JSON array of the drafts (id, cents, currency, purpose, plan_id, shot, model,
    size, seconds, user_name, project, machine); p_clock: the client's clock, read under
    its own lock; p_warn_after: a newest entry later than this is worth a ClockWarning
    (p_clock + budget.CLOCK_SLACK); [p_start,
    p_end): the budget month the client computed for p_start_day; p_sandbox: never refuse;
    p_force: the client has issued the warnings, reserve past a soft limit.
    """
    return _reserve_text("CREATE FUNCTION", budget_lock, _caps_by_name(), _INSERT_M007)


def reserve_by_key_function(budget_lock: int) -> str:
    """CREATE OR REPLACE FUNCTION sorafilm_reserve (m010): reserve_function's, with caps
    matched and counted by the project's key (naming.project_key, sent by the client in each
    draft's "project_key") instead of its spelling, and the key inserted with the job. Why:
    spend booked under "Flask" must count toward a cap on "flask" (migrations.m010)."""
    return _reserve_text("CREATE OR REPLACE FUNCTION", budget_lock, _caps_by_key(), _INSERT_M010)


def _held() -> str:
    """The cents a job holds (reserved plus charged), as the caps' sums read it: the
    migrations' one rule (HELD_RESERVED, HELD_CHARGED)."""
    from .migrations import HELD_CHARGED, HELD_RESERVED

    return f"{HELD_RESERVED.format(t='jobs')} + {HELD_CHARGED.format(t='jobs')}"


def _reserve_text(create: str, budget_lock: int, caps: str, insert: str) -> str:
    """sorafilm_reserve's text: every check up to the project caps, caps (the loop that
    answers CAP), then insert. m007's text is this with _caps_by_name and _INSERT_M007,
    unchanged (FROZEN: a test compares it with what m007 shipped)."""
    return f"""
{create} sorafilm_reserve(
    p_jobs jsonb, p_clock text, p_warn_after text, p_start text, p_end text, p_start_day integer,
    p_sandbox boolean, p_force boolean,
    OUT o_outcome text, OUT o_now text, OUT o_newest text, OUT o_start_day integer,
    OUT o_currency text, OUT o_limit_cents bigint, OUT o_hard boolean,
    OUT o_spent bigint, OUT o_reserved bigint, OUT o_cap_project text,
    OUT o_cap_cents bigint, OUT o_cap_currency text, OUT o_cap_used bigint,
    OUT o_cap_asked bigint
) LANGUAGE plpgsql AS $body$
DECLARE
    v_cents bigint;
    v_hard integer;
    v_over boolean := false;
    r record;
BEGIN
    IF NOT pg_try_advisory_xact_lock({budget_lock}) THEN
        o_outcome := '{BUSY}';
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM jobs
               WHERE id IN (SELECT x ->> 'id' FROM jsonb_array_elements(p_jobs) AS x)) THEN
        o_outcome := '{EXISTING}';
        RETURN;
    END IF;
    SELECT MAX(t) INTO o_newest FROM (SELECT MAX(created_at) AS t FROM jobs
                                      UNION ALL SELECT MAX(set_at) FROM budgets) AS newest;
    o_now := CASE WHEN o_newest > p_clock THEN o_newest ELSE p_clock END;
    SELECT limit_cents, currency, start_day, hard
      INTO o_limit_cents, o_currency, o_start_day, v_hard
      FROM budgets ORDER BY id DESC LIMIT 1;
    o_hard := v_hard = 1;
    o_start_day := COALESCE(o_start_day, 1);
    IF o_start_day <> p_start_day OR o_now < p_start OR o_now >= p_end THEN
        o_outcome := '{BOUNDS}';
        RETURN;
    END IF;
    IF o_currency IS NULL THEN
        SELECT currency INTO o_currency FROM jobs LIMIT 1;
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_jobs) AS x
               WHERE x ->> 'currency' <> COALESCE(o_currency, p_jobs -> 0 ->> 'currency')) THEN
        o_outcome := '{CURRENCY}';
        RETURN;
    END IF;
    SELECT SUM((x ->> 'cents')::bigint) INTO v_cents FROM jsonb_array_elements(p_jobs) AS x;
    IF o_limit_cents IS NOT NULL THEN
        SELECT COALESCE(SUM(charged_cents), 0), COALESCE(SUM(reserved_cents), 0)
          INTO o_spent, o_reserved
          FROM day_totals WHERE day >= substr(p_start, 1, 10) AND day < substr(p_end, 1, 10);
        IF v_cents > o_limit_cents - o_spent - o_reserved THEN
            IF o_hard AND NOT p_sandbox THEN
                o_outcome := '{OVER}';
                RETURN;
            END IF;
            v_over := true;
        END IF;
    END IF;
    IF (v_over OR o_newest > p_warn_after) AND NOT p_force THEN
        o_outcome := '{WARN}';
        RETURN;
    END IF;
{caps}{insert}    o_outcome := '{RESERVED}';
END
$body$
"""


def _caps_by_name() -> str:
    """m007's project caps: a cap and its usage matched by the project's exact spelling."""
    held = _held()
    return f"""    FOR r IN SELECT x ->> 'project' AS project, SUM((x ->> 'cents')::bigint) AS cents
               FROM jsonb_array_elements(p_jobs) WITH ORDINALITY AS a(x, n)
              WHERE COALESCE(x ->> 'project', '') <> ''
              GROUP BY 1 ORDER BY MIN(n) LOOP
        o_cap_cents := NULL;
        SELECT limit_cents, currency INTO o_cap_cents, o_cap_currency
          FROM project_caps WHERE project = r.project ORDER BY id DESC LIMIT 1;
        CONTINUE WHEN o_cap_cents IS NULL;
        SELECT COALESCE(SUM({held}), 0) INTO o_cap_used
          FROM jobs WHERE project = r.project AND created_at >= p_start AND created_at < p_end;
        IF o_cap_used + r.cents > o_cap_cents AND NOT p_sandbox THEN
            o_outcome := '{CAP}';
            o_cap_project := r.project;
            o_cap_asked := r.cents;
            RETURN;
        END IF;
    END LOOP;
"""


def _caps_by_key() -> str:
    """m010's project caps: the drafts grouped, the cap found and its usage counted by the
    project's key; the refusal names the spelling of the group's first draft. A draft with a
    project and no key (a client from before m010) finds no cap here, and its insert is
    refused by the jobs_project_keyed CHECK: never booked where a cap cannot see it."""
    held = _held()
    return f"""    FOR r IN SELECT x ->> 'project_key' AS project_key,
                    (array_agg(x ->> 'project' ORDER BY n))[1] AS project,
                    SUM((x ->> 'cents')::bigint) AS cents
               FROM jsonb_array_elements(p_jobs) WITH ORDINALITY AS a(x, n)
              WHERE COALESCE(x ->> 'project', '') <> ''
              GROUP BY 1 ORDER BY MIN(n) LOOP
        o_cap_cents := NULL;
        SELECT limit_cents, currency INTO o_cap_cents, o_cap_currency
          FROM project_caps WHERE project_key = r.project_key ORDER BY id DESC LIMIT 1;
        CONTINUE WHEN o_cap_cents IS NULL;
        SELECT COALESCE(SUM({held}), 0) INTO o_cap_used
          FROM jobs WHERE project_key = r.project_key
                      AND created_at >= p_start AND created_at < p_end;
        IF o_cap_used + r.cents > o_cap_cents AND NOT p_sandbox THEN
            o_outcome := '{CAP}';
            o_cap_project := r.project;
            o_cap_asked := r.cents;
            RETURN;
        END IF;
    END LOOP;
"""


_INSERT_M007 = """\
    INSERT INTO jobs (id, created_at, updated_at, purpose, plan_id, shot, model, size, seconds,
                      estimate_cents, currency, status, user_name, project, machine)
    SELECT x.id, o_now, o_now, x.purpose, x.plan_id, x.shot, x.model, x.size, x.seconds,
           x.cents, x.currency, 'reserved', x.user_name, x.project, x.machine
      FROM jsonb_to_recordset(p_jobs) AS x(id text, purpose text, plan_id text, shot text,
           model text, size text, seconds integer, cents bigint, currency text,
           user_name text, project text, machine text);
"""
_INSERT_M010 = """\
    INSERT INTO jobs (id, created_at, updated_at, purpose, plan_id, shot, model, size, seconds,
                      estimate_cents, currency, status, user_name, project, project_key,
                      machine)
    SELECT x.id, o_now, o_now, x.purpose, x.plan_id, x.shot, x.model, x.size, x.seconds,
           x.cents, x.currency, 'reserved', x.user_name, x.project, x.project_key, x.machine
      FROM jsonb_to_recordset(p_jobs) AS x(id text, purpose text, plan_id text, shot text,
           model text, size text, seconds integer, cents bigint, currency text,
           user_name text, project text, project_key text, machine text);
"""

# -- m009: each write of a pair is ONE prepared statement ----------------------------------------
# Why: a write was a message of six statements (BEGIN, SET LOCAL, the write, a note, COMMIT, the
# flush) sent as text, so the server parsed and planned all six every time and the client
# quoted every parameter into the text: about half of a pair's CPU on both sides (measured
# with benchmarks/bench_ledger.py). A procedure may COMMIT (PostgreSQL 11+), so the same
# sequence runs inside one CALL that the client prepares once per connection: the commit
# without waiting for the disk (the budget's lock and the day's total row are released at
# once), then, only when it wrote, a synchronous transaction of its own (txid_current())
# that ends the CALL, so the reply comes after the WAL holding the write is on disk.
# A procedure cannot return rows: the answer is one json value (o_answer), read by name.
# A CALL that may COMMIT must not run inside a transaction block: PgStore.write_one sends it
# on the autocommit connection, outside any BEGIN.
#
# FROZEN like reserve_function: m009 creates these from the text below; a change is a new
# migration with CREATE OR REPLACE PROCEDURE, never an edit here.

RESERVE_DURABLY = (
    "CALL sorafilm_reserve_durably(?::jsonb, ?::text, ?::text, ?::text, ?::text, ?::integer, "
    "?::boolean, ?::boolean, NULL)"
)
# Close an open job and book its charge (see transitions._finish_on_server); NULL when the job
# is not open (in the currency billed, when p_currency is given).
FINISH_DURABLY = (
    "CALL sorafilm_finish_durably(?::text, ?::bigint, ?::text, ?::text, ?::text, ?::text, NULL)"
)


def _durably(name: str, params: str, work: str) -> str:
    """A procedure that runs work with an early-released commit, then waits for the flush
    only when work wrote (the one home of that sequence on the server)."""
    return f"""
CREATE PROCEDURE {name}({params}, INOUT o_answer json DEFAULT NULL)
LANGUAGE plpgsql AS $body$
DECLARE
    v_wrote boolean;
BEGIN
    SET LOCAL synchronous_commit = off;
{work}
    v_wrote := txid_current_if_assigned() IS NOT NULL;
    COMMIT;
    IF v_wrote THEN
        PERFORM txid_current();  -- committed synchronously when the CALL ends: the flush
    END IF;
END
$body$
"""


def durable_procedures() -> list[str]:
    """CREATE PROCEDURE sorafilm_reserve_durably and sorafilm_finish_durably (m009)."""
    reserve = _durably(
        "sorafilm_reserve_durably",
        "p_jobs jsonb, p_clock text, p_warn_after text, p_start text, p_end text, "
        "p_start_day integer, p_sandbox boolean, p_force boolean",
        "    SELECT row_to_json(r) INTO o_answer\n"
        "      FROM sorafilm_reserve(p_jobs, p_clock, p_warn_after, p_start, p_end, p_start_day,\n"
        "                            p_sandbox, p_force) AS r;",
    )
    finish = _durably(
        "sorafilm_finish_durably",
        "p_status text, p_billed bigint, p_reason text, p_now text, p_job text, p_currency text",
        "    WITH done AS (UPDATE jobs SET status = p_status, billed_cents = p_billed,\n"
        "                         reason = p_reason, updated_at = p_now, finished_at = p_now\n"
        "                   WHERE job_id = p_job AND status IN ('reserved', 'submitted')\n"
        "                     AND (p_currency IS NULL OR currency = p_currency) RETURNING *),\n"
        "         charged AS (INSERT INTO charges (job, created_at, cents, currency, kind)\n"
        "                     SELECT id, updated_at, billed_cents, currency, status FROM done\n"
        "                      WHERE billed_cents IS NOT NULL)\n"
        "    SELECT row_to_json(done) INTO o_answer FROM done;",
    )
    return [reserve, finish]
