"""A README's API table is read as what each name it lists does (readme_names.table_items),
as a reference list is: uuid's README documents its functions in one ("| [`uuid.v4()`](#...)
| Generate a version 4 (random) UUID |"), and its captions read the parameters instead ("v4:
takes options, a buf and an offset") or a note about another function ("validate: the
validate() and version() methods do work with such UUIDs")."""

from __future__ import annotations

from sorafilm_nb.analysis.readme_names import concept_sentences, table_items

README = """# uuid

For the creation of RFC9562 UUIDs.

## API Summary

|  |  |
| --- | --- |
| [`uuid.NIL`](#uuidnil) | The nil UUID string (all zeros) |
| [`uuid.parse()`](#uuidparsestr) | Convert UUID string to array of bytes |
| [`uuid.v4()`](#uuidv4options-buffer-offset) | Generate a version 4 (random) UUID |
| ~~[`uuid.v8()`](#uuidv8)~~ | "Intentionally left blank" |
| [`uuid.validate()`](#uuidvalidatestr) | Test a string to see if it is a valid UUID |
| [`uuid.version()`](#uuidversionstr) | Detect RFC version of a UUID |
| `Stamp#seal()` | Seal the stamp onto a parcel |

### uuid.v8()

> [!NOTE]
> Version 8 is not supported. The validate() and version() methods do work with such UUIDs,
> however.

|           |                                          |
| --------- | ---------------------------------------- |
| `str`     | A valid UUID `String`                    |
| _returns_ | `Uint8Array[16]`                         |

```js
// | `v5` | not a table: code |
```
"""


def test_an_api_tables_rows_say_what_each_name_does() -> None:
    items = table_items(README, "uuid")
    assert items["v4"] == "Generate a version 4 (random) UUID"
    assert items["parse"] == "Convert UUID string to array of bytes"
    assert items["Stamp.seal"] == "Seal the stamp onto a parcel"
    assert "v8" not in items  # struck out: gone from the API
    assert "_returns_" not in items and "returns" not in items
    assert "v5" not in items  # code, not a table
    # another project's module is part of the name
    assert table_items(README, "other")["uuid.v4"].startswith("Generate")


def test_a_table_row_speaks_before_a_sentence_that_mentions_the_name() -> None:
    said = concept_sentences(README, ["v4", "validate", "version", "NIL"], project="uuid")
    assert said["v4"] == "Generate a version 4 (random) UUID"
    assert said["validate"] == "Test a string to see if it is a valid UUID"
    assert said["version"] == "Detect RFC version of a UUID"
    assert said["NIL"] == "The nil UUID string (all zeros)"
