"""`sorafilm budget show | set LIMIT | clear | history | report`: the budget and spend ledger.

A thin face over sorafilm_nb.money.ledger. The limit is given in dollars as a decimal string and
converted with Decimal, never float: "12.34" is exactly 1234 cents, "$1,000.50" is 100050,
"12.345", "-5", "inf" and "12,50" are refused with a message saying why (commands.
dollars_to_cents).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..paths import shown_path
from ..terminal import json_out, printable
from .common import PLAUSIBLE_MONTHLY_DOLLARS, confirm, dollars_to_cents, number_in

_start_day = number_in(1, 31, "the day of the month the budget resets")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "budget",
        help="show or set the monthly budget; spend history and reports",
        description="The spend ledger: every job is reserved against the month's budget before "
        "it is created. The ledger file is $SORAFILM_LEDGER, or ledger.sqlite3 in the user "
        "data folder; --simulator reads the sandbox ledger simulated films book in.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--ledger",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="ledger file, or a team ledger's postgresql://user@host/db URL (default: "
        "$SORAFILM_LEDGER or the user data folder)",
    )
    common.add_argument(
        "--simulator",
        action="store_true",
        default=argparse.SUPPRESS,
        help="the sandbox ledger of simulated films (the embedded double, or --base-url at "
        "a sorafilm simulator; they cost nothing): $SORAFILM_SIM_LEDGER, else "
        "simulator-ledger.sqlite3 in the user data folder",
    )
    parser.add_argument("--ledger", metavar="PATH", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--simulator", action="store_true", default=False, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="budget_command", metavar="ACTION", required=True)

    show = sub.add_parser("show", parents=[common], help="this month: limit, spent, remaining")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=_show)

    set_ = sub.add_parser("set", parents=[common], help="set the monthly limit in dollars")
    set_.add_argument(
        "limit",
        type=dollars_to_cents,
        metavar="LIMIT_DOLLARS",
        help="the monthly limit in dollars, e.g. 50, 12.34 or 1,000.50 (quote a leading $: "
        "in a shell, $50 unquoted becomes 0)",
    )
    set_.add_argument(
        "--soft",
        action="store_true",
        help="warn instead of refusing when a job would pass the limit",
    )
    set_.add_argument(
        "--start-day",
        type=_start_day,
        default=1,
        metavar="N",
        help="day of the month the budget resets (UTC; default 1)",
    )
    set_.add_argument(
        "--yes",
        action="store_true",
        help=f"set a limit above ${PLAUSIBLE_MONTHLY_DOLLARS:,} a month without asking",
    )
    set_.set_defaults(func=_set)

    clear = sub.add_parser(
        "clear",
        parents=[common],
        help="remove the sandbox ledger's rehearsal budget (with --simulator)",
        description="Remove the rehearsal budget of the sandbox ledger (--simulator), such "
        "as the one the quickstart notebook sets: simulated films are then recorded with no "
        "limit. A real ledger keeps every limit it was given: set another with `sorafilm "
        "budget set`.",
    )
    clear.set_defaults(func=_clear)

    hist = sub.add_parser("history", parents=[common], help="every job, oldest first")
    fmt = hist.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON list, amounts in cents")
    fmt.add_argument("--csv", action="store_true", help="CSV (the export_csv format)")
    hist.set_defaults(func=_history)

    rep = sub.add_parser("report", parents=[common], help="the month's spend report")
    rep.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text (default), markdown, or json (amounts in cents)",
    )
    rep.set_defaults(func=_report)

    pend = sub.add_parser(
        "pending", parents=[common], help="reservations and jobs without a final state"
    )
    pend.add_argument(
        "--release-stale",
        action="store_true",
        help="release reservations that never got a job id within 6 hours "
        "(each is recorded with its reason); held ones, whose create may have made a "
        "billed job, are kept (see release-held)",
    )
    pend.set_defaults(func=_pending)

    rel = sub.add_parser(
        "release-held",
        parents=[common],
        help="give back a held reservation once the provider shows no job for it",
        description="A held reservation's create was sent and its answer lost: the job may "
        "exist and be billed, so only this command (or `sorafilm resume`, which asks the "
        "provider) releases it. Look for the job in the provider's console first.",
    )
    rel.add_argument("reservation", metavar="RESERVATION_ID")
    rel.add_argument(
        "--no-job-at-provider",
        action="store_true",
        help="you checked the provider's console and no job was created for it",
    )
    rel.set_defaults(func=_release_held)

    imp = sub.add_parser(
        "import", parents=[common], help="add the rows of a `history --csv` file (idempotent)"
    )
    imp.add_argument("csv", metavar="CSV_FILE")
    imp.set_defaults(func=_import)

    mig = sub.add_parser(
        "migrate",
        parents=[common],
        help="copy this ledger's history into a team ledger (idempotent)",
        description="Copy every job of the ledger (--ledger, default the personal one) into "
        "the team ledger at --to. Running it twice adds nothing. Budgets are not copied.",
    )
    mig.add_argument(
        "--to", required=True, metavar="URL", help="the team ledger: postgresql://user@host/db"
    )
    mig.add_argument(
        "--user",
        default=None,
        help="record this user on every copied job (default: what each job says, else "
        "$SORAFILM_USER or the OS user)",
    )
    mig.add_argument("--project", default=None, help="the project to record on copied jobs")
    mig.set_defaults(func=_migrate)
    # `budget show --help` said only its options: each action's one line (as `budget --help`
    # lists it) is its description too, where it has no longer one
    for action in sub._choices_actions:
        chosen = sub.choices[action.dest]
        if chosen.description is None and action.help:
            chosen.description = action.help[0].upper() + action.help[1:] + "."


def _path(args: argparse.Namespace) -> Path | str:
    """The ledger file these arguments name: --ledger, --simulator's sandbox, or the default
    (a team ledger's postgresql:// URL stays a str: a Path would fold its "//")."""
    from ..money.ledger import default_path
    from ..money.pgstore import is_url

    given = getattr(args, "ledger", None)
    if given is not None:
        return str(given) if is_url(given) else Path(given).expanduser()
    return default_path(simulator=bool(getattr(args, "simulator", False)))


def _set_command(args: argparse.Namespace, dollars: str) -> str:
    """The `sorafilm budget set` line for the ledger these arguments name, as _path reads
    them (--ledger first, then --simulator): advice under `budget show --simulator` that
    dropped --simulator set a budget in the real ledger. A team ledger's password is masked
    (redact.url): the line is printed."""
    from ..money.pgstore import is_url
    from ..redact import url as redact_url

    words = ["sorafilm", "budget", "set", dollars]
    given = getattr(args, "ledger", None)
    if given is not None:
        words += ["--ledger", redact_url(str(given)) if is_url(given) else str(given)]
    elif getattr(args, "simulator", False):
        words.append("--simulator")
    return shlex.join(words)


def _where(ledger: Any) -> str:
    """The ledger as people read it: a file through paths.shown_path, a team ledger's URL as
    the Ledger already masked it (store.display_url). shown_path would treat the URL as a
    relative path and fold its "//" ("postgresql:/ada:***@host/db")."""
    return shown_path(ledger.path) if isinstance(ledger.path, Path) else str(ledger.path)


def _open(args: argparse.Namespace) -> Any:
    from ..money.ledger import Ledger

    return Ledger(_path(args))


def _open_existing(args: argparse.Namespace, *, machine: bool = False) -> Any:
    """The ledger, or None after saying there is none: a read never creates the file.

    Opening a Ledger creates its file (and folder); `budget show` on a new machine must not.
    Human output says so on stdout and exits 0 (nothing spent is a fine answer); --json and
    --csv say it on stderr, so a script reading stdout sees no prose, and exit 1.
    """
    from ..money.ledger import Ledger
    from ..money.pgstore import LedgerMissing

    path = _path(args)
    if isinstance(path, str):  # a team ledger's URL: an empty database is not given a schema
        try:
            return Ledger(path, create=False)
        except LedgerMissing as exc:
            print(str(exc), file=sys.stderr if machine else sys.stdout)
            return None
    if path.exists():
        return _open(args)
    given = getattr(args, "ledger", None)
    if given is None and getattr(args, "simulator", False):
        message = (
            f"no sandbox ledger yet at {shown_path(path)}: no film has been made on the "
            "simulator; `make demo` or `sorafilm film --repo . --out out/demo` makes one"
        )
    else:
        message = (
            f"no ledger yet at {shown_path(path)}: nothing has been spent or budgeted; "
            f"make one with `{_set_command(args, '50')}`"
        )
    print(message, file=sys.stderr if machine else sys.stdout)
    return None


def _show(args: argparse.Namespace) -> int:
    from ..money.cost import left_of

    existing = _open_existing(args, machine=args.json)
    if existing is None:
        return 1 if args.json else 0
    with existing as ledger:
        summary = ledger.month_summary()
        if args.json:
            # the ledger, as the text names it first
            sys.stdout.write(json_out({"ledger": str(ledger.path), **summary.to_dict()}))
            return 0
        print(f"ledger:    {_where(ledger)}")
        if summary.limit is None:
            print(
                "budget:    none set (jobs are recorded but not limited); "
                f"set one with `{_set_command(args, 'DOLLARS')}`"
            )
        else:
            print(f"budget:    {summary.limit} a month ({summary.limit_kind})")
        print(
            f"month:     {summary.start:%Y-%m-%d} to {summary.end:%Y-%m-%d} (UTC), "
            f"{summary.days_left} days left"
        )
        print(f"charged:   {summary.spent}")
        print(f"reserved:  {summary.reserved}")
        if summary.remaining is not None:
            print(f"remaining: {left_of(summary.remaining)}")
        if summary.jobs:
            print("jobs:      " + ", ".join(f"{n} {s}" for s, n in summary.jobs.items()))
    return 0


def _set(args: argparse.Namespace) -> int:
    from ..errors import SorafilmError
    from ..money.cost import Cost, left_of

    limit = Cost(Decimal(args.limit))
    if args.limit > PLAUSIBLE_MONTHLY_DOLLARS * 100 and not args.yes:
        question = f"set a monthly budget of {limit}, far above any film's cost?"
        if not confirm(question):
            raise SorafilmError(
                f"LIMIT_DOLLARS {limit}: a budget above ${PLAUSIBLE_MONTHLY_DOLLARS:,} a month "
                "is set only with --yes (nothing was changed)"
            )
    with _open(args) as ledger:
        b = ledger.set_budget(limit, soft=args.soft, start_day=args.start_day)
        month = ledger.month_summary()  # one read of the month: its remaining and its kind
        print(
            f"budget set: {b.limit} a month, {month.limit_kind}, "
            f"resets on day {b.start_day} (UTC); {left_of(month.remaining)} this month"
        )
    return 0


def _clear(args: argparse.Namespace) -> int:
    from ..errors import LedgerError

    existing = _open_existing(args)
    if existing is None:
        return 0
    with existing as ledger:
        try:
            was = ledger.clear_budget()
        except LedgerError as exc:
            print(f"nothing changed: {exc}", file=sys.stderr)
            return 1
        where = _where(ledger)
    if was is None:
        print(f"no budget to clear in {where}")
    else:
        print(
            f"cleared the {was.limit} rehearsal budget of {where}: simulated films are "
            "recorded with no limit"
        )
    return 0


def _history(args: argparse.Namespace) -> int:
    existing = _open_existing(args, machine=args.json or args.csv)
    if existing is None:
        return 1 if args.json or args.csv else 0
    with existing as ledger:
        if args.csv:
            ledger.write_csv(sys.stdout)
            return 0
        recs = ledger.records()
        if args.json:
            rows = [r.to_dict() for r in recs]
            sys.stdout.write(json_out(rows))
            return 0
        if not recs:
            print("no jobs in the ledger yet")
            return 0
        table = [
            ("time (UTC)", "status", "model", "size", "s", "estimate", "billed", "shot", "purpose")
        ]
        for r in recs:
            table.append(
                (
                    f"{r.created_at:%Y-%m-%d %H:%M}",
                    r.status,
                    r.model or "-",
                    r.size or "-",
                    "-" if r.seconds is None else str(r.seconds),
                    str(r.cost),
                    "-" if r.billed is None else str(r.billed),
                    printable(r.shot or "-"),
                    printable(r.purpose),
                )
            )
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
        for row in table:
            cells = [c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)]
            print("  ".join([*cells, row[-1]]).rstrip())
    return 0


