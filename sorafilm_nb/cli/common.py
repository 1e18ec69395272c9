"""One module per `sorafilm` subcommand; each exposes register(subparsers).

The parser class every subcommand uses (Parser: one error shape) and the argument types
shared by several subcommands live here, and the `sorafilm resume` advice film and resume give.
"""

from __future__ import annotations

import argparse
import math
import re
import shlex
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NoReturn

from ..lazyre import LazyPattern

# `budget set` above this many dollars a month asks for confirmation (or --yes): no film
# plausibly needs it, and a stray exponent ("1e9") or an extra zero must not pass unseen.
PLAUSIBLE_MONTHLY_DOLLARS = 100_000


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every usage error is one line:

        sorafilm: error: --top 0: ...: a whole number from 1 to 100 (see sorafilm plan --help)

    argparse prints a 4-7 line usage block before its error, and its message names the flag
    but not the value. Subparsers made by add_subparsers() are of the parent's class, so
    making the top parser a Parser gives every subcommand (and `budget show` etc.) this shape.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"sorafilm: error: {self._reword(message)} (see {self.prog} --help)\n")

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        # An unknown option is found by the top parser, after the subcommand's parser has run;
        # it is reported by the subcommand's parser, so the advice names its --help.
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            chosen = self._chosen(namespace)
            if chosen is not self:
                what = "no such option" if extras[0].startswith("-") else "unexpected argument"
                chosen.error(f"{shlex.quote(extras[0])}: {what}")
        return namespace, extras

    def _chosen(self, namespace: argparse.Namespace) -> argparse.ArgumentParser:
        """The innermost subcommand parser the namespace says was used."""
        parser: argparse.ArgumentParser = self
        while True:
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    name = getattr(namespace, action.dest, None)
                    if name in action.choices:
                        parser = action.choices[name]
                        break
            else:
                return parser

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        # argparse's message for a refused value names the flag only; the shape names both.
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:
            raise argparse.ArgumentError(
                None, f"{flag_name(action)} {shlex.quote(arg_string)}: {exc.message}"
            ) from None

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(map(str, action.choices))
            raise argparse.ArgumentError(
                None, f"{flag_name(action)} {shlex.quote(str(value))}: one of {choices}"
            )

    def _reword(self, message: str) -> str:
        """argparse's own phrasings in the shape of ours."""
        required = re.match(r"the following arguments are required: (.*)", message)
        if required:
            names = [n.strip() for n in required[1].split(",")]
            return "; ".join(self._required(n) for n in names)
        return re.sub(r"^argument ([^:]+): ", r"\1: ", message)

    def _required(self, name: str) -> str:
        for action in self._actions:
            if name in action.option_strings or name in (action.dest, action.metavar):
                if isinstance(action, argparse._SubParsersAction):
                    return f"{name} is required: one of {', '.join(action.choices)}"
                what = (
                    f": {action.help}" if action.help and action.help != argparse.SUPPRESS else ""
                )
                metavar = action.metavar or action.dest.upper()
                shown = f"{name} {metavar}" if action.option_strings else name
                return f"{shown} is required{what}"
        return f"{name} is required"


def flag_name(action: argparse.Action) -> str:
    """The name a person typed or reads in the usage: --budget, or a positional's metavar."""
    if action.option_strings:
        return max(action.option_strings, key=len)
    return str(action.metavar or action.dest)


def number_in(
    low: float,
    high: float,
    what: str,
    *,
    whole: bool = True,
) -> Callable[[str], Any]:
    """An argparse type: a number from low to high (inclusive), else one sentence saying what
    the option means and which numbers it takes ("how many concepts to cast: a whole number
    from 1 to 100"). high may be math.inf."""
    kind = "a whole number" if whole else "a number"
    span = f"from {low:g} to {high:g}" if high != math.inf else f"of at least {low:g}"
    accepted = f"{what}: {kind} {span}"

    def parse(text: str) -> Any:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(accepted) from None
        if not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(accepted)
        return value

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def confirm(question: str) -> bool:
    """Ask a yes/no question on a terminal; never on a pipe (a script cannot answer)."""
    if not sys.stdin.isatty():
        return False
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


# A monthly budget typed on the command line is at most $1 billion: a guard against typos and
# stray exponents, far below what the ledger can hold (pricing.MAX_CENTS, $10 trillion).
MAX_DOLLARS = 1_000_000_000

# What a person types for dollars: "50", "12.34", ".5", "$1,000.50", "1000.50", "1e3".
# ASCII digits only (Decimal alone would also read "1_000", "Infinity" and Arabic-Indic digits);
# commas only between groups of three digits, so "12,50" (a decimal comma) is not read as 1250.
# LazyPattern: compiled at first use, as only the money commands read dollars (issue 14).
_DOLLARS_RE = LazyPattern(
    r"""^\$?\s*
    (?P<number>
        (?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?   # 1,000.50  1000.50  5.
        |\.[0-9]+                                           # .50
    )
    (?P<exponent>[eE][+-]?[0-9]+)?$""",
    re.VERBOSE,
)
_NOT_FINITE = {"inf", "+inf", "infinity", "+infinity", "nan", "snan", "-inf", "-infinity"}


