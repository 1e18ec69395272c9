"""Read a README the way a visitor does: the project's name, its one-line promise, and the
names its code examples touch.

Why a module of its own: the README is the one document written for users, so it is the best
evidence of what a maintainer would name. Its examples say which parts of the API people call
first (``@app.route``, ``click.option``); its heading or logo says what the project is called;
its first paragraph says what it promises. All three are read here, once, from the raw text.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from .. import markup as mk
from ..markup import CODE_SPAN, HTML_TAG, RST_ROLE, URL, unwrap_emphasis
from .text import first_sentence as _first_sentence

TITLE_MAX = 40  # a title card holds a name, not a sentence
TAGLINE_MAX = 120

# ------------------------------------------------------------------ markup helpers

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)  # sponsor grids, never the promise
_BR = re.compile(r"<br\s*/?>|</p>|</h\d>|</div>", re.I)
# an image's alt text; neither part reads past the next "<": each of 20,000 unclosed ``<img``
# lines read on to the end of the README (10,000 of them took 13 s)
_ALT = re.compile(r"""<img\b[^<>]*?\balt\s*=\s*(["'])([^<]*?)\1""", re.I)
# its inner text never runs past another "<h1": each unclosed one was read on to the README's
# end, and 20,000 of them cost 10 s of CPU (quadratic)
_H1 = re.compile(r"<h1\b[^>]*>((?:(?!<h1\b).)*?)</h1>", re.I | re.S)
# an image or a link, inline or by reference: group 1 or 2 is its words (sorafilm_nb.markup)
_MD_IMAGE = re.compile(f"{mk.MD_IMAGE.pattern}|{mk.MD_REF_IMAGE.pattern}")
_MD_LINK = re.compile(f"{mk.MD_LINK.pattern}|{mk.MD_REF_LINK.pattern}")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$<>|~])")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# alt text / headings that name a part of the page, not the project
_NOT_A_NAME = frozenset(
    {
        "logo",
        "banner",
        "badge",
        "build status",
        "table of contents",
        "contents",
        "overview",
        "introduction",
        "readme",
        "installation",
        "install",
        "about",
        "features",
        "documentation",
        "sponsors",
        "license",
    }
)


def unescape(text: str) -> str:
    """Markdown backslash escapes and HTML entities undone: ``\\$ click\\_`` -> ``$ click_``."""
    return html.unescape(_ESCAPE.sub(r"\1", text))


def strip_markup(text: str, *, keep_code: bool = False) -> str:
    """Plain text of one line or paragraph of Markdown/reST/HTML: links keep their words,
    images, tags and emphasis marks go, escapes are undone, spaces collapse. With keep_code,
    `inline code` keeps its backticks (they tell a name from an English word)."""
    before, text = _first_unwrap(text)
    for turn in range(2):  # **`nested`**
        if turn:
            before = text
            text = unwrap_emphasis(text)
        text = text if keep_code else CODE_SPAN.sub(r"\1", text)
        if text == before:  # nothing unwrapped: the same text again unwraps nothing either
            break
    text = re.sub("\x00(\\d+)\x01", lambda m: chr(int(m.group(1))), text)
    text = html.unescape(text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=16)
def _first_unwrap(text: str) -> tuple[str, str]:
    """strip_markup's steps up to its first emphasis pass, which do not depend on keep_code:
    (the text before that pass, after it). Kept for the last few paragraphs: the README's
    readers strip each paragraph twice (read_readme plain, prose_sentences keeping code), and
    these passes are most of a long paragraph's cost (the emphasis pass was 0.8 s on 300 KB of
    ``*a`` openers before unwrap_emphasis, tests/analysis/test_hostile_patterns.py)."""
    # an escaped mark is a literal: hidden from the emphasis rule, restored at the end
    text = _ESCAPE.sub(lambda m: f"\x00{ord(m.group(1))}\x01", text)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = RST_ROLE.sub(lambda m: m.group(1).strip(), text)
    text = mk.RST_LINK.sub(lambda m: m.group(1).strip(), text)
    text = mk.RST_NAME_LINK.sub(r"\1", text)
    text = HTML_TAG.sub(" ", text)
    return text, unwrap_emphasis(text)


