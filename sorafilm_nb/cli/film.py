"""`sorafilm film --repo PATH --out DIR`: plan a film, then make it, with a bar per shot.

Without --real the film is made on an embedded double of the provider (the simulator for
openai, a fake Veo or Runway server driven through the official SDK): no key, no network, no
spend (the sandbox ledger still records what it would have cost). With --real the key comes
from the provider's variable (OPENAI_API_KEY; GEMINI_API_KEY or GOOGLE_API_KEY;
RUNWAYML_API_SECRET) and is never printed. --dry-run prints the plan and stops before anything
is reserved.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..paths import shown_path
from ..terminal import printable
from .common import interrupted_advice, recorded_provider, resume_command
from .progress import Bars

if TYPE_CHECKING:
    from ..story.planning import Plan
    from ..studio.folder import Film

SIM_JOB_SECONDS = 2.0  # the embedded simulator's render clock: quick, yet the bars move


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("a whole number of at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError("a number of seconds above 0")
    return value


def _add(parser: Any, group: Any, *flags: str, **kwargs: Any) -> None:
    """Add an option unless the plan command's arguments already define it (say --ledger)."""
    if not any(flag in parser._option_string_actions for flag in flags):
        group.add_argument(*flags, **kwargs)


def ledger_help() -> str:
    """Which ledger a film books into, in the words `--help` shows: built from the names in
    money.location (the one home of where ledgers are), so the help cannot drift from them.
    Which kind a film is follows its server (backends.base.is_simulated), not the flags
    alone: --base-url at a sorafilm simulator is simulated."""
    from ..money import location as at

    def where(env: str, name: str) -> str:
        return f"${env}, else {name} in ${at.DATA_DIR_ENV} or the user data folder"

    return (
        "the ledger this film books into, either kind (a file, or a team ledger's "
        "postgresql:// URL). Without it, a simulated film (the embedded double, or "
        "--base-url at a server that says it is a sorafilm simulator) books into the "
        f"sandbox ledger: {where(at.SIM_LEDGER_ENV, at.SIM_FILENAME)} (never "
        f"${at.LEDGER_ENV}); a real film (--real, or --base-url at any other server) into "
        f"{where(at.LEDGER_ENV, at.FILENAME)}. `sorafilm budget show [--simulator]` names each"
    )


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """Where jobs go, which ledger pays, how many at once (shared with `sorafilm resume`)."""
    where = parser.add_argument_group("backend and ledger")
    _add(
        parser,
        where,
        "--provider",
        choices=("openai", "veo", "runway"),
        default=None,
        help="the provider (default: the film folder's, else openai)",
    )
    _add(
        parser,
        where,
        "--real",
        action="store_true",
        help="use the provider's real API (costs money; the key is read from the "
        "environment: OPENAI_API_KEY for openai, GEMINI_API_KEY or GOOGLE_API_KEY for veo, "
        "RUNWAYML_API_SECRET for runway; `sorafilm providers` lists models and prices)",
    )
    _add(
        parser,
        where,
        "--base-url",
        metavar="URL",
        default=None,
        help="the provider's API at this URL (a gateway, or a `sorafilm simulate "
        "--provider P` server; key from the provider's variable)",
    )
    _add(
        parser,
        where,
        "--ledger",
        metavar="PATH",
        default=None,
        help=ledger_help(),
    )
    _add(
        parser,
        where,
        "--concurrency",
        type=_positive_int,
        default=2,
        metavar="N",
        help="shots rendered at once (default 2)",
    )
    _add(
        parser,
        where,
        "--poll-timeout",
        type=_positive_float,
        default=1800.0,
        metavar="S",
        help="give up polling a job after S seconds; resume picks it up (default 1800)",
    )
    _add(
        parser,
        where,
        "--prices",
        default=None,
        metavar="FILE",
        help="a price file (default: $SORAFILM_PRICES or the packaged data/prices/PROVIDER.toml)",
    )
    _add(
        parser,
        where,
        "--sim-seconds",
        type=_positive_float,
        default=SIM_JOB_SECONDS,
        metavar="S",
        help=f"render time of a job on the embedded simulator (default {SIM_JOB_SECONDS})",
    )


