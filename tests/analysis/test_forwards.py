"""A function that only forwards says what its target does (analysis.forwards; issue 12,
captions: express's app.param, "Proxy to `Router#param()` with one added api feature.").
Each test fails without the rule."""

from __future__ import annotations

from story_fixtures import bare_concept

from sorafilm_nb.analysis.forwards import with_forwarded
from sorafilm_nb.story.captions import gloss

PROXY = "Proxy to `Router#param()` with one added api feature. The name can be an array."
TARGET = "Map the given placeholder to a callback. Mapping runs before the route."


def _by_name(concepts: list) -> dict:
    return {c.name: c for c in concepts}


def test_a_proxy_opens_with_its_targets_first_sentence() -> None:
    proxy = bare_concept("app.param", "function", summary=PROXY, file="lib/application.js")
    target = bare_concept("proto.param", "function", summary=TARGET, file="lib/router/index.js")
    got = _by_name(with_forwarded([proxy, target]))
    assert got["app.param"].summary == f"Map the given placeholder to a callback. {PROXY}"
    assert got["proto.param"].summary == TARGET
    caption = gloss("app.param", got["app.param"].summary, kind="function")
    assert caption == "app.param: maps the given placeholder to a callback"


def test_the_target_is_found_by_its_owner_or_its_module() -> None:
    proxy = bare_concept("app.param", "function", summary=PROXY)
    owned = bare_concept("Router.param", "function", summary=TARGET, file="lib/r.js")
    module = bare_concept("proto.param", "function", summary=TARGET, file="lib/router.js")
    for target in (owned, module):
        assert _by_name(with_forwarded([proxy, target]))["app.param"].summary != PROXY


def test_a_forward_with_a_purpose_an_unknown_or_an_ambiguous_target_stays() -> None:
    use = "Proxy `Router#use()` to add middleware to the app router."
    cases = [
        # a purpose of its own ("to add middleware"): it says what it does already
        [
            bare_concept("app.use", "function", summary=use),
            bare_concept("proto.use", "function", summary=TARGET, file="lib/router/index.js"),
        ],
        # no function of that name under that owner
        [
            bare_concept("app.param", "function", summary=PROXY),
            bare_concept("proto.param", "function", summary=TARGET, file="lib/view.js"),
        ],
        # two: which one is meant is a guess
        [bare_concept("app.param", "function", summary=PROXY)]
        + [
            bare_concept(f"{o}.param", "function", summary=TARGET, file="lib/router/index.js")
            for o in ("proto", "layer")
        ],
        # a target with no prose of its own
        [
            bare_concept("app.param", "function", summary=PROXY),
            bare_concept(
                "proto.param", "function", summary="Proxy to Layer#param().", file="lib/router.js"
            ),
        ],
        # a target that forwards itself, by another word: where the call goes, not what for
        [
            bare_concept("app.use", "function", summary="Alias for Router.use."),
            bare_concept("Router.use", "function", summary="Delegates to Layer.handle()."),
        ],
    ]
    for concepts in cases:
        assert with_forwarded(concepts) == concepts