def is_name(text: str) -> bool:
    """Whether text can stand on a title card as a project's name.

    Not a URL, not a shell prompt (``$ click_``), not an emoji line, not the name of a part of
    the page ("Logo", "Table of Contents"), and not a sentence: at most TITLE_MAX characters,
    at most five words, no sentence punctuation.
    """
    t = text.strip()
    if not t or len(t) > TITLE_MAX or URL.search(t) or "://" in t:
        return False
    if t[0] in "$>%#":  # a shell prompt or a quote, not a name
        return False
    if not re.search(r"[^\W\d_]", t):  # emoji, digits and punctuation only
        return False
    if any(ord(ch) >= 0x2190 for ch in t):  # arrows, symbols, emoji: decoration, not a name
        return False
    low = t.lower().strip(" :")
    if low in _NOT_A_NAME or low.endswith((" logo", " banner", " badge")):
        return False
    return len(t.split()) <= 5 and not re.search(r"[.!?;:,]\s|[.!?;,]$", t)


# ------------------------------------------------------------------ title and tagline


@dataclass(frozen=True)
class ReadmeText:
    """What a README says about the project, as plain text."""

    titles: tuple[str, ...]  # name candidates in page order: headings, <h1>, image alt text
    description: str  # the first real paragraph
    tagline: str  # its first sentence, at most TAGLINE_MAX characters
    prose: str = ""  # every paragraph's plain text (no code, no URLs), for the name's casing


_LIST_ITEM = re.compile(r"[-*+]\s|\d+[.)]\s")


def _is_rule(line: str) -> bool:
    return len(line) >= 3 and len(set(line)) == 1 and line[0] in "=-~^*#+"


# A line that closes a fenced block opened by "```" or "~~~" (blanks before it, as strip()).
_FENCE_CLOSE = {
    "```": re.compile(r"^[^\S\n]*```", re.M),
    "~~~": re.compile(r"^[^\S\n]*~~~", re.M),
}


