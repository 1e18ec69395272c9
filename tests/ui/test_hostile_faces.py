"""A hostile repository through every face: no HTML or markdown from it ever becomes live.

The repository (tests/hostile_repo.py) is a real folder analyzed by the real scanner; its
README title, file names and docstrings hold <script>, <img onerror>, <iframe>, and markdown
links and images. Each face's HTML is parsed (html.parser), and each markdown face is
rendered as a notebook renders it (CommonMark, raw HTML on): no script, iframe or fetched
image, no on* attribute and no javascript: link may come out, and the attack text must still
be there, shown as text.
"""

from __future__ import annotations

import dataclasses
import html
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hostile_repo import (
    HOSTILE_TITLE,
    IMG,
    MD_IMAGE,
    MD_LINK,
    SCRIPT,
    hostile_app,
    hostile_casting,
    live_tags,
    make_hostile_repo,
    markdown_html,
)
from jupyter_tex import JUPYTER_MATH  # JupyterLab 4.6's removeMath tokenizer
from ui_fixtures import make_film

from sorafilm_nb import ui  # the widgets by attribute (ui.X): ipywidgets loads in the tests
from sorafilm_nb.analysis.profile import RepoProfile, analyze
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.sharing import share
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.report import report_markdown
from sorafilm_nb.studio.runner import ShotProgress
from sorafilm_nb.ui import concept_table  # no widgets

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hostile_repo(tmp_path_factory.mktemp("hostile") / "evil")


@pytest.fixture(scope="module")
def profile(hostile: Path) -> RepoProfile:
    found = analyze(hostile, cache_dir=hostile.parent / "cache")
    # The README title as the repository wrote it, whatever the scanner keeps of it; and the
    # module named by the hostile file first, so that casting and planning take it up.
    concepts = tuple(
        dataclasses.replace(c, score=99.0) if IMG in c.name else c for c in found.concepts
    )
    return dataclasses.replace(found, title=HOSTILE_TITLE, concepts=concepts)


def _inert(html: str, *, allowed_scripts: int = 0) -> None:
    assert live_tags(html, allowed_scripts=allowed_scripts) == []


def _shown_as_text(html: str) -> None:
    """The attack is shown to the reader, not hidden: its words are in the page's text."""
    assert "window.__pwned=1" in html.replace("&#x3D;", "=").replace("&#61;", "=")
    assert "onerror" in html


def _widget_html(widget: Any) -> list[str]:
    """Every HTML string a widget tree holds (the front end inserts each as innerHTML)."""
    import ipywidgets as w  # here, not at the top: every xdist worker collects this module

    out = []
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        out.append(widget.value)
    for child in getattr(widget, "children", ()):
        out += _widget_html(child)
    bundle = widget._repr_mimebundle_() if hasattr(widget, "_repr_mimebundle_") else None
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    if isinstance(bundle, dict) and "text/html" in bundle:
        out.append(bundle["text/html"])
    return out


def test_the_repository_really_is_hostile(profile: RepoProfile) -> None:
    text = repr(profile.concepts)
    assert IMG in text and SCRIPT in text and MD_LINK in text  # the scanner keeps them


def test_concept_table_and_widget_show_markup_as_text(profile: RepoProfile) -> None:
    html = concept_table(profile, limit=None).to_html()
    _inert(html)
    _shown_as_text(html)
    assert "&lt;script&gt;" in html  # the caption (README title) too
    table = ui.ConceptTable(profile, limit=None)
    for fragment in _widget_html(table):
        _inert(fragment)


def test_every_widget_of_the_studio_app_is_inert(hostile: Path, tmp_path: Path) -> None:
    from sorafilm_nb.ui.player import static_player_html

    casting = hostile_casting(hostile)
    assert IMG in casting.entries[0].concept.name
    picker = ui.MetaphorPicker(casting)
    picker.pick(casting.entries[1].concept.name, gag=f"{SCRIPT} {IMG} {MD_LINK}")
    app = hostile_app(hostile, tmp_path / "out", Ledger(tmp_path / "l.db"))
    fragments = _widget_html(picker) + _widget_html(app)
    assert any("onerror" in f for f in fragments) and any("&lt;script" in f for f in fragments)
    for fragment in fragments:
        _inert(fragment)
    bars = ui.JobProgress(app.plan)
    bars.update(ShotProgress("shot-01", 0, "failed", 10, 1.0, IMG, message=f"{SCRIPT} {IMG}"))
    for fragment in _widget_html(bars):
        _inert(fragment)
    shots = [{"title": IMG, "start": 0, "seconds": 4, "cost": "$0.40", "prompt": SCRIPT, "id": "s"}]
    player = static_player_html(
        src="out/f'><img src=x onerror=1>/film.mp4", poster=IMG, title=SCRIPT, shots=shots
    )
    _inert(player)
    _shown_as_text(player)


