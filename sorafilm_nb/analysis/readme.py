"""Read a README the way a visitor does: the project's name, its one-line promise, and the
names its code examples touch.

Why a module of its own: the README is the one document written for users, so it is the best
evidence of what a maintainer would name. Its examples say which parts of the API people call
first (``@app.route``, ``click.option``); its heading or logo says what the project is called;
its first paragraph says what it promises. All three are read here, once, from the raw text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

TITLE_MAX = 40  # a title card holds a name, not a sentence
TAGLINE_MAX = 120

# ------------------------------------------------------------------ markup helpers

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)  # sponsor grids, never the promise
_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>|</p>|</h\d>|</div>", re.I)
_ALT = re.compile(r"""<img\b[^>]*?\balt\s*=\s*(["'])(.*?)\1""", re.I | re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.I | re.S)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)|!\[([^\]]*)\]\[[^\]]*\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_ONLY = re.compile(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$<>|~])")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_RST_ROLE = re.compile(r":[\w:-]+:`([^`<]*)(?:<[^>]*>)?`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
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
    # an escaped mark is a literal: hidden from the emphasis rule, restored at the end
    text = _ESCAPE.sub(lambda m: f"\x00{ord(m.group(1))}\x01", text)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _RST_ROLE.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    emphasis = _EMPHASIS_ONLY if keep_code else _EMPHASIS
    for _ in range(2):  # **`nested`**
        text = emphasis.sub(r"\2", text)
    text = re.sub("\x00(\\d+)\x01", lambda m: chr(int(m.group(1))), text)
    text = html.unescape(text)
    return " ".join(text.split())


def is_name(text: str) -> bool:
    """Whether text can stand on a title card as a project's name.

    Not a URL, not a shell prompt (``$ click_``), not an emoji line, not the name of a part of
    the page ("Logo", "Table of Contents"), and not a sentence: at most TITLE_MAX characters,
    at most five words, no sentence punctuation.
    """
    t = text.strip()
    if not t or len(t) > TITLE_MAX or _URL.search(t) or "://" in t:
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


def _is_rule(line: str) -> bool:
    return len(line) >= 3 and len(set(line)) == 1 and line[0] in "=-~^*#+"


def _blocks(text: str) -> list[tuple[str, str]]:
    """(kind, text) blocks in page order: "heading", "html", "para", "code", "other"."""
    text = _TABLE.sub("\n", _COMMENT.sub("\n", text.replace("\r\n", "\n")))
    lines = text.split("\n")
    out: list[tuple[str, str]] = []
    para: list[str] = []
    i = 0

    def flush() -> None:
        if para:
            out.append(("para", " ".join(para)))
            para.clear()

    while i < len(lines):
        line = lines[i].strip()
        raw = lines[i]
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if line.startswith(("```", "~~~")):
            flush()
            fence = line[:3]
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence):
                j += 1
            out.append(("code", ""))
            i = j + 1
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
            out.append(("html", line))
        elif raw.startswith(("    ", "\t")) and not para and not (out and out[-1][0] == "html"):
            out.append(("code", ""))
        elif (
            line.startswith(("[![", "![", "..", ":", "|", "=", ">"))
            or re.match(r"[-*+]\s|\d+[.)]\s", line)  # list items
            or _is_rule(line)
        ):
            flush()
            out.append(("other", line))
        else:
            para.append(line)
        i += 1
    flush()
    return out


def _html_lines(chunk: str) -> list[str]:
    """The text lines of an HTML fragment (split at <br>, </p>, headings)."""
    return [strip_markup(part) for part in _BR.split(chunk) if strip_markup(part)]


def _prose(text: str) -> bool:
    """A real sentence: three words or more, not a URL or a link list."""
    words = _WORD.findall(text)
    return len(words) >= 3 and not _URL.search(text) and "|" not in text and "•" not in text