def _report(args: argparse.Namespace) -> int:
    existing = _open_existing(args, machine=args.format == "json")
    if existing is None:
        return 1 if args.format == "json" else 0
    with existing as ledger:
        text = ledger.report(args.format)  # its JSON is terminal.json_out's
        if args.format == "markdown":  # read in a terminal or saved as a file: markup.md_file
            from ..markup import md_file

            text = md_file(text)
        sys.stdout.write(text)
    return 0


def _pending(args: argparse.Namespace) -> int:
    existing = _open_existing(args)
    if existing is None:
        return 0
    with existing as ledger:
        if args.release_stale:
            for r in ledger.release_stale():
                print(f"released {r.id} ({r.cost}, {printable(repr(r.purpose))}): {r.reason}")
            held = ledger.held()
            if held:
                print(
                    f"kept {len(held)} held reservation(s): their create was sent and the "
                    "answer lost, so a job may exist and bill. Look for it at the provider; "
                    "if there is none: sorafilm budget release-held ID --no-job-at-provider"
                )
        open_ = ledger.pending()
        if not open_:
            print("nothing pending")
        for r in open_:
            job = f"job {r.job_id} on {r.backend}" if r.job_id else "no job id yet"
            print(
                f"{r.created_at:%Y-%m-%d %H:%M} UTC  {r.status:<9}  {r.cost!s:>8}  "
                f"{printable(job)}  {printable(r.purpose)}"
            )
            if r.held and not r.job_id:
                print(f"    held {r.id}: {printable(r.held)}")
    return 0


