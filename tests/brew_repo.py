"""Brew, a small tea library written into a temp dir: the repository the story's shape tests
(tests/story/test_story_shape.py) and the artifact frames (tests/artifacts/make_artifacts.py)
film. Each picks the definitions it needs; the files are written the same way for both."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

README = """# Brew

Brew is a small library for brewing tea by the pot.

```python
from brew import Kettle, pour

pour(Kettle())
```
"""

# name -> (its first line, its docstring) in brew/core.py, in the order the module defines them
DEFINITIONS = {
    "Kettle": ("class Kettle:", "Boils water for one pot of tea, whatever the stove."),
    "Teapot": ("class Teapot:", "Holds the leaves and the water while the tea steeps."),
    "Strainer": ("class Strainer:", "Keeps the leaves out of the cup as the tea is poured."),
    "pour": ("def pour(kettle):", "Pour the tea from the kettle into each cup in turn."),
    "steep": ("def steep(pot, minutes):", "Leave the leaves in the water for so many minutes."),
    "sweeten": ("def sweeten(cup, lumps):", "Add sugar lumps to a cup and stir them in."),
    "warm": ("def warm(pot):", "Rinse the pot with hot water so the tea stays hot."),
    "serve": ("def serve(cups):", "Carry the cups to the table on a tray."),
    "BrewError": ("class BrewError(Exception):", "Base of every error in Brew."),
    "KettleEmptyError": (
        "class KettleEmptyError(BrewError):",
        "Raised when the kettle has no water to boil.",
    ),
}
ERRORS = ("BrewError", "KettleEmptyError")


def write_brew(root: Path, names: Sequence[str]) -> Path:
    """root holding Brew: README, pyproject, and brew/ defining and exporting names (in
    DEFINITIONS' order). Returns root."""
    chosen = [n for n in DEFINITIONS if n in names]
    assert len(chosen) == len(names), set(names) - set(chosen)
    (root / "brew").mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "brew"\n', encoding="utf-8")
    (root / "brew" / "__init__.py").write_text(
        f'"""Brew."""\nfrom .core import {", ".join(chosen)}\n__all__ = {chosen!r}\n',
        encoding="utf-8",
    )
    defs = [f'{DEFINITIONS[n][0]}\n    """{DEFINITIONS[n][1]}"""\n' for n in chosen]
    code = '"""Brew: tea."""\n\n\n' + "\n\n".join(defs)
    (root / "brew" / "core.py").write_text(code, encoding="utf-8")
    return root
