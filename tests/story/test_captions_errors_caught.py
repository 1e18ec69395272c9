"""An error says which call throws it where a README example catches it (session 13):
axios's AxiosError had no sentence and said "an error your code can catch", true of every
error; its README's TypeScript section catches it around ``await axios.get(...)`` and
checks ``axios.isAxiosError(error)``. The analysis keeps the call (Concept.caught_from)."""

from __future__ import annotations

import time
from pathlib import Path

from story_fixtures import bare_concept

from sorafilm_nb.analysis.readme_catches import caught_from
from sorafilm_nb.story.fallback_gloss import fallback_gloss

AXIOS = """# axios

```typescript
try {
  const { data } = await axios.get('/user?ID=12345');
  user = data.userDetails;
} catch (error) {
  if (axios.isAxiosError(error)) {
    handleAxiosError(error);
  }
}
```
"""

PYTHON = """# parcels

```python
try:
    result = ParcelSchema().load({"weight": -1})
except ValidationError as err:
    print(err.messages)
```

```python
try:
    ship(parcel)
except Exception:
    pass
```
"""


def test_the_call_an_example_catches_an_error_from_is_found() -> None:
    assert caught_from(AXIOS, ["AxiosError", "CanceledError"]) == {"AxiosError": "axios.get"}
    assert caught_from(PYTHON, ["ValidationError", "ShipError"]) == {
        "ValidationError": "ParcelSchema().load"
    }
    # a handler that does not name the error says nothing of it
    assert caught_from(AXIOS.replace("isAxiosError", "isCancel"), ["AxiosError"]) == {}
    # a try with no handler within reach, and a hostile run of tries, find nothing
    many = "```js\n" + "try {\n" * 50_000 + "```\n"
    assert caught_from(many, ["AxiosError"]) == {}


def test_a_chain_spelled_with_spaces_is_read_once() -> None:
    """Each word of "a . a . a ..." was a start the call's pattern read the rest of the line
    from: a README line of 40,000 characters in a try block cost 8 s of CPU (quadratic).
    The calls found are the same, spaces or not."""
    spaced = AXIOS.replace("axios.get(", "axios . get (")
    assert caught_from(spaced, ["AxiosError"]) == {"AxiosError": "axios.get"}
    line = "a . " * 10_000  # no call: the next line's is the one
    hostile = AXIOS.replace("const { data }", line + "\n  const { data }")
    start = time.process_time()
    said = caught_from(hostile, ["AxiosError"])
    assert time.process_time() - start < 0.5  # CPU time; ~5 ms
    assert said == {"AxiosError": "axios.get"}


def test_an_error_caught_in_an_example_says_what_throws_it() -> None:
    err = bare_concept("AxiosError", "exception", caught_from="axios.get")
    assert (
        fallback_gloss("AxiosError", [err], "AxiosError") == "AxiosError: what axios.get() throws"
    )
    py = bare_concept("ValidationError", "exception", language="python", caught_from="s.load")
    assert fallback_gloss("ValidationError", [py], "ValidationError") == (
        "ValidationError: what s.load() raises"
    )
    plain = bare_concept("AxiosError", "exception")
    assert fallback_gloss("AxiosError", [plain], "AxiosError") == (
        "AxiosError: an error your code can catch"
    )


def test_the_profile_keeps_the_call_an_example_catches_an_error_from(tmp_path: Path) -> None:
    from sorafilm_nb.analysis.profile import analyze

    root = tmp_path / "courier"
    root.mkdir()
    (root / "package.json").write_text('{"name": "courier", "main": "index.js"}', encoding="utf-8")
    (root / "index.js").write_text(
        "class CourierError extends Error {}\n"
        "function send(parcel) { throw new CourierError('lost'); }\n"
        "module.exports = { send, CourierError };\n",
        encoding="utf-8",
    )
    (root / "README.md").write_text(
        "# courier\n\n```js\ntry {\n  courier.send(parcel);\n} catch (err) {\n"
        "  if (err instanceof CourierError) retry();\n}\n```\n",
        encoding="utf-8",
    )
    concepts = {c.name: c for c in analyze(root, use_cache=False).concepts}
    assert concepts["CourierError"].caught_from == "courier.send"


def test_an_error_says_when_it_comes_where_the_readme_says_the_condition_first() -> None:
    """tenacity's RetryError said "encapsulates the last attempt instance" (what it holds);
    its docs say "Normally when your function fails its final time (and will not be retried
    again based on your settings), a `RetryError` is raised." An error's caption that says
    no condition gives way to the README's that does."""
    from sorafilm_nb.analysis.readme_names import thrown_sentence
    from sorafilm_nb.story.captions import gloss

    docs = (
        "Normally when your function fails its final time (and will not be retried again "
        "based on your settings), a `RetryError` is raised."
    )
    said = thrown_sentence("RetryError", [docs])
    assert said == (
        "Raised when your function fails its final time (and will not be retried again "
        "based on your settings)."
    )
    # the error must be the one raised, after its condition: no other sentence shape counts
    assert thrown_sentence("RetryError", ["When it fails, the `Other` is raised."]) == ""
    err = bare_concept(
        "RetryError",
        "exception",
        language="python",
        summary="Encapsulates the last attempt instance right before giving up.",
        readme_sentence=said,
    )
    docstring = gloss(err.name, err.summary, kind=err.kind)
    assert fallback_gloss(err.name, [err], docstring) == (
        "RetryError: raised when your function fails its final time"
    )
    # a docstring that says when already keeps its place
    said_when = bare_concept(
        "BadSignature",
        "exception",
        summary="Raised if a signature does not match.",
        readme_sentence=said,
    )
    assert fallback_gloss(
        "BadSignature", [said_when], "BadSignature: raised if a signature does not match"
    ) == ("BadSignature: raised if a signature does not match")
