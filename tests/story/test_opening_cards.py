"""The film says what the package is for first, and ends on how to get it.

A reviewer: "the film doesn't say what the package does until the end: the title card is just
the name, and the README's one-line description only appears in the last shot, 82 s in", and
"the end card repeats the title, because the last shot already said the description". So the
title card is the name and the README's promise (the words the ending's reprise already says),
and the closing card the name and how to get it ("Brew: pip install brew"), only for a package
the project says is published; else the name alone. Both reach every face of the plan: its
timeline (Plan.captions), the WebVTT track, plan.json and the plan's table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from brew_repo import ERRORS, write_brew

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.markup import MD_DOLLAR
from sorafilm_nb.story.captions import card_seconds, reading_seconds, to_webvtt
from sorafilm_nb.story.planning import plan

TITLE = "Brew: a small library for brewing tea by the pot"  # the README's promise, with its name
CLOSING = "Brew: pip install brew"
PKG_INFO = "Metadata-Version: 2.1\nName: brew\nVersion: 1.0\n"


def _brew(root: Path, *, published: bool) -> Path:
    write_brew(root, ["Kettle", "Teapot", "pour", "steep", "serve", *ERRORS])
    if published:  # an sdist as PyPI serves it: its PKG-INFO names the package
        (root / "PKG-INFO").write_text(PKG_INFO, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return analyze(_brew(tmp_path_factory.mktemp("brew"), published=True), use_cache=False)


@pytest.mark.parametrize("template", ["silent-90", "teaser-30", "single-12"])
def test_the_title_card_says_what_it_is_for_and_the_closing_card_how_to_get_it(
    published, template: str
) -> None:  # type: ignore[no-untyped-def]
    p = plan(published, template=template)
    board = p.storyboard
    assert board.shots[0].card == TITLE  # it said "Brew"
    assert board.end_card == CLOSING  # it said the promise, or "Brew" after a reprise of it
    cards = p.cards()
    assert (cards[0].kind, cards[0].start, cards[0].text) == ("title", 0.0, TITLE)
    assert (cards[-1].kind, cards[-1].text, cards[-1].shot_id) == ("card", CLOSING, None)
    # held as long as it takes to read, and lint agrees: no caption-too-long on the cards
    assert cards[0].seconds == card_seconds(TITLE) >= reading_seconds(TITLE)
    assert not [f for f in p.findings if f.rule == "caption-too-long"]
    track = to_webvtt(p.captions)
    assert f"\n{TITLE}\n" in track and track.rstrip().endswith(CLOSING)
    data = json.loads(p.to_json())
    assert data["shots"][0]["card"] == TITLE and data["end_card"] == CLOSING
    table = p.to_markdown().replace(MD_DOLLAR, "$")
    assert f"Title card: {TITLE}" in table and f"End card: {CLOSING}" in table
    n = len(cards)
    assert (
        p.cards_text == f"{n} caption cards ({sum(c.seconds for c in cards):g} s on screen) at $0"
    )


def test_the_ending_still_keeps_the_promise_and_the_closing_card_no_longer_repeats_it(
    published,
) -> None:  # type: ignore[no-untyped-def]
    board = plan(published).storyboard
    last = board.shots[-1]
    assert last.reprise and last.caption == TITLE  # the promise kept, as before
    assert board.end_card != last.caption


def test_a_package_nobody_says_is_published_closes_on_its_name(tmp_path: Path) -> None:
    """brew's pyproject.toml names it, as every pyproject.toml names its project: no
    PKG-INFO and no install command in its README, so no `pip install brew` on screen."""
    profile = analyze(_brew(tmp_path / "brew", published=False), use_cache=False)
    p = plan(profile)
    assert (p.storyboard.shots[0].card, p.storyboard.end_card) == (TITLE, "Brew")
    assert p.cards()[-1].text == "Brew"


def test_without_a_promise_the_title_card_is_the_name(tmp_path: Path) -> None:
    root = _brew(tmp_path / "brew", published=True)
    profile = analyze(root, use_cache=False, tagline="")
    board = plan(profile).storyboard
    assert (board.shots[0].card, board.end_card) == ("Brew", CLOSING)


KEY = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop0123456789"


def test_a_promise_holding_a_key_is_no_promise_and_blocks_nothing(tmp_path: Path) -> None:
    """The title card's promise is the filmed repository's first README sentence, else its
    metadata's description: one holding a key ("Brew talks to the API with sk-proj-...")
    put the key on the title card, and lint's secret-in-prompt blocked the film of a
    repository the user cannot change, with a fix that spoke of prompts. A docstring holding
    one is passed over by the captions; so is the promise now: the next source says it (here
    the metadata's description), and a warning says which sentence was left out and why."""
    root = _brew(tmp_path / "keyed", published=True)
    readme = (root / "README.md").read_text(encoding="utf-8")
    first = "Brew is a small library for brewing tea by the pot."
    assert first in readme
    (root / "README.md").write_text(
        readme.replace(first, f"Brew talks to the tea API with {KEY} by the pot."),
        encoding="utf-8",
    )
    (root / "pyproject.toml").write_text(
        '[project]\nname = "brew"\ndescription = "Tea brewed by the pot."\n', encoding="utf-8"
    )
    profile = analyze(root, use_cache=False)
    assert KEY not in profile.tagline and profile.tagline == "Tea brewed by the pot."
    assert any("key" in w.reason and "README" in w.file for w in profile.warnings)
    p = plan(profile, template="teaser-30")
    assert not p.blocked, [f.message for f in p.findings]
    assert p.storyboard.shots[0].card == "Brew: tea brewed by the pot"
    # and a description holding one too: the name alone, as for a README that says nothing
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "brew"\ndescription = "Tea with {KEY} by the pot."\n',
        encoding="utf-8",
    )
    bare = analyze(root, use_cache=False)
    assert bare.tagline == "" and len([w for w in bare.warnings if "key" in w.reason]) == 2
    assert plan(bare, template="teaser-30").storyboard.shots[0].card == "Brew"


