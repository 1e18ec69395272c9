"""Repository text made inert in HTML and markdown: the one home of those escaping rules.

Concept names, docstrings, file names and README titles come from repositories people did not
write, and they reach notebooks (which run the HTML and the markdown they are given: a
``<script>`` in a table cell runs, an ``<img onerror=...>`` fires) and shared pages. So:

- HTML is built from Jinja2 templates with autoescape on (``html_template``), or, for a
  fragment too small for a template, with ``html_text`` (html.escape, quotes included).
- Markdown gets ``md_text`` for inline text: HTML-significant characters and the characters
  of link, image and math syntax are backslash-escaped, and line breaks become spaces, so a
  name like ``[x](javascript:alert(1))``, ``![x](http://evil/)`` or ``<img onerror=...>`` is
  shown as written and never becomes a link, an image or a tag. ``md_cell`` also escapes the
  table pipe; ``md_code`` and ``md_fence`` pick a fence longer than any backtick run inside,
  so code cannot close its own span or block. Bare URLs (``http://``, ``www.``) are broken up
  so that GitHub and JupyterLab do not turn them into links either.
- Every markdown builder ends with ``md_no_tex``: our own "$0.80" is written as md_text
  writes a "$", outside code, so JupyterLab never pairs two amounts into a formula. Markdown
  people read as text (plan.md, report.md, `sorafilm budget report --format markdown`) takes
  ``md_file`` instead.

The other way round, repository prose (a README paragraph, a docstring) is read as plain
text: the patterns of its markup (links, images, reST roles, tags, emphasis, code spans, URLs)
have their one home here too, for analysis.readme (titles, the promise, README sentences) and
story.clauses (captions), which strip them each in its own way.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache
from typing import TYPE_CHECKING, Any

from .lazyre import word_start

if TYPE_CHECKING:
    import jinja2

# Backslash (so an escape in the text cannot cancel ours); then HTML (< > &), links and
# images ([ ] !), code spans (`), math in Jupyter ($), and autolinks' angle brackets.
_MD_SPECIAL = re.compile(r"([\\`\[\]!<>&$])")
# TeX: JupyterLab typesets every markdown output with MathJax ($...$, \(...\), \[...\],
# \begin{...}), a docstring's "$\href{...}{m}$" or "\(\style{position:fixed}{x}\)" too
# (issue 11). It looks for math twice: in the markdown source (where "\$" is literal but
# "\\(", the markdown for "\(", opens math) and then in the rendered page's text, where any
# "$" or "\" is itself again. So "$" and "\" are written as character references (none in the
# source) each in its own element (MathJax never pairs delimiters across elements).
_NO_TEX = {"$": "<span>&#36;</span>", "\\": "<span>&#92;</span>"}
#: The class that keeps MathJax out of an element (MathJax 3's ignoreHtmlClass, and MathJax
#: 2's for the classic notebook): JupyterLab typesets every HTML output, so a docstring's
#: "$\\style{position:fixed}{m}$" in a table cell was drawn as TeX, its \\style and \\href
#: applied (issue 11). Every HTML face that holds repository text carries it.
NO_TEX_CLASS = "mathjax_ignore tex2jax_ignore"
#: A "$" as our markdown writes it (md_text, md_no_tex): it renders as "$" and is never TeX.
MD_DOLLAR = _NO_TEX["$"]
# A bare URL becomes a link in GitHub and JupyterLab markdown (GFM autolinks): "\:" and "\."
# render as the same characters but break the pattern.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)")
_BACKTICKS = re.compile(r"`+")
# md_no_tex: a fence opens with 3+ backticks (none in its info string) or 3+ tildes, indented
# at most 3 spaces; it closes on a line of the same character only; outside fences, a "$",
# a backslash escape, or a run of backticks that may open a code span.
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}(?=[^`]*$)|~{3,})")
_FENCE_CLOSE = re.compile(r" {0,3}(`+|~+)[ \t]*")
_DOLLAR_OR_CODE = re.compile(r"\\.|`+|\$")

# -- markup in repository prose: what analysis.readme.strip_markup and story.clauses.plain
# take off. Each pattern's groups are the words a reader sees.

#: ``![alt](src)``: group 1 is the alt text; ``![alt][ref]`` (MD_REF_IMAGE): group 1 too.
#: Linear on hostile prose: no ``[`` inside the brackets or the parentheses, so a run of
#: ``[`` (or of ``[a](``) that never closes is tried once each, up to the next ``[``, not to
#: the end of the text (60 KB of ``[`` in a README took minutes). A link whose words hold a
#: ``[`` (a badge inside a link) came off only in part before as after.
MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^)\[]*\)")
MD_REF_IMAGE = re.compile(r"!\[([^\[\]]*)\]\[[^\[\]]*\]")
#: ``[words](href)``: group 1 is the words; ``[words][ref]`` (MD_REF_LINK): group 1 too. A
#: docstring's ``users[0][name]`` is code, so only the README reader takes the second form.
MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^)\[]*\)")
MD_REF_LINK = re.compile(r"\[([^\[\]]*)\]\[[^\[\]]*\]")
#: A reST/Sphinx role, ``:class:`~flask.Response``` or ``:meth:`title <target>```: group 1
#: is what it shows (the ``~`` shorthand and the ``<target>`` left out).
#: Linear on hostile prose: a role starts only where no role character precedes it (a run of
#: colons is tried once, not from each colon), and group 1 is greedy with no ``\s*`` beside
#: it (the two took turns over a run of spaces: quadratic); callers strip group 1. The
#: lookbehind stands after the first ":", so the engine looks for colons only.
RST_ROLE = re.compile(r":(?<![\w:-]:)[\w:-]+:`~?([^`<]*)(?:<[^`>]*>)?`")
#: A reST hyperlink reference, ``\`read the docs\`_``, ``\`pytest <https://...>\`__``: group 1
#: is its words (callers strip them). Left to CODE_SPAN, "devpi_" reached pluggy's title card,
#: and the emphasis rule read "_, tox_" between two of them as emphasis. Linear: a try scans
#: to the next backtick at most.
RST_LINK = re.compile(r"`([^`<]*)(?:<[^`>]*>)?`__?(?!\w)")
#: The bare form, ``devpi_`` (a word and its link mark): group 1 is the word. Only for a
#: README's prose (readme.strip_markup): in a docstring ``from_`` is a name. A try starts at a
#: word's start only (the lookbehind), so a long word is scanned once.
RST_NAME_LINK = re.compile(r"(?<![\w`*/.-])([^\W\d_][\w.-]*?[^\W_])__?(?![\w`])")
#: An HTML tag (or a ``<https://...>`` autolink, a template's ``<% endfor %>``).
#: No ``<`` inside a tag: a run of openers that never close is then tried once each, not
#: against the rest of the text.
HTML_TAG = re.compile(r"<[^<>]+>")
#: A bare URL, up to the next space (``\bhttps?://`` or ``\bwww\.``, lazyre.word_start).
URL = re.compile(rf"(?:{word_start('http')}s?://|{word_start('www')}\.)\S+", re.I)
#: ``*em*``, ``**strong**``, ``_em_``, ``__strong__``: group 2 or 4 is the words. An
#: underscore inside a word (``max_age_seconds``, ``snake_case``) is no emphasis (CommonMark).
#: The words are at most 300 characters: openers that never close are then each tried over a
#: bounded stretch, not the rest of the paragraph. Taken off with unwrap_emphasis, which
#: runs it only where a match can close.
EMPHASIS = re.compile(
    r"(\*{1,3})(?=\S)(.{1,300}?)(?<=\S)\1|(?<!\w)(_{1,3})(?=\S)(.{1,300}?)(?<=\S)\3(?!\w)"
)
# Where an EMPHASIS match can end: its closing run, right after a non-space ("*", or one to
# three "_" before no word character). Every closer of EMPHASIS is one (a few more are).
# (Each lookbehind stands after the first character, so the engine looks for "*" and "_".)
_EMPHASIS_CLOSER = re.compile(r"\*(?<=\S\*)|_(?<=\S_)_{0,2}(?!\w)")
# Where one can start: a "*" before a non-space, a "_" too where no word character precedes.
_EMPHASIS_OPENER = re.compile(r"\*(?=\S)|_(?<!\w_)(?=\S)")
_EMPHASIS_REACH = 3 + 300  # how far before its closer a match starts: the run, the words
_UNDERSCORES = re.compile(r"_*")
#: A code span: a run of backticks on each side (an unclosed fence's run goes whole); group 1
#: is the code.
CODE_SPAN = re.compile(r"`+([^`]*)`+")


def emphasis_words(m: re.Match[str]) -> str:
    """What an EMPHASIS match shows: its words without the marks."""
    return m.group(2) if m.group(1) else m.group(4)


def _closer_end(text: str, at: int) -> int:
    """Where a stretch that runs to the closer at ``at`` ends: past its run (at most 3) and
    the character its lookahead reads, and past any "_" there, which the pattern would take
    for a closer before no word character if the stretch ended right after it."""
    end = at + 4
    if text[end - 1 : end] == "_":
        end = _UNDERSCORES.match(text, end - 1).end() + 1  # type: ignore[union-attr]
    return end


def unwrap_emphasis(text: str) -> str:
    """``EMPHASIS.sub(emphasis_words, text)``: emphasis marks taken off, the words kept.

    The pattern alone tries every ``*`` or ``_`` against the 300 characters after it, closed
    or not: 0.55 s on a 300 KB paragraph of ``*a`` openers, taken off each README paragraph
    and docstring (tests/analysis/test_hostile_patterns.py). A match ends at a closer
    (_EMPHASIS_CLOSER, found in one pass) and starts at most _EMPHASIS_REACH characters
    before it, on its line; so the pattern runs only over those stretches before each
    closer after the first opener, and text without one is returned as it is (a paragraph
    of ``/*`` holds 100,000 closers and no opener), and a closer with no opener of its
    character within its reach on its line closes nothing, so it extends no stretch (a ``*``
    closer every 250 characters among ``_`` openers that never close spanned the whole
    text). The matches are the pattern's
    own, in its order: a stretch runs from where no match can start to past its last
    closer's run, and a stretch that would end just after a ``_`` (which the pattern would
    take for a closer before no word character, the next one unseen) reads on past the
    underscores."""
    opener = _EMPHASIS_OPENER.search(text)
    if opener is None:  # ("/* /* /*": closers, but nothing to close)
        return text
    # a closer counts only with an opener of its character within its reach, on its line:
    # any closer extended a stretch, so "*" closers among "_" openers that never close
    # (" _a" * 83 + " b* ", repeated) had the pattern run over the whole text
    openers: dict[str, list[int]] = {"*": [], "_": []}
    for m in _EMPHASIS_OPENER.finditer(text, opener.start()):
        openers[m.group()].append(m.start())
    closers: list[int] = []
    for m in _EMPHASIS_CLOSER.finditer(text, opener.start() + 1):
        at = m.start()
        reach = max(at - _EMPHASIS_REACH, 0)
        reach = max(reach, text.rfind("\n", reach, at) + 1)
        same = openers[text[at]]
        k = bisect_left(same, reach)
        if k < len(same) and same[k] < m.end() - 1:
            closers.append(at)
    stretches: list[tuple[int, int]] = []
    i = 0
    while i < len(closers):
        at = closers[i]
        start = max(at - _EMPHASIS_REACH, 0)
        start = max(start, text.rfind("\n", start, at) + 1)
        end = _closer_end(text, at)
        # the closers whose reach starts within the stretch join it; the furthest such sets
        # its end (a later closer's run ends no sooner), so dense closers cost one bisect
        # per stretch of _EMPHASIS_REACH, not a turn each
        while (last := bisect_right(closers, end + _EMPHASIS_REACH, i + 1) - 1) > i:
            i = last
            end = _closer_end(text, closers[i])
        stretches.append((start, end))
        i += 1
    if not stretches:
        return text
    parts: list[str] = []
    done = 0
    for start, end in stretches:
        for m in EMPHASIS.finditer(text, start, end):
            parts.append(text[done : m.start()])
            parts.append(emphasis_words(m))
            done = m.end()
    parts.append(text[done:])
    return "".join(parts)


def html_text(text: object) -> str:
    """``text`` as HTML character data or a quoted attribute value."""
    import html  # here: html imports html.entities (a 2,000-entry table), ~2 ms of a plan

    return html.escape(str(text), quote=True)


def md_text(text: object) -> str:
    """``text`` as inline markdown that renders as exactly these characters, on one line."""
    one_line = " ".join(str(text).splitlines())
    escaped = _MD_SPECIAL.sub(lambda m: _NO_TEX.get(m[1]) or "\\" + m[1], one_line)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)


def md_cell(text: object) -> str:
    """``md_text`` for a table cell: the pipe is escaped too."""
    return md_text(text).replace("|", "\\|")


def md_file(markdown: str) -> str:
    """``markdown`` built by md_text and our own words as a file people read as text
    (plan.md, report.md: ``cat``, an editor, a code host's preview): every "$" as "$".

    Why: md_no_tex's "<span>&#36;</span>0.80" on every amount was the notebook's escaping
    leaked into the files, noise to all who read them. GitHub, GitLab, VS Code and pandoc close
    no formula at a "$" that a space precedes or a digit follows (every amount's does), and
    JupyterLab's markdown preview of such a file, which pairs any two "$", may garble amounts
    into a formula but runs no command: every backslash of repository text stays in an
    element of its own (md_text), where no formula can reach it, so a docstring's
    "$\\style{position:fixed}{m}$" stays text (tests/test_markdown_tex.py)."""
    return markdown.replace(MD_DOLLAR, "$")


def md_no_tex(markdown: str) -> str:
    """``markdown`` (built here, from md_text, md_code, md_fence and our own words) with every
    "$" outside code written as md_text writes it, so that JupyterLab typesets none of it.

    Our own money is written "$0.80": JupyterLab's MathJax paired two of them in one table row
    or paragraph ("| $0.80 | ... | $0.80 |", "Estimated: $0.80. Billed: $0.80.") as inline math,
    swallowing the cells between into a formula. "\\$" alone is not enough: it keeps the
    markdown source from pairing, but renders as "$" in the page's text, which MathJax reads
    again. So each builder of markdown ends with this one pass, and no amount needs its own
    escaping. Code is left as written (JupyterLab and MathJax never typeset it): fenced blocks
    (CommonMark's rule: a closing run of the same character, at least as long) and code spans,
    which md_code writes on one line (JupyterLab's own pass takes spans line by line too). A
    "$" md_text wrote is a character reference already, and is left alone."""
    out: list[str] = []
    fence = ""  # the open fence's run of backticks or tildes; "" outside a fenced block
    for line in markdown.split("\n"):
        if fence:
            closer = _FENCE_CLOSE.fullmatch(line)
            if closer and closer[1][0] == fence[0] and len(closer[1]) >= len(fence):
                fence = ""
            out.append(line)
        elif opener := _FENCE_OPEN.match(line):
            fence = opener[1]
            out.append(line)
        else:
            out.append(_no_tex_line(line))
    return "\n".join(out)


def _no_tex_line(line: str) -> str:
    parts, pos = [], 0
    while m := _DOLLAR_OR_CODE.search(line, pos):
        parts.append(line[pos : m.start()])
        token, pos = m[0], m.end()
        if token in ("$", "\\$"):  # an escaped "$" needs no backslash once it is a reference
            parts.append(_NO_TEX["$"])
        elif token.startswith("`"):  # a code span runs to the next run of as many backticks
            close = re.compile(rf"(?<!`){token}(?!`)").search(line, pos)
            end = close.end() if close else pos  # unclosed: the run is literal text
            parts.append(line[m.start() : end])
            pos = end
        else:  # another backslash escape ("\\`", "\\|"), kept whole
            parts.append(token)
    parts.append(line[pos:])
    return "".join(parts)


def md_code(text: object) -> str:
    """``text`` as an inline code span, fenced by more backticks than it holds."""
    one_line = " ".join(str(text).splitlines())
    longest = max((len(m) for m in _BACKTICKS.findall(one_line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


def md_fence(text: str, info: str = "text") -> str:
    """``text`` as a fenced code block whose fence no line of ``text`` can close."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        autoescape=True,  # every {{ value }} is escaped unless it is Markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html_template(source: str) -> jinja2.Template:
    """A Jinja2 template with autoescape on, compiled once per source text."""
    return _compile(source)


@cache
def _compile(source: str) -> Any:
    return _environment().from_string(source)


def safe_html(fragment: str) -> Any:
    """Mark HTML this program built (already escaped) so a template inserts it as is."""
    import markupsafe

    return markupsafe.Markup(fragment)
