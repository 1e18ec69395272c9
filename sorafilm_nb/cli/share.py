"""`sorafilm share NOTEBOOK [-o PAGE.html]`: a notebook as one self-contained web page.

For people without Jupyter: prose, code, outputs and charts, each film's storyboard with a
poster frame, prompt and cost per shot. The film stays a file next to the page.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "share",
        help="export a notebook to one HTML page (its videos linked)",
        description="Export an executed notebook to one HTML page that opens offline: the "
        "notebook's prose and outputs, then each film's storyboard (a poster frame, the "
        "prompt and the cost of every shot). Widgets are replaced by their static views; "
        "videos are linked, never embedded. A notebook without outputs is run first (its films "
        "are made again on the simulator, booked in the sandbox ledger).",
    )
    parser.add_argument("notebook", help="the .ipynb file")
    parser.add_argument(
        "-o",
        "--out",
        metavar="PAGE.html",
        default=None,
        help="where to write the page (default: the notebook's name with .html)",
    )
    run = parser.add_mutually_exclusive_group()
    run.add_argument(
        "--execute",
        dest="execute",
        action="store_true",
        default=None,
        help="run the notebook before exporting (default: only when it has no outputs)",
    )
    run.add_argument(
        "--no-execute",
        dest="execute",
        action="store_false",
        help="export the outputs as saved, even if there are none",
    )
    parser.add_argument(
        "--film",
        metavar="DIR",
        action="append",
        default=[],
        help="add the storyboard of this film folder (repeatable)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=600,
        metavar="SECONDS",
        help="per-cell timeout when executing (default 600)",
    )
    parser.set_defaults(func=_handle)


def _handle(args: argparse.Namespace) -> int:
    try:
        from ..sharing import share
    except ImportError as exc:  # nbconvert comes with the [notebook] extra
        print(
            f"sorafilm: error: {exc}; install it with pip install 'sorafilm-nb[notebook]' "
            "(in a clone of the repository: make install)",
            file=sys.stderr,
        )
        return 2
    from ..paths import shown_path
    from .progress import waiting

    # Running a notebook takes a kernel start and every cell: about 20 s for the quickstart.
    with waiting(f"sharing {shown_path(args.notebook)}") as wait:
        page = share(
            args.notebook,
            args.out,
            execute=args.execute,
            films=args.film,
            timeout=args.timeout,
            on_progress=lambda detail: wait.say(f"running {detail}"),
        )
    print(shown_path(page))
    return 0
