"""`sorafilm plan`: the dry-run. Shots, prompts, token counts, lint findings and the cost.

Nothing is submitted and nothing is spent: plan() talks to no API and writes no ledger row.
It exits 1 when a lint error blocks the plan (a real run would refuse it), 0 otherwise, and
2 for bad input (an unknown theme, a malformed template or price file).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..paths import shown_path
from ..terminal import json_out
from .common import dollars_to_cents, number_in, top_count
from .plan_text import format_plan
from .progress import waiting

if TYPE_CHECKING:
    from ..money.prices import PriceTable
    from ..story.plans import Plan

TIERS = ("ultra-low", "low", "medium", "high", "standard")
PROVIDERS = ("openai", "veo", "runway")  # capabilities.PROVIDERS (not imported: --help is fast)

# A token cap typed as a number: below MIN_TOKEN_CAP no shot's prompt fits (its camera and
# action lines alone, never cut, take about 100-120 tokens on the packaged themes), so every
# shot would be one identical lint error; above MAX_TOKEN_CAP the cap means nothing, since the
# Videos API refuses a prompt over 32,000 characters (about 8,000 tokens at 4 characters each).
MIN_TOKEN_CAP = 100
MAX_TOKEN_CAP = 8_000


def _tier(text: str) -> Any:
    from ..story.tiers import parse_tier  # argparse converts the default: keep it light

    tiers = ", ".join(TIERS)
    numbers = f"{MIN_TOKEN_CAP} to {MAX_TOKEN_CAP:,} tokens"
    if re.fullmatch(r"\s*[+-]?[0-9][0-9_,]*\s*", text):  # a number, whatever its sign
        value = int(text.replace(",", "").replace("_", ""))
        if value < 1:
            why = f"a number of tokens must be positive: use {numbers}"
        elif value < MIN_TOKEN_CAP:
            why = (
                f"too few tokens: a shot's camera and action lines alone take about "
                f"{MIN_TOKEN_CAP}; use {numbers}"
            )
        elif value > MAX_TOKEN_CAP:
            why = f"more than the API takes in one prompt (32,000 characters); use {numbers}"
        else:
            return parse_tier(value)
        raise argparse.ArgumentTypeError(f"{why}, or a tier: {tiers}")
    try:
        return parse_tier(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a tier: use {tiers}, or {numbers}") from None


_seconds = number_in(4, 120, "the film's length in seconds")


class _Repository(argparse.Action):
    """The repository, given as `sorafilm plan PATH` (as `analyze PATH` takes it) or as
    --repo PATH: either way into args.repo, and given twice as two different folders is an
    error rather than one silently winning."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given = getattr(namespace, "_repository_given", None)
        if given is not None and given != values:
            parser.error(
                f"{shlex.quote(given)} and {shlex.quote(values)}: two repositories; "
                "give one, as PATH or as --repo PATH"
            )
        namespace.repo = namespace._repository_given = values


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that say what to plan. `sorafilm film` adds the same ones, so both commands
    stay in step (it looks for this function)."""
    from .analyze import add_concept_arguments

    group = parser.add_argument_group("what to plan")
    add_concept_arguments(group)
    parser.add_argument(
        "repo",
        nargs="?",
        default=argparse.SUPPRESS,  # --repo's default stands unless a PATH is given
        action=_Repository,
        metavar="PATH",
        help="the repository to film, as --repo PATH (default: the current directory)",
    )
    group.add_argument(
        "--repo",
        default=".",
        action=_Repository,
        metavar="PATH",
        help="the repository to film (default: the current directory)",
    )
    group.add_argument(
        "--theme",
        default="kitchen",
        metavar="THEME",
        help="a packaged theme (kitchen, space, heist) or a theme FILE.toml (default: kitchen)",
    )
    group.add_argument(
        "--template",
        default="silent-90",
        metavar="TEMPLATE",
        help="story template: silent-90, teaser-30, single-12 or a FILE.toml (default: silent-90)",
    )
    group.add_argument(
        "--budget",
        type=_tier,
        default="medium",
        metavar="TIER",
        help=f"token budget per prompt: {', '.join(TIERS)}, or a number of tokens from "
        f"{MIN_TOKEN_CAP} to {MAX_TOKEN_CAP:,} (default: medium); bounds prompt length, "
        "not the price",
    )
    group.add_argument(
        "--provider",
        choices=PROVIDERS,
        default=None,
        help="whose models render the film: openai (the Videos API shape: gateways and the "
        "simulator; OpenAI's own endpoint was shut down on 2026-09-24), veo (Google Veo on "
        "Vertex AI) or runway (default: openai); clip lengths, sizes and prices follow it",
    )
    group.add_argument(
        "--model",
        default=None,
        help="video model (default: the provider's: sora-2, veo-3.1-generate-preview, gen4.5; "
        "also sora-2-pro, veo-3.1-fast-generate-preview, veo3.1 on runway)",
    )
    group.add_argument(
        "--size",
        default="1280x720",
        metavar="WxH",
        help="frame size: 1280x720, 720x1280; sora-2-pro also 1792x1024, 1024x1792; Veo "
        "also 1920x1080, 1080x1920 (8 s clips only) (default: 1280x720)",
    )
    group.add_argument(
        "--look",
        default=None,
        metavar="IMAGE|first",
        help="continuity: every shot starts from this image (.png/.jpg/.webp), or 'first' "
        "for a frame of the first finished shot; only where the model takes an image",
    )
    group.add_argument(
        "--chain",
        action="store_true",
        help="continuity: each shot starts from the last frame of the shot before (the "
        "shots are then made one after another)",
    )
    group.add_argument(
        "--no-audio",
        dest="audio",
        action="store_false",
        default=None,  # None: as the theme says (a silent theme's file says audio = false)
        help="make the film without sound where the model can leave it out (Veo: "
        "generate_audio = false), priced at the price file's no-audio price if it lists one; "
        "a silent theme (audio = false in its file) is made so without it",
    )
    group.add_argument(
        "--seconds",
        type=_seconds,
        default=None,
        metavar="N",
        help="target length of the film, 4-120 s (default: the template's, "
        "90 s for silent-90); the total lands within 4 s of it",
    )
    group.add_argument(
        "--top",
        type=top_count,
        default=None,
        metavar="N",
        help="how many concepts to cast, 1-100 (default: 8, and more down the ranking while "
        "the film's clips need them: a model whose clips are shorter makes more shots). A "
        "film never pays for a shot with no concept in it: with too few concepts it is "
        "shorter than asked, and the plan says so",
    )
    group.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="TERM",
        help="a name on the lint lists (people, characters, music) to allow in this plan; "
        "repeat for more. The project's own name is only a warning; its repository's "
        ".sorafilm.toml ([lint] allow) may allow that name, and nothing else",
    )
    group.add_argument(
        "--prices",
        default=None,
        metavar="FILE",
        help="a price file (default: $SORAFILM_PRICES or the packaged one of the provider, "
        "data/prices/PROVIDER.toml)",
    )
    group.add_argument(
        "--monthly-budget",
        type=dollars_to_cents,
        default=None,
        metavar="DOLLARS",
        help="lint the plan against this much money left this month, instead of the "
        "ledger's budget (an error when the plan costs more)",
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="dry-run: storyboard, prompts, lint and cost, nothing spent",
        description="Plan a film of a repository without spending anything: analyze the code, "
        "cast its concepts as visual gags, time the shots to clip lengths the model accepts "
        "(`sorafilm providers` lists them), write one prompt per shot within a token budget, "
        "lint them, and price every shot from the price table. Prints the shot table, the "
        "lint findings and the total. Exit status: 0 planned, 1 a lint error blocks the plan, "
        "2 bad input.",
        epilog="Token budgets bound prompt length (shorter prompts leave the model room); "
        "they do not change the per-second price. Example: sorafilm plan --repo . --theme "
        "kitchen --template silent-90 --budget low --model sora-2 --size 1280x720 --out out/",
    )
    add_plan_arguments(parser)
    parser.add_argument(
        "--ledger",
        default=None,
        metavar="PATH",
        help="lint against this ledger's remaining monthly budget (default: $SORAFILM_LEDGER "
        "or the user data folder, when that file exists); only read, never created",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the plan as JSON (shots with seconds, model, size, prompt, "
        "tokens, cost; the total; the findings) instead of tables",
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="also write plan.json and plan.md into DIR (atomically)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="accepted and ignored: planning never spends anything anyway",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="also print every prompt, its compression steps and the cost of other strategies",
    )
    parser.set_defaults(func=run)


def check_out_dir(out: str, repo: str = ".") -> Path:
    """The --out folder, checked before any work: it is a folder or can become one, and no
    link of the repository being filmed chooses where it is.

    Nothing is created here (a dry run writes nothing); a file in the way, or a path under a
    file, is a one-line error instead of a traceback after the plan was printed; a link of
    the repository's is one too (safeio.repository_link says why, link_refusal says it).
    """
    from ..errors import SorafilmError
    from ..safeio import link_refusal

    folder = Path(out).expanduser()
    refused = link_refusal(folder, Path(repo).expanduser(), flag="--out ")
    if refused is not None:
        raise SorafilmError(f"--out {out}: {refused}")
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        where = "is a file" if probe == folder else f"is under {probe}, a file"
        raise SorafilmError(f"--out {out} {where}, not a folder; choose another folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise SorafilmError(f"--out {out}: cannot write in {probe} (permission denied)")
    return folder


def write_atomic(path: Path, text: str) -> None:
    """Write text to path atomically (safeio: temp file beside it, fsync, rename)."""
    from ..safeio import write_text

    write_text(path, text)


def _ledger(args: argparse.Namespace, *, must_exist: bool) -> Any:
    """The ledger to read the remaining budget from, or None. Never creates a ledger (a read
    must not write): without one no budget is set, so there is nothing to lint against. A
    team ledger (a ``postgresql://`` URL in --ledger or SORAFILM_LEDGER) is opened as it is,
    never built."""
    from ..errors import LedgerError
    from ..money.location import default_path, is_url

    given = getattr(args, "ledger", None)
    where = given or default_path()
    if is_url(where):
        from ..money.ledger import Ledger
        from ..money.pgstore import LedgerMissing

        try:
            return Ledger(str(where), create=False)
        except LedgerMissing:
            if given and must_exist:
                raise
            return None
    path = Path(where).expanduser()
    if not path.is_file():
        if given and must_exist:
            raise LedgerError(
                f"no ledger at {given}; set a budget first with "
                f"`sorafilm budget set DOLLARS --ledger {given}`"
            )
        return None
    from ..money.ledger import Ledger  # only now: importing the ledger costs ~12 ms

    return Ledger(path)


def price_table(args: argparse.Namespace) -> PriceTable:
    """The price table the flags name: --prices, else $SORAFILM_PRICES, else the packaged
    file of --provider. One home, so the plan and the strategies --verbose compares are
    priced from the same file (PriceTable.load caches it, so asking twice costs nothing)."""
    from ..money.prices import PriceTable

    return PriceTable.load(getattr(args, "prices", None), provider=getattr(args, "provider", None))


def plan_from_args(args: argparse.Namespace, *, must_exist: bool = False) -> Plan:
    """The Plan the flags of add_plan_arguments() describe (`sorafilm film` uses it too)."""
    from ..capabilities import default_model
    from ..errors import PlanError
    from ..money.cost import Cost
    from ..story.continuity import check_look
    from ..story.planning import plan
    from .analyze import analyze_options

    # A model or size the price table lacks is a typo on the command line: one line naming
    # the allowed values (PriceError, exit 2), before any analysis. plan() itself reports it
    # as a blocking finding instead, so a notebook still sees the rest of the plan.
    provider = getattr(args, "provider", None) or "openai"
    args.provider = provider
    try:
        check_look(getattr(args, "look", None))
    except ValueError as exc:
        raise PlanError(f"--look: {exc}") from None
    args.model = args.model or default_model(provider)
    table = price_table(args)
    table.price_per_second(args.model, args.size)
    monthly = getattr(args, "monthly_budget", None)
    remaining = Cost(monthly) if monthly is not None else None
    ledger = None if remaining is not None else _ledger(args, must_exist=must_exist)
    try:
        with waiting(f"planning a film of {shown_path(args.repo)}"):
            return plan(
                args.repo,
                args.theme,
                args.template,
                args.budget,
                args.model,
                args.size,
                provider=provider,
                look=getattr(args, "look", None),
                chain=getattr(args, "chain", False),
                audio=getattr(args, "audio", None),
                target_seconds=args.seconds,
                top=getattr(args, "top", None),
                ledger=ledger,
                prices=table,
                remaining=remaining,
                allow=tuple(getattr(args, "allow", ()) or ()),
                **analyze_options(args),
            )
    finally:
        if ledger is not None:
            ledger.close()


def run(args: argparse.Namespace) -> int:
    folder = check_out_dir(args.out, args.repo) if args.out else None
    result = plan_from_args(args, must_exist=True)
    verbose = getattr(args, "verbose", False)
    out = sys.stdout
    notes = sys.stderr if args.json else sys.stdout
    if args.json:
        out.write(json_out(result.to_dict()))
    else:
        out.write(format_plan(result, verbose=verbose, prices=price_table(args)) + "\n")
    if folder is not None:
        from ..errors import SorafilmError

        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / "plan.json", result.to_json() + "\n")
            write_atomic(folder / "plan.md", result.to_markdown(file=True))
        except OSError as exc:
            raise SorafilmError(
                f"--out {args.out}: cannot write the plan files: {exc.strerror or exc}"
            ) from None
        print(f"wrote {folder / 'plan.json'} and {folder / 'plan.md'}", file=notes)
    if result.blocked:
        print(
            f"blocked: {len(result.errors())} lint error(s); a run would refuse this plan",
            file=notes,
        )
        return 1
    return 0
