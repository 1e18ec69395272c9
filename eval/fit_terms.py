"""Why each concept of the eval's films is cast as it is: the score terms of every cast.

    python eval/fit_terms.py [--cache DIR] [--only NAME ...] [--theme T ...] [--top N]

For each package of golden.toml and each theme: every cast concept with its kind and
docstring's first line, the gag it plays (text and score), and which words of the concept met
which of the gag's roles/words (scoring.explain: name words, summary words, other keywords,
puns on props), then its next best alternatives. What a labeller reads to judge a fit, and
what shows WHY a bad fit won. Planning only: no network (the cache must hold the sources).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import fetch  # noqa: E402
from fit_measure import _held_out  # noqa: E402

import sorafilm_nb as sf  # noqa: E402
from sorafilm_nb.story.scoring import explain, project_words  # noqa: E402

THEMES = ("kitchen", "heist", "space")


def _terms(concept, metaphor, ignore) -> str:
    got = explain(concept, metaphor, ignore)
    parts = [f"{k}={','.join(sorted(v))}" for k, v in got.items() if v and k != "kind_ok"]
    if not got.get("kind_ok", True):
        parts.append("other-kind")
    return " ".join(parts) or "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=fetch.DEFAULT_CACHE)
    parser.add_argument("--only", nargs="+", metavar="NAME")
    parser.add_argument("--theme", nargs="+", default=list(THEMES))
    parser.add_argument("--top", type=int, default=3, help="alternatives shown per concept")
    args = parser.parse_args(argv)
    packages = [p for p in fetch.load_golden() if not args.only or p.name in args.only]
    held_out = _held_out()
    for pkg in packages:
        root = fetch.ensure(pkg, args.cache)
        profile = sf.analyze(root, cache_dir=args.cache / "scan")
        ignore = project_words(profile.name, profile.title)
        held = " (held out)" if pkg.name in held_out else ""
        for theme in args.theme:
            casting = sf.cast(profile, theme)
            print(f"=== {pkg.name}{held} / {theme}")
            lib = casting.library
            for e in casting.entries:
                c, m = e.concept, e.metaphor
                print(f"- {c.name} ({c.kind}): {c.summary[:110]!r}")
                weak = " WEAK" if e.weak else ""
                print(f"    cast {m.id} {e.score:g}{weak}: {m.gag[:120]}")
                print(f"      roles {list(m.roles)[:10]}  terms {_terms(c, m, ignore)}")
                for alt_id, s in e.alternatives[1 : 1 + args.top]:
                    alt = lib.get(alt_id)
                    print(f"    alt  {alt_id} {s:g}: {_terms(c, alt, ignore)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