def test_plan_markdown_and_reports_render_no_tag_link_or_image(
    hostile: Path, tmp_path: Path
) -> None:
    p = plan(hostile_casting(hostile), target_seconds=48)
    md = p.to_markdown()
    rendered = markdown_html(md)
    _inert(rendered)
    _inert(markdown_html(p.to_markdown(file=True)))  # plan.md: its "$" as written, still inert
    _shown_as_text(rendered)
    assert "<img" not in rendered  # no image at all (live_tags: no link from the repository)
    assert MD_LINK in rendered and MD_IMAGE in rendered  # shown as written
    # report.md: a server that echoes the prompt back in its error
    folder = make_film(tmp_path / "film", (4,))
    film = Film.load(folder)
    shots = tuple(dataclasses.replace(s, error=f"{SCRIPT} {IMG} {MD_IMAGE}") for s in film.shots)
    film = dataclasses.replace(film, shots=shots, notes=(f"{MD_LINK} {IMG}",))
    report = markdown_html(report_markdown(film))
    _inert(report)
    _inert(markdown_html(report_markdown(film, file=True)))  # report.md
    assert "<a " not in report and "<img" not in report  # no link, no image at all
    # the budget report: model names are the ledger's rows
    with Ledger(tmp_path / "b.db") as led:
        led.reserve(Cost(Decimal(10)), "x", model=f"{IMG}{MD_LINK}", size="1x1")
        budget = markdown_html(led.report("markdown"))
    _inert(budget)
    assert "<a " not in budget


SHARE_CODE = """\
from pathlib import Path
from hostile_repo import hostile_app
from sorafilm_nb.ui import concept_table
from IPython.display import Markdown, display
app = hostile_app(Path({repo!r}), Path("out"), template="teaser-30")
display(concept_table(app.profile))
display(Markdown(app.plan.to_markdown()))
film = app.make_film()
display(app)
display(app.player_box.children[0])
"""


@pytest.mark.slow  # executes a notebook (a kernel and a film)
def test_the_shared_page_of_a_hostile_notebook_is_inert(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A film of someone else's code"),
        nbformat.v4.new_code_cell(SHARE_CODE.format(repo=str(hostile))),
    ]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["kernelspec"] = kernel
    path = tmp_path / "tour.ipynb"
    nbformat.write(nb, path)
    # share() in this process (the command's own tests are in tests/cli and test_sharing.py);
    # the kernel it starts inherits this environment, and imports hostile_repo from tests/
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    monkeypatch.chdir(tmp_path)
    written = share(path, tmp_path / "p.html", timeout=600)
    assert written == tmp_path / "p.html"
    page = written.read_text()
    assert "Storyboard: plan" in page  # the film was made and its storyboard is there
    assert "window.__pwned" in page.split("Storyboard: plan", 1)[1]  # the hostile shot in it
    _inert(page)
    _shown_as_text(page)


#: Repository text that JupyterLab would typeset as TeX once made markdown: the markdown
#: ``\\(`` (what escaping a backslash before ``(`` gave) renders as ``\(`` and starts math.
MATH = [
    "\\(\\href{javascript:alert(1)}{click}\\)",
    "\\[\\style{position:fixed;top:0}{x}\\] and \\\\(y\\\\)",
    "\\begin{equation}x\\end{equation} $x$ $$y$$ \\$z\\$",
]


@pytest.mark.parametrize("text", MATH)
def test_markdown_text_starts_no_math_in_jupyterlab(text: str) -> None:
    r"""md_text wrote a backslash as ``\\``, so a docstring's ``\(\href{javascript:...}{x}\)``
    became ``\\(...``, JupyterLab's inline-math opener: the name was typeset by MathJax (with
    its \href and \style) instead of shown (issue 11). A backslash is now ``&#92;``."""
    from sorafilm_nb.markup import md_cell, md_text

    for made in (md_text(text), md_cell(text)):
        tokens = [m.group(0) for m in JUPYTER_MATH.finditer(made)]
        assert all(t in ("\\{", "\\}", "\\$", "{", "}") for t in tokens), (made, tokens)


@pytest.mark.parametrize(
    "text",
    [
        f"{SCRIPT} {IMG} {MD_LINK} {MD_IMAGE}",
        "a\\[x](javascript:alert(1)) and \\\\![y](http://evil/) `code` ``two`` $x$ | & <b>",
        "http://evil/ www.evil.com <http://evil/>",
        *MATH,
    ],
)
def test_markdown_text_renders_as_exactly_its_characters(text: str) -> None:
    from sorafilm_nb.markup import md_code, md_fence, md_text

    block = md_fence(text + "\n```")  # a fence inside cannot close the block
    rendered = markdown_html(f"{md_text(text)}\n\n{md_code(text)}\n\n{block}")
    _inert(rendered)
    assert "<a " not in rendered and "<img" not in rendered
    common = rendered.split("<p>")[1].split("</p>")[0]  # markdown-it's first paragraph
    assert html.unescape(re.sub("</?span>", "", common)) == text  # $ and \ stand alone
