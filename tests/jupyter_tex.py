"""What JupyterLab would typeset as TeX in a markdown output: both of its passes, in Python.

JupyterLab renders a markdown output in two steps, and MathJax can take TeX in either:
1. removeMath (@jupyterlab/rendermime latex.ts) reads the markdown source, takes out each
   $...$, $$...$$, \\(...\\), \\[...\\] and \\begin...\\end (code spans and fences excepted) and
   puts it back, as TeX, into the rendered HTML. It pairs "$" across table cells and single
   line breaks: "| $0.80 | x | $0.80 |" became one formula swallowing the cells between.
2. MathJax then typesets the page: it reads each element's text (its own strings stop at
   every element; <code>, <pre> and the ignore classes are skipped), where "\\$" in the source
   is "$" again.
``source_math`` is a line-for-line port of removeMath from the installed jlab_core bundle
(JupyterLab 4.6); ``page_math`` is a stricter stand-in for MathJax's FindTeX (two "$" in one
string, or any \\( \\[ \\begin{ opener, is reported).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: removeMath's tokenizer (MATHSPLIT): math starts at $, $$, \begin{...} and the markdown
#: \\( \\[ ; \{ \} \$ { } and line breaks are the tokens that start none.
JUPYTER_MATH = re.compile(
    r"(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|@@\d+@@|\\\\[()[\]])", re.I
)
_FENCED = re.compile(r"^(?P<fence>`{3,}|(?:~T){3,})[^`\n]*\n([\s\S]*?)^(?P=fence)`*$", re.M)
_SPAN = re.compile(r"(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)", re.M)


def source_math(text: str) -> list[str]:
    """The TeX JupyterLab's removeMath takes out of markdown ``text`` (empty: none)."""
    if "`" in text or "~~~" in text:  # code: its "$" hidden as "~D", as removeMath does
        text = text.replace("~", "~T")
        text = _FENCED.sub(lambda m: m[0].replace("$", "~D"), text)
        text = _SPAN.sub(lambda m: m[0].replace("$", "~D"), text)
    blocks = JUPYTER_MATH.split(re.sub(r"\r\n?", "\n", text))
    math: list[str] = []
    start: int | None = None
    end = ""
    last: int | None = None
    braces = 0
    i = 1
    while i < len(blocks):
        block = blocks[i]
        if block.startswith("@"):
            pass  # a marker-like text, stored and put back as it was
        elif start is not None:
            if block == end:
                if braces:
                    last = i
                else:
                    math.append("".join(blocks[start : i + 1]))
                    start, last = None, None
            elif re.search(r"\n.*\n", block):  # a blank line ends an unclosed formula
                if last is not None:
                    i = last
                    math.append("".join(blocks[start : i + 1]))
                start, last, braces = None, None, 0
            elif block == "{":
                braces += 1
            elif block == "}" and braces:
                braces -= 1
        elif block in ("$", "$$"):
            start, end, braces = i, block, 0
        elif block in ("\\\\(", "\\\\["):
            start, end, braces = i, "\\\\)" if block.endswith("(") else "\\\\]", 0
        elif block[1:6] == "begin":
            start, end, braces = i, "\\end" + block[6:], 0
        i += 2
    if start is not None and last is not None:
        math.append("".join(blocks[start : last + 1]))
    return math


_SKIP = {"script", "noscript", "style", "textarea", "pre", "code", "annotation", "annotation-xml"}
_IGNORE = re.compile(r"\b(?:tex2jax_ignore|mathjax_ignore)\b")
_TEX = re.compile(r"\\[(\[]|\\begin\{")


class _Strings(HTMLParser):
    """The page's text as MathJax 3's HTMLDomStrings cuts it: a string per run of text
    between elements (<br> and <wbr> do not cut it), none inside skipped tags or classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []
        self.current = ""
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    def _push(self) -> None:
        if self.current:
            self.strings.append(self.current)
        self.current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "wbr"):
            self.current += "\n" if tag == "br" else ""
            return
        self._push()
        skipped = bool(self.stack and self.stack[-1][1])
        skipped |= tag in _SKIP or bool(_IGNORE.search(dict(attrs).get("class") or ""))
        if tag not in ("img", "hr", "input", "meta", "link"):
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        self._push()
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.current += data


def page_math(html: str) -> list[str]:
    """The strings of rendered ``html`` in which MathJax could find TeX (empty: none)."""
    parser = _Strings()
    parser.feed(html)
    parser.close()
    parser._push()
    return [s for s in parser.strings if s.replace("\\$", "").count("$") >= 2 or _TEX.search(s)]
