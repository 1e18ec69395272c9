"""Casting by role, not by pun, and no film that says one thing twice (issue 12, item 2).

* A name that is a word of the gag's own props is a pun on the picture (zod's `string` and "a
  string of sausages"): alone it never wins over a gag that plays what the concept does.
* A name's when-prefix (marshmallow's post_load) is no role: "post" there is no HTTP POST.
* Two gags whose roles overlap (casting.same_motif) show one action; a film gives a concept
  with another fit that fit rather than a second note sent somewhere (requests' film had five).

Small packages written in tmp dirs and analysed for real, on small hand-made themes.
"""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.casting import KEEP_FIT, WEAK_BELOW, MetaphorLibrary, cast, same_motif
from sorafilm_nb.story.metaphors import MatchRule, Metaphor
from sorafilm_nb.story.scoring import SAME_KIND, score


def gag(mid: str, roles: tuple[str, ...], props: tuple[str, ...] = ("a bowl",)) -> Metaphor:
    return Metaphor(
        id=mid,
        matches=MatchRule(kinds=("class", "function", "module")),
        gag=f"a gag for {mid}",
        props=props,
        beat="tools",
        seconds=8,
        tone="deadpan",
        roles=roles,
        polarity="feat",
    )


def theme(*metaphors: Metaphor) -> MetaphorLibrary:
    """The kitchen's style with only these gags: the rule under test decides alone."""
    base = MetaphorLibrary.load("kitchen")
    return MetaphorLibrary(base.theme, base.title, base.style, tuple(metaphors))


def package(root: Path, name: str, source: str) -> Path:
    (root / name).mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n', encoding="utf-8")
    (root / name / "__init__.py").write_text(source, encoding="utf-8")
    return root


SAUSAGES = gag("t.sausages", ("string", "chain", "join"), ("string of sausages", "pot"))
LETTERS = gag("t.letters", ("string", "text", "characters"), ("piping bag", "cake"))


def test_a_pun_on_the_gags_props_never_wins_over_a_role(tmp_path: Path) -> None:
    src = 'def string():\n    pass\n\n\n__all__ = ["string"]\n'
    profile = analyze(package(tmp_path / "p", "schemas", src), use_cache=False)
    c = next(c for c in profile.concepts if c.name == "string")
    # the same name word: a role of the letters gag, the very prop of the sausages gag
    assert score(c, LETTERS) >= WEAK_BELOW > score(c, SAUSAGES) == SAME_KIND
    for order in ((SAUSAGES, LETTERS), (LETTERS, SAUSAGES)):
        assert cast(profile, theme(*order)).entry("string").metaphor.id == "t.letters"
    # alone, the pun is no fit: the concept is flagged weak (or passed over)
    only = cast(profile, theme(SAUSAGES))
    assert all(e.weak for e in only.entries if e.concept.name == "string")


def test_a_pun_counts_beside_what_the_docstring_says(tmp_path: Path) -> None:
    """A docstring that says what the gag shows ("joins ... into a chain") confirms the word."""
    src = (
        'def string(parts):\n    """Joins the parts into one chain."""\n\n\n__all__ = ["string"]\n'
    )
    profile = analyze(package(tmp_path / "p", "schemas", src), use_cache=False)
    c = next(c for c in profile.concepts if c.name == "string")
    assert score(c, SAUSAGES) > score(c, LETTERS)


def test_a_when_prefix_is_no_role(tmp_path: Path) -> None:
    src = (
        'def post_load(fn):\n    """Register a method to invoke after deserializing."""\n\n\n'
        '__all__ = ["post_load"]\n'
    )
    profile = analyze(package(tmp_path / "p", "shapes", src), use_cache=False)
    c = next(c for c in profile.concepts if c.name == "post_load")
    mail = gag("t.mail", ("post", "send", "deliver"))
    loading = gag("t.loading", ("load", "loader", "deserialize"))
    assert score(c, mail) < WEAK_BELOW <= score(c, loading)
    assert cast(profile, theme(mail, loading)).entry("post_load").metaphor.id == "t.loading"


