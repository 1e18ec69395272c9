"""`sorafilm analyze PATH`: the concepts a repository offers and the metaphor each is cast as.

The first step of the pipeline on its own, free and offline: it shows what a film of this
repository would be about before any prompt is written or any money is at stake.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING, Any

from ..paths import shown_path
from ..terminal import json_out, printable
from .common import top_count
from .progress import waiting

if TYPE_CHECKING:
    from ..analysis.profile import RepoProfile
    from ..story.casting import Casting

MIN_GAG_WIDTH = 30
MAX_NAME_WIDTH = 32
MAX_WHERE_WIDTH = 40
SHOWN_WARNINGS = 3


class _MatchHelp(argparse.HelpFormatter):
    """The help's text with MATCH's figures filled in from their one home (story.scoring),
    read only when help is shown: the command line starts without the story side (issue 14)."""

    def add_text(self, text: str | None) -> None:
        if text and "{WEAK_BELOW}" in text:
            from ..story import scoring

            names = ("NAME", "BASE", "NAME_WORD", "SUMMARY", "DOC_WORD", "KIND")
            text = text.format(
                **{n: f"{getattr(scoring, n):g}" for n in (*names, "KIND_FALLBACK", "WEAK_BELOW")}
            )
        super().add_text(text)


def register(subparsers: Any) -> None:
    from ..datafiles import packaged

    themes = ", ".join(packaged("metaphors")) or "none"
    parser = subparsers.add_parser(
        "analyze",
        help="read a repository into concepts and cast each as a visual metaphor",
        description="Scan a repository (git-aware, cached), rank its concepts (classes, "
        "exceptions, functions, modules, docstring themes) and cast the top ones as visual "
        "metaphors from a theme. Free and offline.",
        epilog="SCORE is how central a concept is in the code (the analysis score: exported, "
        "used in the README, referenced; the cast follows it). MATCH is how well the chosen "
        "gag plays the concept: the evidence the theme's metaphor has for it, added up: "
        "the concept's name among the metaphor's names {NAME}, a base class {BASE}, each word "
        "of the name in its roles {NAME_WORD}, each word of what the docstring's first "
        "sentence says it does {SUMMARY}, each other docstring keyword {DOC_WORD}, the "
        "concept's kind {KIND}, a gag written for any concept of the kind {KIND_FALLBACK}. "
        "Below {WEAK_BELOW} (one verb of what it does, or two docstring words) it is a 'weak "
        "fit': nothing the concept is called or does matched, and `sorafilm plan` warns "
        "about its shot (weak-fit).",
        formatter_class=_MatchHelp,
    )
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: .)")
    parser.add_argument(
        "--theme",
        default="kitchen",
        metavar="NAME|FILE.toml",
        help=f"a packaged theme ({themes}) or a theme file (default: kitchen)",
    )
    parser.add_argument(
        "--top",
        type=top_count,
        default=8,
        metavar="N",
        help="how many concepts to cast, 1-100 (default: 8)",
    )
    add_concept_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="re-parse every file instead of using the scan cache",
    )
    parser.set_defaults(func=run)


def add_concept_arguments(parser: Any) -> None:
    """--include, --include-private, --title, --tagline: shared by analyze, plan and film."""
    from ..analysis.public import GROUPS

    parser.add_argument(
        "--include",
        action="append",
        default=[],
        choices=GROUPS,
        metavar="GROUP",
        help=f"also take concepts from code under these folders ({', '.join(GROUPS)}; "
        "repeatable; default: none, they are not the project's API)",
    )
    parser.add_argument(
        "--include-private",
        action="store_true",
        help="also take private names (_name, or only in a _private module)",
    )
    parser.add_argument(
        "--title", default=None, metavar="TEXT", help="the film's title (default: the name)"
    )
    parser.add_argument(
        "--tagline",
        default=None,
        metavar="TEXT",
        help="the one-line promise (default: the README's first prose sentence, else the "
        "package metadata's description)",
    )


def analyze_options(args: argparse.Namespace) -> dict[str, Any]:
    """The analyze() keywords add_concept_arguments() set."""
    return {
        "include": tuple(getattr(args, "include", ()) or ()),
        "include_private": bool(getattr(args, "include_private", False)),
        "title": getattr(args, "title", None),
        "tagline": getattr(args, "tagline", None),
    }


def run(args: argparse.Namespace) -> int:
    from ..analysis.profile import analyze
    from ..story.casting import MetaphorLibrary, cast

    library = MetaphorLibrary.load(args.theme)  # a bad theme fails before the scan
    # A big repository's first scan takes a while (12,000 files: about 40 s); later ones
    # read the cache.
    with waiting(f"reading {shown_path(args.path)}"):
        profile = analyze(args.path, use_cache=not args.no_cache, **analyze_options(args))
    casting = cast(profile, library, top=args.top)
    text = json_out(to_json(profile, casting)) if args.json else render_text(profile, casting)
    sys.stdout.write(text)
    sys.stdout.flush()  # a reader that had enough (`| head`): cli._run's BrokenPipeError
    return 0


def to_json(profile: RepoProfile, casting: Casting) -> dict[str, Any]:
    """The profile's summary (not every concept: that is RepoProfile.to_json) and the casting:
    every figure the table (render_text) prints, and more. Every string is masked
    (redact.masked): a docstring's key was printed as written, into a terminal's scrollback
    or a CI log."""
    from ..redact import masked

    kinds = _kinds(profile)
    shown: dict[str, Any] = masked(
        {
            "profile": {
                "root": profile.root,
                "name": profile.name,
                "title": profile.title,
                "description": profile.description,
                "tagline": profile.tagline,
                "files_scanned": profile.files_scanned,
                "concepts": len(profile.concepts),
                "concept_kinds": kinds,
                "languages": dict(profile.languages),
                "themes": [[w, x] for w, x in profile.themes[:10]],
                "warnings": [{"file": w.file, "reason": w.reason} for w in profile.warnings],
            },
            "casting": casting.to_dict(),
        }
    )
    return shown


def _kinds(profile: RepoProfile) -> dict[str, int]:
    """How many concepts of each kind: the JSON's concept_kinds and the table's second line."""
    kinds: dict[str, int] = {}
    for c in profile.concepts:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    return kinds


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def render_text(profile: RepoProfile, casting: Casting, *, width: int | None = None) -> str:
    """The aligned table a person reads: one row per cast concept.

    Gags are clipped to the terminal's width on a terminal, and given whole when the output
    goes to a file or a pipe (width=0 means no clipping).
    """
    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 0
    lib = casting.library
    kinds = _kinds(profile)
    lines = [
        f"{printable(profile.title or profile.name)}  ({printable(profile.root)})",
        f"{profile.files_scanned} files scanned, {len(profile.concepts)} concepts"
        + (" (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")" if kinds else ""),
        f"theme: {lib.theme} ({lib.title}), {len(lib.metaphors)} metaphors",
        "",
    ]
    header = ("KIND", "NAME", "WHERE", "SCORE", "MATCH", "METAPHOR", "GAG")
    rows = []
    for e in casting.entries:
        c = e.concept
        where = f"{printable(c.file)}:{c.line}" if c.file else "(docstrings)"
        gag = printable(e.gag) + (" [custom]" if e.custom_gag else "")
        rows.append(
            (
                c.kind,
                _clip(printable(c.name), MAX_NAME_WIDTH),
                _clip(where, MAX_WHERE_WIDTH),
                f"{c.score:.2f}",
                f"{e.score:g}" + (" weak fit" if e.weak else ""),
                e.metaphor.id,
                gag,
            )
        )
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]
    used = sum(widths) + 2 * (len(widths))
    gag_width = max(MIN_GAG_WIDTH, width - used) if width else 10_000
    right = {3, 4}  # numbers align right
    for r in (header, *rows) if rows else ():  # no header over an empty table
        cells = [r[i].rjust(w) if i in right else r[i].ljust(w) for i, w in enumerate(widths)]
        lines.append("  ".join(cells) + "  " + _clip(r[-1], gag_width))
    if not rows:
        lines.append("(no concepts found: nothing to cast)")
    weak = sum(1 for e in casting.entries if e.weak)
    if weak:
        lines.append("")
        lines.append(
            f"weak fit: {weak} of {len(casting.entries)} concepts have no metaphor in this theme "
            "that plays what they do; pick another in the notebook's picker or type your own gag"
        )
    lines.append("")
    n = len(profile.warnings)
    lines.append(f"warnings: {n}" + (" (files skipped or partly read)" if n else ""))
    for w in profile.warnings[:SHOWN_WARNINGS]:
        lines.append(f"  {printable(w.file)}: {printable(w.reason)}")
    if n > SHOWN_WARNINGS:
        lines.append(f"  … and {n - SHOWN_WARNINGS} more (--json lists them all)")
    return "\n".join(lines) + "\n"
