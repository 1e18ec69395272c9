"""RepoProfile.from_json builds each Concept as Concept(**fields) would, by the fast path
(a dict of exactly the known fields fills the instance directly) or through __init__."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from sorafilm_nb.analysis.concepts import Concept, RepoProfile
from sorafilm_nb.errors import AnalysisError

FULL = Concept(
    name="Router",
    kind="class",
    file="app/routing.py",
    line=12,
    summary="Routes requests.",
    score=3.25,
    raised=1,
    caught=2,
    words=("router", "routes"),
    language="python",
    bases=("Base",),
    methods=4,
    refs=7,
    public=False,
    exported=True,
    in_readme=True,
    readme_order=2,
    decorator=True,
    readme_sentence="The router.",
    member_docs=("route: Define a route.",),
)


def _doc(*concepts: dict[str, object]) -> str:
    profile = RepoProfile(
        root="/r", name="r", title="R", description="", concepts=(), files_scanned=1
    )
    doc = json.loads(profile.to_json())
    doc["concepts"] = list(concepts)
    return json.dumps(doc)


def test_every_field_round_trips_and_behaves_as_a_real_instance() -> None:
    back = RepoProfile.from_json(_doc({f.name: getattr(FULL, f.name) for f in fields(Concept)}))
    (c,) = back.concepts
    assert c == FULL and hash(c) == hash(FULL) and repr(c) == repr(FULL)
    assert vars(c) == vars(FULL)
    assert isinstance(c.words, tuple) and isinstance(c.bases, tuple)
    with pytest.raises(AttributeError):  # still frozen
        c.name = "x"  # type: ignore[misc]


def test_missing_optional_fields_take_their_defaults() -> None:
    short = {"name": "f", "kind": "function", "file": "m.py", "line": 1, "summary": "", "score": 1}
    (c,) = RepoProfile.from_json(_doc(short)).concepts
    assert c == Concept(**short)  # type: ignore[arg-type]
    assert vars(c) == vars(Concept(**short))  # type: ignore[arg-type]  # not class attributes


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "f", "kind": "function"},  # required fields missing
        {**{f.name: getattr(FULL, f.name) for f in fields(Concept)}, "colour": "red"},
    ],
)
def test_unknown_or_missing_fields_are_a_malformed_document(bad: dict[str, object]) -> None:
    with pytest.raises(AnalysisError, match="not a RepoProfile JSON document"):
        RepoProfile.from_json(_doc(bad))
