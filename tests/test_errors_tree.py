"""The errors tree in sorafilm_nb/errors.py (and the backends' in backends/base.py) is the
list a caller reads to know what to catch: it must name every exception class the package
defines, under its real parent, and nothing that no longer exists."""

from __future__ import annotations

import importlib
import pkgutil
import re

import sorafilm_nb
from sorafilm_nb import errors
from sorafilm_nb.backends import base
from sorafilm_nb.errors import SorafilmError

# a tree line: "│   " or "    " per level above, then "├── " / "└── " (none for the root)
LINE = re.compile(r"^(?P<indent>(?:[│ ]   )*)(?:[├└]── )?(?P<name>[A-Z]\w*)(?:\s|$)")


def tree(doc: str, margin: int) -> dict[str, str | None]:
    """{class name: parent name} from a docstring's drawn tree, whose root is at `margin`."""
    parents: dict[str, str | None] = {}
    stack: list[str] = []
    lines = iter(doc.splitlines())
    for line in lines:  # the tree starts at its root: a bare name at the margin
        if re.fullmatch(r"[A-Z]\w*", line[margin:]) and line[:margin].strip() == "":
            stack = [line[margin:]]
            parents[stack[0]] = None
            break
    for line in lines:
        if not line.strip():
            break
        if "── " not in line:  # a description's continuation line
            continue
        m = LINE.match(line[margin:])
        assert m, f"not a tree line: {line!r}"
        depth = len(m["indent"]) // 4 + 1
        assert 1 <= depth <= len(stack), f"tree line out of place: {line!r}"
        del stack[depth:]
        parents[m["name"]] = stack[-1]
        stack.append(m["name"])
    return parents


def all_subclasses() -> dict[str, type[SorafilmError]]:
    for info in pkgutil.walk_packages(sorafilm_nb.__path__, "sorafilm_nb."):
        if info.name != "sorafilm_nb.__main__":  # runs the CLI
            importlib.import_module(info.name)
    found: dict[str, type[SorafilmError]] = {}
    todo: list[type[SorafilmError]] = [SorafilmError]
    while todo:
        cls = todo.pop()
        assert found.setdefault(cls.__name__, cls) is cls, f"two classes named {cls.__name__}"
        todo.extend(cls.__subclasses__())
    return found


def documented() -> dict[str, str | None]:
    drawn = tree(errors.__doc__ or "", margin=4)
    backends = tree(base.__doc__ or "", margin=0)
    assert drawn.get("BackendError") == "SorafilmError"
    backends.pop("BackendError")
    assert not set(drawn) & set(backends), "a class drawn in both trees"
    return {**drawn, **backends}


def test_every_exception_class_is_in_the_tree_under_its_parent() -> None:
    drawn = documented()
    classes = all_subclasses()
    assert len(classes) > 20  # the walk really imported the package
    missing = sorted(set(classes) - set(drawn))
    assert missing == [], f"add to the errors tree: {missing}"
    stale = sorted(set(drawn) - set(classes))
    assert stale == [], f"in the errors tree but not in the code: {stale}"
    for name, cls in classes.items():
        if cls is SorafilmError:
            continue
        (parent,) = [b for b in cls.__bases__ if issubclass(b, SorafilmError)]
        assert drawn[name] == parent.__name__, f"{name} is drawn under {drawn[name]}"


def test_the_tree_parser_reads_nesting() -> None:
    doc = "Doc.\n\n    A\n    ├── B   x\n    │   └── C   y\n    │       z\n    └── D\n\nMore.\n"
    assert tree(doc, margin=4) == {"A": None, "B": "A", "C": "B", "D": "A"}
