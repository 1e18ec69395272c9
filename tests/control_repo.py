"""A repository whose docstrings and README hold characters that make text read other than
it is (issue 11): terminal escapes, bidi overrides and isolates, C1 controls, zero-width and
tag characters, beside ordinary non-ASCII text that must come through untouched."""

from __future__ import annotations

from pathlib import Path

# ESC sequence, bidi override/isolate/embedding, C1 CSI, DEL, zero-width space, BOM, word
# joiner and tag characters spelling "AB" (invisible ASCII smuggled into a prompt)
HOSTILE = "\x1b[2K\r\u202e\u2066\u202a\x9b\x7f\u200b\ufeff\u2060\U000e0041\U000e0042\x07"
BAD = {ch for ch in HOSTILE if not ch.isprintable()}  # all but "[2K"
# what must survive untouched: accents, CJK, an emoji ZWJ sequence, a subdivision flag
KEPT = "café 漢字 👩\u200d💻 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def make_control_repo(root: Path) -> Path:
    """A module whose docstrings and README hold every kind of character that makes text
    read other than it is, beside ordinary non-ASCII text."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(
        f"# Tricky{HOSTILE} kit\n\nTricky{HOSTILE} keeps {KEPT} records.\n\n"
        "```python\nfrom tricky import Recorder\nRecorder().add()\n```\n",
        encoding="utf-8",
    )
    (root / "tricky.py").write_text(
        f'"""Tricky{HOSTILE} module about {KEPT}."""\n\n\n'
        f"class Recorder:\n"
        f'    """Records{HOSTILE} things in {KEPT}."""\n\n'
        f"    def add(self):\n        pass\n\n\n"
        f"class TrickyError(Exception):\n"
        f'    """Raised{HOSTILE} when bad."""\n\n\n'
        f"def load():\n"
        f'    """Loads{HOSTILE} things."""\n'
        f"    raise TrickyError()\n",
        encoding="utf-8",
    )
    return root
