"""Concepts without a docstring get a caption that says something (issue 12, round 2, item 3).

What the README says around the name's first use as code, else the kind and owner ("Depot: a
class in courier.models"); never the bare name. On a small repository in a tmp dir.
"""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.readme_names import prose_sentences
from sorafilm_nb.analysis.readme_names import readme_sentence as _readme_sentence
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import cast


def readme_sentence(name: str, prose: str) -> str:
    return _readme_sentence(name, prose_sentences(prose))


README = """# Courier

Courier sends parcels across town.

A `Parcel` holds the goods and the address they go to.
The program runs every morning, whatever the weather.

```python
from courier import Parcel, Van, Depot
```
"""

CODE = '''"""Courier."""


class Parcel:
    pass


class Van:
    pass


class Depot:
    pass


def program():
    pass
'''


def _repo(root: Path) -> Path:
    (root / "courier").mkdir(parents=True)
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "courier"\n', encoding="utf-8")
    (root / "courier" / "models.py").write_text(CODE, encoding="utf-8")
    (root / "courier" / "__init__.py").write_text(
        '"""Courier."""\nfrom .models import Parcel, Van, Depot, program\n'
        "__all__ = ['Parcel', 'Van', 'Depot', 'program']\n",
        encoding="utf-8",
    )
    return root


def test_no_concept_shot_has_a_bare_name_caption(tmp_path: Path) -> None:
    profile = analyze(_repo(tmp_path / "courier"), use_cache=False)
    board = storyboard(cast(profile, top=4), "silent-90", 48)
    # (the ending's reprise sums up with the promise: boards.reprise_words)
    captions = {s.cast.concept.name: s.caption for s in board.shots if s.cast and not s.reprise}
    assert captions, board.shots
    for name, caption in captions.items():
        assert caption.startswith(f"{name}: ") and len(caption) > len(name) + 6, captions
    if "Parcel" in captions:
        assert "holds the goods and the address" in captions["Parcel"]
    if "Depot" in captions:
        assert captions["Depot"] == "Depot: a class in courier.models"


def test_a_readme_sentence_counts_only_where_it_names_the_concept_as_code() -> None:
    prose = (
        "The program runs every morning, whatever the weather. "
        "Call `program()` to start the round for the day."
    )
    # 'program' as an English word is passed over; `program()` as code is the one
    assert readme_sentence("program", prose) == "Call program() to start the round for the day."
    assert readme_sentence("Van", "We drove to the depot and back, far away in a Van.") == ""


def test_a_readme_sentence_whose_subject_is_something_else_is_not_about_the_name() -> None:
    prose = "This matches the Command method .requiredOption() exactly. `Command` builds a program."
    assert readme_sentence("Command", prose) == "Command builds a program."
    assert readme_sentence("Command", prose.split(". ")[0] + ".") == ""