@functools.lru_cache(maxsize=4)
def _blocks(text: str) -> tuple[tuple[str, str], ...]:
    """(kind, text) blocks in page order: "heading", "html", "para", "code", "other".

    Kept for the last few texts: read_readme and readme_names' three readers each ask for
    the README's blocks. A fenced block is skipped in one search for its closing line, not
    line by line (a hostile README's 600,000 blank lines of code were read four times over:
    0.4 s)."""
    text = _TABLE.sub("\n", _COMMENT.sub("\n", text.replace("\r\n", "\n")))
    lines = text.split("\n")
    out: list[tuple[str, str]] = []
    para: list[str] = []
    i = 0
    known = [0, 0]  # a line and where it starts in text (fences jump ahead by characters)

    def flush() -> None:
        if para:
            out.append(("para", " ".join(para)))
            para.clear()

    def close_of(fence: str, first: int) -> int:
        """The index of the first line from lines[first] on that closes fence (or the number
        of lines): lines[k].strip().startswith(fence)."""
        line, at = known
        at += sum(map(len, lines[line:first])) + first - line  # each line and its "\n"
        close = _FENCE_CLOSE[fence].search(text, at) if first < len(lines) else None
        if close is None:
            return len(lines)
        k = first + text.count("\n", at, close.start())
        known[:] = [k, close.start()]
        return k

    item: list[str] = []  # the last block is this list item, which an indented line goes on
    while i < len(lines):
        line = lines[i].strip()
        raw = lines[i]
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if item and line and raw[:1] in " \t" and not _LIST_ITEM.match(line):
            # "* `satisfies(version, range)`: Return true if the version satisfies the" goes
            # on with "  range." (its own paragraph before: a caption said "... satisfies
            # the."); joined once, when the item ends (100,000 such lines stay linear)
            item.append(line)
            i += 1
            continue
        if len(item) > 1:
            out[-1] = ("other", " ".join(item))
        item = []
        if line.startswith(("```", "~~~")):
            flush()
            out.append(("code", ""))
            i = close_of(line[:3], i + 1) + 1
            continue
        if not line:
            flush()
        elif (
            _is_rule(line)
            and not para
            and nxt
            and i + 2 < len(lines)
            and _is_rule(lines[i + 2].strip())
        ):  # reST over- and underlined title
            out.append(("heading", nxt))
            i += 3
            continue
        elif nxt and _is_rule(nxt) and not para and not line.startswith(("<", "..", "[", "!")):
            out.append(("heading", line))  # setext / reST underline
            i += 2
            continue
        elif line.startswith("#"):
            flush()
            out.append(("heading", line.lstrip("#").strip()))
        elif line.startswith("<"):
            flush()
            chunk = [line]
            inside = _tag_open(line, "")
            while inside and i + 1 < len(lines) and lines[i + 1].strip():
                # a tag that goes on over lines (nanoid's ``<img src=... align="right"`` then
                # ``alt="Nano ID logo by ..." width="180">``) is markup to its ">": its
                # last lines were prose, and its title card read ``alt="Nano ID logo ...>``
                i += 1
                chunk.append(lines[i].strip())
                inside = _tag_open(lines[i], inside)
            out.append(("html", _closed(" ".join(chunk)) if len(chunk) > 1 else line))
        elif raw.startswith(("    ", "\t")) and not para and not (out and out[-1][0] == "html"):
            out.append(("code", ""))
        elif (
            line.startswith(("[![", "![", "..", ":", "|", "=", ">"))
            or _LIST_ITEM.match(line)
            or _is_rule(line)
        ):
            flush()
            out.append(("other", line))
            item = [line] if _LIST_ITEM.match(line) else []
        else:
            para.append(line)
        i += 1
    if len(item) > 1:
        out[-1] = ("other", " ".join(item))
    flush()
    return tuple(out)


def _tag_open(line: str, state: str) -> str:
    """Where a line of HTML leaves off: "" outside any tag, "<" inside one, or the quote
    (' or ") inside one of its attribute values; state is where the line before left off.
    A ">" in a quoted value (``alt="a > b"``) closes nothing."""
    for ch in line:
        if state in ("'", '"'):
            state = "<" if ch == state else state
        elif state == "<":
            state = ch if ch in "'\"" else ("" if ch == ">" else "<")
        elif ch == "<":
            state = "<"
    return state


def _closed(chunk: str) -> str:
    """An HTML chunk whose tags the markup pattern can take off whole: a ">" or "<" inside a
    quoted value dropped (``alt="a > b"`` ended the tag there, its rest read as text) and a
    tag left open at the end closed."""
    out: list[str] = []
    state = ""
    for ch in chunk:
        if not (state in ("'", '"') and ch in "<>"):
            out.append(ch)
        state = _tag_open(ch, state)
    return "".join(out) + {"": "", "<": ">"}.get(state, state + ">")


def _html_lines(chunk: str) -> list[str]:
    """The text lines of an HTML fragment (split at <br>, </p>, headings)."""
    return [line for part in _BR.split(chunk) if (line := strip_markup(part))]


def _prose(text: str) -> bool:
    """A real sentence: three words or more, not a URL or a link list, not a lead-in to
    what follows it ("As a node module:", before semver's example: its film promised "semver:
    as a node module:") and not a license line ("Licensed under the MIT license.")."""
    words = _WORD.findall(text)
    return (
        len(words) >= 3
        and not URL.search(text)
        and "|" not in text
        and "•" not in text
        and not first_sentence(text).endswith(":")
        and not _LICENSE_LINE.match(text)
    )