def first_sentence(text: str, limit: int = TAGLINE_MAX) -> str:
    """The first sentence of a paragraph, cut at a word boundary to at most limit chars."""
    text = " ".join(text.split())
    parts = _SENTENCE_END.split(text, maxsplit=1)
    s = parts[0].strip()
    if len(s) > limit:
        cut = s[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-—")
        s = cut + "…"
    return s


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
    # a multi-line HTML element (<p>\n<img alt=...>\n<h1>Zod</h1>...) is read as one chunk
    joined = _TABLE.sub(" ", _COMMENT.sub(" ", text))
    for m in _H1.finditer(joined):
        inner = m.group(1)
        name = strip_markup(inner) or next((a for _, a in _ALT.findall(inner)), "")
        if name:
            titles.append(unescape(name).strip())
    for b_kind, b_text in blocks:
        if b_kind == "heading":
            titles.append(strip_markup(b_text))
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
    for b_kind, b_text in blocks:
        if len(found) + len(quoted) >= _OPENING or (b_kind == "heading" and found):
            break  # only the opening section: what a README says of itself before its first topic
        if b_kind == "para":
            clean = strip_markup(b_text)
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
    if name and candidates:
        says_what = re.compile(
            rf"^\W{{0,3}}{re.escape(name)}(?:\.js)?\s+(?:is|are)\s+(?!not\b)", re.I
        )
        description = next((f for f in candidates if says_what.match(f)), description)
    description = description[:500]
    prose = " ".join(_URL.sub(" ", strip_markup(t)) for k, t in blocks if k in ("para", "heading"))
    return ReadmeText(
        prose=_INLINE_CODE.sub(" ", prose),
        titles=tuple(t for t in titles if t),
        description=description,
        tagline=first_sentence(description) if description else "",
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


# ------------------------------------------------------------------ sentences about a name

NEAR_START = 5  # words before the name in a README sentence that is about it
SENTENCE_MAX = 300  # characters of a sentence kept for a caption (a caption takes ~60)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*_(\[])")
_BULLET = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")
# A sentence opening on one of these is about something named before it ("This matches the
# Command method .requiredOption()"): the name in it is not its subject.
_ELSEWHERE = frozenset(
    {"this", "that", "these", "those", "it", "its", "they", "their", "there", "here"}
    | {"which", "we", "you", "such"}
)
# A heading that is a name as code: "ky.post(input, options?)", "`Client`", ".option(key)".
_CODE_HEADING = re.compile(r"^`?(\.?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)`?\s*(\(.*\))?`?$")


def prose_sentences(text: str) -> list[str]:
    """The README's prose as sentences of plain text with `inline code` kept: paragraphs,
    blockquotes and list items (each item a sentence of its own); code, headings, tables and
    HTML left out."""
    prose: list[str] = []
    quoted: list[str] = []  # a blockquote's lines ("> Note: `hideBin` is a shorthand ...")
    for kind, block in _blocks(text):
        if kind == "other" and block.startswith(">"):
            quoted.append(block.lstrip("> ").strip())
            continue
        if quoted:
            prose.append(strip_markup(" ".join(q for q in quoted if q), keep_code=True))
            quoted = []
        m = _BULLET.match(block) if kind == "other" else None
        if m:
            item = strip_markup(m.group(1), keep_code=True)
            prose.append(re.sub(r"[.!?:;,]?\s*$", ".", item, count=1))
        elif kind == "para":
            prose.append(strip_markup(block, keep_code=True))
    if quoted:
        prose.append(strip_markup(" ".join(q for q in quoted if q), keep_code=True))
    # a paragraph ends a sentence, whatever its last character ("Stable version:")
    return [s.strip() for chunk in prose for s in _SENTENCE.split(chunk) if s.strip()]


def object_sentence(name: str, sentences: list[str]) -> str:
    """The first sentence whose subject is the object a lower-case module is named after:
    koa's ``lib/request.js`` is the `Request` of "Koa's `Request` object provides helpful
    methods ...". Only as code, and only as the subject (at most one word before it: an
    owner's name or an article), since a capitalised word means other things elsewhere."""
    if not name.islower() or not name.isidentifier():
        return ""
    word = re.compile(rf"`{re.escape(name.capitalize())}`")
    for sentence in sentences:
        m = word.search(sentence)
        if m and len(sentence[: m.start()].split()) <= 1 and len(sentence.split()) >= 4:
            return sentence.replace("`", "").strip()[:SENTENCE_MAX]
    return ""


# "command: the Command which ...": an options list's entry, a sentence about that key
_KEY_LABEL = re.compile(r"`?([a-z_$][\w$.]*)`?:\s")


def readme_sentence(name: str, sentences: list[str], project: str = "") -> str:
    """The first sentence about ``name``: one that names it among its first NEAR_START words
    ("Koa provides a Request object"), not one that mentions it in passing or whose subject
    is something said before ("This matches the Command method ..."), and names it as code:
    in backticks, called (``name()``), or capitalised mid-sentence (not when it is the
    ``project``'s own name: "Typer includes a command" is about the project, "`typer.Typer()`"
    about the class); a dotted name (``Typer.command``) only where its owner is named too. ""
    when none does."""
    owner, dot, short = name.rpartition(".")
    # Every name is looked for in every sentence (this project's README: 575 names, 101
    # sentences; most of the quickstart's cold analysis went here, issue 14): a substring
    # test rules out the sentences that cannot name it before any splitting, and the
    # pattern is compiled only for a name some sentence contains.
    word: re.Pattern[str] | None = None
    # a top-level name may be written with the project's module ("`typer.Typer()`"); not
    # with an alias of it (zod's "z.ZodType"), which examples use more than prose about it
    module = rf"(?:{re.escape(project.lower())}\.)?" if project.isidentifier() and not dot else ""
    # a name that is the project's own ("Typer") is the project wherever it is not code
    as_project = bool(project) and short.lower() == project.lower()
    for sentence in sentences:
        if short not in sentence:
            continue
        if len(sentence.split()) < 4 or (dot and owner.rsplit(".", 1)[-1] not in sentence):
            continue
        if sentence.split()[0].strip("`*_(").lower() in _ELSEWHERE:
            continue
        if word is None:
            word = re.compile(rf"(?<![\w.]){module}{re.escape(short)}(?:\(\))?(?![\w])")
        label = _KEY_LABEL.match(sentence)
        if label and label.group(1) != name:  # "command: the Command which ...": a key's
            continue  # definition (an options list), about that key
        for m in word.finditer(sentence):
            if len(sentence[: m.start()].split()) >= NEAR_START:
                break
            ticked = sentence[max(0, m.start() - 1) : m.start()] == "`"
            called = m.group(0).endswith("()")
            capital = short[:1].isupper() and m.start() > 0 and not as_project
            if ticked or called or capital:
                return sentence.replace("`", "").strip()[:SENTENCE_MAX]
    return ""


def _heading_name(heading: str) -> tuple[str, bool]:
    """(the name a heading is, whether it is written as code) or ("", False): "ky.post" for
    "ky.post(input, options?)", "HTTPError" for "HTTPError", ".option" for ".option(key)"."""
    m = _CODE_HEADING.match(heading.strip())
    if not m:
        return "", False
    code = bool(m.group(2)) or "`" in heading or "." in m.group(1)
    return m.group(1), code


def _sections(text: str) -> dict[str, str]:
    """Heading name -> the first sentence under it: an API reference's "### ky.extend(options)"
    followed by "Create a new ky instance ...". Headings in a row share the paragraph after
    them (ky.get ... ky.delete: "Sets options.method to the method name and makes a request")."""
    out: dict[str, str] = {}
    waiting: list[str] = []
    for kind, block in _blocks(text):
        if kind == "heading":
            name, code = _heading_name(strip_markup(block, keep_code=True))
            # a lower-case word ("options", "json": a part of the page, or an option) is no
            # name; a capitalised identifier ("HTTPError", "Client") or code is one
            if name and (code or name[:1].isupper()):
                waiting.append(name)
            else:
                waiting = []
        elif kind == "para" and waiting:
            first = _SENTENCE.split(strip_markup(block), maxsplit=1)[0].strip()
            if len(first.split()) >= 3:
                for name in waiting:
                    out.setdefault(name, first[:SENTENCE_MAX])
            waiting = []
        elif kind in ("code", "other"):
            waiting = []
    return out


def reference_calls(text: str) -> list[str]:
    """The calls an API reference's headings show, as code: "ky.get(input, options?)" ->
    "ky.get(input, options)". A heading of a reference names what users call as surely as
    an example does (ky documents ky.get ... ky.delete only so)."""
    out: list[str] = []
    for kind, block in _blocks(text):
        if kind != "heading":
            continue
        m = _CODE_HEADING.match(strip_markup(block, keep_code=True).strip())
        if m and m.group(2) and "." in m.group(1) and not m.group(1).startswith("."):
            args = re.sub(r"[^\w$,\s]", "", m.group(2))
            out.append(f"{m.group(1)}({args})")
    return out


def concept_sentences(
    text: str, names: list[str], modules: Iterable[str] = (), project: str = ""
) -> dict[str, str]:
    """Each name's sentence in the README, for its caption: the paragraph under a heading
    that names it (an API reference), else the first prose sentence about it
    (readme_sentence), else, for one of ``modules``, a sentence about the object it is named
    after (object_sentence). Read once when a profile is built and stored in it
    (Concept.readme_sentence), so a plan never reads the README."""
    if not text or not names:
        return {}
    modules = set(modules)
    sections = _sections(text)
    sentences = prose_sentences(text)
    out: dict[str, str] = {}
    for name in names:
        # "### .option(key)" is a method of whatever the reference is about
        method = "." + name.rsplit(".", 1)[1] if "." in name else ""
        said = sections.get(name, "") or sections.get(method, "")
        said = said or readme_sentence(name, sentences, project)
        if not said and name in modules:
            said = object_sentence(name, sentences)
        if said:
            out[name] = said
    return out


# the README's code examples are read in analysis.examples; re-exported for older imports
from .examples import CodeUse, code_blocks, code_uses  # noqa: E402,F401
