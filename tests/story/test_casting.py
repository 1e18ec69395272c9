"""Themes load and validate; casting is deterministic, prefers names, and covers every concept."""

from __future__ import annotations

import importlib.util
import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import CONCEPT_KINDS, Concept, RepoProfile, analyze
from sorafilm_nb.errors import DataFileError
from sorafilm_nb.story.assignment import hungarian
from sorafilm_nb.story.boards import LEGAL_SECONDS
from sorafilm_nb.story.casting import (
    BASE,
    BEATS,
    MAX_ALTERNATIVES,
    NAME,
    NAME_WORD,
    Casting,
    MatchRule,
    Metaphor,
    MetaphorLibrary,
    UnknownMetaphor,
    cast,
    name_words,
    pick_concepts,
    score,
    stem,
)
from sorafilm_nb.story.lint import errors, lint_library

THEMES = ("kitchen", "space", "heist")


def concept(
    name: str,
    kind: str = "class",
    *,
    words: tuple[str, ...] = (),
    bases: tuple[str, ...] = (),
    score: float = 1.0,
    refs: int = 0,
) -> Concept:
    return Concept(
        name=name,
        kind=kind,
        file="pkg/mod.py",
        line=3,
        summary="",
        score=score,
        words=words,
        bases=bases,
        refs=refs,
    )


def profile(*concepts: Concept) -> RepoProfile:
    ordered = tuple(sorted(concepts, key=lambda c: -c.score))
    return RepoProfile(
        root="/tmp/x", name="x", title="x", description="", concepts=ordered, files_scanned=1
    )


def metaphor(
    mid: str,
    *,
    kinds: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
    words: tuple[str, ...] = (),
    beat: str = "tools",
) -> Metaphor:
    return Metaphor(
        id=mid,
        matches=MatchRule(kinds=kinds, names=names, words=words),
        gag=f"a gag for {mid}",
        props=("a prop",),
        beat=beat,
        seconds=8,
        tone="deadpan",
    )


# ------------------------------------------------------------------ the packaged themes


def test_three_packaged_themes_with_enough_mappings() -> None:
    assert set(THEMES) <= set(MetaphorLibrary.themes())
    libs = [MetaphorLibrary.load(t) for t in THEMES]
    for theme, lib in zip(THEMES, libs, strict=True):
        assert lib.theme == theme
        assert len(lib.metaphors) >= 15
        assert 3 <= len(lib.style.palette) <= 5
        assert all(m.id.startswith(f"{theme}.") for m in lib.metaphors)
        assert len(set(lib.ids())) == len(lib.ids())
    assert sum(len(lib.metaphors) for lib in libs) >= 40