# a sentence about the license alone: "Licensed under the MIT license.", "Released under ...",
# "Copyright (c) 2024 ..."
_LICENSE_LINE = re.compile(
    r"^\W*(?:(?:this\s+(?:project|library|package|module|software|code)\s+is\s+)?"
    r"(?:licen[sc]ed|released|distributed|available|published)\s+under\b|copyright\b|©)",
    re.I,
)
# a license named as an adjective of what the project is: "an Apache 2.0 licensed | general-
# purpose retrying library" (tenacity), "a MIT-licensed | ...": the promise is the rest
_LICENSED = re.compile(
    r"\b(?:an?)\s+(?:(?:[A-Z0-9][\w.+]*\s+){1,3}|[A-Z][\w.+]*-)licen[sc]ed,?\s+(?=(\w))"
)
# a title heading that says what the project is after its name, as a man page's NAME line
# does: "semver(1) -- The semantic versioner for npm"
_TITLE_TAIL = re.compile(r"^[\w.@/-]+(?:\(\d\))?\s+(?:--|—|–|-|:)\s+(\S.*)$")


def _unlicensed(text: str) -> str:
    """The text without a license adjective: "Tenacity is an Apache 2.0 licensed
    general-purpose retrying library" -> "Tenacity is a general-purpose retrying library"
    (its film promised "an Apache 2.0 licensed ..." first)."""
    return _LICENSED.sub(lambda m: "an " if m.group(1) in "aeiouAEIOU" else "a ", text)


def first_sentence(text: str, limit: int = TAGLINE_MAX) -> str:
    """The paragraph's first sentence as a tagline (text.first_sentence, TAGLINE_MAX)."""
    return _first_sentence(text, limit)


_OPENING = 6  # opening prose paragraphs searched for one that names the project
_QUOTE_MARK = re.compile(r"(?m)^[ \t]*>[ \t]?")


def read_readme(text: str, name: str | None = None) -> ReadmeText:
    """Name candidates, first paragraph and tagline of a Markdown, reST or plain README.

    The paragraph is the first prose one, except that when the project's published name is
    known, the first in the opening section that says what it is ("Ky is ...") wins: many
    READMEs open on a sponsor or badge note ("Sindre's open source work is supported by the
    community.", a sponsor's own slogan) before the line that says what the project is
    ("Ky is a tiny and elegant HTTP client..."), and that note would become the film's
    tagline and end card. Not a negation ("Koa is not bundled with any middleware")."""
    titles: list[str] = []
    description = ""
    blocks = _blocks(text)
    # a paragraph's plain text is wanted twice (the opening section, the prose): made once
    plain = functools.cache(strip_markup)
    # a multi-line HTML element (<p>\n<img alt=...>\n<h1>Zod</h1>...) is read as one chunk
    joined = _TABLE.sub(" ", _COMMENT.sub(" ", text))
    for m in _H1.finditer(joined):
        inner = m.group(1)
        name = strip_markup(inner) or next((a for _, a in _ALT.findall(inner)), "")
        if name:
            titles.append(unescape(name).strip())
    for b_kind, b_text in blocks:
        if b_kind == "heading":
            titles.append(plain(b_text))
            break
    for _, alt in _ALT.findall(joined):
        titles.append(unescape(alt).strip())
    for m in _MD_IMAGE.finditer(text):
        titles.append(unescape(m.group(1) or m.group(2) or "").strip())
    # the first real paragraphs: Markdown prose, or the lines of an HTML block; a quoted
    # paragraph ("> Ky is a tiny and elegant HTTP client") only as one that names the project
    # (a quote may as well be a "> [!WARNING]" note)
    found: list[str] = []
    quoted: list[str] = []
    headings = 0  # headings read before the first paragraph found
    tail = ""  # what the title heading says after the name ("semver(1) -- The semantic ...")
    for b_kind, b_text in blocks:
        if len(found) + len(quoted) >= _OPENING or (b_kind == "heading" and found):
            break  # only the opening section: what a README says of itself before its first topic
        if b_kind == "heading":
            said = _TITLE_TAIL.match(plain(b_text)) if not headings else None
            tail = said.group(1) if said and _prose(said.group(1)) else tail
            headings += 1
        if b_kind == "para":
            clean = plain(b_text)
            if _prose(clean):
                found.append(clean)
        elif b_kind == "html":
            found.extend(ln for ln in _html_lines(b_text) if _prose(ln))
        elif b_kind == "other" and b_text.lstrip().startswith(">"):
            clean = strip_markup(_QUOTE_MARK.sub("", b_text))
            if _prose(clean) and "[!" not in b_text:
                quoted.append(clean)
                found.append(clean)
    candidates = found
    found = [f for f in found if f not in quoted]
    if not found:  # multi-line HTML blocks: their prose lines, in order
        for chunk in _BR.split(joined):
            line = strip_markup(chunk)
            if _prose(line) and not line.startswith("#"):
                found.append(line)
                if len(found) >= _OPENING:
                    break
    description = found[0] if found else ""
    # the title line's own definition ("pluggy - A minimalist production ready plugin
    # system") says what the project is; a paragraph after it may say who uses it ("This is
    # the core framework used by the pytest, tox, and devpi projects": pluggy's title card)
    # or point on. Only a paragraph that says "<name> is ..." (below) beats it.
    if tail:
        description = tail
    if name and candidates:
        says_what = re.compile(
            rf"^\W{{0,3}}{re.escape(name)}(?:\.js)?\s+(?:is|are)\s+(?!not\b)", re.I
        )
        description = next((f for f in candidates if says_what.match(f)), description)
    description = description[:500]
    prose = " ".join(URL.sub(" ", plain(t)) for k, t in blocks if k in ("para", "heading"))
    return ReadmeText(
        prose=_INLINE_CODE.sub(" ", prose),
        titles=tuple(t for t in titles if t),
        description=description,
        tagline=first_sentence(_unlicensed(description)) if description else "",
    )


