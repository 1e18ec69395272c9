"""with_params reads a class's members only when set_apart needs them (issue 14: reading
every class body of the files it opens was ~15 ms of a cold `sorafilm plan` of Django), and
answers exactly as reading them all did."""

from __future__ import annotations

from sorafilm_nb.analysis.signature import _Classes, set_apart

PY = """
class Field(Base):
    def clean(self): ...
    def validate(self): ...

class CharField(Field):
    def clean(self): ...
    @property
    def max_length(self): ...
    def strip(self): ...

class IntegerField(Field):
    def clean(self): ...
    def min_value(self): ...
    def max_value(self): ...

class Widget(Other):
    # a comment at the class's own indentation does not end it
    def render(self): ...
"""


def test_only_the_classes_of_the_same_base_are_read() -> None:
    found = _Classes(PY.splitlines(), "python")
    read: list[str] = []

    def members(name: str) -> tuple[str, ...]:
        read.append(name)
        return found.members(name)

    assert set_apart(found.bases, members, "CharField") == ("max_length", "strip()")
    assert sorted(read) == ["CharField", "IntegerField"]  # not Field, not Widget
    assert set_apart(found.bases, members, "Missing") == ()


def test_the_lazy_answers_equal_reading_every_class() -> None:
    """The answers, written out (the eager reader they were once compared with is gone)."""
    found = _Classes(PY.splitlines(), "python")
    assert {name: (base, found.members(name)) for name, base in found.bases.items()} == {
        "Field": ("Base", ("clean()", "validate()")),
        "CharField": ("Field", ("clean()", "max_length", "strip()")),
        "IntegerField": ("Field", ("clean()", "min_value()", "max_value()")),
        "Widget": ("Other", ("render()",)),
    }
    found = _Classes(PY.splitlines(), "python")  # fresh: nothing read yet
    apart = {
        "Field": ("clean()", "validate()"),
        "CharField": ("max_length", "strip()"),
        "IntegerField": ("min_value()", "max_value()"),
        "Widget": ("render()",),
        "Missing": (),
    }
    for name, members in apart.items():
        assert set_apart(found.bases, found.members, name) == members
