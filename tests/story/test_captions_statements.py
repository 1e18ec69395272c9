"""A caption is a statement about the concept, not a command to the viewer (issue 12's aim,
round 2 of the h-cap read: koa's "Application.use: use the given middleware fn" read as an
order, "fn" is no English, "BadSignature: when a signature does not match" is a fragment,
"Application.createContext: a new context" hid its verb, and "Application: inherits from
Emitter.prototype" said only its base). Each test fails on the old behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from story_fixtures import bare_concept

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.analysis.readme_names import concept_sentences
from sorafilm_nb.story.captions import GLOSS_LIMIT, gloss
from sorafilm_nb.story.fallback_gloss import fallback_gloss
from sorafilm_nb.story.gloss import CUT_EXTRA
from sorafilm_nb.story.gloss_words import imperative_to_statement, spell_code_words


def concept(name: str, kind: str = "class", **kw: Any) -> Concept:
    return bare_concept(name, kind, **kw)


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        ("App.callback", "Return a handler callback.", "returns a handler callback"),
        ("Console.log", "Log rich content to the terminal.", "logs rich content to the terminal"),
        ("inspect", "Inspect any Python object.", "inspects any Python object"),
        ("Cmd.name", "Get or set the name of the command.", "gets or sets the name of the command"),
        ("Loader", "Load templates from a directory.", "loads templates from a directory"),
        ("Job.dispatch", "Dispatch a request", "dispatches a request"),
        # "Construct a Syntax object to render ...": the verb after "to" is bare too
        ("Syntax", "Construct a Syntax object to render code.", "renders code"),
        (
            "dataclass",
            "A decorator used to create a Pydantic-enhanced dataclass, similar to the standard "
            "Python `dataclass`, but with added validation.",
            "creates a Pydantic-enhanced dataclass",
        ),
    ],
)
def test_an_imperative_docstring_is_said_of_the_concept(name: str, summary: str, want: str) -> None:
    """PEP 257's imperative ("Return the ...") on screen is an order to the viewer: the
    caption says what the concept does."""
    assert gloss(name, summary) == f"{name}: {want}"


@pytest.mark.parametrize(
    "summary",
    [
        "Default error handler.",  # a noun at the sentence's start, no verb
        "Base field from which other fields inherit.",
        "Stores a factory callable.",  # already a statement
        "Either a string or bytes.",
    ],
)
def test_a_clause_that_opens_with_no_imperative_keeps_its_words(summary: str) -> None:
    said = gloss("Thing", summary)
    assert said.split(": ", 1)[1].split()[0] == summary.split()[0].lower()


@pytest.mark.parametrize(
    ("name", "clause"),
    [
        ("Session", "use Session to keep cookies across requests"),
        ("Axios", "create a new instance of Axios"),
        ("Typer", "create a typer.Typer() app"),
        ("echo", "use echo() to print"),
    ],
)
def test_an_instruction_to_the_reader_about_the_concept_stays_one(name: str, clause: str) -> None:
    """ "Use Session to ..." is what the reader does with it: "uses Session to keep cookies"
    would say the Session uses itself."""
    assert imperative_to_statement(clause, name) == clause


def test_a_second_imperative_after_a_comma_is_a_statement_too() -> None:
    assert imperative_to_statement("assign a setting, or return its value") == (
        "assigns a setting, or returns its value"
    )


def test_a_statement_that_would_lose_words_to_the_limit_keeps_the_imperative() -> None:
    """The third person's longer verbs must not cut off what it says (express's app.set:
    "assign setting to value, or return setting's value", 59 characters)."""
    said = gloss("app.set", "Assign `setting` to `val`, or return `setting`'s value.")
    assert said == "app.set: assign setting to value, or return setting's value"
    assert len(said) <= GLOSS_LIMIT


def test_an_abbreviation_written_as_code_is_spelled_out() -> None:
    """ "Use the given middleware `fn`": a parameter's name in a sentence reads as the word
    it stands for; longer code and prose words stay."""
    assert gloss("App.use", "Use the given middleware `fn`. Old-style middleware ...") == (
        "App.use: uses the given middleware function"
    )
    assert spell_code_words("an `id` or `ctx`, not `fnord` nor id") == (
        "an ID or context, not `fnord` nor id"
    )


@pytest.mark.parametrize(
    ("summary", "want"),
    [
        ("Raised if a signature does not match.", "raised if a signature does not match"),
        ("Thrown when the input is not valid.", "thrown when the input is not valid"),
        ("Raised to tell the user that the template is bad.", "raised when the template is bad"),
    ],
)
def test_an_exception_caption_says_it_is_raised(summary: str, want: str) -> None:
    """ "BadSignature: when a signature does not match" was a fragment. Its own "if" or
    "when" stays ("raised if" is the shorter: click's NoSuchOption fits whole)."""
    assert gloss("BadThing", summary, kind="exception") == f"BadThing: {want}"


def test_an_exception_condition_cut_to_one_word_teaches_nothing() -> None:
    summary = "Raised when schema to instantiate is neither a Schema class nor an instance."
    assert gloss("SchemaResolutionError", summary, kind="exception") == "SchemaResolutionError"


def test_a_noun_phrase_takes_the_verb_the_functions_name_opens_with() -> None:
    """ "Initialize a new context." on createContext left "a new context": its name says it
    creates one. A class's name is a noun ("LoadError"), and a phrase the verb would push
    past the limit stays as it is."""
    assert gloss("App.createContext", "Initialize a new context.") == (
        "App.createContext: creates a new context"
    )
    assert gloss("LoadError", "A missing template.", kind="exception") == (
        "LoadError: a missing template"
    )
    assert gloss("make_class", "A quick way to create a new class called *name* with *attrs*.") == (
        "make_class: a quick way to create a new class called name"
    )


def test_a_docstring_that_only_exposes_a_class_or_names_its_base_teaches_nothing() -> None:
    """koa's "Expose `Application` class. Inherits from `Emitter.prototype`." said only its
    base: the README's sentence about the application object says what it does."""
    summary = "Expose `Application` class. Inherits from `Emitter.prototype`."
    assert gloss("Application", summary, bases=("Emitter",)) == "Application: an Emitter"
    readme = "The application object is the interface to the http server and handles middleware."
    app = concept("Application", summary=summary, bases=("Emitter",), readme_sentence=readme)
    said = fallback_gloss(app.name, [app], gloss(app.name, summary, bases=app.bases))
    assert said == "Application: the interface to the http server"


def test_the_readme_names_a_class_by_its_kind_in_plain_words() -> None:
    """ "The application object is ..." is about the class Application; "web applications"
    or a sentence whose subject is something else is not."""
    readme = (
        "# Kettle\n\nKettle makes web applications fun. The object created by `new Kettle()`"
        " is the application object.\n\nThe application object is the interface to the http"
        " server and handles middleware.\n"
    )
    said = concept_sentences(readme, ["Application", "Router", "Application.use"])
    assert said == {
        "Application": "The application object is the interface to the http server and "
        "handles middleware."
    }


def test_a_clause_cut_to_a_verb_and_its_bare_object_runs_on_to_its_point() -> None:
    """ "CancelToken.source: returns an object" was cut before what the object holds: a
    clause of three words at most says its point within the room a distinct caption has
    (CUT_EXTRA); a longer clause keeps the limit."""
    summary = (
        "Returns an object that contains a new `CancelToken` and a function that, when "
        "called, cancels the `CancelToken`."
    )
    said = gloss("CancelToken.source", summary)
    assert said == "CancelToken.source: returns an object that contains a new CancelToken"
    assert len(said) <= GLOSS_LIMIT + CUT_EXTRA
    longer = "Decorate methods on the class indicating that they should be used to validate."
    assert gloss("field_validator", longer) == "field_validator: decorates methods on the class"


def test_a_passive_relative_clause_the_limit_would_cut_is_said_by_its_participle() -> None:
    """ "PreparedRequest: contains the exact bytes" lost "that will be sent to the server":
    the participle alone says it within the limit. A modal's clause ("that can be rendered")
    and a text that fits stay as written."""
    summary = (
        "The fully mutable :class:`PreparedRequest <PreparedRequest>` object, containing the "
        "exact bytes that will be sent to the server."
    )
    assert gloss("PreparedRequest", summary) == (
        "PreparedRequest: contains the exact bytes sent to the server"
    )
    assert gloss("Template", "A compiled template that can be rendered.") == (
        "Template: a compiled template that can be rendered"
    )
    assert gloss("Job", "Holds the bytes that were sent.") == "Job: holds the bytes that were sent"


def test_a_name_verb_is_said_only_of_the_noun_the_name_makes() -> None:
    """ "createElement: the element factory" is no element made: the verb goes only before
    a noun phrase about the name's own noun ("a new context for the request")."""
    assert gloss("createElement", "The element factory.") == "createElement: the element factory"
    assert gloss("createContext", "A new context for the request.") == (
        "createContext: creates a new context for the request"
    )
    assert gloss("load_templates", "The templates of a folder.") == (
        "load_templates: loads the templates of a folder"
    )


@pytest.mark.parametrize(
    ("clause", "want"),
    [
        ("copy inst and apply changes", "copies inst and applies changes"),
        ("slice an iterator and return a list", "slices an iterator and returns a list"),
        ("set / get the command usage", "sets / gets the command usage"),
        ("pad the term and wrap the description", "pads the term and wraps the description"),
        # a noun that is a verb too, in a list of nouns
        ("parse a tuple or list to get RGBA values", "parses a tuple or list to get RGBA values"),
        ("print a message and newline to stdout", "prints a message and newline to stdout"),
        # the reader's instructions and words that are no verbs
        ("subclass this class and override dispatch", "subclass this class and override dispatch"),
        (
            "pass false to make excess arguments an error",
            "pass false to make excess arguments an error",
        ),
        ("did the value come from the environment", "did the value come from the environment"),
        ("serializer that uses a tag system", "serializer that uses a tag system"),
    ],
)
def test_every_joined_imperative_is_said_and_nothing_else(clause: str, want: str) -> None:
    assert imperative_to_statement(clause) == want


def test_an_abbreviation_right_after_the_word_it_stands_for_stays() -> None:
    """ "with value `val`" read "with value value"."""
    assert spell_code_words("Append a `field` with value `val`.") == (
        "Append a `field` with value `val`."
    )


def test_a_clause_never_runs_on_to_one_word_before_its_noun() -> None:
    """ "factory routine to create a new unattached" was cut one word before the noun its
    phrase is about: the short cut stays."""
    summary = "Factory routine to create a new unattached argument."
    assert gloss("Command.createArgument", summary) == "Command.createArgument: factory routine"