def _add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    """The plan command's own flags, so `sorafilm plan` and `sorafilm film` stay in step."""
    from .plan import add_plan_arguments

    add_plan_arguments(parser)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "film",
        help="plan and make the film (simulator unless --real)",
        description="Plan a film of a repository, reserve its cost in the ledger, render every "
        "shot (on the embedded simulator unless --real), download, stitch film.mp4 and write "
        "manifest.json and report.md in --out.",
    )
    _add_plan_arguments(parser)
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder (created; resumable with `sorafilm resume DIR`)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan and its cost, submit nothing"
    )
    parser.add_argument(
        "--no-lower-thirds",
        dest="lower_thirds",
        action="store_false",
        help="a clean master: do not burn each concept's name and gloss into film.mp4 "
        "(film.vtt carries them either way)",
    )
    add_backend_arguments(parser)
    parser.set_defaults(func=handle)


# -- backend, bars ---------------------------------------------------------------------------


def provider_of(args: argparse.Namespace) -> str:
    """--provider, else the provider the film folder's plan was made for (resume), else
    openai. Sets args.provider, so every later step (prices, advice) agrees."""
    provider = getattr(args, "provider", None)
    if not provider:
        out = getattr(args, "out", None)
        provider = (recorded_provider(out) if out else None) or "openai"
    args.provider = provider
    return provider


def api_key(args: argparse.Namespace) -> str:
    """The provider's key, for --real or --base-url; checked before planning, so a missing
    key is said at once. Read from the environment only (never argv: it would show in `ps`)."""
    from ..backends.connect import provider_key

    return provider_key(provider_of(args), "--real" if args.real else "--base-url")


class Session:
    """The backend a command talks to, and the embedded double it may have started."""

    def __init__(self, args: argparse.Namespace) -> None:
        from ..backends.connect import connect

        provider = provider_of(args)
        key = api_key(args) if (args.real or args.base_url) else None
        self._connection = connect(
            provider,
            real=args.real,
            base_url=args.base_url,
            sim_seconds=args.sim_seconds,
            api_key=key,
        )
        self.backend = self._connection.backend
        self.simulator: Any = self._connection.server
        self.where = self._connection.where

    def close(self) -> None:
        self._connection.close()
        self.simulator = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def studio_for(args: argparse.Namespace, session: Session) -> Any:
    from ..money.ledger import Ledger
    from ..money.prices import PriceTable
    from ..studio.runner import Studio

    # The same price table the plan was costed with settles the jobs.
    provider = provider_of(args)
    prices = (
        PriceTable.load(args.prices, provider=provider) if getattr(args, "prices", None) else None
    )
    return Studio(
        session.backend,
        Ledger(args.ledger),
        provider=provider,
        concurrency=args.concurrency,
        poll_timeout=args.poll_timeout,
        prices=prices,
    )


def print_film(
    film: Film, out: Callable[[str], Any] = print, args: argparse.Namespace | None = None
) -> int:
    """The outcome, and what to do next; the exit code (0 only when film.mp4 exists)."""
    out("")
    for shot in film.shots:
        billed = str(shot.billed) if shot.billed is not None else "-"
        note = f"  ({printable(shot.error)})" if shot.error and not shot.ok else ""
        out(
            f"  {shot.shot_id}  {shot.status:<11} {shot.model:<11} {shot.seconds:>3} s  "
            f"{billed:>8}{note}"
        )
    out(printable(film.summary()))
    from ..studio.stitching import KEPT

    if KEPT in film.notes:  # a resume that found the film current: said, not only in the report
        out(KEPT)
    if film.report is not None:
        out(f"report: {shown_path(film.report)}")  # written as summary() writes the film
    if film.ok:
        return 0
    from ..studio.report import REFUSED_SAID, TO_RESUME, TO_RETRY, unfinished_groups

    # the summary's groups (studio.report.unfinished_groups), each with its command: resume
    # finishes what is running or unknown (and downloads a completed shot's missing file);
    # --retry renders only the failed, lost and expired shots again (cli/resume.py); a
    # refused or rejected prompt would be refused again, so that one needs a new plan (or key)
    groups = unfinished_groups(film)
    pending = [s.shot_id for s in groups[TO_RESUME]]
    if pending:
        out(
            f"still running, unknown or not downloaded: {', '.join(pending)}; "
            f"finish with: {resume_command(film.out_dir, args)}"
        )
    again = [s.shot_id for s in groups[TO_RETRY]]
    if again:
        out(f"render {', '.join(again)} again with: {resume_command(film.out_dir, args)} --retry")
    from ..backends.base import AuthError

    # a create the server refused for its key: the studio records the exception's type name
    # as the shot's error_code (studio.pipeline), so the type names it here, not a string
    auth = AuthError.__name__
    unkeyed = [s.shot_id for s in film.shots if s.error_code == auth]
    if unkeyed:  # a 401 at create: no plan is to blame, and nothing was sent or billed
        from ..backends._provider import KEY_ENV

        names = " or ".join(KEY_ENV.get(getattr(args, "provider", None) or "openai", ()))
        out(
            f"{', '.join(unkeyed)}: the server did not accept the key (nothing was created or "
            f"billed); check {names or 'the key'} and the --base-url, then make the film "
            "again into a new --out folder"
        )
    refused = [s.shot_id for s in groups[REFUSED_SAID] if s.error_code != auth]
    if refused:
        out(
            f"{', '.join(refused)}: the provider refused the prompt or the request, and would "
            "refuse the same again (--retry does not resend it); plan the film anew (another "
            "--theme, --template or --budget tier) into a new --out folder"
        )
    return 1