@pytest.mark.parametrize("theme", THEMES)
def test_every_kind_and_every_beat_has_a_fallback(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    for kind in CONCEPT_KINDS:
        own = [m for m in lib.fallbacks(kind) if kind in m.matches.kinds]
        assert own, f"{theme}: no fallback written for kind {kind}"
    for beat in BEATS:
        found = lib.for_beat(beat)
        assert found and found[0].is_fallback, f"{theme}: no fallback for beat {beat}"


COMMON_EXCEPTIONS = (
    "ImportError",
    "ModuleNotFoundError",
    "KeyError",
    "ValueError",
    "TypeError",
    "TimeoutError",
    "FileNotFoundError",
    "PermissionError",
    "ConnectionError",
    "RecursionError",
    "MemoryError",
    "NotImplementedError",
    "AssertionError",
    "IndexError",
    "StopIteration",
    "UnicodeDecodeError",
    "AttributeError",
    "KeyboardInterrupt",
    "DeprecationWarning",
    "Exception",
)
GENERIC_CLASSES = (
    "Manager",
    "Parser",
    "Cache",
    "Client",
    "Server",
    "Queue",
    "Config",
    "Recorder",
    "Timeline",
    "Registry",
    "Loader",
    "Validator",
    "Builder",
    "Router",
    "Serializer",
    "Stream",
)


@pytest.mark.parametrize("theme", THEMES)
def test_common_exceptions_are_cast_by_name(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    for name in COMMON_EXCEPTIONS:
        best, best_score = lib.candidates(concept(name, "exception"))[0]
        assert name in best.matches.names, f"{theme}: {name} -> {best.id}"
        assert best_score >= NAME


@pytest.mark.parametrize("theme", THEMES)
def test_generic_classes_and_themes_get_specific_metaphors(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    for name in GENERIC_CLASSES:
        for c in (concept(f"Http{name}"), concept(name.lower(), "theme")):
            best, best_score = lib.candidates(c)[0]
            assert not best.is_fallback, f"{theme}: {c.kind} {c.name} -> {best.id}"
            assert best_score >= NAME_WORD
    for word in ("async", "database", "security"):
        best, _ = lib.candidates(concept(word, "theme"))[0]
        assert not best.is_fallback and best.beat == "centerpiece"


ABSTRACT = re.compile(
    r"\b(concept|abstraction|represents?|symboli[sz]es?|metaphor|"
    r"idea of|data flow|the code|algorithm)\b",
    re.I,
)


@pytest.mark.parametrize("theme", THEMES)
def test_gags_are_visible_physical_noun_phrases(theme: str) -> None:
    """The prompt reads "<protagonist> faces <gag>": a concrete noun phrase, no abstractions."""
    lib = MetaphorLibrary.load(theme)
    protagonist_noun = re.split(r"[ ,-]", lib.style.protagonist)[1]
    for m in lib.metaphors:
        first = m.gag.split()[0]
        assert first in {"a", "an", "the", "three"}, f"{m.id}: {m.gag!r}"
        assert protagonist_noun not in m.gag, f"{m.id} names the protagonist in its gag"
        for text in (m.gag, *m.props, *m.actions):
            assert not ABSTRACT.search(text), f"{m.id}: abstract wording in {text!r}"
        assert m.seconds in LEGAL_SECONDS and m.beat in BEATS
        assert m.actions, f"{m.id} has no actions for the video model"
        assert len(m.actions) <= {4: 2, 8: 3, 12: 4}[m.seconds], f"{m.id}: too many actions"


REAL_OR_COPYRIGHTED = (
    "Chaplin",
    "Buster Keaton",
    "Harold Lloyd",
    "Laurel and Hardy",
    "Elvis",
    "Einstein",
    "Tom Cruise",
    "James Bond",
    "Star Wars",
    "Mission Impossible",
    "Pink Panther",
    "Ocean's",
    "Apollo",
    "NASA",
)


@pytest.mark.parametrize("theme", THEMES)
def test_no_real_people_characters_or_music(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    s = lib.style
    texts = [s.name, s.look, s.setting, s.protagonist, s.lighting, s.sound, *s.palette]
    for m in lib.metaphors:
        texts += [m.gag, *m.props, *m.actions]
    blob = "\n".join(texts).lower()
    for name in REAL_OR_COPYRIGHTED:
        assert name.lower() not in blob, f"{theme} mentions {name}"
    # and the lint helper's full word lists (people, characters, music, secrets) agree
    assert errors(lint_library(lib)) == ()


# ------------------------------------------------------------------ malformed files

GOOD_STYLE = """
[style]
name = "n"
look = "l"
palette = ["a", "b", "c"]
setting = "s"
protagonist = "a tester in a cap"
lighting = "li"
sound = "so"
"""
GOOD_METAPHOR = """
[[metaphor]]
id = "t.one"
matches = { kinds = ["exception"], names = ["KeyError"], words = ["key"] }
gag = "a jar that will not open"
props = ["jar"]
beat = "error cascade"
seconds = 8
tone = "slapstick"
actions = ["{hero} twists the lid", "the jar spins away"]
"""


def theme_text(
    *,
    style: str = GOOD_STYLE,
    metaphors: str = GOOD_METAPHOR,
    head: str = '[theme]\nid = "t"\ntitle = "Test"\n',
) -> str:
    return head + style + metaphors


def broken(old: str, new: str) -> str:
    text = theme_text()
    assert old in text
    return text.replace(old, new, 1)


MALFORMED = [
    # (case, file text, expected entry, expected field)
    ("seconds 5", broken("seconds = 8", "seconds = 5"), "t.one", "seconds"),
    ("seconds string", broken("seconds = 8", 'seconds = "8"'), "t.one", "seconds"),
    ("seconds bool", broken("seconds = 8", "seconds = true"), "t.one", "seconds"),
    ("duplicate id", theme_text(metaphors=GOOD_METAPHOR * 2), "t.one", "id"),
    ("palette 2", broken('["a", "b", "c"]', '["a", "b"]'), "style", "palette"),
    ("palette 6", broken('["a", "b", "c"]', '["a", "b", "c", "d", "e", "f"]'), "style", "palette"),
    ("palette not list", broken('["a", "b", "c"]', '"sepia"'), "style", "palette"),
    (
        "unknown metaphor key",
        broken('tone = "slapstick"', 'tone = "x"\ntones = "y"'),
        "t.one",
        "tones",
    ),
    ("unknown matches key", broken('names = ["KeyError"]', 'name = ["KeyError"]'), "t.one", "name"),
    (
        "unknown kind",
        broken('kinds = ["exception"]', 'kinds = ["exceptions"]'),
        "t.one",
        "matches.kinds",
    ),
    ("names not strings", broken('names = ["KeyError"]', "names = [1]"), "t.one", "matches.names"),
    (
        "kinds a string",
        broken('kinds = ["exception"]', 'kinds = "exception"'),
        "t.one",
        "matches.kinds",
    ),
    (
        "matches a list",
        broken(
            'matches = { kinds = ["exception"], names = ["KeyError"], words = ["key"] }',
            'matches = ["KeyError"]',
        ),
        "t.one",
        "matches",
    ),
    (
        "word with space",
        broken('words = ["key"]', 'words = ["key ring"]'),
        "t.one",
        "matches.words",
    ),
    ("unknown beat", broken('beat = "error cascade"', 'beat = "finale"'), "t.one", "beat"),
    ("missing gag", broken('gag = "a jar that will not open"\n', ""), "t.one", "gag"),
    ("empty gag", broken('gag = "a jar that will not open"', 'gag = "  "'), "t.one", "gag"),
    ("props not list", broken('props = ["jar"]', 'props = "jar"'), "t.one", "props"),
    ("props empty", broken('props = ["jar"]', "props = []"), "t.one", "props"),
    ("props item not str", broken('props = ["jar"]', 'props = ["jar", 3]'), "t.one", "props"),
    (
        "one action",
        broken(
            'actions = ["{hero} twists the lid", "the jar spins away"]', 'actions = ["only one"]'
        ),
        "t.one",
        "actions",
    ),
    (
        "five actions",
        broken(
            'actions = ["{hero} twists the lid", "the jar spins away"]',
            'actions = ["a", "b", "c", "d", "e"]',
        ),
        "t.one",
        "actions",
    ),
    ("unknown placeholder", broken("{hero} twists", "{villain} twists"), "t.one", "actions"),
    ("placeholder in gag", broken('gag = "a jar', 'gag = "{hero} and a jar'), "t.one", "gag"),
    ("missing id", broken('id = "t.one"\n', ""), "metaphor #1", "id"),
    ("bad id", broken('id = "t.one"', 'id = "T One"'), "T One", "id"),
    ("metaphor not a table", "metaphor = [1]\n" + theme_text(metaphors=""), "metaphor #1", None),
    ("metaphor not an array", "metaphor = 1\n" + theme_text(metaphors=""), None, "metaphor"),
    ("style missing lighting", broken('lighting = "li"\n', ""), "style", "lighting"),
    (
        "unknown style key",
        broken('lighting = "li"', 'lighting = "li"\ncolour = "x"'),
        "style",
        "colour",
    ),
    ("missing style", theme_text(style=""), "style", None),
    ("missing theme", theme_text(head=""), "theme", None),
    ("theme id missing", theme_text(head='[theme]\ntitle = "T"\n'), "theme", "id"),
    (
        "unknown theme key",
        theme_text(head='[theme]\nid = "t"\ntitle = "T"\nauthor = "me"\n'),
        "theme",
        "author",
    ),
    (
        "extends nothing",
        theme_text(head='[theme]\nid = "t"\ntitle = "T"\nextends = "nope"\n'),
        "theme",
        "extends",
    ),
    ("unknown top-level", "colours = 3\n" + theme_text(), None, "colours"),
]


@pytest.mark.parametrize(
    ("case", "text", "entry", "field_name"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_theme_names_file_entry_and_field(
    tmp_path: Path, case: str, text: str, entry: str | None, field_name: str | None
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        MetaphorLibrary.load(str(path))
    err = info.value
    assert err.file == str(path)
    assert str(path) in str(err)
    assert err.entry == entry
    assert err.field == field_name
    if entry is not None:
        assert repr(entry) in str(err)
    if field_name is not None:
        assert repr(field_name) in str(err)


def test_good_user_theme_loads_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(theme_text(), encoding="utf-8")
    lib = MetaphorLibrary.load(path)
    assert lib.theme == "t" and lib.ids() == ("t.one",) and lib.source == str(path)
    assert lib.get("t.one").actions == ("{hero} twists the lid", "the jar spins away")


def test_not_toml_and_missing_file_and_unknown_theme(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[theme\nid = 1", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid TOML") as info:
        MetaphorLibrary.load(bad)
    assert info.value.file == str(bad)
    with pytest.raises(DataFileError, match="file not found"):
        MetaphorLibrary.load(tmp_path / "absent.toml")
    with pytest.raises(DataFileError, match=r"packaged themes: .*kitchen"):
        MetaphorLibrary.load("western")


# ------------------------------------------------------------------ user mappings


def test_theme_extends_a_packaged_theme(tmp_path: Path) -> None:
    kitchen = MetaphorLibrary.load("kitchen")
    path = tmp_path / "diner.toml"
    path.write_text(
        """
[theme]
id = "diner"
title = "Diner"
extends = "kitchen"

[style]
setting = "a chrome 1950s diner"

[[metaphor]]
id = "kitchen.milk-wont-pour"
matches = { kinds = ["exception"], names = ["ImportError"] }
gag = "a milkshake machine that whirs and serves an empty glass"
props = ["milkshake machine", "tall glass"]
beat = "error cascade"
seconds = 4
tone = "deadpan"

[[metaphor]]
id = "diner.jukebox"
matches = { kinds = ["class"], words = ["player"] }
gag = "a jukebox that plays the same record on repeat"
props = ["jukebox"]
beat = "centerpiece"
seconds = 8
tone = "whimsical"
""",
        encoding="utf-8",
    )
    lib = MetaphorLibrary.load(path)
    assert lib.theme == "diner"
    assert lib.style.setting == "a chrome 1950s diner"
    assert lib.style.palette == kitchen.style.palette  # inherited
    assert len(lib) == len(kitchen) + 1
    assert lib.ids()[: len(kitchen)] == kitchen.ids()  # replaced in place, order kept
    assert lib.get("kitchen.milk-wont-pour").seconds == 4
    assert lib.ids()[-1] == "diner.jukebox"
    assert str(path) in lib.source and "kitchen.toml" in lib.source
    assert MetaphorLibrary.load("kitchen").get("kitchen.milk-wont-pour").seconds == 8


def test_extends_loop_is_an_error(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'[theme]\nid = "a"\ntitle = "A"\nextends = "{b}"\n', encoding="utf-8")
    b.write_text(f'[theme]\nid = "b"\ntitle = "B"\nextends = "{a}"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="loop") as info:
        MetaphorLibrary.load(a)
    assert info.value.field == "extends"


def test_a_relative_extends_is_read_beside_the_file_that_says_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    themes = tmp_path / "themes"
    (themes / "base").mkdir(parents=True)
    (themes / "base" / "good.toml").write_text(
        '[theme]\nid = "good"\ntitle = "Good"\nextends = "kitchen"\n'
        + GOOD_METAPHOR.replace("t.one", "good.jar"),
        encoding="utf-8",
    )
    child = themes / "child.toml"
    child.write_text(
        '[theme]\nid = "child"\ntitle = "Child"\nextends = "base/good.toml"\n',
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not where the theme files are
    lib = MetaphorLibrary.load(child)
    assert lib.theme == "child" and "good.jar" in lib.ids()
    # relative loops are still loops
    a, b = themes / "a.toml", themes / "b.toml"
    a.write_text('[theme]\nid = "a"\ntitle = "A"\nextends = "./b.toml"\n', encoding="utf-8")
    b.write_text('[theme]\nid = "b"\ntitle = "B"\nextends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="loop"):
        MetaphorLibrary.load(a)


def test_extra_mapping_files_merge_into_a_theme(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(GOOD_METAPHOR.replace("t.one", "mine.jar"), encoding="utf-8")
    lib = MetaphorLibrary.load("space", extra=[mine])
    assert lib.theme == "space" and lib.ids()[-1] == "mine.jar"
    assert str(mine) in lib.source
    styled = tmp_path / "styled.toml"
    styled.write_text(GOOD_STYLE + GOOD_METAPHOR, encoding="utf-8")
    with pytest.raises(DataFileError, match="extends") as info:
        MetaphorLibrary.load("space", extra=[styled])
    assert info.value.field == "style"
    twice = tmp_path / "twice.toml"
    twice.write_text(GOOD_METAPHOR * 2, encoding="utf-8")
    with pytest.raises(DataFileError, match="duplicate") as info:
        MetaphorLibrary.load("space", extra=[twice])
    assert (info.value.entry, info.value.field) == ("t.one", "id")


def test_with_metaphors_adds_replaces_and_validates() -> None:
    lib = MetaphorLibrary.load("heist")
    mine = metaphor("mine.rubber-stamp", kinds=("class",), names=("Stamper",))
    replaced = replace(lib.get("heist.empty-safe"), gag="an empty safe with a cobweb")
    new = lib.with_metaphors(mine, replaced)
    assert len(new) == len(lib) + 1
    assert new.get("heist.empty-safe").gag == "an empty safe with a cobweb"
    assert lib.get("heist.empty-safe").gag != "an empty safe with a cobweb"  # frozen original
    assert cast(profile(concept("Stamper")), new).entries[0].metaphor.id == "mine.rubber-stamp"
    with pytest.raises(DataFileError) as info:
        lib.with_metaphors(replace(mine, seconds=5))
    assert (info.value.entry, info.value.field) == ("mine.rubber-stamp", "seconds")
    with pytest.raises(DataFileError) as info:
        lib.with_metaphors(replace(mine, beat="credits"))
    assert info.value.field == "beat"
    with pytest.raises(UnknownMetaphor, match="no metaphor 'nope'"):
        lib.get("nope")
    with pytest.raises(UnknownMetaphor, match=r"did you mean heist\.empty-safe"):
        lib.get("heist.emtpy-safe")


# ------------------------------------------------------------------ scoring and casting


def test_name_words_and_stems() -> None:
    assert name_words("HTTPStatusError") == ("http", "status", "error")
    assert name_words("get_json_loader") == ("get", "json", "loader")
    assert name_words("ModuleNotFoundError") == ("module", "not", "found", "error")
    assert len({stem(w) for w in ("parser", "parse", "parsing", "parses")}) == 1
    assert len({stem(w) for w in ("cache", "cached", "caching", "caches")}) == 1
    assert stem("config") != stem("timeout")


def test_exact_name_beats_any_word_match() -> None:
    by_name = metaphor("t.by-name", kinds=("exception",), names=("FooError",))
    by_words = metaphor("t.by-words", kinds=("exception",), words=("foo", "bar", "baz", "qux"))
    lib = MetaphorLibrary.load("kitchen").with_metaphors(by_words, by_name)
    c = concept("FooError", "exception", words=("foo", "bar", "baz", "qux"))
    assert score(c, by_name) > score(c, by_words) > 0
    assert cast(profile(c), lib).entries[0].metaphor.id == "t.by-name"
    # on the packaged theme too: ImportError's docstring words point elsewhere, its name wins
    imp = concept("ImportError", "exception", words=("loader", "load", "cache", "queue"))
    assert cast(profile(imp), "kitchen").entries[0].metaphor.id == "kitchen.milk-wont-pour"


def test_base_class_match_and_kind_rules() -> None:
    lib = MetaphorLibrary.load("kitchen")
    mine = concept("SettingMissing", "exception", bases=("KeyError",))
    assert lib.candidates(mine)[0][0].id == "kitchen.wrong-tin"
    queue_class = concept("JobQueue", "class")
    queue_exc = concept("JobQueue", "exception")
    teacups = lib.get("kitchen.teacups-in-a-row")
    assert score(queue_exc, teacups) == 0  # a feat gag never plays an error (issue 12)
    neutral = replace(teacups, polarity="neutral")  # a gag for either: the kind rule applies
    assert score(queue_exc, neutral) == score(queue_class, neutral) / 2 - 2  # half, no KIND
    # an exception whose only overlap is a docstring word of a class gag gets an exception
    # fallback rather than the class gag
    odd = concept("Zqx", "exception", words=("queue",))
    assert lib.candidates(odd)[0][0].is_fallback


def test_every_concept_gets_a_metaphor_even_with_no_match() -> None:
    # a theme is filmed only when it names a recurring idea (refs, and a name in the code)
    concepts = [
        concept(f"Zq{i}", kind, refs=5) for i, kind in enumerate(CONCEPT_KINDS) if kind != "theme"
    ]
    concepts.append(concept("zqfour", "theme", refs=5))
    concepts.append(concept("ZqfourHolder", "module"))
    casting = cast(profile(*concepts), "space", top=len(concepts))
    # ... and only when some gag plays it: a word is never a weak fit's paid shot (selection)
    assert [e.concept.name for e in casting.entries] == [
        c.name for c in concepts if c.kind != "theme"
    ]
    for e in casting.entries:
        assert e.score > 0 and e.metaphor.is_fallback
        assert e.metaphor.id in casting.library


def test_no_metaphor_reused_while_an_alternative_exists() -> None:
    a = concept("ImportError", "exception", score=3.0)
    b = concept("ModuleNotFoundError", "exception", score=2.0)
    casting = cast(profile(a, b), "kitchen")
    ids = [e.metaphor.id for e in casting.entries]
    assert len(set(ids)) == 2 and "kitchen.milk-wont-pour" in ids


def test_reuse_only_when_the_theme_has_nothing_else() -> None:
    base = MetaphorLibrary.load("kitchen")
    only = metaphor("t.only", beat="victory")
    tiny = replace(base, metaphors=(only,))
    casting = cast(profile(*(concept(f"C{i}", score=float(i)) for i in range(3))), tiny)
    assert [e.metaphor.id for e in casting.entries] == ["t.only"] * 3


def test_assignment_gives_up_a_name_match_that_has_a_second_good_match() -> None:
    """InvalidURL (a ValueError) and HTTPError both name the HTTP gag; the one with another
    good match (its base class) takes that, so neither falls back to a generic gag. The
    kitchen's other HTTP error gag is left out: with it both have a name match of their own."""
    invalid = concept(
        "InvalidURL", "exception", bases=("RequestException", "ValueError"), score=5.0
    )
    http = concept("HTTPError", "exception", score=4.0)
    kitchen = MetaphorLibrary.load("kitchen")
    alone = tuple(m for m in kitchen.metaphors if m.id != "kitchen.grocer-sends-boots")
    lib = replace(kitchen, metaphors=alone).with_metaphors(
        metaphor(
            "kitchen.wrong-order-through-the-hatch",
            kinds=("exception",),
            names=("HTTPError", "InvalidURL"),
        )
    )
    got = {e.concept.name: e for e in cast(profile(invalid, http), lib).entries}
    assert got["HTTPError"].metaphor.id == "kitchen.wrong-order-through-the-hatch"
    assert got["InvalidURL"].metaphor.id == "kitchen.giant-biscuit"  # the ValueError gag
    assert not any(e.metaphor.is_fallback for e in got.values())


def test_a_strong_match_is_not_split_into_two_middling_ones() -> None:
    """ScreenRecorder matches the camera gag on two name words; the docstring theme "screen"
    on one. The class keeps the camera (the seed's own mapping) and the theme takes less."""
    rec = concept("ScreenRecorder", score=3.0)
    screen = concept("screen", "theme", score=2.0, refs=5)
    got = {e.concept.name: e for e in cast(profile(rec, screen), "kitchen").entries}
    assert got["ScreenRecorder"].metaphor.id == "kitchen.hand-cranked-camera"
    assert got["screen"].metaphor.id != "kitchen.hand-cranked-camera"


def test_hungarian_finds_the_cheapest_assignment() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None)
    @given(
        st.integers(1, 4).flatmap(
            lambda n: st.tuples(
                st.just(n),
                st.integers(n, 6).flatmap(
                    lambda m: st.lists(
                        st.lists(st.integers(-50, 50), min_size=m, max_size=m),
                        min_size=n,
                        max_size=n,
                    )
                ),
            )
        )
    )
    def check(case: tuple[int, list[list[int]]]) -> None:
        n, cost = case
        m = len(cost[0])
        got = hungarian(cost)
        assert len(set(got)) == n and all(0 <= j < m for j in got)
        best = min(
            sum(cost[i][p[i]] for i in range(n)) for p in itertools.permutations(range(m), n)
        )
        assert sum(cost[i][got[i]] for i in range(n)) == best

    check()


def mixed_profile() -> RepoProfile:
    cs = [concept(f"helper_{i}", "function", score=20.0 - i) for i in range(8)]
    cs += [
        concept(n, "exception", score=s)
        for n, s in (
            ("ImportError", 5.0),
            ("KeyError", 4.0),
            ("TimeoutError", 3.5),
            ("OSError", 1.0),
        )
    ]
    cs += [
        concept(n, "class", score=s)
        for n, s in (("Parser", 6.0), ("Cache", 5.5), ("Recorder", 4.5), ("Thing", 0.5))
    ]
    cs += [concept("speed", "theme", score=2.0), concept("parser", "theme", score=1.9)]
    cs += [concept("helper_0", "module", score=19.5)]  # same name as a function: once only
    return profile(*cs)


def test_pick_concepts_caps_exceptions_and_themes_and_keeps_score_order() -> None:
    """Issue 12: exceptions take at most a quarter of the places, themes at most one (and
    only a recurring idea), the rest goes by the analysis score."""
    picked = pick_concepts(mixed_profile(), 8)
    kinds = [c.kind for c in picked]
    assert kinds.count("exception") <= 2  # 8 // 4
    assert [c.name for c in picked] == [f"helper_{i}" for i in range(8)]  # by score
    by_exc = pick_concepts(mixed_profile(), 12)
    assert [c.kind for c in by_exc].count("exception") == 1  # by score: ImportError only
    assert kinds.count("theme") == 0  # "speed" and "parser" recur in no docstring (refs 0)
    assert [c.score for c in picked] == sorted((c.score for c in picked), reverse=True)
    names = [c.name.lower() for c in picked]
    assert len(names) == len(set(names))
    assert pick_concepts(mixed_profile(), 0) == ()
    # when nothing else is left, exceptions fill the places (a film needs concepts)
    assert len(pick_concepts(mixed_profile(), 100)) == len(mixed_profile().concepts) - 3


def test_casting_is_deterministic() -> None:
    first = cast(mixed_profile(), "heist", top=10)
    for _ in range(3):
        again = cast(mixed_profile(), MetaphorLibrary.load("heist"), top=10)
        assert again == first
    shuffled = profile(*reversed(mixed_profile().concepts))
    assert cast(shuffled, "heist", top=10).entries == first.entries


def test_alternatives_are_ranked_and_include_the_pick() -> None:
    casting = cast(mixed_profile(), "kitchen", top=10)
    for e in casting.entries:
        scores = [s for _, s in e.alternatives]
        assert scores == sorted(scores, reverse=True) and len(scores) <= MAX_ALTERNATIVES
        assert (e.metaphor.id, e.score) in e.alternatives or e.score <= scores[-1]
        assert all(mid in casting.library for mid, _ in e.alternatives)


def test_recast_returns_a_new_casting() -> None:
    casting = cast(mixed_profile(), "kitchen")
    entry = casting.entry("Parser")
    other = next(mid for mid, _ in entry.alternatives if mid != entry.metaphor.id)
    new = casting.recast("Parser", other)
    assert isinstance(new, Casting) and new is not casting
    assert new.entry("Parser").metaphor.id == other
    assert new.entry("Parser").score == dict(entry.alternatives)[other]
    assert casting.entry("Parser").metaphor.id == entry.metaphor.id  # original untouched
    assert [e for e in new.entries if e.concept.name != "Parser"] == [
        e for e in casting.entries if e.concept.name != "Parser"
    ]

    typed = new.recast("parser", custom_gag="  a loaf that   slices itself ")
    assert typed.entry("Parser").gag == "a loaf that slices itself"
    assert typed.entry("Parser").metaphor.id == other  # props, beat, timing kept
    assert typed.recast("Parser", custom_gag="").entry("Parser").custom_gag is None
    picked_again = typed.recast(0, entry.metaphor.id)
    assert picked_again.entries[0].custom_gag is None  # a dropdown pick replaces typed text

    with pytest.raises(UnknownMetaphor, match="no concept 'Nope'"):
        casting.recast("Nope", other)
    with pytest.raises(UnknownMetaphor, match="no metaphor"):
        casting.recast("Parser", "kitchen.nope")
    with pytest.raises(ValueError, match="needs"):
        casting.recast("Parser")
    with pytest.raises(ValueError, match="characters"):
        casting.recast("Parser", custom_gag="x" * 400)


def test_to_dict_is_plain_data() -> None:
    import json

    casting = cast(mixed_profile(), "space", top=4)
    data = json.loads(json.dumps(casting.to_dict()))
    assert data["theme"] == "space" and len(data["entries"]) == 4
    assert data["entries"][0]["metaphor"] == casting.entries[0].metaphor.id
    assert data["style"]["palette"] == list(casting.library.style.palette)


# ------------------------------------------------------------------ real third-party code


def installed(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin, f"{package} is a dev dependency; install it"
    return Path(spec.origin).parent


@pytest.fixture(scope="module")
def real_profiles() -> dict[str, RepoProfile]:
    return {pkg: analyze(installed(pkg), use_cache=False) for pkg in ("httpx", "requests")}


@pytest.mark.parametrize("pkg", ["httpx", "requests"])
@pytest.mark.parametrize("theme", THEMES)
def test_casting_real_packages(real_profiles: dict[str, RepoProfile], pkg: str, theme: str) -> None:
    prof = real_profiles[pkg]
    casting = cast(prof, theme, top=8)
    assert len(casting.entries) == 8
    ids = [e.metaphor.id for e in casting.entries]
    assert len(set(ids)) == len(ids)  # the theme has plenty: nothing reused
    for e in casting.entries:
        assert e.metaphor.id in casting.library and e.score > 0 and e.gag
    specific = [e for e in casting.entries if e.score >= NAME_WORD]
    assert len(specific) >= 3, [(e.concept.name, e.metaphor.id, e.score) for e in casting.entries]
    # every exception the theme names explicitly is cast by its name, or yields that gag to
    # another concept and takes a base-class match instead; never a fallback
    lib = casting.library
    named = {n for m in lib.metaphors for n in m.matches.names}
    for e in casting.entries:
        if e.concept.kind == "exception" and e.concept.name in named:
            assert e.score >= BASE, (e.concept.name, e.metaphor.id, e.score)
    assert {e.concept.kind for e in casting.entries} >= {"exception", "class"}


CAST_IN_CHILD = """
import json
from sorafilm_nb.analysis.profile import Concept, RepoProfile
from sorafilm_nb.story.casting import cast
names = [("ImportError", "exception"), ("ModuleNotFoundError", "exception"),
         ("KeyError", "exception"), ("Zq", "exception"), ("SessionManager", "class"),
         ("CacheManager", "class"), ("Thing", "class"), ("speed", "theme"),
         ("load_all", "function"), ("pkg.loader", "module")]
concepts = tuple(Concept(n, k, "m.py", 1, "", 10.0 - i, words=("cache", "queue", "load"))
                 for i, (n, k) in enumerate(names))
profile = RepoProfile("/r", "r", "r", "", concepts, 1)
print(json.dumps([cast(profile, t, top=10).to_dict() for t in ("kitchen", "space", "heist")]))
"""


def test_casting_is_identical_across_processes_and_hash_seeds() -> None:
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", CAST_IN_CHILD],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


# Verbs a gag's main clause must not carry: the prompt reads "<protagonist> faces <gag>", so a
# gag is a noun phrase ("an icebox that bursts open"), never a sentence ("an icebox bursts").
_FINITE = {
    "bursts",
    "opens",
    "slides",
    "sends",
    "leads",
    "lowers",
    "swings",
    "starts",
    "holds",
    "lands",
    "rings",
    "spills",
    "falls",
    "arrives",
    "pours",
    "breaks",
    "explodes",
    "drops",
}
_RELATIVE = {"that", "which", "who", "whose", "where", "when", "until", "while", "as"}


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
def test_every_packaged_gag_reads_after_faces(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    bad = []
    for m in lib.metaphors:
        words = re.split(r"[:;,]", m.gag, maxsplit=1)[0].lower().split()
        for i, w in enumerate(words):
            if w in _FINITE and not _RELATIVE & set(words[:i]):
                bad.append(f"{m.id}: {m.gag}")
                break
    assert not bad, "gags that are sentences, not noun phrases:\n" + "\n".join(bad)


def test_cast_takes_a_path_like_plan_does_and_says_what_else_it_takes(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(
        'class CartError(Exception):\n    """The cart is broken."""\n\n\n'
        "def checkout():\n    raise CartError()\n"
    )
    from_path = cast(str(tmp_path), "kitchen")
    assert from_path.entries and from_path == cast(analyze(str(tmp_path)), "kitchen")
    assert cast(tmp_path, "kitchen").entries == from_path.entries
    with pytest.raises(TypeError, match="a path or a RepoProfile"):
        cast(42, "kitchen")  # type: ignore[arg-type]


def test_recast_of_a_missing_index_names_the_range(tmp_path: Path) -> None:
    casting = cast(mixed_profile(), "kitchen", top=3)
    with pytest.raises(IndexError, match=r"no concept #9 .*0-2"):
        casting.recast(9, custom_gag="a teapot")


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
def test_every_packaged_metaphors_actions_fit_every_clip_length(theme: str) -> None:
    """At any clip length (a 4 s clip plays the first two lines), a metaphor's actions pass
    the too-many-actions rule: the packaged themes must not trip the product's own lint."""
    import math

    from sorafilm_nb.story.lint import Rules, count_actions
    from sorafilm_nb.story.prompts import timed_lines

    per = Rules.load().seconds_per_action
    over = []
    for m in MetaphorLibrary.load(theme).metaphors:
        if not m.actions:
            continue
        for seconds in (4, 8, 12):  # the storyboard may give it any clip length
            lines = list(m.actions)[: 2 if seconds <= 4 else 3 if seconds <= 8 else 4]
            n = count_actions(timed_lines(lines, seconds))
            if n > max(1, math.ceil(seconds / per)):
                over.append(f"{m.id}: {n} actions in {seconds} s")
    assert not over, over


def test_a_mappings_only_file_given_as_a_theme_says_how_to_extend_one(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[[metaphor]]\nid = "mine.teapot"\ngag = "a teapot that whistles a warning"\n'
        'props = ["teapot"]\nbeat = "tools"\nseconds = 4\ntone = "deadpan"\n'
    )
    with pytest.raises(DataFileError, match=r"missing \[theme\].*extends = \"kitchen\""):
        MetaphorLibrary.load(mine)
    # ... and the advice works
    mine.write_text(
        '[theme]\nid = "mine"\ntitle = "Mine"\nextends = "kitchen"\n\n' + mine.read_text()
    )
    assert "mine.teapot" in MetaphorLibrary.load(mine)
