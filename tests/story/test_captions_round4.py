"""Captions that teach, round 4 (issue 12's aim; the h-cap read of session 12's films).
Each test fails on the old behaviour."""

from __future__ import annotations

from sorafilm_nb.story.captions import gloss


def test_what_the_class_is_for_after_to_is_said_of_it() -> None:
    """ "its own AxiosHeaders class to manipulate headers": the verb after "to" is the
    class's, though its object shares the name's words and no determiner follows it."""
    said = gloss(
        "AxiosHeaders",
        "Axios has its own AxiosHeaders class to manipulate headers using a Map-like API.",
        kind="class",
    )
    assert said == "AxiosHeaders: manipulates headers using a Map-like API"


def test_an_opening_imperative_on_the_concept_stays_the_readers() -> None:
    """ "Use Session to keep cookies": the reader uses it; Session keeps nothing of itself."""
    said = gloss("Session", "Use Session to keep cookies across requests.", kind="class")
    assert said == "Session: use Session to keep cookies across requests"


def test_a_noun_cut_before_its_examples_is_said_by_them() -> None:
    """ "contains important shared variables" said nothing of which ones: the "like" list
    names them."""
    said = gloss(
        "Depot",
        "The core part of Courier is the `Depot`. It holds important shared settings like "
        "timetables, routes, drivers, keys and others.",
        kind="class",
    )
    assert said == "Depot: holds timetables, routes, drivers, keys and others"


def test_examples_are_said_only_where_three_fit() -> None:
    """Two examples read as the whole of it: the clause stays as it was cut."""
    said = gloss("Depot", "It holds important shared things like vans and parcels.")
    assert said == "Depot: holds important shared things like vans and parcels"
    long = gloss(
        "Depot",
        "It holds important shared things such as extraordinarily long vans, "
        "remarkably heavy parcels, drivers and keys.",
    )
    assert long == "Depot: holds important shared things"


def test_an_example_list_ends_where_a_clause_opens() -> None:
    """ ", so restart the server after changes" is no third example: two are left, too few
    to say the list; ", which the app calls settings" is cut from the three it names."""
    two = gloss(
        "Registry",
        "It contains important shared variables like paths and ports, so restart the "
        "server after changes.",
    )
    assert "restart" not in two
    assert two != "Registry: contains paths and ports"
    three = gloss(
        "Registry",
        "It contains important shared variables like paths, hosts and ports, which the app "
        "calls settings.",
    )
    assert three == "Registry: contains paths, hosts and ports"


def test_examples_need_a_verb_and_its_bare_object() -> None:
    """ "the central store" has no verb to say the list with: the noun phrase stays."""
    said = gloss(
        "Depot",
        "The central store like timetables, routes, drivers, keys and many, many others.",
    )
    assert said == "Depot: the central store like timetables, routes, drivers"


def test_a_clause_cut_before_what_it_is_for_says_it() -> None:
    """ "decorates methods on the class" before "indicating that they should be used to
    validate fields": what they are for is the point."""
    said = gloss(
        "field_validator",
        "Decorate methods on the class indicating that they should be used to validate "
        "fields. Example usage: more.",
        kind="function",
    )
    assert said == "field_validator: decorates methods on the class to validate fields"


def test_a_purpose_is_said_whole_or_not_at_all() -> None:
    """ "to verify that the value" without "hasn't been changed" is no sentence; "to the
    app router" is where, not what for."""
    signer = gloss(
        "Signer",
        "A signer securely signs bytes, then unsigns them to verify that the value hasn't "
        "been changed.",
        kind="class",
    )
    assert signer == "Signer: securely signs bytes, then unsigns them"
    use = gloss("app.use", "Proxy `Router#use()` to add middleware to the app router.")
    assert use == "app.use: proxy Router#use() to add middleware"


def test_an_error_that_occurred_while_something_is_raised_then() -> None:
    said = gloss(
        "ParcelException",
        "There was an ambiguous exception that occurred while handling your parcel.",
        kind="exception",
    )
    assert said == "ParcelException: raised while handling your parcel"


def test_only_an_exception_is_raised_when_an_error_occurred() -> None:
    """ "The error that occurred during the last request" on a function is what it returns:
    "raised during the last request" said it throws."""
    said = gloss(
        "lastError",
        "The error that occurred during the last request, or None.",
        kind="function",
    )
    assert "raised" not in said
    assert said.startswith("lastError: the error that occurred during the last request")
