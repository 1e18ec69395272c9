"""The public API ranks first: README examples, exports, decorators; junk stays out.

Every test builds a small repository in a tmp dir and runs the real analyze()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# a hub class that every module names: without the README it would lead the ranking
HUB = '"""Internal plumbing."""\n\nclass Registry:\n    """Keeps track of things."""\n'


def widget_repo(root: Path, readme: str = "") -> Path:
    write(root, "wid/__init__.py", '"""Widgets."""\nfrom .core import Widget, make_widget\n')
    write(root, "wid/registry.py", HUB)
    write(
        root,
        "wid/core.py",
        "from .registry import Registry\n\n"
        'class Widget:\n    """A widget."""\n\n'
        '    def route(self, path):\n        """Register a view for path."""\n\n'
        '    @property\n    def size(self):\n        """Its size."""\n\n'
        'def make_widget():\n    """Make one."""\n    return Widget()\n\n'
        'def helper():\n    """Not exported."""\n',
    )
    for i in range(6):
        write(root, f"wid/m{i}.py", "from .registry import Registry\nRegistry()\n")
    write(root, "README.md", readme or "# wid\n\nWidgets for all.\n")
    return root


def by_name(prof):  # type: ignore[no-untyped-def]
    return {c.name: c for c in prof.concepts}


def test_readme_examples_lead_the_ranking(tmp_path: Path) -> None:
    readme = (
        "# wid\n\nWidgets for all.\n\n```python\nfrom wid import make_widget\n\n"
        "w = make_widget()\n```\n\n    >>> import wid\n    >>> wid.Widget()\n"
    )
    plain = analyze(widget_repo(tmp_path / "a"), use_cache=False)
    assert plain.concepts[0].name == "Registry"  # the hub, by references alone
    prof = analyze(widget_repo(tmp_path / "b", readme), use_cache=False)
    names = [c.name for c in prof.concepts]
    assert names[:2] == ["make_widget", "Widget"]  # the README's order
    c = by_name(prof)
    assert c["make_widget"].in_readme and c["make_widget"].readme_order == 0
    assert c["Widget"].in_readme and c["Widget"].readme_order > 0
    assert not c["Registry"].in_readme and c["Registry"].readme_order == -1
    assert names.index("Registry") > names.index("Widget")
    scores = [x.score for x in prof.concepts]
    assert scores == sorted(scores, reverse=True)


def test_reexports_and_all_mark_exported(tmp_path: Path) -> None:
    root = widget_repo(tmp_path)
    write(root, "wid/extra.py", '__all__ = ["Gadget"]\n\nclass Gadget:\n    """A gadget."""\n')
    c = by_name(analyze(root, use_cache=False))
    assert c["Widget"].exported and c["make_widget"].exported  # re-exported by __init__
    assert c["Gadget"].exported  # in a public module's __all__
    assert not c["helper"].exported and not c["Registry"].exported
    assert c["helper"].public


def test_readme_method_decorator_is_named_by_its_owner(tmp_path: Path) -> None:
    root = widget_repo(tmp_path)
    write(root, "wid/app.py", 'from .core import Widget\n\nclass App(Widget):\n    """An app."""\n')
    write(
        root,
        "README.md",
        "# wid\n\n```python\nfrom wid.app import App\n\napp = App()\n\n"
        '@app.route("/")\ndef home():\n    return app.size\n```\n',
    )
    c = by_name(analyze(root, use_cache=False))
    route = c["App.route"]  # defined on the base class Widget, called on an App
    assert (route.kind, route.file, route.decorator, route.in_readme) == (
        "function",
        "wid/core.py",
        True,
        True,
    )
    assert route.summary == "Register a view for path."
    assert "App.size" not in c  # a property is data, not a method
    assert "home" not in c  # the example's own function is not the project's


def test_only_exceptions_the_project_defines(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pkg/errors.py",
        "class BadThing(ValueError):\n    pass\n\n"
        "def f(x):\n    try:\n        return int(x)\n"
        "    except (ValueError, TypeError, KeyError):\n"
        "        raise BadThing(x)\n    raise RuntimeError('no')\n",
    )
    write(tmp_path, "pkg/use.js", "function g() { throw new TypeError('x'); }\n")
    prof = analyze(tmp_path, use_cache=False)
    exc = {c.name for c in prof.concepts if c.kind == "exception"}
    assert exc == {"BadThing"}
    assert not {"ValueError", "TypeError", "KeyError", "RuntimeError", "Error"} & {
        c.name for c in prof.concepts
    }


def test_markup_never_becomes_a_theme(tmp_path: Path) -> None:
    for i in range(4):
        write(
            tmp_path,
            f"m{i}.py",
            f'def f{i}():\n    """Brew the kettle.\n\n    .. versionadded:: 2.0\n'
            f"    .. versionchanged:: 3.0\n    See :meth:`brew` and :func:`pour`, :class:`Pot`.\n"
            f'    .. deprecated:: 4.0\n    """\n',
        )
    prof = analyze(tmp_path, use_cache=False)
    themes = {w for w, _ in prof.themes} | {c.name for c in prof.concepts if c.kind == "theme"}
    assert "kettle" in themes
    assert not {"versionadded", "versionchanged", "meth", "func", "deprecated"} & themes


