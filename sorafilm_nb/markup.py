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
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

# Backslash first (so an escape in the text cannot cancel ours); then HTML (< > &), links and
# images ([ ] !), code spans (`), math in Jupyter ($), and autolinks' angle brackets.
_MD_SPECIAL = re.compile(r"([\\`\[\]!<>&$])")
# A bare URL becomes a link in GitHub and JupyterLab markdown (GFM autolinks): "\:" and "\."
# render as the same characters but break the pattern.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)")
_BACKTICKS = re.compile(r"`+")


def html_text(text: object) -> str:
    """``text`` as HTML character data or a quoted attribute value."""
    import html  # here: html imports html.entities (a 2,000-entry table), ~2 ms of a plan

    return html.escape(str(text), quote=True)


def md_text(text: object) -> str:
    """``text`` as inline markdown that renders as exactly these characters, on one line."""
    one_line = " ".join(str(text).splitlines())
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)


def md_cell(text: object) -> str:
    """``md_text`` for a table cell: the pipe is escaped too."""
    return md_text(text).replace("|", "\\|")


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
