"""A film's causes name each earlier prop once (causes.py, _why).

Every link a cause says was true of the code (zod: string() returns ZodString, number()
ZodNumber, object() ZodObject), but three shots in a row went back to the first shot's
prop ("Fresh from the velvet-lined case", "Having put the velvet-lined case to good use",
"Still pleased with the velvet-lined case"): a viewer reads every shot as the first one's
sequel, and the link says nothing new. A prop one cause named is passed over for the next
best link, else the shot has none.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import cast
from sorafilm_nb.story.causes import causes, main_prop

README = """# Potter

Potter throws clay pots on a wheel and fires them hard.

```python
from potter import Wheel, shape, trim, glaze, fire

wheel = Wheel()
pot = shape(wheel)
```
"""

# Every function's docstring names the Wheel as code: each has a "uses" link back to the
# film's first shot, the one a docstring's mention reaches from anywhere in the film.
CODE = '''"""Potter: pottery."""


class Wheel:
    """Spins the clay at a steady speed while the potter shapes it."""


def shape(wheel):
    """Shape a lump of clay into a pot on the `Wheel`."""


def trim(pot):
    """Trim the foot of a leather-hard pot turning on the `Wheel`."""


def glaze(pot):
    """Coat a pot in coloured glaze while the `Wheel` turns slowly."""


def fire(pot):
    """Fire a pot in the kiln once the `Wheel` has shaped it."""


def polish(pot):
    """Polish a fired pot on the `Wheel` until it shines."""


def stamp(pot):
    """Stamp the maker's mark into a pot held on the `Wheel`."""
'''

NAMES = ["Wheel", "shape", "trim", "glaze", "fire", "polish", "stamp"]


def _repo(root: Path) -> Path:
    (root / "potter").mkdir(parents=True)
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "potter"\n', encoding="utf-8")
    (root / "potter" / "__init__.py").write_text(
        f'"""Potter."""\nfrom .core import {", ".join(NAMES)}\n__all__ = {NAMES!r}\n',
        encoding="utf-8",
    )
    (root / "potter" / "core.py").write_text(CODE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def potter(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return analyze(_repo(tmp_path_factory.mktemp("potter")), use_cache=False)


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
def test_no_two_causes_of_a_film_name_one_earlier_prop(potter, theme: str) -> None:  # type: ignore[no-untyped-def]
    board = storyboard(cast(potter, theme), "silent-90", 88)
    said = causes(board)
    props = {main_prop(s) for s in board.shots} - {""}
    named = [p for c in said for p in props if c and re.search(rf"\b{re.escape(p)}\b", c)]
    assert len(named) == len(set(named)), said
    # the links are still said where a fresh prop is there to say them by
    assert sum(1 for c in said if c) >= 2, said