def test_the_tools_card_says_no_install_the_closing_card_would_not(tmp_path: Path) -> None:
    """The tools card and the "{title} starts with {entry}" caption said "npm install NAME"
    for every JavaScript project, NAME being the metadata's name with its scope cut off
    ("@acme/kit" -> "kit": another package, whoever owns it) or, with no metadata, the
    README's heading in lower case: the hostile repository's words as a command, for a name
    nobody said is published. The film's one install line is RepoProfile.install's."""
    from sorafilm_nb.story.card_facts import facts

    def js(root: Path, meta: dict[str, str] | None, readme: str) -> Path:
        root.mkdir()
        if meta is not None:
            (root / "package.json").write_text(json.dumps(meta), encoding="utf-8")
        (root / "README.md").write_text(readme, encoding="utf-8")
        (root / "index.js").write_text(
            "/** Brew a pot of tea. */\nexport function brew(pot) { return pot }\n",
            encoding="utf-8",
        )
        return root

    scoped = analyze(
        js(tmp_path / "a", {"name": "@acme/kit"}, "# kit\n\nKit brews.\n"), use_cache=False
    )
    headed = analyze(js(tmp_path / "b", None, "# evil-pkg\n\nIt brews.\n"), use_cache=False)
    for profile in (scoped, headed):
        said = facts(profile)
        assert profile.install == ""
        assert "install" not in said["tools"] and "install" not in said["entry"], said
    told = analyze(
        js(tmp_path / "c", {"name": "@acme/kit"}, "# kit\n\n    npm i @acme/kit\n"), use_cache=False
    )
    # the closing card says how to get it; the tools card never repeats it (koa's said
    # "JavaScript · npm install koa" above a closing "koa: npm install koa")
    assert told.install == "npm install @acme/kit" and facts(told)["tools"] == "JavaScript"
    started = analyze(
        js(
            tmp_path / "d",
            {"name": "@acme/kit"},
            "# kit\n\n    npm i @acme/kit\n\n```js\nconst other = require('other');\n"
            "const kit = require('@acme/kit/brew');\nkit.brew(pot);\n```\n",
        ),
        use_cache=False,
    )
    # how a program starts with it, as the README writes it for this package (not another)
    assert started.entry == "const kit = require('@acme/kit/brew')"
    assert facts(started)["tools"] == "JavaScript · const kit = require('@acme/kit/brew')"


