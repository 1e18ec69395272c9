"""`sorafilm resume DIR`: finish a film folder after a crash, a kill or a poll timeout.

Jobs whose ids are in the manifest or the ledger are polled, never created again; a
reservation left without a job id is matched against the server's job list first. Jobs made
by an embedded simulator die with the process that ran it, so resuming such a folder reports
them lost: add --retry to render the failed, lost and expired shots again (refused ones are
not retried: the same prompt would be refused again).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .film import Session, add_backend_arguments, choose_ledger, print_film, with_bars

if TYPE_CHECKING:
    from ..studio.folder import Film
    from ..studio.runner import Studio


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "resume",
        help="finish a film folder after a crash (no job is paid for twice)",
        description="Poll every pending job of a film folder, download what completed, settle "
        "the ledger and stitch film.mp4 when every shot is done. A film.mp4 already stitched "
        "from these very clips, captions and settings is kept, not stitched again.",
    )
    parser.add_argument("out", metavar="DIR", help="the film folder (holds manifest.json)")
    parser.add_argument(
        "--retry",
        action="store_true",
        help="then render failed, lost and expired shots again, each on its "
        "own model (a new reservation each)",
    )
    parser.add_argument(
        "--retry-unknown",
        action="store_true",
        help="send again the creates whose outcome is unknown and whose job still cannot be "
        "found (the first job, if it exists, is paid for too)",
    )
    add_backend_arguments(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from ..studio.folder import Film

    before = Film.load(args.out)  # a clear error for a folder that is not a film
    with Session(args) as session:
        choose_ledger(args, session)
        print(f"resuming {args.out} ({len(before.shots)} shots) on {session.where}", flush=True)
        film = with_bars(args, session, lambda studio, bars: _finish(args, studio, bars))
    return 130 if film is None else print_film(film, args=args)


def _finish(args: argparse.Namespace, studio: Studio, bars: Any) -> Film:
    """Resume the folder; with --retry, then render its retryable shots again."""
    from ..studio.folder import RETRYABLE

    film = studio.resume(args.out, on_progress=bars, retry_unknown=args.retry_unknown)
    retry = [s.shot_id for s in film.shots if s.status in RETRYABLE]
    if args.retry and retry:
        print(f"\nretrying {', '.join(retry)}", file=sys.stderr, flush=True)
        film = studio.rerun(film, retry, model=None, on_progress=bars)
    return film
