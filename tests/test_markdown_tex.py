"""Our own markdown's money is never typeset as TeX by JupyterLab (markup.md_no_tex).

Plans, film reports, castings and the budget report wrote amounts raw ("$0.80 | ... | $0.80"):
JupyterLab's MathJax paired two of them in one table row or paragraph as inline math, so
rows and sentences were swallowed into a formula (no hostile input needed). Each face is
checked against both of JupyterLab's passes (tests/jupyter_tex.py: its removeMath, ported
from the installed bundle, and MathJax's reading of the rendered page), and still reads
"$0.80" once rendered.
"""

from __future__ import annotations

import dataclasses
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hostile_repo import markdown_html
from jupyter_tex import page_math, source_math
from story_fixtures import make_casting

from sorafilm_nb.markup import MD_DOLLAR, md_code, md_fence, md_no_tex, md_text
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.folder import Film, ShotResult, film_from_manifest
from sorafilm_nb.studio.manifest import manifest_dict, write_manifest

OLD_ROW = "| 1 | hook | 4 | 120 | $0.40 | a title |\n| 2 | hook | 4 | 120 | $0.40 | b |"


def _shown(markdown: str) -> str:
    """The text a reader sees of the CommonMark rendering (tags off, references read)."""
    from markdown_it import MarkdownIt

    common = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", common))


def _no_tex(markdown: str) -> None:
    assert source_math(markdown) == [], source_math(markdown)
    assert page_math(markdown_html(markdown)) == [], page_math(markdown_html(markdown))


def test_the_checks_see_the_old_money() -> None:
    """Both passes catch what the faces wrote before: a table's two amounts (the source pass,
    across cells and rows) and a sentence's two amounts behind "\\$" (the page's text)."""
    assert source_math(OLD_ROW) == ["$0.40 | a title |\n| 2 | hook | 4 | 120 | $"]
    sentence = "Estimated: \\$0.80. Billed: \\$0.80."
    assert source_math(sentence) == []  # "\$" fools removeMath ...
    assert page_math(markdown_html(sentence))  # ... but not MathJax reading the page
    _no_tex(md_no_tex(OLD_ROW))
    _no_tex(md_no_tex(sentence))
    assert "Estimated: $0.80. Billed: $0.80." in _shown(md_no_tex(sentence))


@pytest.mark.parametrize(
    "text",
    ["$x$ \\(y\\) `z` [a](b) <b>", "\\$z\\$ $$y$$", "cost $0.80 | $1.20", "a\\`b` $"],
)
def test_md_no_tex_leaves_code_and_md_text_alone(text: str) -> None:
    """md_text's output has no "$" left to write; code spans and fences keep theirs."""
    assert md_no_tex(md_text(text)) == md_text(text)
    assert md_no_tex(md_code(text)) == md_code(text)
    block = md_fence(text + "\n```\n~~~")
    assert md_no_tex(block) == block
    tilde = f"~~~\n{text}\n```\n~~~~"
    assert md_no_tex(tilde) == tilde
    mixed = f"Total {md_code(text)} $0.80 and $1.20\n\n{block}\n\nLeft: $3.00 of $5.00"
    done = md_no_tex(mixed)
    assert done.count(MD_DOLLAR) == 4 and md_code(text) in done and block in done
    _no_tex(done)


def test_md_no_tex_writes_an_escaped_dollar_and_an_unclosed_backtick_run() -> None:
    assert md_no_tex("\\$1 and \\$2") == f"{MD_DOLLAR}1 and {MD_DOLLAR}2"  # no stray "\"
    assert md_no_tex("a ` $1 $2") == f"a ` {MD_DOLLAR}1 {MD_DOLLAR}2"  # no span: text
    assert md_no_tex("``a`` `$` ```b") == "``a`` `$` ```b"


def test_the_plan_markdown_is_no_tex_and_reads_its_amounts() -> None:
    p = plan(make_casting(10), target_seconds=96)
    assert len({str(c) for c in p.costs}) >= 1 and len(p.costs) >= 4
    for md in (p.to_markdown(), p._repr_markdown_()):
        _no_tex(md)
        shown = _shown(md)
        assert f"Estimated cost: {p.total}" in shown and str(p.costs[0]) in shown
        assert "$" not in re.sub(r"```[^`]*```", "", md)  # every "$" outside code is written
    assert p.to_markdown().count("```text") == len(p.prompts)  # prompts: fenced as before