def _tiny_ms(root: Path, readme_install: bool) -> Path:
    root.mkdir(parents=True)
    (root / "package.json").write_text('{"name": "tiny-ms", "main": "index.js"}\n')
    (root / "index.js").write_text(
        "/** Parse or format the given `val`. */\n"
        "module.exports = function (val, options) { return val; };\n"
    )
    install = "```\nnpm install tiny-ms\n```\n\n" if readme_install else ""
    (root / "README.md").write_text(
        f"# tiny-ms\n\nConvert time formats to milliseconds.\n\n{install}"
        "```js\ntinyMs('2 days')\n```\n"
    )
    return root


@pytest.mark.parametrize("said", [False, True])
def test_the_tools_card_and_the_closing_card_say_one_way_to_get_it(
    tmp_path: Path, said: bool
) -> None:
    """npm's ms: the tools card said "JavaScript · npm install ms" (package.json's name)
    while the closing card said "ms" (no install command in its README); then both said
    "npm install": the closing card alone says it now (RepoProfile.install)."""
    p = plan(analyze(_tiny_ms(tmp_path / "ms", said), use_cache=False))
    texts = [c.text for c in p.cards()] + [s.caption for s in p.storyboard.shots]
    install = [t for t in texts if "npm install" in t]
    if said:
        assert install == ["tiny-ms: npm install tiny-ms"], texts
        assert p.storyboard.end_card == "tiny-ms: npm install tiny-ms"
    else:
        assert not install, install
        assert p.storyboard.end_card == "tiny-ms"


def test_the_tools_card_says_the_readmes_own_import_line(tmp_path: Path) -> None:
    """tabulate's tools card said "Python · import tabulate" above a README whose examples
    all start ``from tabulate import tabulate``: how its users start is the README's line
    (analysis.entry_line), when it imports the package the code lives in; else the package."""
    from sorafilm_nb.story.card_facts import facts

    root = _brew(tmp_path / "brew", published=True)
    assert (
        facts(analyze(root, use_cache=False))["tools"] == "Python · from brew import Kettle, pour"
    )
    readme = (root / "README.md").read_text(encoding="utf-8")
    (root / "README.md").write_text(readme.replace("from brew import", "from brew2 import"))
    assert facts(analyze(root, use_cache=False))["tools"] == "Python · import brew"


def test_the_metadatas_summary_over_a_readme_sentence_about_this_module(tmp_path: Path) -> None:
    """cachetools' title card said "cachetools: this module provides various memoizing
    collections and decorators" (its README's first sentence) while its PKG-INFO's Summary
    says "Extensible memoizing collections and decorators": a sentence whose subject is
    "this module" is the worse promise when the metadata says one."""
    root = _brew(tmp_path / "brew", published=True)
    readme = (root / "README.md").read_text(encoding="utf-8")
    first = "Brew is a small library for brewing tea by the pot."
    (root / "README.md").write_text(readme.replace(first, "This module provides tea by the pot."))
    bare = analyze(root, use_cache=False)
    assert bare.tagline == "This module provides tea by the pot."  # no summary: it is all
    (root / "pyproject.toml").write_text(
        '[project]\nname = "brew"\ndescription = "Tea brewed by the pot."\n', encoding="utf-8"
    )
    p = plan(analyze(root, use_cache=False))
    assert p.storyboard.shots[0].card == "Brew: tea brewed by the pot"
