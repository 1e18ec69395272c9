"""A repository written to attack whoever looks at it, and a checker for live HTML.

Its file names, docstrings and README title hold script tags, event-handler attributes,
iframes, markdown links and images, and terminal escapes. Every face (notebook tables and
widgets, plan.md, report.md, the shared page, the CLI) must show them as text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=window.__pwned=1>"
MD_LINK = "[x](javascript:alert(1))"
MD_IMAGE = "![x](http://evil/)"
# What a hostile name redraws on a terminal: erase the line, back to column 0, a fake verdict.
ANSI = "\x1b[2K\rwarnings: 0\x1b[31m\u202e"
# TeX that JupyterLab's MathJax typesets in any HTML or markdown output ([tex]/html: \href,
# \style): a link and a page-covering box, were it read as math rather than shown.
MATH = "$\\style{position:fixed}{m}$ \\(\\href{javascript:x}{k}\\)"

TEX = re.compile(r"\$\\style\{[^$]*\$|\\\(\\href\{.*?\\\)")  # MATH, as MathJax finds it

HOSTILE_TITLE = f"{SCRIPT}Evil {IMG} {MD_LINK} {MD_IMAGE}"


def make_hostile_repo(root: Path, *, terminal: bool = False) -> Path:
    """A small Python package whose names and prose are attacks (terminal escapes too when
    ``terminal``: a file name cannot hold a "/" so it carries the <img> attack, not <script>)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(f"# {HOSTILE_TITLE}\n\nA repository.\n")
    doc = (
        f"{MATH} {SCRIPT} {IMG} {MD_LINK} {MD_IMAGE}"
        " <iframe src=javascript:window.__pwned=1></iframe>"
    )
    if terminal:
        doc += ANSI
    body = (
        f'"""{doc} module."""\n\n\n'
        f"class Recorder:\n"
        f'    """{doc} records things."""\n\n'
        f"    def add(self): pass\n\n"
        f"    def get(self): pass\n\n\n"
        f"class HostileError(Exception):\n"
        f'    """{doc} raised when bad."""\n\n\n'
        f"def load():\n"
        f'    """{doc} loads things."""\n'
        f"    raise HostileError()\n\n\n"
        f"try:\n    load()\nexcept HostileError:\n    pass\n"
    )
    name = f"mod_{IMG}{ANSI if terminal else ''}.py"
    (root / name).write_text(body)
    (root / "store.py").write_text(body.replace("Recorder", "Store"))
    if terminal:  # a file the scanner warns about, so that its name is printed under warnings
        (root / f"broken{ANSI}.py").write_text("def broken(:\n    pass\n")
    return root


