"""eval/caption_labels.toml + caption_measure.py: the hand-labelled captions parse, and the
measure tells an unchanged weak caption from a changed one and a concept no longer filmed."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import tomllib

_EVAL = Path(__file__).resolve().parents[1] / "eval"
_spec = importlib.util.spec_from_file_location("eval_caption_measure", _EVAL / "caption_measure.py")
assert _spec is not None and _spec.loader is not None
measure_mod = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("eval_caption_measure", measure_mod)
_spec.loader.exec_module(measure_mod)


def _labels() -> list[dict[str, str]]:
    return tomllib.loads((_EVAL / "caption_labels.toml").read_text(encoding="utf-8"))["caption"]


def test_every_label_is_known_and_names_its_caption() -> None:
    rows = _labels()
    assert len(rows) >= 100
    for row in rows:
        assert row["label"] in measure_mod.LABELS, row
        assert row["caption"].startswith(row["names"] + ": "), row
        assert row["why"], row


def test_measure_counts_unchanged_changed_and_gone(tmp_path: Path) -> None:
    rows = [r for r in _labels() if r["package"] == "yargs"]
    kept, moved = rows[0], rows[1]
    shots = [
        {"concept": "x", "caption": kept["caption"]},
        {"concept": "y", "caption": f"{moved['names']}: something else"},
    ]
    (tmp_path / "yargs.plan.json").write_text(json.dumps({"shots": shots}), encoding="utf-8")
    counts, changed = measure_mod.measure(tmp_path)
    held = counts["held out"]
    assert held[f"{kept['label']} unchanged"] == 1
    assert sum(v for k, v in held.items() if k.endswith(" changed")) == 1
    assert sum(v for k, v in held.items() if k.endswith(" gone")) == len(rows) - 2
    assert changed == [
        (moved["label"], f"yargs: {moved['caption']}", f"{moved['names']}: something else")
    ]


def test_every_reread_is_a_known_label_of_a_labelled_name() -> None:
    labelled = {(r["package"], r["names"]) for r in _labels()}
    rows = tomllib.loads((_EVAL / "caption_rereads.toml").read_text(encoding="utf-8"))["reread"]
    assert rows
    for row in rows:
        assert row["label"] in measure_mod.LABELS, row
        assert (row["package"], row["names"]) in labelled, row
        assert row["caption"].startswith(row["names"] + ": "), row
        assert row["why"] and row["read"], row


def test_now_counts_a_changed_caption_by_its_reading_or_as_unread(tmp_path: Path) -> None:
    """An unchanged caption keeps its label; a changed one counts as its hand reading in
    caption_rereads.toml, and as "unread" when nobody has read it yet."""
    rows = [r for r in _labels() if r["package"] == "koa"]
    reads = {c: label for (p, c), label in measure_mod.rereads().items() if p == "koa"}
    reread = next(r for r in rows if any(c.startswith(r["names"] + ": ") for c in reads))
    now = next(c for c in reads if c.startswith(reread["names"] + ": "))
    kept, unread = [r for r in rows if r["names"] != reread["names"]][:2]
    shots = [
        {"concept": "a", "caption": now},
        {"concept": "b", "caption": kept["caption"]},
        {"concept": "c", "caption": f"{unread['names']}: nobody read this"},
    ]
    (tmp_path / "koa.plan.json").write_text(json.dumps({"shots": shots}), encoding="utf-8")
    counts, _changed = measure_mod.measure(tmp_path)
    held = counts["held out"]
    assert held["now unread"] == 1
    want = {reads[now]: 1}
    want[kept["label"]] = want.get(kept["label"], 0) + 1
    assert {k[4:]: v for k, v in held.items() if k.startswith("now ") and k != "now unread"} == want
