"""readme_sentence's cost grows with the names a README mentions, not with every name
(issue 14): this project's cold analysis looked each of 575 names up in every sentence and
compiled a pattern for each, most of the quickstart notebook's analyze cell. Counted, not
timed: the patterns compiled."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from sorafilm_nb.analysis import readme_names as readme


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def compile_(pattern: str, flags: int = 0) -> re.Pattern[str]:
        seen.append(pattern)
        return re.compile(pattern, flags)

    monkeypatch.setattr(readme, "re", SimpleNamespace(compile=compile_, escape=re.escape))
    return seen


def test_names_no_sentence_contains_compile_nothing(compiles: list[str]) -> None:
    sentences = [
        "The `Studio` runs every shot and settles the ledger at the billed price.",
        "Use the simulator to rehearse a film without a key.",
    ]
    names = [f"module{i}.Thing{i}" for i in range(600)]
    assert all(readme.readme_sentence(name, sentences) == "" for name in names)
    assert compiles == []
    said = readme.readme_sentence("Studio", sentences)
    assert said.startswith("The Studio runs every shot")
    assert len(compiles) == 1


def test_read_readme_strips_each_paragraph_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each paragraph's markup is taken off once, in one pass when it holds no emphasis to
    unwrap: a hostile README's 300 KB paragraph cost an emphasis pass of ~0.7 s (before
    markup.unwrap_emphasis), and it was stripped twice over, two passes each
    (tests/analysis/test_hostile_patterns.py's slowest cases). Counted, not timed: the
    emphasis passes."""
    from sorafilm_nb.analysis import readme as reader

    passes: list[str] = []
    unwrap = reader.unwrap_emphasis

    def counted(text: str) -> str:
        passes.append(text)
        return unwrap(text)

    monkeypatch.setattr(reader, "unwrap_emphasis", counted)
    said = reader.read_readme("# Evil\n\nA tool that starts things.\n")
    assert said.description == "A tool that starts things."
    assert said.prose == "Evil A tool that starts things."
    assert passes == ["Evil", "A tool that starts things."]
    passes.clear()
    # nested marks still take the second pass: **`x`** -> `x` -> x
    assert reader.strip_markup("A **`tool`** that starts.") == "A tool that starts."
    assert len(passes) == 2


def test_each_name_is_looked_for_only_in_the_sentences_that_hold_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hostile README of 340,000 one-word sentences ("A. A. ...") and a package of 600
    functions: every name was tested against every sentence (200 million tests, 25 s of a
    cold analysis). The sentences a name is in are found in one search of the whole text;
    readme_sentence and object_sentence see only those, and say what they said before."""
    seen: list[int] = []
    real_sentence, real_object = readme.readme_sentence, readme.object_sentence

    def counted_sentence(name: str, sentences: list[str], project: str = "") -> str:
        seen.append(len(sentences))
        return real_sentence(name, sentences, project)

    def counted_object(name: str, sentences: list[str]) -> str:
        seen.append(len(sentences))
        return real_object(name, sentences)

    monkeypatch.setattr(readme, "readme_sentence", counted_sentence)
    monkeypatch.setattr(readme, "object_sentence", counted_object)
    text = (
        "# Tool\n\n" + "A. " * 20_000 + "\n\nThe `Studio` runs every shot and settles it.\n\n"
        "Koa's `Request` object provides helpful methods for requests.\n"
    )
    names = [f"fn{i}" for i in range(300)] + ["Studio", "request"]
    said = readme.concept_sentences(text, names, modules=["request"])
    assert said == {
        "Studio": "The Studio runs every shot and settles it.",
        "request": "Koa's Request object provides helpful methods for requests.",
    }
    assert sum(seen) < 10


def test_a_readme_is_split_into_blocks_once_for_its_four_readers() -> None:
    """read_readme, prose_sentences, _sections and reference_calls each read the README's
    blocks: a hostile README's 600,000 lines of code were split and skipped four times over
    (0.4 s). Now once (readme._blocks keeps the last few), a fenced block skipped in one
    search for its closing line; the fences still close as they did: a line whose first
    non-blank characters are the opening's first three, whatever blank (a vertical tab, a
    form feed), a longer opening closed by three, and an unclosed one running to the end."""
    from sorafilm_nb.analysis import readme as reader

    text = (
        "# T\n\npara one\n````js\ncode\n  ```\nafter\n~~~\n```\n~~~\n\x0b```\nx\n"
        "\x0c ```py\nend\n```\nlast words\n```\nnever closed\n"
    )
    reader._blocks.cache_clear()
    assert reader._blocks(text) == (
        ("heading", "T"),
        ("para", "para one"),
        ("code", ""),
        ("heading", "after"),  # "~~~" under a line is its setext rule, no fence
        ("code", ""),
        ("para", "x"),
        ("code", ""),
        ("para", "last words"),
        ("code", ""),
    )
    reader.read_readme(text)
    readme.prose_sentences(text)
    readme._sections(text)
    readme.reference_calls(text)
    assert reader._blocks.cache_info().misses == 1
