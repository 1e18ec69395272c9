"""The frames in tests/artifacts are made by tests/artifacts/make_artifacts.py from the
current code: the script still runs, and the prompts behind the committed frames are the
ones the code writes today (when this fails, the frames are stale: run the script)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_artifacts", ARTIFACTS / "make_artifacts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_artifacts", module)
    spec.loader.exec_module(module)
    return module


def test_the_committed_frames_show_todays_prompts(tmp_path: Path) -> None:
    script = _script()
    found = script.shots(script.write_repo(tmp_path / "brew"))
    recorded = (ARTIFACTS / "prompts.txt").read_text(encoding="utf-8")
    assert script.record(found) == recorded, "stale frames: run tests/artifacts/make_artifacts.py"
    for name in found:
        assert (ARTIFACTS / name).is_file(), name
    for text, _size, _seconds in found.values():
        assert " faces " not in text and "is busy with" not in text


def test_the_script_writes_every_frame(tmp_path: Path) -> None:
    written = _script().make(tmp_path / "out")
    assert {p.name for p in written} == {
        "animatic_kitchen_beat2.jpg",
        "animatic_space_portrait_beat3.jpg",
        "caption_card_kitchen.jpg",
    }
    for path in written:
        assert path.read_bytes()[:2] == b"\xff\xd8", path  # a JPEG
    assert (tmp_path / "out" / "prompts.txt").read_text(encoding="utf-8").count("== ") == 3
