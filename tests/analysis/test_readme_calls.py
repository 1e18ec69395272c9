"""The first call of each concept in the README's examples is stored in the profile
(Concept.readme_call): where two concepts' captions would say the same ("takes a key and
options"), what the example passes tells them apart ("'port'"). A plan reads the field,
never the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.readme_names import CALL_MAX, example_calls, example_uses

README = """# Courier

Courier sends parcels across town.

```python
from courier import Depot, ship

depot = Depot("north")
depot.ship("parcel", retries=2)
ship("letter")
```
"""


def test_each_name_has_its_first_example_call_from_its_line() -> None:
    calls = example_calls(README, ["Depot", "Depot.ship", "ship", "Parcel"])
    assert calls == {
        "Depot": 'Depot("north")',
        "Depot.ship": 'ship("parcel", retries=2)',  # a method by its last part, called first
        "ship": 'ship("letter")',  # the function's own call, not the method's
    }
    # a function the examples only call on its module still has that call
    assert example_calls("```js\nz.string('x')\n```\n", ["string"]) == {"string": "string('x')"}
    assert example_calls("no examples here: ship('x')", ["ship"]) == {}


def test_a_line_of_calls_keeps_each_call_cut() -> None:
    """(That a hostile line of calls is read once, not once per call, is
    test_hostile_patterns.test_a_hostile_line_of_calls_is_read_once, in a child with a
    deadline: no timing here.)"""
    line = "a(" * 2_000
    calls = example_calls(f"```js\n{line}\n```\n", ["a"])
    assert calls == {"a": line[:CALL_MAX]}


def _courier(tmp_path: Path) -> Path:
    """A small project whose README example calls Depot, Depot.ship and ship."""
    root = tmp_path / "courier"
    (root / "courier").mkdir(parents=True)
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "courier"\n', encoding="utf-8")
    (root / "courier" / "__init__.py").write_text(
        '"""Courier."""\n\n\nclass Depot:\n    def ship(self, item, retries=0):\n        pass\n'
        "\n\ndef ship(item):\n    pass\n\n\nclass Parcel:\n    pass\n\n\n"
        "__all__ = ['Depot', 'ship', 'Parcel']\n",
        encoding="utf-8",
    )
    return root


def test_the_profile_stores_the_call_of_a_name_the_examples_use(tmp_path: Path) -> None:
    root = _courier(tmp_path)
    cold = analyze(root, cache_dir=tmp_path / "cache")
    warm = analyze(root, cache_dir=tmp_path / "cache")
    assert warm.stats["profile_cache"] == "hit"
    for profile in (cold, warm):
        by_name = {c.name: c for c in profile.concepts}
        assert by_name["Depot"].readme_call == 'Depot("north")'
        assert by_name["Parcel"].readme_call == ""  # not in an example


def test_a_profile_cached_before_readme_call_existed_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile stored by a build whose Concept had no readme_call (simulated: that build's
    field list, and no example calls) must not load warm with readme_call at its default:
    a cold run fills it, so warm and cold films would differ."""
    from sorafilm_nb.analysis import profile as profile_mod
    from sorafilm_nb.analysis import readme_names

    root = _courier(tmp_path)
    old_shape = profile_mod._PROFILE_SHAPE.replace(",readme_call", "")
    with monkeypatch.context() as m:
        m.setattr(profile_mod, "_PROFILE_SHAPE", old_shape)
        m.setattr(readme_names, "example_uses", lambda text, names: {})
        old = analyze(root, cache_dir=tmp_path / "cache")
    assert {c.name: c for c in old.concepts}["Depot"].readme_call == ""
    now = analyze(root, cache_dir=tmp_path / "cache")
    assert now.stats["profile_cache"] == "miss"
    assert {c.name: c for c in now.concepts}["Depot"].readme_call == 'Depot("north")'