@pytest.mark.parametrize(
    ("rel", "group"),
    [
        ("tests/test_x.py", "tests"),
        ("examples/tutorial/app.py", "examples"),
        ("docs/conf.py", "docs"),
        ("benchmarks/bench_x.py", "benchmarks"),
        ("pkg/3rdparty/six.py", None),  # vendored code: always out
        ("third_party/lib.py", None),
    ],
)
def test_non_api_folders_are_out_unless_included(
    tmp_path: Path, rel: str, group: str | None
) -> None:
    write(tmp_path, "pkg/core.py", 'class Core:\n    """The core."""\n')
    write(tmp_path, rel, 'class Outsider:\n    """Not the API."""\n\ndef get_db():\n    pass\n')
    names = {c.name for c in analyze(tmp_path, use_cache=False).concepts}
    assert "Core" in names and not {"Outsider", "get_db"} & names
    everything = ("tests", "examples", "docs", "benchmarks")
    back = {c.name for c in analyze(tmp_path, use_cache=False, include=everything).concepts}
    if group is None:
        assert not {"Outsider", "get_db"} & back
    else:
        assert {"Outsider", "get_db"} <= back
        alone = {c.name for c in analyze(tmp_path, use_cache=False, include=(group,)).concepts}
        assert {"Outsider", "get_db"} <= alone


def test_unknown_include_group_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown group"):
        analyze(tmp_path, include=("test",))


def test_private_names_and_modules(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "from ._impl import Shown\n")
    write(
        tmp_path,
        "pkg/_impl.py",
        'class Shown:\n    """Exported from a private module."""\n\n'
        'class Hidden:\n    """Private module, not exported."""\n\nclass _Secret:\n    pass\n',
    )
    prof = analyze(tmp_path, use_cache=False)
    c = by_name(prof)
    assert c["Shown"].public and c["Shown"].exported
    assert "Hidden" not in c and "_Secret" not in c and "pkg._impl" not in c
    everything = by_name(analyze(tmp_path, use_cache=False, include_private=True))
    assert not everything["Hidden"].public and not everything["_Secret"].public
    assert everything["Hidden"].score < everything["Shown"].score


def test_builtins_in_examples_count_only_when_imported_from_the_project(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", 'def print(*a):\n    """Pretty print."""\n')
    write(tmp_path, "pkg/other.py", 'def list(*a):\n    """A list."""\n')
    write(
        tmp_path,
        "README.md",
        "# pkg\n\n```python\nfrom pkg import print\nprint(list([1]))\n```\n",
    )
    c = by_name(analyze(tmp_path, use_cache=False))
    assert c["print"].in_readme
    assert not c["list"].in_readme  # the builtin list, not the project's


def test_javascript_entry_exports_and_exported_instance_methods(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "cmdr", "main": "./index.js"}))
    write(
        tmp_path,
        "index.js",
        "const { Command } = require('./lib/command.js');\n"
        "exports.program = new Command();\nexports.Command = Command;\n",
    )
    write(
        tmp_path,
        "lib/command.js",
        "class Command {\n  /** Define an option. */\n  option(flags, description) {\n"
        "    return this;\n  }\n\n  parse(argv) {\n    return this;\n  }\n}\n"
        "function internal() {}\nexports.Command = Command;\n",
    )
    write(
        tmp_path,
        "README.md",
        "# cmdr\n\n```js\nconst { program } = require('cmdr');\n"
        "program.option('-d, --debug');\nprogram.parse();\n```\n",
    )
    c = by_name(analyze(tmp_path, use_cache=False))
    assert c["Command"].exported and not c["internal"].exported
    opt = c["Command.option"]
    assert (opt.file, opt.line, opt.in_readme, opt.summary) == (
        "lib/command.js",
        3,
        True,
        "Define an option.",
    )
    assert c["Command.parse"].readme_order > opt.readme_order
