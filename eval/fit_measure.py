"""How many hand-labelled bad fits a set of films still casts (eval/fit_labels.toml).

    python eval/fit_measure.py PLAN_DIR [PLAN_DIR_BEFORE]

PLAN_DIR is an `eval/run.py --out` folder (one <package>.plan.json per package, the kitchen
films, and <package>.<theme>.plan.json for heist and space); a plan of this repository can
be put there as sorafilm-nb.plan.json. For each labelled pair (its `theme`, kitchen when it
names none): is the concept still filmed, and as which gag. Reported per theme, apart for
the tuned and the held-out packages (golden.toml's held_out: never looked at while
tuning), so a rule that only fixes the pairs it was written for shows. With a second
folder, the pairs whose gag changed are listed, before -> now. Planning output only: no
network, no spend.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent


def _held_out() -> set[str]:
    golden = tomllib.loads((HERE / "golden.toml").read_text(encoding="utf-8"))
    packages = golden.get("package", [])
    return {p["name"] for p in packages if p.get("held_out")}


DEFAULT_THEME = "kitchen"  # what eval/run.py films as <package>.plan.json


def theme_of(pair: dict[str, str]) -> str:
    return pair.get("theme", DEFAULT_THEME)


def casts(folder: Path, package: str, theme: str = DEFAULT_THEME) -> dict[str, str] | None:
    """concept name -> metaphor id of every shot of the package's film in a theme (None: no
    plan)."""
    name = f"{package}.plan.json" if theme == DEFAULT_THEME else f"{package}.{theme}.plan.json"
    path = folder / name
    if not path.is_file():
        return None
    plan = json.loads(path.read_text(encoding="utf-8"))
    return {s["concept"]: s["metaphor"] for s in plan.get("shots", []) if s.get("metaphor")}


def measure(folder: Path) -> dict[tuple[str, str], dict[str, int]]:
    """Per (theme, group "tuned" or "held out"): bad pairs labelled/still cast, ok pairs
    labelled/kept, pairs whose concept is filmed no more."""
    labels = tomllib.loads((HERE / "fit_labels.toml").read_text(encoding="utf-8"))["pair"]
    held = _held_out()
    out: dict[str, dict[str, int]] = {}
    for pair in labels:
        got = casts(folder, pair["package"], theme_of(pair))
        if got is None:
            continue
        group = out.setdefault(
            (theme_of(pair), "held out" if pair["package"] in held else "tuned"),
            {"bad": 0, "bad cast": 0, "ok": 0, "ok kept": 0, "gone": 0},
        )
        group[pair["fit"]] += 1
        gag = got.get(pair["concept"])
        if gag is None:
            group["gone"] += 1
        elif gag == pair["gag"]:
            group["bad cast" if pair["fit"] == "bad" else "ok kept"] += 1
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    folders = [Path(a) for a in argv[:2]]
    for folder in folders:
        print(folder)
        got = measure(folder)
        for theme, group in sorted(
            got, key=lambda k: (k[0] != DEFAULT_THEME, k[0], k[1] != "tuned")
        ):
            n = got[theme, group]
            print(
                f"  {theme:<8} {group:<9} bad fits still cast {n['bad cast']}/{n['bad']}   "
                f"ok fits kept {n['ok kept']}/{n['ok']}   concepts no longer filmed {n['gone']}"
            )
    if len(folders) == 2:
        labels = tomllib.loads((HERE / "fit_labels.toml").read_text(encoding="utf-8"))["pair"]
        for pair in labels:
            theme = theme_of(pair)
            now_casts = casts(folders[0], pair["package"], theme) or {}
            was_casts = casts(folders[1], pair["package"], theme) or {}
            was, now = was_casts.get(pair["concept"]), now_casts.get(pair["concept"])
            if was != now:
                print(
                    f"  [{pair['fit']}] {theme} {pair['package']} {pair['concept']}: {was} -> {now}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