def test_the_cache_key_names_every_dataclass_a_stored_profile_holds() -> None:
    """A stored profile is rebuilt from dicts of each dataclass it holds; a field added to
    any of them must change the cache key, so every one reachable from RepoProfile counts."""
    import dataclasses
    import typing

    from sorafilm_nb.analysis import profile as profile_mod
    from sorafilm_nb.analysis.concepts import RepoProfile

    seen: set[type] = set()

    def walk(tp: object) -> None:
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            if tp in seen:
                return
            seen.add(tp)
            for hint in typing.get_type_hints(tp).values():
                walk(hint)
        for arg in typing.get_args(tp):
            walk(arg)

    walk(RepoProfile)
    parts = profile_mod._PROFILE_SHAPE.split("|")
    for kind in seen:
        assert ",".join(f.name for f in dataclasses.fields(kind)) in parts, kind.__name__


def test_a_method_is_not_matched_by_its_last_part_on_another_owner() -> None:
    """axios' README calls ``axios.get(...)`` first: with ``Axios.create`` among the names,
    that call is the Axios object's, not ``AxiosHeaders.get``'s, which takes the first call
    on anything else; a call on its own owner, or chained, stays its call."""
    readme = (
        "```js\naxios.get('/user?ID=12345')\nconst h = new AxiosHeaders();\n"
        "headers.get('Content-Type', true)\nky.get('https://example.com')\n"
        "yargs(hideBin(process.argv)).option('verbose', {})\n```\n"
    )
    names = ["AxiosHeaders.get", "Axios.create", "ky.get", "YargsInstance.option"]
    calls = example_calls(readme, names)
    assert calls["AxiosHeaders.get"] == "get('Content-Type', true)"
    assert calls["ky.get"] == "get('https://example.com')"
    assert calls["YargsInstance.option"] == "option('verbose', {})"


def test_a_sentence_may_open_on_a_camelcase_class_or_its_plural() -> None:
    """zod's "ZodErrors contain an `issues` array ...": a CamelCase name is code wherever it
    stands, the first word too, and a class is named in the plural; a plain capitalised
    first word ("Error handling ...") or a function's "-s" ("gets") is neither."""
    from sorafilm_nb.analysis.readme_names import readme_sentence

    said = "ZodErrors contain an issues array with the validation problems."
    assert readme_sentence("ZodError", [said]) == said
    assert readme_sentence("Error", ["Error handling is done in the middleware stack."]) == ""
    assert readme_sentence("get", ["The client gets a page from the server."]) == ""
    assert readme_sentence("URL", ["International Domains and URLs."]) == ""


def test_a_name_ending_in_s_behind_its_module_is_no_plural() -> None:
    """The plural rule skips a class named in the plural mid-sentence ("... and URLs."), not
    a name that itself ends in "s" written behind its module ("typer.Options"): the rule read
    any match ending in "s" as a plural and dropped this sentence."""
    from sorafilm_nb.analysis.readme_names import readme_sentence

    said = "Use typer.Options to declare the flags here."
    assert readme_sentence("Options", [said], "typer") == said


# example_calls' patterns as they were: every call, and what a method is called on
_CALL_AT = re.compile(r"(?<![\w$])([A-Za-z_$][\w$]*)\s*\(")
_RECEIVER = re.compile(r"([A-Za-z_$][\w$]*)?\s*\.\s*$")