class LiveTags(HTMLParser):
    """What in an HTML document a browser would run or fetch: script, iframe, object, embed
    and unexpected img elements, on* attributes, javascript: URLs. ``found`` lists them."""

    RUNS = frozenset({"script", "iframe", "object", "embed", "frame", "svg", "math", "base"})

    NO_TEX = frozenset({"script", "noscript", "style", "textarea", "pre", "code"})  # MathJax's
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})

    def __init__(self, *, allowed_scripts: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.allowed_scripts = allowed_scripts
        self.open: list[tuple[str, bool]] = []  # (tag, inside a mathjax_ignore element)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            ignored = bool(self.open and self.open[-1][1])
            classes = (dict(attrs).get("class") or "").split()
            skipped = tag in self.NO_TEX or "mathjax_ignore" in classes
            self.open.append((tag, ignored or skipped))
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        """Repository TeX that MathJax (JupyterLab typesets every HTML and markdown output)
        would draw: MATH's $\\style...$ or \\(\\href...\\), delimiters and all in one text
        node (MathJax pairs none across elements), outside a mathjax_ignore element."""
        if TEX.search(data) and not (self.open and self.open[-1][1]):
            self.found.append(f"TeX in text: {data[:60]!r}")

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.RUNS:
            if tag == "script" and self.allowed_scripts > 0:
                self.allowed_scripts -= 1
            else:
                self.found.append(f"<{tag}>")
        for key, value in attrs:
            if key.startswith("on"):
                self.found.append(f"<{tag} {key}=...>")
            url = (value or "").strip().lower()
            if key in ("href", "src", "action", "formaction") and url.startswith("javascript:"):
                self.found.append(f"<{tag} {key}={value!r}>")
        if tag == "img":
            src = dict(attrs).get("src") or ""
            # posters are embedded, nothing is fetched (an <img> with no src fetches nothing)
            if src and not src.startswith("data:image/"):
                self.found.append(f"<img src={src!r}>")
        if tag == "a":  # a link within the page (a heading's anchor) goes nowhere
            href = dict(attrs).get("href") or ""
            if not href.startswith("#") and ("evil" in href or href.startswith("javascript:")):
                self.found.append(f"<a href={href!r}>")


def live_tags(html: str, *, allowed_scripts: int = 0) -> list[str]:
    """The live elements and attributes in ``html`` (empty when it is inert)."""
    parser = LiveTags(allowed_scripts=allowed_scripts)
    parser.feed(html)
    parser.close()
    return parser.found


def markdown_html(text: str) -> str:
    """Markdown as notebooks and shared pages render it, raw HTML passed through: CommonMark
    (markdown-it) and mistune with bare-URL autolinks and tables (what nbconvert uses)."""
    import mistune
    from markdown_it import MarkdownIt

    common = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    gfm = mistune.create_markdown(escape=False, plugins=["url", "table", "strikethrough"])
    return common + str(gfm(text))


def hostile_casting(repo: Path, theme: str = "kitchen") -> object:
    """The real casting of the hostile repository, with its first concept swapped for the
    module its hostile file name makes (casting leaves modules out), the README's title as
    written, and a hostile custom gag: repository text in every field a face shows."""
    import dataclasses

    from sorafilm_nb.analysis.profile import analyze
    from sorafilm_nb.story.casting import cast

    found = analyze(repo, cache_dir=repo.parent / "cache")
    profile = dataclasses.replace(found, title=HOSTILE_TITLE)
    module = next(c for c in profile.concepts if IMG in c.name)
    casting = cast(profile, theme, top=6)
    first = dataclasses.replace(casting.entries[0], concept=module)
    return dataclasses.replace(casting, profile=profile, entries=(first, *casting.entries[1:]))


def hostile_app(
    repo: Path, out_dir: Path, ledger: object = None, template: str = "silent-90"
) -> object:
    """The notebook's studio app over the hostile casting, on the embedded simulator.

    The simulator draws 256x144 animatics and finishes a job in 0.2 s, polled every 0.05 s
    or as it hints (the notebook's: 640x360, 0.3 s, at least 0.25 s): what is checked is the
    HTML every face makes of the repository's words, never the film's pixels or pace. A film
    made to be looked at can take ``template="teaser-30"``: its three shots film the hostile
    module too (as silent-90's eight do), at well under half the rendering."""
    import weakref

    from sorafilm_nb.backends.openai_api import OpenAIBackend
    from sorafilm_nb.backends.simulator import Simulator
    from sorafilm_nb.datafiles import packaged
    from sorafilm_nb.money.ledger import Ledger
    from sorafilm_nb.money.prices import PriceTable
    from sorafilm_nb.studio.runner import Studio
    from sorafilm_nb.ui import StudioApp

    casting = hostile_casting(repo)
    ledger = ledger if ledger is not None else Ledger.for_run(simulated=True)
    prices = PriceTable.load()

    def studio() -> Studio:
        sim = Simulator(job_seconds=0.2, poll_after_ms=50, render_scale=0.2).start()
        backend = OpenAIBackend.for_simulator(sim)
        made = Studio(backend, ledger, prices=prices, min_poll_interval=0.05)  # type: ignore[arg-type]
        weakref.finalize(made, sim.stop)
        return made

    return StudioApp(
        casting.profile,  # type: ignore[attr-defined]
        casting,
        ledger=ledger,
        prices=prices,
        templates=sorted(packaged("stories")),
        template=template,
        studio_factory=studio,
        out_dir=out_dir,
    )