_INLINE_CODE = re.compile(r"`[^`]*`")


def _prose_casing(name: str, prose: str) -> str:
    """How the README's prose spells name most often ("Express" for express), or ""."""
    counts: dict[str, int] = {}
    for m in re.finditer(r"(?<![\w.@/-])(" + re.escape(name) + r")(?![\w-])", prose, re.I):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    if not counts:
        return ""
    return max(sorted(counts), key=lambda k: counts[k])


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def choose_title(project_name: str | None, readme: ReadmeText, fallback: str) -> str:
    """The name on the title card.

    The packaging metadata's name is the truth (it is what people install and import); the
    README gives its display casing when one of its headings/logos says the same name
    ("Flask", "Commander.js", "HTTPX"), else the way the first paragraph spells it ("attrs is
    ..."). Without metadata, the README's first candidate that is a name; else fallback.
    """
    names = [t for t in readme.titles if is_name(t)]
    if project_name:
        want = _norm(project_name.rsplit("/", 1)[-1])
        for t in names:
            n = _norm(t)
            # "Commander.js" for commander; "Jinja" for jinja2 (a major version in the name)
            if (
                n == want
                or n == want.rstrip("0123456789")
                or (n.startswith(want) and n[len(want) :] in ("js", "py", "ts"))
            ):
                return t
        m = re.search(
            r"(?<![\w.-])(" + re.escape(project_name.rsplit("/", 1)[-1]) + r")(?![\w-])",
            readme.description,
            re.I,
        )
        if m:
            return m.group(1)
        casing = _prose_casing(project_name.rsplit("/", 1)[-1], readme.prose)
        return casing or project_name.rsplit("/", 1)[-1]
    return names[0] if names else fallback


# the README's code examples are read in analysis.examples; re-exported for older imports
from .examples import CodeUse, code_blocks, code_uses  # noqa: E402,F401