def _example_calls_reference(text: str, names: list[str]) -> dict[str, str]:
    """example_calls as it was before it skipped the calls that cannot count: every call of
    every line read in Python (1.2 million of them on a hostile line: 0.77 s). The
    answers must stay the same."""
    from sorafilm_nb.analysis import readme_names as rn
    from sorafilm_nb.analysis.examples import code_blocks

    bare: dict[str, str] = {}
    on: dict[str, dict[str, str]] = {}
    for _lang, body in code_blocks(text):
        for line in body.splitlines():
            for m in _CALL_AT.finditer(line):
                before = line[max(0, m.start() - 80) : m.start()].rstrip()
                call = line[m.start() : m.start() + CALL_MAX].strip()
                if not before.endswith("."):
                    bare.setdefault(m.group(1), call)
                    continue
                r = _RECEIVER.search(before)
                receivers = on.setdefault(m.group(1), {})
                if len(receivers) < rn.RECEIVERS_MAX:
                    receivers.setdefault((r.group(1) or "").lower() if r else "", call)
    owners = {n.rsplit(".", 1)[0].rsplit(".", 1)[-1].lower() for n in names if "." in n}
    out = {}
    for name in names:
        owner, _, last = name.rpartition(".")
        own = owner.rsplit(".", 1)[-1]
        # (a function: only the owners that have a method of its name, since session 13)
        having = {
            n.rpartition(".")[0].rsplit(".", 1)[-1].lower()
            for n in names
            if "." in n and n.rpartition(".")[2] == last
        }
        others = owners - {own.lower()} if owner else having
        words = {w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", own)}
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


CALL_EDGES = [
    "a(" * 300,  # one name called again and again: the first bare call is kept
    "x.a(" * 30 + "a(1)",  # bare call after many on something
    "x." + " " * 79 + "a(1)\n" + "x." + " " * 80 + "a(2)",  # the "." within 80 characters
    "a(0)\nx." + " " * 80 + "a(2)",  # a "." further back: a bare call, no call on x
    "y" * 100 + ".a(3)",  # a receiver longer than the stretch read before the call
    "".join(f"r{i}.a({i})\n" for i in range(8)) + "x.a(8)",  # a receiver past RECEIVERS_MAX
    "ky.get(1)\nheaders.get(2)\nf().get(3)\nget(4)\nKy.get(5)",
    "a . b ( 1 ) . a ( 2 )\n\t.a(3)",
    "1abc.a(4) é.a(5) $x.a(6) _.a(7)",
]
CALL_NAMES = ["a", "b", "X.a", "Ky.get", "AxiosHeaders.get", "Axios.create", "get", "Y.b"]


def test_example_calls_answer_as_every_call_read_in_turn() -> None:
    """example_calls looks only at the calls that can count (calls on something of the
    names' last parts; bare calls until each has its first): the same answers as reading
    every call, on its edge cases and on seeded random lines of calls."""
    import random

    for body in CALL_EDGES:
        text = f"```js\n{body}\n```\n"
        for names in (CALL_NAMES, ["a"], ["X.a", "b"], []):
            assert example_calls(text, names) == _example_calls_reference(text, names), body
    rng = random.Random(7)
    units = ["a(", "b(", "x.a(", "x. a(", "y.b (", ".", " ", "(", ")", "\n", "Ky.", "get(", "é"]
    units += ["ky.get(", "headers.", "z", " " * 40, "AxiosHeaders.get(", "axios."]
    units += ["1abc.", "é", "٣x.", "$y.", "_", "\t.", "9"]  # names that start mid-run
    for _ in range(800):
        body = "".join(rng.choice(units) for _ in range(rng.randint(1, 60)))
        names = rng.sample(CALL_NAMES, rng.randint(1, len(CALL_NAMES)))
        text = f"```js\n{body}\n```\n"
        assert example_calls(text, names) == _example_calls_reference(text, names), body


def test_what_an_example_shows_a_call_gives_is_kept_with_the_call() -> None:
    """ms's README: ``ms('2 days')  // 172800000``; humanize's: ``>>> humanize.intword(
    123455913)`` and the next line ``'123.5 million'``. Only a call that is its line's whole
    statement, and only a literal answer: ``x = f(1) // 2`` is x's, ``g(f(1)) // 2`` g's,
    and "// accepts undefined" is a remark."""
    text = (
        "```js\nms('2 days')  // 172800000\nlet y = two(1) // 2\nouter(inner(1)) // 3\n"
        "z.note() // accepts undefined\nsemver.gt('1.2.3', '9.8.7') // => false\n```\n\n"
        "```pycon\n>>> humanize.intword(123455913)\n'123.5 million'\n>>> later(1)\n>>> x\n```\n"
    )
    names = ["ms", "two", "inner", "note", "gt", "intword", "later", "outer"]
    uses = example_uses(text, names)
    assert uses["ms"] == ("ms('2 days')  // 172800000", ("ms('2 days')", "172800000"))
    assert uses["gt"][1] == ("gt('1.2.3', '9.8.7')", "false")
    assert uses["intword"][1] == ("intword(123455913)", "'123.5 million'")
    assert uses["outer"][1] == ("outer(inner(1))", "3")
    for name in ("two", "inner", "note", "later"):  # a value taken, nested, a remark, a prompt
        assert uses[name][1] == (), name
    assert example_calls(text, ["ms"]) == {"ms": "ms('2 days')  // 172800000"}
    # a line that goes on for a megabyte after the call is not read to its end for an answer
    far = "```js\nms('2 days')" + " " * 1_000_000 + "// 1\n```\n"
    assert example_uses(far, ["ms"])["ms"][1] == ()


def test_a_module_function_called_on_a_name_like_a_class_is_the_functions_call() -> None:
    """semver's README calls ``semver.valid('1.2.3')`` (the module), and ``SemVer.inc`` is a
    name: the receiver "semver" was taken for the class SemVer's, so valid, clean, satisfies
    and minVersion had no call. A class that has a method of the name still takes it."""
    text = "```js\nsemver.valid('1.2.3') // '1.2.3'\nsemver.inc('1.2.3', 'major')\n```\n"
    assert example_calls(text, ["valid", "SemVer.inc"]) == {
        "valid": "valid('1.2.3') // '1.2.3'",
        "SemVer.inc": "inc('1.2.3', 'major')",
    }
    assert example_calls(text, ["inc", "SemVer.inc"]) == {"SemVer.inc": "inc('1.2.3', 'major')"}


def test_the_profile_stores_what_the_example_gives(tmp_path: Path) -> None:
    root = _courier(tmp_path)
    readme = README.replace('ship("letter")', 'ship("letter")  # "sent"')
    (root / "README.md").write_text(readme, encoding="utf-8")
    cold = analyze(root, cache_dir=tmp_path / "cache")
    warm = analyze(root, cache_dir=tmp_path / "cache")
    assert warm.stats["profile_cache"] == "hit"
    for profile in (cold, warm):
        by_name = {c.name: c for c in profile.concepts}
        assert by_name["ship"].readme_gives == ('ship("letter")', '"sent"')
        assert by_name["Depot"].readme_gives == ()  # its value is taken (depot = ...)


def test_a_file_whose_methods_the_readme_calls_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each method a README example calls is looked up in its class's file, which was read
    and parsed anew for each one: rich's console.py (2,600 lines) once for each of print,
    log, rule... (~30 ms of its cold build). Counted, not timed."""
    from sorafilm_nb.analysis import exports

    root = tmp_path / "kiln"
    (root / "kiln").mkdir(parents=True)
    calls = ("fire", "cool", "load", "empty")
    (root / "README.md").write_text(
        "# Kiln\n\n```python\nfrom kiln import Kiln\n\nk = Kiln()\n"
        + "".join(f"k.{c}()\n" for c in calls)
        + "```\n",
        encoding="utf-8",
    )
    (root / "kiln" / "__init__.py").write_text(
        '"""Kilns."""\n\n\nclass Kiln:\n    """A kiln."""\n'
        + "".join(f'\n    def {c}(self):\n        """{c.title()}s it."""\n' for c in calls)
        + "\n\n__all__ = ['Kiln']\n",
        encoding="utf-8",
    )
    parsed: list[str] = []
    real = exports.parse_quietly

    def parse_quietly(source: str) -> object:
        parsed.append(source)
        return real(source)

    monkeypatch.setattr(exports, "parse_quietly", parse_quietly)
    profile = analyze(root, use_cache=False)
    assert {f"Kiln.{c}" for c in calls} <= {c.name for c in profile.concepts}
    assert len(parsed) == 1
