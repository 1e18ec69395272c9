"""Sibling concepts share one shot (issue 12, round 2, item 2), on a small repo in a tmp dir.

HTTP verbs with one docstring each ("Sends a GET request.") and undocumented builders declared
side by side take ONE shot whose caption names them together, and the places they free go to
other concepts; look-alike names with different docstrings, or in different files, do not
group.
"""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.casting import cast, pick_groups
from sorafilm_nb.story.shot_captions import concept_caption
from sorafilm_nb.story.siblings import without_name

API = '''"""Courier: send parcels over HTTP."""


def get(url):
    """Sends a GET request."""


def post(url, data):
    """Sends a POST request."""


def put(url, data):
    """Sends a PUT request."""


def patch(url, data):
    """Sends a PATCH request."""


def option(name):
    """Attaches an option to the parcel."""


def argument(name):
    """Attaches an argument to the parcel."""


def receipt(parcel):
    """Sign for a parcel and keep the slip."""
'''

MODELS = '''"""The parcels."""


class Parcel:
    """A box with an address label and a weight."""


class Label:
    """The address a parcel goes to, printed in large letters."""


class Depot:
    """Holds parcels overnight until the morning round."""


class Van:
    """Carries a round of parcels through the town."""
'''

README = """# Courier

Courier sends parcels over HTTP.

```python
import courier

courier.get("https://example.org")
```
"""


def _repo(root: Path) -> Path:
    pkg = root / "courier"
    pkg.mkdir(parents=True)
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "courier"\n', encoding="utf-8")
    (pkg / "api.py").write_text(API, encoding="utf-8")
    (pkg / "models.py").write_text(MODELS, encoding="utf-8")
    names = ["get", "post", "put", "patch", "option", "argument", "receipt"]
    classes = ["Parcel", "Label", "Depot", "Van"]
    (pkg / "__init__.py").write_text(
        '"""Courier."""\n'
        f"from .api import {', '.join(names)}\n"
        f"from .models import {', '.join(classes)}\n"
        f"__all__ = {names + classes!r}\n",
        encoding="utf-8",
    )
    return root


def test_http_verbs_share_one_shot_and_free_places_for_other_concepts(tmp_path: Path) -> None:
    profile = analyze(_repo(tmp_path / "courier"), use_cache=False)
    groups = pick_groups(profile, 8)
    names = [[c.name for c in g] for g in groups]
    verbs = [g for g in names if "get" in g]
    assert len(verbs) == 1 and len(verbs[0]) >= 3, names
    assert {"get", "post", "put", "patch"} <= {n for g in names for n in g}, names
    assert ["option", "argument"] in names or ["argument", "option"] in names, names
    # the places the verbs and the option freed went to the next names outside both families
    # (the classes)
    leads = {g[0] for g in names}
    assert len(names) == 8 and {"receipt", "Parcel", "Label"} <= leads, names


def _shown_once(groups) -> None:  # type: ignore[no-untyped-def]
    """No name on two shots, and no two shots of one family (siblings of each other)."""
    from sorafilm_nb.story.siblings import are_siblings

    names = [c.name for g in groups for c in g]
    assert len(names) == len(set(names)), names
    for i, a in enumerate(groups):
        for b in groups[i + 1 :]:
            pairs = [(x.name, y.name) for x in a for y in b if are_siblings(x, y)]
            assert not pairs, [[c.name for c in g] for g in groups]


def test_a_family_takes_one_shot_and_freed_places_go_outside_it(tmp_path: Path) -> None:
    """A name shown in a sibling group never gets its own shot too, however many places the
    film has: the places the family frees go to names outside it (the classes, weaker by the
    analysis score, then the modules) (was: a
    freed place went back to a grouped verb, so 'get, patch' and then 'post' and 'put' each
    on a shot of their own; requests' film had 4 of 8 shots of HTTP verbs)."""
    profile = analyze(_repo(tmp_path / "courier"), use_cache=False)
    others = {"receipt", "Parcel", "Label", "Depot", "Van"}
    for top in range(2, 11):
        groups = pick_groups(profile, top)
        _shown_once(groups)
        leads = [g[0].name for g in groups]
        families = [g for g in groups if len(g) > 1]
        assert len(families) <= 2, leads
        # every place goes to a family or to a name outside both (then the modules)
        assert len(groups) == top, leads
    groups = pick_groups(profile, 7)
    assert {g[0].name for g in groups if len(g) == 1} == others

    casting = cast(profile, top=8)
    entry = next(e for e in casting.entries if e.concept.name == "get")
    assert {c.name for c in entry.concepts} == {"get", "post", "put", "patch"}
    names_said, _, gloss = concept_caption(entry).partition(": ")
    assert gloss == "sends a request" and set(names_said.split(", ")) == {
        c.name for c in entry.concepts
    }
    entry = next(e for e in casting.entries if e.siblings and "option" in entry_names(e))
    # the family is said in English, each member named (was "attaches one to the parcel")
    assert concept_caption(entry).endswith(
        (
            ": attaches an option or an argument to the parcel",
            ": attaches an argument or an option to the parcel",
        )
    )


def test_a_freed_place_never_goes_to_an_exception(tmp_path: Path) -> None:
    """Without grouping, an 8-place film ends on Depot and has no exception; grouping frees
    places, and they go past the (unexported, lower-ranked) exception to the modules: the
    story's trouble is what the film without siblings had, never more."""
    root = _repo(tmp_path / "courier")
    (root / "courier" / "errors.py").write_text(
        '"""Errors."""\n\n\nclass LostParcel(Exception):\n'
        '    """The parcel never arrived at its address."""\n',
        encoding="utf-8",
    )
    profile = analyze(root, use_cache=False)
    lost = next(c for c in profile.concepts if c.name == "LostParcel")
    assert lost.kind == "exception" and not lost.exported
    for top in (8, 9, 10):
        groups = pick_groups(profile, top)
        _shown_once(groups)
        assert len(groups) == top
        assert all(c.kind != "exception" for g in groups for c in g), [g[0].name for g in groups]


def entry_names(entry) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.name for c in entry.concepts]


def test_different_docstrings_or_files_never_group(tmp_path: Path) -> None:
    profile = analyze(_repo(tmp_path / "courier"), use_cache=False)
    for group in pick_groups(profile, 8):
        if len(group) > 1:
            assert len({c.file for c in group}) == 1
            assert {c.name for c in group} <= {"get", "post", "put", "patch", "option", "argument"}


def test_the_name_goes_as_an_adjective_and_becomes_one_as_a_noun() -> None:
    assert without_name("Sends an OPTIONS request.", "options") == "Sends a request."
    assert without_name("Attaches an option to the command.", "option") == (
        "Attaches one to the command."
    )
    assert without_name("Pass the Context as the first argument.", "pass_context", {"pass"}) == (
        "Pass one as the first argument."
    )


def test_undocumented_js_names_group_only_as_top_level_exports_side_by_side() -> None:
    from sorafilm_nb.analysis.concepts import Concept
    from sorafilm_nb.story.siblings import are_siblings

    def js(name: str, line: int) -> Concept:
        return Concept(name, "function", "lib/types.js", line, "", 1.0, language="javascript")

    assert are_siblings(js("string", 16), js("number", 16))
    assert are_siblings(js("any", 15), js("string", 16))
    assert not are_siblings(js("string", 16), js("lazy", 40))
    assert not are_siblings(js("ky.post", 16), js("ky.json", 17))  # methods: what they do differs