def _release_held(args: argparse.Namespace) -> int:
    from ..errors import LedgerError

    existing = _open_existing(args)
    if existing is None:
        return 1
    with existing as ledger:
        r = ledger.reservation(args.reservation)
        if r is None or not r.held or not r.is_open or r.job_id:
            what = "no reservation" if r is None else f"reservation {r.id} is not held"
            print(f"{what} ({printable(args.reservation)}); `sorafilm budget pending` lists them")
            return 1
        if not args.no_job_at_provider:
            print(
                f"held {r.id} ({r.cost}, {printable(repr(r.purpose))}): {printable(r.held)}\n"
                "Its job may exist and bill. Look for it in the provider's console; if there "
                "is none, run this again with --no-job-at-provider (if there is one, `sorafilm "
                "resume FOLDER` books it)."
            )
            return 1
        try:
            done = ledger.release(
                r, f"released by hand: no job at the provider, checked (was held: {r.held})"
            )
        except LedgerError as exc:  # a job was attached meanwhile, say
            print(f"not released: {exc}")
            return 1
    print(f"released {done.id} ({done.cost}, {printable(repr(done.purpose))})")
    return 0


def _import(args: argparse.Namespace) -> int:
    with _open(args) as ledger:
        result = ledger.import_csv(args.csv)
    print(
        f"imported {result.added} row(s); {result.unchanged} already there"
        + (
            f"; {len(result.conflicts)} differ and were kept as they were: "
            + ", ".join(result.conflicts)
            if result.conflicts
            else ""
        )
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from ..money.ledger import Ledger

    with _open(args) as src, Ledger(args.to) as dest:
        result = src.copy_to(dest, user=args.user, project=args.project)
        print(
            f"copied {result.added} job(s) from {src.path} to {dest.path}; "
            f"{result.unchanged} already there"
            + (
                f"; {len(result.conflicts)} differ there and were kept as they were"
                if result.conflicts
                else ""
            )
        )
    return 0
