"""How many hand-labelled weak captions a set of films still shows (eval/caption_labels.toml).

    python eval/caption_measure.py PLAN_DIR [--list]

PLAN_DIR is an `eval/run.py --out` folder (one <package>.plan.json per package, the kitchen
films). For each labelled caption, the caption the same names carry now: unchanged, changed
(to be read: this file judges only the labelled text), or gone (no shot of those names).
Reported apart for the tuned and the held-out packages (golden.toml's held_out), so a rule
that only fixes the captions it was written for shows. ``--list`` prints every changed
caption beside its labelled one. "now" counts each labelled name by the label of the caption
it carries today: its own label when unchanged, a changed caption's hand reading in
caption_rereads.toml, or "unread" (read it, and add the reading there). Planning output
only: no network, no spend.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fit_measure import _held_out  # noqa: E402  (one home: eval/fit_measure.py)

LABELS = ("teach", "little", "mislead")
NOW = (*LABELS, "unread")


def captions(folder: Path, package: str) -> dict[str, str] | None:
    """names -> caption of every concept shot of the package's kitchen film (None: no plan).
    The first shot of those names counts (an ending that reprises one says the promise)."""
    path = folder / f"{package}.plan.json"
    if not path.is_file():
        return None
    plan = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for shot in plan.get("shots", []):
        text = shot.get("caption") or ""
        if shot.get("concept") and ": " in text:
            out.setdefault(text.split(": ", 1)[0], text)
    return out


def rereads() -> dict[tuple[str, str], str]:
    """(package, caption) -> its label, read by hand after the caption changed."""
    path = HERE / "caption_rereads.toml"
    if not path.is_file():
        return {}
    rows = tomllib.loads(path.read_text(encoding="utf-8")).get("reread", [])
    return {(r["package"], r["caption"]): r["label"] for r in rows}


def measure(folder: Path) -> tuple[dict[str, dict[str, int]], list[tuple[str, str, str]]]:
    """Per group ("tuned", "held out") and label: labelled, unchanged, changed, gone, and
    "now <label>" (what the caption it carries today is judged: see the module's doc); and
    the changed ones as (label, before, now)."""
    labels = tomllib.loads((HERE / "caption_labels.toml").read_text(encoding="utf-8"))["caption"]
    read = rereads()
    held = _held_out()
    out: dict[str, dict[str, int]] = {}
    changed: list[tuple[str, str, str]] = []
    for row in labels:
        got = captions(folder, row["package"])
        if got is None:
            continue
        group = out.setdefault("held out" if row["package"] in held else "tuned", {})
        label = row["label"]
        now = got.get(row["names"])
        state = "gone" if now is None else "unchanged" if now == row["caption"] else "changed"
        judged = label if state == "unchanged" else read.get((row["package"], now or ""))
        if state != "gone":
            now_key = f"now {judged or 'unread'}"
            group[now_key] = group.get(now_key, 0) + 1
        for key in (label, f"{label} {state}"):
            group[key] = group.get(key, 0) + 1
        if state == "changed" and now is not None:
            changed.append((label, f"{row['package']}: {row['caption']}", now))
    return out, changed


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    if not paths:
        print(__doc__)
        return 2
    counts, changed = measure(Path(paths[0]))
    for group, n in sorted(counts.items(), reverse=True):
        parts = []
        for label in LABELS:
            if n.get(label):
                parts.append(
                    f"{label} {n[label]}: unchanged {n.get(f'{label} unchanged', 0)}, "
                    f"changed {n.get(f'{label} changed', 0)}, gone {n.get(f'{label} gone', 0)}"
                )
        print(f"  {group:<9} " + "   ".join(parts))
        now = ", ".join(f"{k} {n[f'now {k}']}" for k in NOW if n.get(f"now {k}"))
        print(f"  {'':<9} now: {now}")
    if "--list" in argv:
        for label, before, now in changed:
            print(f"  [{label}] {before}\n      -> {now}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
