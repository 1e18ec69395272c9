"""Build a RepoProfile from every file's scan result, the README and the project metadata.

Kept apart from profile.py, which decides what to read and what the cache can answer; this
is the one place that turns results into the record the story reads.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..naming import project_key
from ..terminal import shown
from .concepts import Concept, RepoProfile, ScanWarning
from .doc_members import with_member_summaries
from .docs import read_pages
from .entry_line import entry_line
from .files import Skipped, compiled_only, open_inside
from .forwards import with_forwarded
from .js_default import named_defaults
from .project import Metadata, install_line, npm_name, project_name, project_summary
from .promised import with_promise
from .raisers import with_raises
from .rank import rank
from .scan_python import FileScan
from .signature import Texts, with_factories, with_member_docs, with_params
from .text import concept_words, find_readme
from .worker import MAX_BYTES

if TYPE_CHECKING:
    from .profile import _Options


class Readme(NamedTuple):
    """The README as the profile reads it: its path (text.find_readme; None without one), its
    text ("" when unread) and {its path: why} when it was refused. The path travels with the
    text so build names it in a warning without looking for it again."""

    path: str | None
    text: str
    skipped: dict[str, str]


def readme_text(root: Path) -> Readme:
    """The README (text.find_readme: else the docs' front page) and why it was not read: a
    README is opened like any source file (files.open_inside), so a link to
    /proc/self/environ or to a file outside the repository (a docs folder linked there too)
    puts nothing of it into a title, a description or a prompt."""
    path = find_readme(root)
    if path is None:
        return Readme(None, "", {})
    try:
        fd, _ = open_inside(str(root), path)
    except Skipped as skip:
        return Readme(path, "", {path: skip.reason})
    except OSError:
        return Readme(path, "", {})
    with os.fdopen(fd, "rb") as fh:
        try:
            return Readme(path, fh.read(MAX_BYTES).decode("utf-8", "replace"), {})
        except OSError:
            return Readme(path, "", {})


def _told(c: Concept, sentence: str) -> Concept:
    """The concept with the README's sentence about it; one without a docstring takes that
    sentence's words too, so casting matches what it does (ky.get: "makes a request")."""
    if c.summary:
        return replace(c, readme_sentence=sentence)
    return replace(c, readme_sentence=sentence, words=concept_words(c.name, sentence))


def _shown(c: Concept) -> Concept:
    """The concept with its repository text as a person may read it (terminal.shown): the
    one place docstrings, README sentences and names become story text, so that captions,
    plan.json/plan.md, film.vtt, report.md, the manifest, the notebook's tables and the
    prompts all inherit it (issue 11). ``file`` stays the real path the rest opens."""
    texts = (c.name, c.summary, c.readme_sentence, c.readme_call, c.made_by, c.makes, c.caught_from)
    cleaned = tuple(shown(t) for t in texts)
    # each text cleaned once: a check of the lists (all(shown(m) == m ...)) and then their
    # cleaning cleaned the first members twice when a later one held a control
    # (raises: the errors' names, cleaned as their own concepts' are, so that
    # story.causes' ``error.name in c.raises`` compares like with like)
    lists = (c.members, c.params, c.bases, c.member_docs, c.readme_gives, c.raises)
    members, params, bases, member_docs, gives, raises = (
        tuple(shown(x) for x in seq) for seq in lists
    )
    if cleaned == texts and (members, params, bases, member_docs, gives, raises) == lists:
        return c
    name, summary, sentence, call, made_by, makes, caught = cleaned
    return replace(
        c,
        name=name,
        summary=summary,
        readme_sentence=sentence,
        readme_call=call,
        made_by=made_by,
        makes=makes,
        members=members,
        params=params,
        bases=bases,
        member_docs=member_docs,
        readme_gives=gives,
        caught_from=caught,
        raises=raises,
    )


# "This module provides various memoizing collections and decorators": a README sentence
# whose subject is the code itself says it through "this module"; the metadata's summary
# ("Extensible memoizing collections and decorators") is the same promise, said better
_SELF_OPENING = re.compile(
    r"(?:this|the)\s+(?:python\s+)?(?:module|library|package|project|repo(?:sitory)?)\s+"
    r"(?:provides|contains|offers|implements|is|has|gives)\b",
    re.I,
)


def _promise(said: list[tuple[str | None, str]]) -> tuple[str, tuple[ScanWarning, ...]]:
    """The title card's promise: the first of the sentences (README's, metadata's) that holds
    nothing redact(strict=True) masks, and a warning for each passed over.

    Why passed over, not masked: the sentence is the filmed repository's, which the user
    cannot change; one holding a key ("talks to the API with sk-proj-...") put it on the title
    card, and lint's secret-in-prompt blocked the whole film. Captions pass over a docstring
    holding one the same way; a "[redacted]" on a title card says nothing of the project."""
    from ..redact import masks

    left_out: list[ScanWarning] = []
    for where, sentence in said:
        if not sentence:
            continue
        if not masks(sentence):
            return sentence, tuple(left_out)
        left_out.append(
            ScanWarning(
                where or "package metadata (description)",  # the README's relative path
                "its first sentence holds something shaped like a key or personal data: "
                "not the title card's promise (--tagline gives one)",
            )
        )
    return "", tuple(left_out)


def build(
    root: Path,
    package: str | None,
    readme_text: str,
    results: dict[str, FileScan],
    options: _Options | None = None,
    *,
    readme_path: str | None,
    meta: Metadata | None = None,
) -> RepoProfile:
    """The profile; ``readme_path`` is where readme_text was read (Readme.path), named when
    its promise is passed over; meta: the packaging metadata as analyze() read it (read here
    when not given)."""
    # here: a warm analyze() builds nothing
    from .readme import choose_title, first_sentence, read_readme, strip_markup
    from .readme_catches import caught_from
    from .readme_factories import factory_sentences
    from .readme_names import concept_sentences, example_uses

    if options is None:
        from .profile import _Options

        options = _Options()
    if meta is None:
        meta = Metadata(root)
    published = project_name(meta)
    readme = read_readme(readme_text, published.rsplit("/", 1)[-1] if published else None)
    title = choose_title(published, readme, root.name)
    # a module that is an anonymous function (``module.exports = function``) named by its
    # package (js_default)
    results = named_defaults(results, meta)
    rows, themes = rank(
        {k: v for k, v in results.items() if "warn" not in v},
        package,
        readme=readme_text,
        include=options.include,
        include_private=options.include_private,
        meta=meta,
        docs=read_pages(root),
    )
    warnings = tuple(
        ScanWarning(rel, results[rel].get("warn") or results[rel]["partial"])
        for rel in sorted(results)
        if "warn" in results[rel] or "partial" in results[rel]
    )
    built = compiled_only(results)
    if built is not None:
        warnings = (*warnings, ScanWarning(*built))
    languages: dict[str, int] = {}
    for r in results.values():
        if "warn" not in r:
            lang = r.get("lang", "python")
            languages[lang] = languages.get(lang, 0) + 1
    concepts = with_forwarded([Concept(*row) for row in rows])  # a proxy says its target's
    said = concept_sentences(
        readme_text,
        [c.name for c in concepts if c.kind != "theme"],
        modules=[c.name for c in concepts if c.kind == "module"],
        project=title or root.name,
    )
    concepts = [_told(c, said[c.name]) if c.name in said else c for c in concepts]
    uses = example_uses(readme_text, [c.name for c in concepts if c.in_readme])
    concepts = [
        replace(c, readme_call=uses[c.name][0], readme_gives=uses[c.name][1])
        if c.name in uses
        else c
        for c in concepts
    ]
    errors = [c.name for c in concepts if c.kind == "exception"]
    caught = caught_from(readme_text, errors) if errors else {}  # what an example catches
    concepts = [replace(c, caught_from=caught[c.name]) if c.name in caught else c for c in concepts]
    concepts = with_member_docs(concepts, results)  # a README call's declared member
    texts: Texts = {}  # the source files both readers open, read once
    concepts = with_params(root, concepts, texts)  # what the undocumented ones take (captions)
    concepts = with_factories(concepts, results)  # the function that makes a class
    concepts = with_raises(concepts, results)  # the project's errors each one raises
    # a mute class made by a function: the README's section about that function
    mute = {c.name: c.made_by for c in concepts if c.made_by and not c.readme_sentence}
    told = factory_sentences(readme_text, mute, title or root.name) if mute else {}
    concepts = [replace(c, readme_sentence=told[c.name]) if c.name in told else c for c in concepts]
    concepts = with_member_summaries(root, concepts, texts)  # what a mute class's members say
    # the project's name as the repository says it: its packaging metadata's, else its
    # README's; its folder's only when neither says one. The name seeds every choice a film
    # makes between equals (casting's tie-breaks, the causes' and the ending's turns) and
    # the words no concept is cast on (scoring.project_words), and a folder's name is no
    # part of the repository: "flask-3.1.0" of an sdist, "flask-main" of a zip, "kiln0" or
    # "kiln1" of pytest's tmp_path_factory (the order tests ran in) made two films of one.
    # Compared as PyPI compares names (PEP 503: "Flask" is flask, "zope.interface"
    # zope-interface), so a change of casing is no other project; the title keeps the casing.
    name = project_key(published or title or root.name)
    # no README sentence says it: the metadata's summary does ("Retry code until ..."), read
    # as the README's prose is (a description is Markdown on PyPI and npm: its "**", links,
    # tags and "&amp;" reached the end card and prompts as written)
    summary = first_sentence(strip_markup(project_summary(meta)))
    install = install_line(meta, readme_text)
    sources: list[tuple[str | None, str]] = [(readme_path, readme.tagline), (None, summary)]
    if summary and _SELF_OPENING.match(readme.tagline):
        sources.reverse()  # the summary first; the README's if the summary holds a key
    tagline, left_out = _promise(sources)
    # what the promise names comes first (promised.py): the README's whole first sentence
    # when the promise is its (the tagline is cut at 120 characters), else the promise
    pledge = readme.description if tagline and tagline == readme.tagline else tagline
    concepts = with_promise(concepts, pledge, (name, title or ""))
    return RepoProfile(
        root=str(root),
        name=shown(name),
        title=shown(title or root.name),
        description=shown(readme.description),
        tagline=shown(tagline),
        concepts=tuple(_shown(c) for c in concepts),
        files_scanned=sum(languages.values()),
        warnings=(*warnings, *left_out),
        themes=tuple(themes),
        languages=tuple(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        install=install,
        entry=shown(entry_line(readme_text, install, npm_name(meta))),
    )
