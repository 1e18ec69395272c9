"""A README that imports one of the project's modules by name (``from marshmallow import
fields``) uses what it reaches through it (``fields.Str()``, ``fields.Date()``), as
``click.option`` uses option: those are no method calls on an object."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.examples import code_uses, module_names
from sorafilm_nb.analysis.profile import analyze

README = """# shapes

```python
from shapes import Schema, fields
from flask import request

class AlbumSchema(Schema):
    title = fields.Str()
    release_date = fields.Date()

request.args
```
"""


def test_module_names_are_the_last_part_of_each_python_module() -> None:
    files = ["src/shapes/__init__.py", "src/shapes/fields.py", "src/shapes/json/__init__.py"]
    assert module_names([*files, "README.md", "lib/x.js"]) == {"shapes", "fields", "json"}


def test_a_name_reached_through_an_imported_submodule_is_used() -> None:
    uses, methods = code_uses(README, frozenset({"shapes", "fields"}))
    assert uses["Str"].module and uses["Date"].module
    assert uses["Date"].order > uses["Str"].order
    # flask's request is no module of this project: request.args stays a method use
    assert "args" not in uses and any(m.receiver == "request" for m in methods)
    # without the project's modules, fields.Date reads as a method call, as before
    uses, methods = code_uses(README)
    assert "Date" not in uses and any(m.receiver == "fields" for m in methods)


def test_analyze_counts_the_classes_of_a_submodule_as_readme_used(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(README)
    pkg = tmp_path / "src" / "shapes"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Shapes."""\nfrom .schema import Schema\n')
    (pkg / "schema.py").write_text('class Schema:\n    """Base schema."""\n')
    (pkg / "fields.py").write_text(
        'class Field:\n    """A field."""\n\n'
        'class Date(Field):\n    """An ISO date."""\n\n'
        'class Number(Field):\n    """A number."""\n'
    )
    concepts = {c.name: c for c in analyze(tmp_path, use_cache=False).concepts}
    assert concepts["Date"].in_readme
    assert not concepts["Number"].in_readme