# -- the plan ----------------------------------------------------------------------------------


def make_plan(args: argparse.Namespace) -> Plan:
    from .plan import plan_from_args

    return plan_from_args(args)


def print_plan(plan: Plan, out: Callable[[str], Any] = print) -> None:
    from .plan_text import format_plan

    out(format_plan(plan))


def use_sandbox_ledger(args: argparse.Namespace) -> None:
    """On the embedded simulator, book in the sandbox ledger unless --ledger says otherwise.

    Simulated jobs are priced and reserved like real ones, so the whole flow can be tried,
    but they cost nothing: booking them in the real ledger would eat the real month's budget.
    Used where no backend exists yet (a dry run); with one, choose_ledger() decides.
    """
    if not (args.real or args.base_url) and args.ledger is None:
        from ..money.location import default_path  # not money.ledger: sqlite3 and all

        args.ledger = str(default_path(simulator=True))


def booked_in(args: argparse.Namespace, session: Session) -> str:
    """Which ledger this run's reservations and bills go to, in words, said before anything
    is reserved: a fake reached with --base-url books in the sandbox like the embedded one
    (its server says it is a sorafilm simulator), a gateway in the real ledger."""
    from ..backends.base import is_simulated
    from ..money.location import is_url

    where = shown_path(args.ledger) if not is_url(args.ledger) else "the team ledger"
    if is_simulated(session.backend):
        return f"booked in the sandbox ledger {where} (simulated jobs: no real money)"
    return f"booked in the ledger {where} (real money)"


def choose_ledger(args: argparse.Namespace, session: Session) -> None:
    """--ledger, else the sandbox or the real ledger, as this session's backend says.

    Asked before the plan is made, so the budget it is checked against, the reservations and
    the `sorafilm resume` advice all name one ledger. This is what sends `sorafilm simulate`
    reached through --base-url to the sandbox: the backend recognises the simulator.
    """
    if args.ledger is None:
        from ..backends.base import is_simulated
        from ..money.location import default_path

        args.ledger = str(default_path(simulator=is_simulated(session.backend)))


def _plan_unless_blocked(args: argparse.Namespace) -> Plan | None:
    """The plan, printed; None (after saying so) when lint blocks it."""
    plan = make_plan(args)
    print_plan(plan)
    if plan.blocked:
        print(
            "sorafilm film: the plan has blocking findings; nothing was submitted", file=sys.stderr
        )
        return None
    return plan


def handle(args: argparse.Namespace) -> int:
    from .plan import check_out_dir

    if (args.real or args.base_url) and not args.dry_run:
        api_key(args)
    check_out_dir(args.out, args.repo)
    if args.dry_run:
        use_sandbox_ledger(args)
        if _plan_unless_blocked(args) is None:
            return 1
        print("dry run: nothing reserved, nothing submitted")
        return 0
    with Session(args) as session:
        choose_ledger(args, session)
        plan = _plan_unless_blocked(args)
        if plan is None:
            return 1
        print(f"making the film on {session.where}, into {args.out}", flush=True)
        print(booked_in(args, session), flush=True)
        film = with_bars(
            args,
            session,
            lambda studio, bars: studio.run(
                plan, args.out, on_progress=bars, lower_thirds=args.lower_thirds
            ),
        )
    return 130 if film is None else print_film(film, args=args)


def with_bars(
    args: argparse.Namespace,
    session: Session,
    work: Callable[[Any, Bars], Film],
) -> Film | None:
    """work(studio, bars) on this session's studio, with a bar per shot; None after Ctrl-C,
    once the bars are closed and the advice is printed (what the interruption left, and the
    command that finishes the film). The one home of that advice for every command that
    makes shots (film, resume, resume --retry), so each says the same."""
    bars = Bars()
    try:
        with studio_for(args, session) as studio:
            return work(studio, bars)
    except KeyboardInterrupt:
        bars.close()  # before the advice, so it is not drawn over (finally's is a no-op)
        print(interrupted_advice(args), file=sys.stderr)
        return None
    finally:
        bars.close()
