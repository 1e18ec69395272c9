"""An API reference's headings as JavaScript projects write them: "### Depot#open(key)" (an
instance method, Owner#method), a badge before the name ("## 🆕 Depot"), and the signature
in a code block between the heading and the sentence that says what it does (issue 12,
captions: the h-cap read of 2026-12-07's films). Each test fails on the old reader."""

from __future__ import annotations

from sorafilm_nb.analysis.readme_names import concept_sentences

REFERENCE = """# Courier

## 🆕 Depot

Courier has its own `Depot` class to keep parcels overnight.

### Depot#open(key)

```ts
open(key: string): Shelf;
```

Returns the shelf the key unlocks.

### Depot#close

```ts
close(shelf, force?: boolean);
```

The `force` argument closes a shelf that still holds parcels.

## Examples

```js
depot.open('a');
```

Be careful with keys.
"""


def test_an_owner_hash_method_heading_names_the_method() -> None:
    said = concept_sentences(REFERENCE, ["Depot.open"])
    assert said["Depot.open"] == "Returns the shelf the key unlocks."


def test_a_badge_before_a_heading_name_is_no_part_of_it() -> None:
    said = concept_sentences(REFERENCE, ["Depot"])
    assert said["Depot"] == "Courier has its own Depot class to keep parcels overnight."


def test_after_the_signature_only_a_sentence_with_no_subject_of_its_own_speaks() -> None:
    """ "The `force` argument closes ..." is about an argument, not about close."""
    said = concept_sentences(REFERENCE, ["Depot.close"])
    assert "force" not in said.get("Depot.close", "")


def test_a_plain_word_heading_lends_no_example_paragraph() -> None:
    """A heading that is not code ("Examples") shows examples, not a signature: the
    paragraph after its code says nothing of it."""
    assert "Examples" not in concept_sentences(REFERENCE, ["Examples"])
