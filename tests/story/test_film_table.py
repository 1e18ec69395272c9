"""The README's "What the film shows" table is the film this repository makes today
(tools/film_table.py): a new user found the hand-written one naming gags and causes the film
had lost rounds ago."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import film_table  # noqa: E402


def _shown(readme: str) -> str:
    assert film_table.START in readme and film_table.END in readme
    return readme.split(film_table.START + "\n", 1)[1].split(film_table.END, 1)[0]


def test_readme_film_table_is_the_film_this_repository_makes() -> None:
    shown = _shown((ROOT / "README.md").read_text(encoding="utf-8"))
    made = film_table.table()
    assert shown == made, (
        "the README's film table is stale: run `python tools/film_table.py README.md` and read "
        "the new film before committing it"
    )
    # one row per shot and the closing card, each shot with its caption
    rows = made.splitlines()[2:]
    assert rows[-1].startswith("| *closing card* |")
    assert all(row.count(" | ") >= 3 and row.split(" | ")[1] for row in rows[:-1])


def test_replace_in_keeps_the_rest_of_the_readme(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "kiln").mkdir(parents=True)
    (repo / "README.md").write_text("# kiln\n\nFire pots without cracking them.\n")
    (repo / "kiln" / "__init__.py").write_text(
        'def fire(pot):\n    """Fire a pot in the kiln."""\n    return pot\n'
    )
    text = f"before\n{film_table.START}\nold table\n{film_table.END}\nafter\n"
    out = film_table.replace_in(text, repo)
    assert out.startswith(f"before\n{film_table.START}\n| card |")
    assert out.endswith(f"{film_table.END}\nafter\n") and "old table" not in out
    assert "| fire: " in out  # the kiln's one function, captioned by its docstring


def test_a_cell_shows_its_text_as_written() -> None:
    """A card or caption is repository text: its "[x](y)" became a link in the README, its
    "<b>" a tag, its "`" opened code. Cells are escaped as every markdown table cell of ours
    is (markup.md_cell), on one line."""
    from sorafilm_nb.markup import md_cell

    text = "Fire [pots](https://evil.example) <b>now</b> | `fast`\n  ok"
    assert film_table._cell(text) == md_cell(" ".join(text.split()))
    assert "[" not in film_table._cell(text).replace("\\[", "")