def _amount_error(text: str, why: str) -> argparse.ArgumentTypeError:
    # The value itself is named by Parser before the message: "LIMIT_DOLLARS 12,50: ...".
    return argparse.ArgumentTypeError(why)


def dollars_to_cents(text: str) -> int:
    """'50' -> 5000, '12.34' -> 1234, '$1,000.50' -> 100050; else argparse.ArgumentTypeError.

    Every refusal says what was wrong (empty, negative, not finite, a decimal comma, fractions
    of a cent, too large) rather than only "invalid value".
    """
    clean = text.strip()
    if not clean:
        raise _amount_error(text, "expected an amount in dollars like 50 or 12.34")
    bare = clean.lstrip("$").strip().lower()
    if bare in _NOT_FINITE:
        raise _amount_error(text, "a budget is a finite amount of dollars, like 50")
    if bare.startswith("-"):
        raise _amount_error(text, "a budget cannot be negative (0 allows no spending at all)")
    match = _DOLLARS_RE.match(clean)
    if match is None:
        if re.fullmatch(r"\$?\s*[0-9]+,[0-9]{1,2}", clean):
            why = "write cents after a point (12.50); commas only group thousands (1,000.50)"
        elif clean.startswith(","):  # `budget set $1,000` unquoted: the shell ate "$1"
            why = "commas only group thousands; quote an amount that starts with $ ('$1,000')"
        elif "," in clean:
            why = "commas only group thousands, like 1,000 or $1,000.50"
        else:
            why = "expected an amount in dollars like 50, 12.34 or $1,000.50"
        raise _amount_error(text, why)
    value = Decimal(match["number"].replace(",", "") + (match["exponent"] or ""))
    if value > MAX_DOLLARS:  # checked before any arithmetic: "1e999999999" is finite too
        raise _amount_error(text, f"a monthly budget is at most ${MAX_DOLLARS:,}")
    if value != value.quantize(Decimal("0.01")):
        raise _amount_error(text, "an amount has fractions of a cent; use at most two decimals")
    return int(value * 100)


# --top for analyze, plan and film: one rule, one message.
top_count = number_in(1, 100, "how many concepts to cast")


def resume_command(out_dir: Any, args: argparse.Namespace | None = None) -> str:
    """The `sorafilm resume` line that reaches the same server and ledger as this run did.

    Without --real/--base-url, resume talks to a fresh embedded simulator and the sandbox
    ledger: advice that dropped them would send a paid film to the wrong place. A password in
    the --base-url or a team ledger's URL is masked (redact.url): the advice is printed, and
    its reader puts the password back.
    """
    from ..money.location import is_url
    from ..redact import url as redact_url

    words = ["sorafilm", "resume", str(out_dir)]
    if args is not None:
        provider = getattr(args, "provider", None)
        # resume reads the provider from the folder's manifest (film.provider_of): the flag
        # is advised only when the folder does not record it yet (interrupted before it)
        if provider not in (None, "openai") and provider != recorded_provider(out_dir):
            words += ["--provider", provider]
        if getattr(args, "real", False):
            words.append("--real")
        if getattr(args, "base_url", None):
            words += ["--base-url", redact_url(args.base_url)]
        ledger = getattr(args, "ledger", None)
        if ledger and (args.real or args.base_url or not _is_sandbox(ledger)):
            words += ["--ledger", redact_url(str(ledger)) if is_url(ledger) else str(ledger)]
    return " ".join(shlex.quote(w) for w in words)


def recorded_provider(out_dir: Any) -> str | None:
    """The provider a film folder's manifest.json says its plan was made for, else None (no
    manifest yet, or one that cannot be read: Film.load says what is wrong with it).
    Why: `sorafilm resume DIR` takes the provider from here, so neither the user nor the
    advice has to repeat --provider. Read by studio.folder.read_manifest, the one reader
    (never through a link, a FIFO or past its size cap), not a second open and parse."""
    from pathlib import Path

    from ..capabilities import PROVIDERS
    from ..studio.folder import FilmError, read_manifest

    try:
        plan = read_manifest(Path(str(out_dir))).get("plan")
    except FilmError:
        return None
    provider = plan.get("provider") if isinstance(plan, dict) else None
    return provider if provider in PROVIDERS else None


def _is_sandbox(path: str) -> bool:
    """The rule Ledger itself decides sandbox by (store.same_location: resolved, URLs apart)."""
    from ..money.ledger import default_path
    from ..money.store import same_location

    return same_location(path, default_path(simulator=True))


def interrupted_advice(args: argparse.Namespace) -> str:
    """What Ctrl-C during a film leaves, and the command that finishes it. The embedded
    simulator stops with this process, so its unfinished jobs are gone (resume would find
    them lost): --retry renders them again, at no cost. Any other server still has them."""
    command = resume_command(args.out, args)
    if args.real or args.base_url:
        return f"interrupted: no new job is sent; finish the film with: {command}"
    return (
        "interrupted: the embedded simulator stopped with this run and its unfinished jobs "
        f"with it (simulated: no money); finish the film with: {command} --retry"
    )
