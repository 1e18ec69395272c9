"""What a README says about each name of the code: the sentence a caption can quote.

Apart from readme.py (which reads the README once for the project's name, promise and
examples) because this part runs per concept: every name the profile keeps is looked up in the
README's prose, its reference headings ("### .option(key)") and its object sentences ("Koa's
Request object provides ..."), and its cost grows with the names (issue 14), so it is kept
small and measured on its own (tests/analysis/test_readme_cost.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from .examples import code_blocks
from .readme import _blocks, strip_markup
from .text import throws_when

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
# A heading that is a name as code: "ky.post(input, options?)", "`Client`", ".option(key)",
# "AxiosHeaders#get(header)" (a JavaScript reference's Owner#method is Owner.method).
_CODE_HEADING = re.compile(r"^`?(\.?[A-Za-z_$][\w$]*(?:[.#][A-Za-z_$][\w$]*)*)`?\s*(\(.*\))?`?$")
# A badge before a heading's name ("🆕 AxiosHeaders"): symbols and a space, no word.
_HEADING_BADGE = re.compile(r"^[^\w\s`.$]+\s+")
# The first word of a paragraph that is about something other than the heading before it
# ("The `rewrite` argument controls ..." under AxiosHeaders#set's signature).
_OTHER_SUBJECT = frozenset(
    _ELSEWHERE | {"the", "a", "an", "each", "every", "some", "your", "our", "if", "for", "in"}
)


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


def kind_sentence(name: str, sentences: list[str]) -> str:
    """The first sentence whose subject is the class ``name`` called by its kind in plain
    words: koa's README says what its ``Application`` does only as "The application object
    is Koa's interface with node's http server and handles the registration of middleware".
    A class name in lower case means other things elsewhere ("web applications"), so only as
    the subject (at most one word before it) and only before "object", "class" or
    "instance"."""
    if not name[:1].isupper() or not name.isidentifier():
        return ""
    word = re.compile(rf"\b{re.escape(name.lower())}\s+(?:object|class|instance)\b")
    for sentence in sentences:
        m = word.search(sentence)
        if m and len(sentence[: m.start()].split()) <= 1 and len(sentence.split()) >= 4:
            return sentence.replace("`", "").strip()[:SENTENCE_MAX]
    return ""


_CAMEL = re.compile(r"[a-z][A-Z]")  # "ZodError": a name written as code wherever it stands

# "command: the Command which ...": an options list's entry, a sentence about that key
_KEY_LABEL = re.compile(r"`?([a-z_$][\w$.]*)`?:\s")


# "`valid(v)`: Return the parsed version, or null if it's not valid.": a reference list's
# entry (semver's README documents each function so), the call's name then what it does
_REFERENCE_ITEM = re.compile(
    r"^`?([A-Za-z_$][\w$]*(?:[.#][A-Za-z_$][\w$]*)*)\([^()]*\)`?:\s+(?=\S)"
)
_PROSE_WORD = re.compile(r"[A-Za-z]{2,}")


def reference_items(sentences: list[str]) -> dict[str, str]:
    """Name -> what a reference list's entry says of it: "`valid(v)`: Return the parsed
    version, or null if it's not valid." -> valid: "Return the parsed version, or null if
    it's not valid." The entry's label is the call; its prose is the sentence about the name
    (read whole, the label made it "valid(v): Return ...", which no caption could say).
    Only prose of three words or more ("`gt(v1, v2)`: `v1 > v2`" is a formula); the first
    entry of a name wins."""
    out: dict[str, str] = {}
    for sentence in sentences:
        m = _REFERENCE_ITEM.match(sentence)
        if not m:
            continue
        said = sentence[m.end() :].replace("`", "").strip()
        if len(_PROSE_WORD.findall(said)) >= 3:
            out.setdefault(m.group(1).replace("#", "."), said[:SENTENCE_MAX])
    return out


# "| [`uuid.v4()`](#uuidv4) | Generate a version 4 (random) UUID |": an API table's row (uuid's
# README lists its functions so), a name as code alone in its first cell
_CELL_NAME = re.compile(r"^`([A-Za-z_$][\w$]*(?:[.#][A-Za-z_$][\w$]*)*)(?:\([^()`]*\))?`$")


def table_items(text: str, project: str = "") -> dict[str, str]:
    """Name -> what an API table's row says of it, as reference_items reads a reference
    list: "| [`uuid.v4()`](#uuidv4) | Generate a version 4 (random) UUID |" -> v4: "Generate
    a version 4 (random) UUID" (the project's own module before a name is how the README
    calls what the package hands out). Only a first cell that is one name as code, not one
    struck out (``~~uuid.v8()~~``: gone), and a second of three words or more; the first row
    of a name wins. uuid's captions read its parameters ("v4: takes options, a buf and an
    offset") and a note about v8 ("the validate() and version() methods do work")."""
    out: dict[str, str] = {}
    for kind, block in _blocks(text):
        if kind != "other" or not block.startswith("|") or "~~" in block:
            continue
        cells = [c.strip() for c in block.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        m = _CELL_NAME.match(strip_markup(cells[0], keep_code=True))
        said = strip_markup(cells[1]).strip()
        if m is None or len(_PROSE_WORD.findall(said)) < 3:
            continue
        owner, dot, short = m.group(1).replace("#", ".").rpartition(".")
        name = short if dot and project and owner.lower() == project.lower() else m.group(1)
        out.setdefault(name.replace("#", "."), said[:SENTENCE_MAX])
    return out


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
            # a class name may be in the plural ("ZodErrors contain an issues array")
            plural = "|(?P<plural>s)" if short[:1].isupper() else ""
            word = re.compile(rf"(?<![\w.]){module}{re.escape(short)}(?:\(\){plural})?(?![\w])")
        if _REFERENCE_ITEM.match(sentence):  # a reference entry: reference_items reads it
            continue
        label = _KEY_LABEL.match(sentence)
        if label and label.group(1) != name:  # "command: the Command which ...": a key's
            continue  # definition (an options list), about that key
        for m in word.finditer(sentence):
            if len(sentence[: m.start()].split()) >= NEAR_START:
                break
            if plural and m.group("plural") and m.start() > 0:
                continue  # the plural only as the subject ("... Domains and URLs." is a list)
            ticked = sentence[max(0, m.start() - 1) : m.start()] == "`"
            called = m.group(0).endswith("()")
            # a capital mid-sentence, or a CamelCase name anywhere ("ZodErrors contain"):
            # a sentence's first word is capitalised whatever it is, a CamelCase one is code
            camel = bool(_CAMEL.search(short))
            capital = short[:1].isupper() and (m.start() > 0 or camel) and not as_project
            if ticked or called or capital:
                return sentence.replace("`", "").strip()[:SENTENCE_MAX]
    return ""


def thrown_sentence(name: str, sentences: list[str]) -> str:
    """The first sentence that says when ``name`` is thrown or raised: "... will throw an
    `HTTPError` if the response status is not in the range of `200...299`" (ky, whose
    reference section only says "Exposed for instanceof checks."). What an error is for is
    when it comes, so this sentence comes first for it (concept_sentences); of several, the
    one whose condition is shortest (a caption says it whole). Only the name as
    code (backticks or CamelCase), right after the verb and its article, and only with the
    condition after it ("if", "when", ...): "The default override throws a
    `CommanderError`." says when to nobody who has not read the sentence before. ""."""
    short = name.rpartition(".")[2]
    if not short[:1].isupper() or not short.isidentifier():
        return ""
    code = rf"`{re.escape(short)}`" if not _CAMEL.search(short) else rf"`?{re.escape(short)}`?"
    pattern: re.Pattern[str] | None = None
    found: list[tuple[int, int, str]] = []  # (the condition's length, order, sentence)
    for i, sentence in enumerate(sentences):
        low = sentence.lower()
        if "throw" not in low and "rais" not in low and "reject" not in low:
            continue
        if pattern is None:
            pattern = re.compile(throws_when(code), re.I)
        m = pattern.search(sentence)
        if m and len(sentence.split()) >= 6:
            found.append((len(sentence) - m.end(), i, sentence))
    # the shortest condition: a caption holds about ten words, and says a condition whole
    # or not at all ("if the response status is not in the range" lost its "of 200...299")
    return min(found)[2].replace("`", "").strip()[:SENTENCE_MAX] if found else ""


def _heading_name(heading: str) -> tuple[str, bool]:
    """(the name a heading is, whether it is written as code) or ("", False): "ky.post" for
    "ky.post(input, options?)", "HTTPError" for "HTTPError", ".option" for ".option(key)"."""
    m = _CODE_HEADING.match(_HEADING_BADGE.sub("", heading.strip()))
    if not m:
        return "", False
    code = bool(m.group(2)) or "`" in heading or "." in m.group(1) or "#" in m.group(1)
    return m.group(1).replace("#", "."), code


def _sections(text: str) -> dict[str, str]:
    """Heading name -> the first sentence under it: an API reference's "### ky.extend(options)"
    followed by "Create a new ky instance ...". Headings in a row share the paragraph after
    them (ky.get ... ky.delete: "Sets options.method to the method name and makes a request").
    A reference may show the signature first ("### AxiosHeaders#get(header)", a code block,
    then "Returns the internal value of the header."): after one code block, the paragraph
    is the heading's when it opens with no subject of its own (not "The `rewrite` argument
    controls ...", which is about an argument)."""
    out: dict[str, str] = {}
    waiting: list[str] = []
    signature = False  # a code block came between the headings and this paragraph
    called = False  # the last heading is written as code (a plain "Arrays" shows examples)
    for kind, block in _blocks(text):
        if kind == "heading":
            name, code = _heading_name(strip_markup(block, keep_code=True))
            # a lower-case word ("options", "json": a part of the page, or an option) is no
            # name; a capitalised identifier ("HTTPError", "Client") or code is one
            if name and (code or name[:1].isupper()):
                waiting.append(name)
            else:
                waiting = []
            signature, called = False, code
        elif kind == "para" and waiting:
            first = _SENTENCE.split(strip_markup(block), maxsplit=1)[0].strip()
            opening = first.split(" ", 1)[0].strip("`*_(").lower()
            if len(first.split()) >= 3 and not (signature and opening in _OTHER_SUBJECT):
                for name in waiting:
                    out.setdefault(name, first[:SENTENCE_MAX])
            waiting = []
        elif kind == "code" and waiting and called and not signature:
            signature = True
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


class _Holding:
    """The sentences that hold a piece of text, in order, found by searching all of them
    joined once: readme_sentence and object_sentence skip every sentence without the name,
    but testing each name against each sentence was names x sentences (a hostile README of
    340,000 one-word sentences and 600 names: 200 million tests, 25 s of a cold analysis).
    Names and backticks hold no NUL, so no match spans two sentences."""

    def __init__(self, sentences: list[str]) -> None:
        self.sentences = sentences
        self.text = "\0".join(sentences)
        self.ends = list(accumulate(len(s) + 1 for s in sentences))  # one past each NUL

    def __call__(self, piece: str) -> list[str]:
        if not piece:  # in every sentence, as `"" in sentence` says
            return list(self.sentences)
        out: list[str] = []
        at = self.text.find(piece)
        while at != -1:
            i = bisect_right(self.ends, at)
            out.append(self.sentences[i])
            at = self.text.find(piece, self.ends[i])  # on from the next sentence
        return out


def concept_sentences(
    text: str, names: list[str], modules: Iterable[str] = (), project: str = ""
) -> dict[str, str]:
    """Each name's sentence in the README, for its caption: one that says when it is thrown
    (thrown_sentence: an error's), else the paragraph under a heading that names it (an API
    reference), else a reference list's entry or an API table's row for it (reference_items,
    table_items), else the first prose
    sentence about it
    (readme_sentence), else, for one of ``modules``, a sentence about the object it is named
    after (object_sentence). Read once when a profile is built and stored in it
    (Concept.readme_sentence), so a plan never reads the README."""
    if not text or not names:
        return {}
    modules = set(modules)
    sections = _sections(text)
    sentences = prose_sentences(text)
    items = reference_items(sentences)
    for key, said in table_items(text, project).items():
        items.setdefault(key, said)
    holding = _Holding(sentences)
    out: dict[str, str] = {}
    for name in names:
        # "### .option(key)" is a method of whatever the reference is about
        method = "." + name.rsplit(".", 1)[1] if "." in name else ""
        short = name.rpartition(".")[2]
        said = thrown_sentence(name, holding(short)) if not method else ""
        said = said or sections.get(name, "") or sections.get(method, "") or items.get(name, "")
        said = said or readme_sentence(name, holding(short), project)
        if not said and name in modules:
            said = object_sentence(name, holding(f"`{name.capitalize()}`"))
        if not said and not method:
            said = kind_sentence(name, holding(name.lower()))
        if said:
            out[name] = said
    return out


# ------------------------------------------------------------------ calls in the examples

CALL_MAX = 80  # characters of an example call kept from its line
_BEFORE = 80  # characters before a call read for what it is called on
# A call, a name before "(" where no word character precedes it, found in two patterns, each
# by its first character: a call on something (a "." and blanks before the name, group 1),
# and the rest, bare unless blanks stand between the name and a "." (_called_on).
_DOTTED_CALL = re.compile(r"\.\s*([A-Za-z_$][\w$]*)\s*\(")
_BARE_CALL_AT = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(")
_NAME_START = re.compile(r"[A-Za-z_$]")
RECEIVERS_MAX = 8  # receivers kept per method name: a hostile README has many


def example_calls(text: str, names: Iterable[str]) -> dict[str, str]:
    """Each name's first call in the README's examples, from the name to the end of its
    line, at most CALL_MAX characters: "YargsInstance.positional" -> "positional('port', {".
    A method is looked up by its last part, called on something first (`depot.ship(`); a
    function called bare first (`ship(`: `depot.ship("parcel")` is no call of the function
    ship), each falling back to the other (`z.string()` calls zod's function string). A call
    on what another name's owner is called (`axios.get(` where ``Axios.create`` is a name)
    is that owner's, not ``AxiosHeaders.get``'s, and a call on its own owner (`ky.get(`)
    comes before one on anything else (`headers.get(`): a method is not matched by its last
    part alone.

    One pass over the examples, whatever the number of names, and only the calls that can
    count are looked at: calls on something (_DOTTED_CALL) of the names' last parts while a
    method has fewer than RECEIVERS_MAX receivers, and bare calls until each last part has
    its first. A hostile line of 1.2 million calls of one name was 1.2 million turns of a
    Python loop (0.8 s; 600,000 of ``x.a(``, each receiver searched for, 3.7 s); the first
    is now read once, and each kept call is cut where it starts."""
    names = list(names)
    wanted = {name.rpartition(".")[2] for name in names}
    pending = set(wanted)  # last parts whose first bare call is still to be found
    bare: dict[str, str] = {}
    on: dict[str, dict[str, str]] = {}  # method -> receiver (lower case) -> first call
    for _lang, body in code_blocks(text):
        for line in body.splitlines():
            if "(" not in line:  # no call (600,000 blank lines of a hostile example)
                continue
            for m in _DOTTED_CALL.finditer(line):
                name, at = m.group(1), m.start(1)
                if name not in wanted or at - m.start() > _BEFORE:
                    continue  # its "." further back than _BEFORE: a bare call
                receivers = on.setdefault(name, {})
                if len(receivers) < RECEIVERS_MAX:
                    key = _receiver(line, max(0, at - _BEFORE), m.start()).lower()
                    if key not in receivers:
                        receivers[key] = line[at : at + CALL_MAX].strip()
            if not pending:
                continue
            for m in _BARE_CALL_AT.finditer(line):
                name, at = m.group(1), m.start()
                if name in pending and not (line[at - 1 : at].isspace() and _called_on(line, at)):
                    bare[name] = line[at : at + CALL_MAX].strip()
                    pending.discard(name)
                    if not pending:
                        break
    owners = {n.rsplit(".", 1)[0].rsplit(".", 1)[-1].lower() for n in names if "." in n}
    out = {}
    for name in names:
        owner, _, last = name.rpartition(".")
        own = owner.rsplit(".", 1)[-1]
        others = owners - {own.lower()}
        words = {w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", own)}
        # its owner's own call first (`ky.get(`, `yargs.option(` for YargsInstance), then
        # a chained one, then one on anything that is no other owner
        ranked = sorted(
            (r != own.lower() and r not in words, r != "", i, c)
            for i, (r, c) in enumerate(on.get(last, {}).items())
            if r not in others
        )
        dotted = ranked[0][3] if ranked else ""
        call = (dotted or bare.get(last, "")) if owner else (bare.get(last) or dotted)
        if call:
            out[name] = call
    return out


def _receiver(line: str, start: int, dot: int) -> str:
    """What a method is called on, the name in line[start:dot] before its "." at dot
    ("axios" of "axios.get(", "" for a chained ".get(" or "f().get("): read back from the dot
    over blanks and word characters, a few steps, where a pattern tried every start of the
    stretch (5 us a call). The name begins at the run's first character that can begin one,
    as that pattern's leftmost match did ("1abc." -> "abc")."""
    end = dot
    while end > start and line[end - 1].isspace():
        end -= 1
    begin = end
    while begin > start and (line[begin - 1].isalnum() or line[begin - 1] in "_$"):
        begin -= 1  # \w is isalnum() or "_"
    first = _NAME_START.search(line, begin, end)
    return line[first.start() : end] if first else ""


def _called_on(line: str, at: int) -> bool:
    """Whether the call at line[at] is on something: a "." before it, blanks between, within
    _BEFORE characters (the stretch _receiver reads). A "." further back (behind 80 blanks)
    makes it a bare call."""
    return line[max(0, at - _BEFORE) : at].rstrip().endswith(".")
