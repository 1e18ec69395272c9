"""Two concepts the project says the same of get captions that tell them apart (issue 12's
aim: films worth posting). The eval's caption variety failed in three films: ky's get, post
and put share one README sentence; yargs' option(key, opt) and positional(key, opts) both
"take a key and options"; marshmallow's two field families were both "three kinds of
field". What differs is drawn from the project: the HTTP method a function is named after
(when its words say it makes a request), the README example's first argument, and what each
member of a family is a kind of (its base)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from story_fixtures import bare_concept

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.story.captions import OPENING_WORDS, distinct_captions, gloss, said_of
from sorafilm_nb.story.fallback_gloss import caption_choices, fallback_gloss, params_gloss
from sorafilm_nb.story.gloss_apart import (
    bases_gloss,
    example_value,
    http_gloss,
    route_gloss,
)
from sorafilm_nb.story.siblings import GROUP_LIMIT, group_names, shared_words, without_name


def concept(name: str, kind: str = "function", **kw: Any) -> Concept:
    return bare_concept(name, kind, **kw)


def film(concepts: list[list[Concept]]) -> list[str]:
    """The captions a film of these shots carries, as shot_captions chooses them."""
    choices = []
    for shot in concepts:
        if len(shot) == 1:
            choices.append(caption_choices(shot[0].name, shot))
            continue
        names = group_names(shot)
        said = without_name(shot[0].summary, shot[0].name, shared_words(shot))
        text = gloss(names, said, kind=shot[0].kind, limit=GROUP_LIMIT)
        choices.append(caption_choices(names, shot, text, GROUP_LIMIT))
    return distinct_captions(choices, [[c.name for c in shot] for shot in concepts])


def read_alike(captions: list[str], concepts: list[list[Concept]]) -> tuple[int, int]:
    """(repeated, sharing an opening) as eval_metrics counts them."""
    said = [said_of(t, [c.name for c in shot]) for t, shot in zip(captions, concepts, strict=True)]
    repeated = len(said) - len(set(said))
    openings = Counter(s[:OPENING_WORDS] for s in said if len(s) >= OPENING_WORDS)
    return repeated, sum(n for n in openings.values() if n > 1)


KY = "Sets `options.method` to the method name and makes a request."


def test_http_methods_with_one_readme_sentence_say_what_each_method_asks() -> None:
    shots = [[concept(f"ky.{m}", readme_sentence=KY)] for m in ("post", "get", "put")]
    captions = film(shots)
    assert captions == [
        "ky.post: sends data for the server to process (a POST request)",
        "ky.get: fetches what a URL holds (a GET request)",
        "ky.put: replaces what a URL holds with new content (a PUT request)",
    ]
    assert read_alike(captions, shots) == (0, 0)


def test_a_function_named_like_a_method_that_makes_no_request_is_no_http_caption() -> None:
    # express's app.get routes GET requests; its words say nothing of making one
    assert http_gloss(concept("app.get", params=("path",))) == ""
    assert http_gloss(concept("app.get", readme_sentence="Routes HTTP GET requests.")) == ""
    assert http_gloss(concept("Client.get", kind="class", summary="Sends a request.")) == ""
    assert http_gloss(concept("delete", summary="Sends a `DELETE` request.")) == (
        "removes what a URL holds (a DELETE request)"
    )


def test_the_same_parameters_say_what_the_readme_example_passes() -> None:
    option = concept(
        "YargsInstance.option", params=("key", "opt"), readme_call="option('verbose', {"
    )
    positional = concept(
        "YargsInstance.positional", params=("key", "opts"), readme_call="positional('port', {"
    )
    shots = [[option], [positional]]
    captions = film(shots)
    assert captions == [
        "YargsInstance.option: takes a key ('verbose') and options",
        "YargsInstance.positional: takes a key ('port') and options",
    ]
    assert read_alike(captions, shots) == (0, 2)  # one pair may open alike


def test_an_example_value_is_only_a_short_string_passed_first() -> None:
    assert example_value(concept("f", readme_call="f('port', {")) == "port"
    assert example_value(concept("f", readme_call='f("--count", default=1)')) == "--count"
    assert example_value(concept("f", readme_call="f(port, {")) == ""  # a variable
    assert example_value(concept("f", readme_call="f('" + "x" * 40 + "')")) == ""
    assert example_value(concept("f")) == ""
    # no example value: no caption says one, and a lone caption is unchanged
    lone = concept("YargsInstance.option", params=("key", "opt"))
    assert params_gloss(lone, example=True) == ""
    assert caption_choices(lone.name, [lone]) == ["YargsInstance.option: takes a key and options"]


def field(name: str, base: str, doc: str) -> Concept:
    return concept(name, kind="class", summary=doc, bases=(base,), language="python")


def test_two_families_of_one_kind_say_what_each_member_is_a_kind_of() -> None:
    shots = [
        [
            field("Integer", "Number", "An integer field."),
            field("Email", "String", "An email field."),
            field("Url", "String", "An URL field."),
        ],
        [
            field("String", "Field", "A string field."),
            field("Boolean", "Field", "A boolean field."),
            field("UUID", "String", "A UUID field."),
        ],
    ]
    captions = film(shots)
    assert captions == [
        "Integer, Email, Url: a Number field and two String fields",
        "String, Boolean, UUID: two plain fields and a String field",
    ]
    assert read_alike(captions, shots) == (0, 0)
    # one family alone keeps its first caption
    assert film(shots[:1]) == ["Integer, Email, Url: three kinds of field"]


def test_a_family_of_plain_members_has_no_bases_caption() -> None:
    plain = [field("A", "Field", "An a field."), field("B", "Field", "A b field.")]
    assert bases_gloss(plain, "field") == ""
    assert bases_gloss([*plain[:1], field("C", "Exception", "A c field.")], "field") == ""
    assert bases_gloss([field("X", "Mapping", ""), field("Y", "Mapping", "")], "class") == (
        "two Mapping classes"
    )


def test_an_example_value_that_is_a_secret_or_personal_data_is_never_said() -> None:
    """The README is hostile: a key or an address its example passes must not become the
    caption that tells two concepts apart (a caption is drawn into a shared film; lint would
    block the plan over an alternative the film did not need)."""
    for value in ("AKIAIOSFODNN7EXAMPLE", "bob@example.com"):
        c = concept("connect", params=("key", "opts"), readme_call=f"connect('{value}', {{")
        assert example_value(c) == ""
        assert all(value not in t for t in caption_choices(c.name, [c]))
    assert example_value(concept("f", readme_call="f('verbose', {")) == "verbose"


def test_a_docstring_that_says_it_makes_no_request_is_no_http_caption() -> None:
    """ "never makes a network request" is the opposite of a GET: no caption says one."""
    for doc in (
        "Reads the cached value; never makes a network request.",
        "Returns the stored body and does not send a request.",
        "Gets the header without performing a request.",
    ):
        assert http_gloss(concept("cache.get", summary=doc)) == "", doc
    assert http_gloss(concept("get", summary="Makes a GET request.")) != ""


def test_a_family_member_is_a_kind_of_its_first_base_that_teaches() -> None:
    """Odd inheritance: a mixin listed first says nothing of what a member is (gloss's
    rule), and a subscripted base is named without its parameters, or not at all."""
    mixed = [
        concept("Left", kind="class", bases=("FooMixin", "String")),
        concept("Right", kind="class", bases=("String",)),
    ]
    assert bases_gloss(mixed, "field") == "two String fields"
    generic = [
        concept("Left", kind="class", bases=("typing.Generic[T]",)),
        concept("Right", kind="class", bases=("Generic[foo.Bar]",)),
    ]
    assert bases_gloss(generic, "class") == ""
    boxed = [
        concept("Left", kind="class", bases=("Box[int]",)),
        concept("Right", kind="class", bases=("Box[str]",)),
    ]
    assert bases_gloss(boxed, "class") == "two Box classes"


def test_a_base_read_letter_by_letter_or_as_you_takes_its_own_article() -> None:
    """bases_gloss puts a project's class name after the article: marshmallow's UUID and
    URL fields are "a UUID field", "a URL field" (you-you-eye-dee), an HTTP one "an HTTP"."""
    from sorafilm_nb.story.clauses import article

    assert [article(w) for w in ("UUID", "URL", "HTTPServer", "SQL", "Union", "User")] == [
        "a",
        "a",
        "an",
        "an",
        "a",
        "a",
    ]
    assert [article(w) for w in ("Environment", "Signer", "Integer", "OPTIONS", "umbrella")] == [
        "an",
        "a",
        "an",
        "an",
        "an",
    ]
    pair = [
        concept("Ident", kind="class", bases=("UUID",)),
        concept("Post", kind="class", bases=("Email",)),
    ]
    assert bases_gloss(pair, "field") == "a UUID field and an Email field"


def test_a_hyphenated_family_noun_is_told_apart_too() -> None:
    """_kinds_of says "two kinds of sub-command"; caption_choices read it back with a pattern
    that took no hyphen, so such a family never got what each member is a kind of."""
    for noun in ("field", "sub-command"):
        family = [
            concept(name, "class", summary=f"A {noun}.", bases=(base,), language="python")
            for name, base in (("Add", "Number"), ("Remove", "String"))
        ]
        said = caption_choices("Add, Remove", family, f"Add, Remove: a {noun}")
        assert said[0] == f"Add, Remove: two kinds of {noun}"
        assert f"Add, Remove: a Number {noun} and a String {noun}" in said


def test_a_sentence_that_only_mentions_a_request_is_no_http_caption() -> None:
    """The function itself must make the request: its verb in the third person or as the
    sentence's opening imperative. "so you can make a request later" says what the user does
    with something else; a modal, "to" or another subject before the verb is no request."""
    for doc in (
        "Stores the defaults so you can make a request later.",
        "Returns a client that lets you send a request with retries.",
        "Prepares the options used to perform the request.",
        "Makes it easy to send a request.",
        "The hooks you add will issue a request for each retry.",
    ):
        assert http_gloss(concept("ky.get", summary=doc)) == "", doc
    for doc in (
        "Sets options.method to the method name and makes a request.",
        "Send a GET request.",
        "Returns a promise. Sends a `GET` request to the URL.",
        "Performs an HTTP request.",
    ):
        assert http_gloss(concept("ky.get", summary=doc)) != "", doc


def test_a_server_route_named_after_a_method_says_which_requests_it_routes() -> None:
    """express's app.get(path, ...handlers): "takes a path" said nothing it does; a function
    named after an HTTP method whose first parameter is a path or a rule routes those
    requests. A client's get(url) is no route, and makes no request without words saying so."""
    app_get = concept("app.get", params=("path",))
    assert fallback_gloss(app_get.name, [app_get]) == "app.get: routes GET requests for a path"
    assert (
        route_gloss(concept("Scaffold.post", params=("rule",))) == "routes POST requests for a rule"
    )
    assert route_gloss(concept("client.get", params=("url",))) == ""
    assert route_gloss(concept("app.listen", params=("path",))) == ""
    assert http_gloss(app_get) == ""
