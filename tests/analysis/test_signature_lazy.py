"""with_params reads a class's members only when set_apart needs them (issue 14: reading
every class body of the files it opens was ~15 ms of a cold `sorafilm plan` of Django), and
answers exactly as reading them all did."""

from __future__ import annotations

from sorafilm_nb.analysis.signature import _Classes, _set_apart, file_classes, set_apart

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

    assert _set_apart(found.bases, members, "CharField") == ("max_length", "strip()")
    assert sorted(read) == ["CharField", "IntegerField"]  # not Field, not Widget
    assert _set_apart(found.bases, members, "Missing") == ()


def test_the_lazy_answers_equal_reading_every_class() -> None:
    every = file_classes(PY.splitlines(), "python")
    assert every["Widget"] == ("Other", ("render()",))
    found = _Classes(PY.splitlines(), "python")
    for name in [*every, "Missing"]:
        assert _set_apart(found.bases, found.members, name) == set_apart(every, name)