def _formulas(markdown: str) -> list[str]:
    """What JupyterLab would typeset of markdown shown as is: both of its passes."""
    return source_math(markdown) + page_math(markdown_html(markdown))


def test_the_files_read_their_amounts_as_written_and_hold_no_repository_tex(
    tmp_path: Path,
) -> None:
    """plan.md and report.md are read as text (cat, an editor, a code host's preview), where
    every amount read "<span>&#36;</span>0.80": the notebook's escaping, leaked into the
    files. Every "$" now reads "$" (GitHub, VS Code and pandoc close no formula at a "$" a
    digit follows). JupyterLab's markdown preview of such a file pairs amounts into
    formulas, but none holds a backslash: the repository's TeX stays text."""
    from hostile_repo import MATH

    from sorafilm_nb.studio.report import report_markdown

    casting = make_casting(10)
    first = dataclasses.replace(casting.entries[0], custom_gag=f"a {MATH} gag for $5")
    casting = dataclasses.replace(casting, entries=(first, *casting.entries[1:]))
    p = plan(casting, target_seconds=96)
    md = p.to_markdown(file=True)
    assert f"**Estimated cost: {p.total}**" in md and f"| {p.costs[0]} |" in md
    assert MD_DOLLAR not in md and "gag for $5" in md  # the repository's "$" as written
    assert "$<span>&#92;</span>style{position" in md  # its backslash still in an element
    film = _film(tmp_path / "p1")
    report = report_markdown(film, remaining=Cost(360), limit=Cost(500), file=True)
    assert "Estimated: $1.60. Billed: $1.60." in report and MD_DOLLAR not in report
    for text in (md, report):
        assert _formulas(text), "the check sees the amounts JupyterLab pairs"
        assert [f for f in _formulas(text) if "\\" in f] == []
    assert _formulas(p.to_markdown()) == []  # a notebook's copy: none at all


def _film(folder: Path) -> Film:
    folder.mkdir(parents=True)
    (folder / "film.mp4").write_bytes(b"\0")
    shots = [
        ShotResult(
            f"shot-0{i + 1}", i, "completed", f"video_{i}", 8, "sora-2", "1280x720",
            prompt="p", estimated=Cost(80), billed=Cost(80), file="film.mp4",
        )
        for i in range(2)
    ]  # fmt: skip
    data = manifest_dict(plan_id="p1", plan={}, shots=shots, backend="openai", film="film.mp4")
    write_manifest(folder, data)
    return film_from_manifest(folder, data)


def test_the_film_report_is_no_tex_and_reads_its_amounts(tmp_path: Path) -> None:
    from sorafilm_nb.studio.report import report_markdown

    film = _film(tmp_path / "p1")
    mds = [film._repr_markdown_(), report_markdown(film, remaining=Cost(360), limit=Cost(500))]
    for md in mds:
        _no_tex(md)
        assert "Estimated: $1.60. Billed: $1.60." in _shown(md)
    assert "$3.60 left of $5.00 this month" in _shown(mds[1])


def test_the_casting_markdown_is_no_tex(tmp_path: Path) -> None:
    casting = make_casting(6)
    first = dataclasses.replace(casting.entries[0], custom_gag="a $5 pan beside a $10 pot")
    casting = dataclasses.replace(casting, entries=(first, *casting.entries[1:]))
    md = casting._repr_markdown_()
    _no_tex(md)
    assert "a $5 pan beside a $10 pot" in _shown(md)


def test_the_budget_report_is_no_tex(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.db") as led:
        led.set_budget(Cost(Decimal(500)))
        led.reserve(Cost(Decimal(80)), "a", model="sora-2", size="1280x720")
        led.reserve(Cost(Decimal(120)), "b", model="sora-2", size="1280x720")
        md = led.report("markdown")
    _no_tex(md)
    assert "$5.00" in _shown(md) and "$2.00" in _shown(md)


NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_the_notebooks_own_prose_is_never_typeset(notebook: Path) -> None:
    """The notebooks' markdown cells quote prices too ("$0.10 on sora-2, $0.30 or $0.50 on
    sora-2-pro"): JupyterLab typeset them as a formula. They write MD_DOLLAR, as our faces do,
    and still read "$0.10" rendered."""
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    prose = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    assert prose
    for text in prose:
        _no_tex(text)
        if MD_DOLLAR in text:
            assert "$0." in _shown(text) or "$9." in _shown(text)
