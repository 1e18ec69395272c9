"""The eval's variety targets over project-seed salts: does a film set pass by luck?

    python eval/seed_salts.py [--cache DIR] [--salts N] [--casting-only]

Every tie-break of a film is seeded by the project's name: which of the near-equal gags plays
a concept (casting._seeded) and which payoff picture ends a film when the star's gag names
none or several (plot_ending._by_fit). One eval run sees one draw of those seeds, so a target
met by one draw may be missed by the next: the kitchen's gag overlap and the heist's shared
endings passed under the folder names ("flask-3.1.0") and failed under the projects' own
("flask") with no other change. Salt 0 is the real seed; salt k appends "#salt<k>" to the
seed of both (in this process only; nothing is written), so the same code and data are
measured over N draws. Per theme: the highest gag overlap (mean, worst, draws above
MAX_GAG_OVERLAP), pairs above it per draw, films sharing one ending (mean, worst, draws
above the limit), then the pairs that go over most often. A change to casting or to a theme
is judged by these rates, never by one draw: picking the draw that passes rigs the metric.
--casting-only skips planning (no endings), a few times faster. Planning only: no network.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import eval_metrics as em  # noqa: E402
import fetch  # noqa: E402
import run  # noqa: E402  (eval/run.py: film_record, a Plan read as the eval reads it; TEMPLATE)

import sorafilm_nb as sf  # noqa: E402
from sorafilm_nb.story import casting, plot_ending  # noqa: E402

THEMES = ("kitchen", "heist", "space")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=fetch.DEFAULT_CACHE)
    parser.add_argument("--salts", type=int, default=40, help="draws, the real seed first")
    parser.add_argument("--casting-only", action="store_true", help="casts only: no endings")
    args = parser.parse_args(argv)
    salt = [""]
    seeded, by_fit = casting._seeded, plot_ending._by_fit
    casting._seeded = lambda seed, gag: seeded(seed + salt[0], gag)  # type: ignore[assignment]
    plot_ending._by_fit = lambda pays, roles, name: by_fit(pays, roles, name + salt[0])  # type: ignore[assignment]
    packages = fetch.load_golden()
    profiles = {
        p.name: sf.analyze(fetch.ensure(p, args.cache), cache_dir=args.cache / "scan")
        for p in packages
    }
    limit = em.max_shared_endings(len(packages))
    over: Counter[tuple[str, str, str]] = Counter()
    rows: dict[str, dict[str, list[float]]] = {
        t: {"max": [], "pairs": [], "ending": []} for t in THEMES
    }
    for k in range(args.salts):
        salt[0] = f"#salt{k}" if k else ""
        for theme in THEMES:
            films = []
            for p in packages:
                cast = sf.cast(profiles[p.name], theme)
                if args.casting_only:
                    shots = tuple(
                        em.ShotRecord(index=i, concept=e.concept.name, gag_id=e.metaphor.id)
                        for i, e in enumerate(cast.entries)
                    )
                    films.append(em.FilmRecord(package=p.name, title="", shots=shots))
                else:
                    plan = sf.plan(cast, template=run.TEMPLATE)
                    films.append(run.film_record(p.name, plan, profiles[p.name]))
            pairs = [
                (em.jaccard(em.gag_ids(a), em.gag_ids(b)), a.package, b.package)
                for a, b in itertools.combinations(films, 2)
            ]
            high = [(a, b) for j, a, b in pairs if j > em.MAX_GAG_OVERLAP]
            over.update((theme, a, b) for a, b in high)
            rows[theme]["max"].append(max(j for j, _, _ in pairs))
            rows[theme]["pairs"].append(len(high))
            if not args.casting_only:
                rows[theme]["ending"].append(em.shared_ending(films)[0])
    n = args.salts
    print(f"{n} seed draws (salt 0: the projects' own names), {len(packages)} packages")
    for theme, got in rows.items():
        worst = got["max"]
        line = (
            f"{theme:8} gag overlap max: mean {statistics.mean(worst):.0%} worst {max(worst):.0%}"
            f" above {em.MAX_GAG_OVERLAP:.0%} in {sum(x > em.MAX_GAG_OVERLAP for x in worst)}/{n}"
            f"; pairs above per draw {statistics.mean(got['pairs']):.2f}"
        )
        if got["ending"]:
            ends = got["ending"]
            line += (
                f"; sharing one ending: mean {statistics.mean(ends):.2f} worst {max(ends):.0f}"
                f" above {limit} in {sum(x > limit for x in ends)}/{n}"
            )
        print(line)
    print("pairs above the overlap target (draws):")
    for (theme, a, b), times in over.most_common(12):
        print(f"  {theme:8} {a} / {b}: {times}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
