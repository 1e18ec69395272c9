"""An error's README sentence is the one that says when it is thrown (captions round 3:
ky's HTTPError showed "exposed for instanceof checks", its reference section's sentence,
while the README says twice when it comes). Each test fails on the old behaviour."""

from __future__ import annotations

from sorafilm_nb.analysis import readme_names
from sorafilm_nb.analysis.readme_names import concept_sentences

README = """# ky

### HTTPError

Exposed for `instanceof` checks.

### Response

Unlike the `Body` methods of `window.Fetch`, these will throw an `HTTPError` if the response
status is not in the range of `200...299`.

#### throwHttpErrors

Throw an `HTTPError` when, after following redirects, the response has a non-2xx status code.

The default override throws a `CommanderError`.
"""


def test_an_errors_sentence_says_when_it_is_thrown() -> None:
    said = concept_sentences(README, ["HTTPError"])
    # of two, the shorter condition: a caption says it whole
    assert said["HTTPError"] == (
        "Throw an HTTPError when, after following redirects, the response has a non-2xx "
        "status code."
    )


def test_a_throw_without_its_condition_is_no_such_sentence() -> None:
    # "throws a CommanderError." says when only to who read the sentence before
    assert (
        readme_names.thrown_sentence(
            "CommanderError", ["The default override throws a `CommanderError`."]
        )
        == ""
    )


def test_only_the_name_as_code_right_after_the_verb() -> None:
    # a plain capitalised word is no name ("Error"), and the thrown thing must be the name
    assert (
        readme_names.thrown_sentence(
            "Error", ["It will throw an Error if the input is empty today."]
        )
        == ""
    )
    assert (
        readme_names.thrown_sentence(
            "HTTPError", ["It throws a `TimeoutError` if the `HTTPError` is late ok."]
        )
        == ""
    )
    # a CamelCase name is code wherever it stands
    said = "Calling parse will raise a ValidationError if the data is not valid."
    assert readme_names.thrown_sentence("ValidationError", [said]) == said
