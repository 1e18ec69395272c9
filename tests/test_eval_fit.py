"""eval/fit_measure.py reads every theme's films and eval/fit_labels.toml stays honest.

eval/ is not a package (it holds scripts run by `make eval`), so the module is loaded by path.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import tomllib

EVAL = Path(__file__).resolve().parents[1] / "eval"
sys.path.insert(0, str(EVAL))
_spec = importlib.util.spec_from_file_location("fit_measure", EVAL / "fit_measure.py")
assert _spec is not None and _spec.loader is not None
fm = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fit_measure", fm)
_spec.loader.exec_module(fm)

LABELS = tomllib.loads((EVAL / "fit_labels.toml").read_text(encoding="utf-8"))["pair"]


def _plan(folder: Path, name: str, shots: dict[str, str]) -> None:
    body = {"shots": [{"concept": c, "metaphor": m} for c, m in shots.items()]}
    (folder / name).write_text(json.dumps(body), encoding="utf-8")


def test_each_theme_is_read_from_its_own_plan(tmp_path: Path) -> None:
    """A heist pair is judged on <package>.heist.plan.json, a kitchen one on <package>.plan.json:
    read from the wrong file, a heist gag is never found and every bad fit looks fixed."""
    heist_bad = next(p for p in LABELS if fm.theme_of(p) == "heist" and p["fit"] == "bad")
    kitchen_bad = next(p for p in LABELS if fm.theme_of(p) == "kitchen" and p["fit"] == "bad")
    _plan(
        tmp_path,
        f"{heist_bad['package']}.heist.plan.json",
        {heist_bad["concept"]: heist_bad["gag"]},
    )
    _plan(tmp_path, f"{heist_bad['package']}.plan.json", {heist_bad["concept"]: "kitchen.other"})
    _plan(
        tmp_path,
        f"{kitchen_bad['package']}.plan.json",
        {kitchen_bad["concept"]: kitchen_bad["gag"]},
    )
    got = fm.measure(tmp_path)
    heist = sum(n["bad cast"] for (theme, _g), n in got.items() if theme == "heist")
    kitchen = sum(n["bad cast"] for (theme, _g), n in got.items() if theme == "kitchen")
    assert heist >= 1
    assert kitchen >= 1


def test_every_theme_has_labels_with_sources_and_held_out_packages() -> None:
    """Each packaged theme is measured, on tuned and held-out packages, and every pair says
    what its judgement rests on and names a gag of its own theme."""
    held = fm._held_out()
    for theme in ("kitchen", "heist", "space"):
        pairs = [p for p in LABELS if fm.theme_of(p) == theme]
        assert {p["fit"] for p in pairs} == {"bad", "ok"}
        assert any(p["package"] in held for p in pairs)
        assert any(p["package"] not in held for p in pairs)
        assert all(p["gag"].startswith(f"{theme}.") and p["source"] for p in pairs)
    # no pair judged twice; a concept may be judged with more than one gag (a change that
    # casts it anew labels the new gag beside the old one, never relabels it)
    keys = [(fm.theme_of(p), p["package"], p["concept"], p["gag"]) for p in LABELS]
    assert len(keys) == len(set(keys))