HTTP = ("send", "request", "http", "fetch", "client", "response")
NOTES = [gag(f"t.note{i}", HTTP) for i in range(3)]
PARCEL = gag("t.parcel", ("response", "reply", "answer", "result"))

CLIENT = '''def get(url):
    """Sends a request and returns the response."""


class Response:
    """The response to a sent request: status and body."""


class Fetcher:
    """Fetches over HTTP for a client."""


__all__ = ["get", "Response", "Fetcher"]
'''


def test_same_motif_is_overlapping_roles() -> None:
    assert same_motif(NOTES[0], NOTES[1])
    assert not same_motif(NOTES[0], PARCEL)
    assert same_motif(PARCEL, PARCEL)


def test_a_film_does_not_send_three_notes_when_a_concept_has_another_fit(
    tmp_path: Path,
) -> None:
    """Response fits a note gag best (its name and its docstring's "request"), and a parcel
    gag well; get and Fetcher have only note gags. The film sends two notes and opens one
    parcel, in either order of the theme, instead of three notes (MOTIF_SHOTS)."""
    profile = analyze(package(tmp_path / "p", "courier", CLIENT), use_cache=False)
    response = next(c for c in profile.concepts if c.name == "Response")
    assert score(response, NOTES[0]) > score(response, PARCEL) >= WEAK_BELOW
    for order in ((*NOTES, PARCEL), (PARCEL, *NOTES)):
        casting = cast(profile, theme(*order), top=3)
        assert casting.entry("Response").metaphor.id == "t.parcel"
        assert casting.entry("get").metaphor.id.startswith("t.note")
        assert casting.entry("Fetcher").metaphor.id.startswith("t.note")


def test_a_clash_with_no_other_fit_is_kept(tmp_path: Path) -> None:
    """When the only fits are one motif, every concept keeps a fit rather than a weak gag."""
    profile = analyze(package(tmp_path / "p", "courier", CLIENT), use_cache=False)
    casting = cast(profile, theme(*NOTES), top=3)
    assert all(not e.weak and e.metaphor.id.startswith("t.note") for e in casting.entries)
    assert len({e.metaphor.id for e in casting.entries}) == len(casting.entries)


ORDERS = [gag(f"t.orders{i}", ("command", "commands", "subcommand", "program")) for i in range(3)]
MOULD = gag("t.mould", ("copy", "duplicate", "creates"))
PLAN = gag("t.plan", ("subcommand", "nested", "tree", "creates"))  # another motif, a fit

CLI = '''class Command:
    """Creates a command of the program."""


def command(name):
    """Creates a new subcommand."""


def add_command(cmd):
    """Creates the command from another."""


__all__ = ["Command", "command", "add_command"]
'''


def test_a_crowd_keeps_its_fits_rather_than_losing_a_third_of_one(tmp_path: Path) -> None:
    """commander's heist film gave Command.command a key mould (12: one docstring verb)
    rather than a third command gag (19: its name): a move that keeps less than KEEP_FIT of
    a concept's fit is worse than a crowd. A fit of another motif as good still thins it."""
    profile = analyze(package(tmp_path / "p", "clip", CLI), use_cache=False)
    concepts = [c for c in profile.concepts if c.kind in ("class", "function")]
    assert len(concepts) == 3
    for c in concepts:
        assert score(c, MOULD) >= WEAK_BELOW
        assert score(c, MOULD) < KEEP_FIT * score(c, ORDERS[0])
    for order in ((*ORDERS, MOULD), (MOULD, *ORDERS)):
        casting = cast(profile, theme(*order), top=3)
        assert all(e.metaphor.id.startswith("t.orders") for e in casting.entries), casting
    # a subcommand gag of its own motif that fits command() as well: one concept moves there
    assert not same_motif(PLAN, ORDERS[0])
    command = next(c for c in concepts if c.name == "command")
    assert score(command, PLAN) >= KEEP_FIT * score(command, ORDERS[0])
    casting = cast(profile, theme(*ORDERS, MOULD, PLAN), top=3)
    assert sorted(e.metaphor.id for e in casting.entries)[-1] == "t.plan", casting
