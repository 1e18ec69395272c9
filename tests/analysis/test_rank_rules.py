"""Ranking rules of issue 12's analysis side, each on a small repository written in a tmp dir:
which exceptions lead, the README's neighbours, what a JavaScript package really exports,
methods made in a loop, and names a README example defines itself."""

from __future__ import annotations

import json
from pathlib import Path

from sorafilm_nb.analysis.profile import analyze


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def by_name(prof):  # type: ignore[no-untyped-def]
    return {c.name: c for c in prof.concepts}


def rank_of(prof, name: str) -> int:  # type: ignore[no-untyped-def]
    return [c.name for c in prof.concepts].index(name)


# ------------------------------------------------------------------------------ exceptions

EXC = (
    '"""Errors."""\n\n'
    'class ToolError(Exception):\n    """Base of every error of the tool."""\n\n'
    'class ParseError(ToolError):\n    """The input does not parse."""\n\n'
    'class LoadError(ToolError):\n    """The file cannot be loaded."""\n'
)


def exc_repo(root: Path, readme: str) -> Path:
    write(root, "tool/__init__.py", "from .errors import *\nfrom .core import *\n")
    write(root, "tool/errors.py", EXC + '__all__ = ["ToolError", "ParseError", "LoadError"]\n')
    classes = "".join(
        f'class {n}:\n    """The {n.lower()}."""\n    def run(self):\n        pass\n\n'
        for n in ("Reader", "Writer", "Loader", "Parser")
    )
    write(
        root,
        "tool/core.py",
        "from .errors import ParseError, LoadError\n\n" + classes + "__all__ = "
        '["Reader", "Writer", "Loader", "Parser"]\n',
    )
    # the code raises ParseError and LoadError everywhere: the trouble the code meets
    for i in range(6):
        write(
            root,
            f"tool/step{i}.py",
            "from .errors import ParseError, LoadError\n"
            "from .core import Reader, Writer, Loader, Parser\n\n"
            "def go(x):\n    if x:\n        raise ParseError(x)\n    raise LoadError(x)\n"
            "try:\n    go(1)\nexcept LoadError:\n    pass\n",
        )
    write(root, "README.md", readme)
    return root


def test_without_readme_names_one_root_exception_represents_the_rest(tmp_path: Path) -> None:
    prof = analyze(exc_repo(tmp_path, "# tool\n\nA tool.\n"), use_cache=False)
    excs = [c.name for c in prof.concepts if c.kind == "exception"]
    assert excs[0] == "ToolError"  # the root of the project's exception tree
    # the others are raised a lot, but no example shows them: below the exported classes
    classes = [rank_of(prof, n) for n in ("Reader", "Writer", "Loader", "Parser")]
    assert rank_of(prof, "ParseError") > max(classes)
    assert rank_of(prof, "LoadError") > max(classes)


def test_exceptions_a_readme_example_names_lead(tmp_path: Path) -> None:
    readme = (
        "# tool\n\nA tool.\n\n```python\nimport tool\n\ntry:\n    tool.Reader().run()\n"
        "except tool.LoadError:\n    pass\n```\n"
    )
    prof = analyze(exc_repo(tmp_path, readme), use_cache=False)
    excs = [c.name for c in prof.concepts if c.kind == "exception"]
    assert excs[0] == "LoadError" and by_name(prof)["LoadError"].in_readme
    # a README names one: the root gets no extra place, the unnamed ones stay below the API
    assert rank_of(prof, "ToolError") > rank_of(prof, "Parser")
    assert rank_of(prof, "ParseError") > rank_of(prof, "Parser")


# ------------------------------------------------------------------------------ neighbours


def test_neighbours_of_a_readme_name_in_its_module_rise(tmp_path: Path) -> None:
    write(tmp_path, "net/__init__.py", "from .api import get, post, put\nfrom .util import quote\n")
    write(
        tmp_path,
        "net/api.py",
        "".join(
            f'def {n}(url):\n    """Send a {n.upper()} request."""\n\n'
            for n in ("get", "post", "put")
        ),
    )
    write(tmp_path, "net/util.py", 'def quote(s):\n    """Quote a string for a URL."""\n')
    write(tmp_path, "net/m.py", "from .util import quote\nquote('x')\n")  # used elsewhere
    readme = "# net\n\nHTTP.\n\n```python\nimport net\nr = net.get('https://example.org')\n```\n"
    write(tmp_path, "README.md", readme)
    prof = analyze(tmp_path, use_cache=False)
    assert rank_of(prof, "get") == 0
    # post and put sit beside get in the module the README introduces
    assert rank_of(prof, "post") < rank_of(prof, "quote")
    assert rank_of(prof, "put") < rank_of(prof, "quote")


# ------------------------------------------------------------------------------ JavaScript


def js_app(root: Path, readme: str) -> Path:
    write(root, "package.json", json.dumps({"name": "srv", "main": "index.js"}))
    write(root, "index.js", "'use strict';\nmodule.exports = require('./lib/srv');\n")
    write(
        root,
        "lib/srv.js",
        "var proto = require('./application');\nvar Router = require('./router');\n"
        "/** Create an app. */\nfunction createApp() { var app = {}; return app; }\n"
        "exports = module.exports = createApp;\nexports.application = proto;\n"
        "exports.Router = Router;\n",
    )
    write(
        root,
        "lib/application.js",
        "var methods = require('methods');\nvar utils = require('./utils');\n"
        "var app = exports = module.exports = {};\n"
        "/** Use a middleware. */\napp.use = function use(fn) { utils.etag(fn); };\n"
        "/** Listen for connections. */\napp.listen = function listen() {};\n"
        "methods.forEach(function (method) {\n"
        "  app[method] = function (path) { return this; };\n});\n",
    )
    write(
        root, "lib/router.js", "/** A router. */\nfunction Router() {}\nmodule.exports = Router;\n"
    )
    write(
        root,
        "lib/utils.js",
        "/** Strong ETag of a body. */\nexports.etag = function etag(body) {};\n"
        "/** Compile trust. */\nexports.compileTrust = function compileTrust(v) {};\n",
    )
    write(root, "README.md", readme)
    return root


def test_javascript_public_means_reachable_from_the_entry(tmp_path: Path) -> None:
    prof = analyze(js_app(tmp_path, "# srv\n\nA server.\n"), use_cache=False)
    c = by_name(prof)
    assert c["Router"].exported and c["createApp"].exported
    assert c["app.use"].exported and c["app.listen"].exported  # members of an exported module
    # exports of a file the entry never hands out are internal helpers
    assert not c["etag"].exported and not c["compileTrust"].exported
    assert rank_of(prof, "etag") > rank_of(prof, "app.use")


def test_a_readme_call_of_a_method_made_in_a_loop_is_a_concept(tmp_path: Path) -> None:
    readme = (
        "# srv\n\nA server.\n\n```js\nconst srv = require('srv')\nconst app = srv()\n\n"
        "app.get('/', function (req, res) {})\napp.listen(3000)\n```\n"
    )
    prof = analyze(js_app(tmp_path, readme), use_cache=False)
    c = by_name(prof)
    got = c["app.get"]  # defined by `app[method] = function` in a methods.forEach loop
    assert got.kind == "function" and got.file == "lib/application.js"
    assert got.in_readme and got.readme_order < c["app.listen"].readme_order
    assert rank_of(prof, "app.get") < rank_of(prof, "Router")
    # a name nothing defines, even dynamically, is still no concept
    assert "app.post" not in c


# ------------------------------------------------------------------------------ README names


def test_names_an_example_defines_itself_are_not_uses(tmp_path: Path) -> None:
    write(tmp_path, "cli/__init__.py", "from .main import run, main\n")
    write(
        tmp_path,
        "cli/main.py",
        'def run(fn):\n    """Run fn as a command line program."""\n\n'
        'def main():\n    """The cli command of the package itself."""\n',
    )
    readme = (
        "# cli\n\nCommands.\n\n```python\nimport cli\n\ndef main(name: str):\n"
        "    print(name)\n\nif __name__ == '__main__':\n    cli.run(main)\n```\n"
    )
    write(tmp_path, "README.md", readme)
    c = by_name(analyze(tmp_path, use_cache=False))
    assert c["run"].in_readme
    assert not c["main"].in_readme  # the example's own function, not the package's


def test_object_keys_in_a_javascript_example_are_not_uses(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "q", "main": "index.js"}))
    write(
        tmp_path,
        "index.js",
        "/** Encode a value. */\nexports.encode = function encode(v) {};\n"
        "/** Get a URL. */\nexports.get = function get(url, opts) {};\n",
    )
    readme = "# q\n\n```js\nconst q = require('q')\nq.get('/x', { encode: false })\n```\n"
    write(tmp_path, "README.md", readme)
    c = by_name(analyze(tmp_path, use_cache=False))
    assert c["get"].in_readme
    assert not c["encode"].in_readme


def test_standard_library_names_in_an_example_are_not_the_projects(tmp_path: Path) -> None:
    write(tmp_path, "ser/__init__.py", "from .core import Schema, pprint, date\n")
    write(
        tmp_path,
        "ser/core.py",
        'class Schema:\n    """A schema."""\n\ndef pprint(obj):\n    """Print nicely."""\n\n'
        'def date(s):\n    """A date field."""\n',
    )
    readme = (
        "# ser\n\n```python\nimport datetime\nfrom pprint import pprint\nfrom ser import Schema\n\n"
        "pprint(Schema().dump(datetime.date(2020, 1, 1)))\n```\n"
    )
    write(tmp_path, "README.md", readme)
    c = by_name(analyze(tmp_path, use_cache=False))
    assert c["Schema"].in_readme
    assert not c["pprint"].in_readme and not c["date"].in_readme


def test_members_are_ranked_by_the_files_that_call_them(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "w", "main": "index.js"}))
    write(
        tmp_path,
        "index.js",
        "var app = exports = module.exports = {};\n"
        "/** Configure defaults. */\napp.defaultConfiguration = function () {};\n"
        "/** Assign a setting. */\napp.set = function (k, v) {};\n",
    )
    for i in range(4):  # the tests call app.set; nothing outside calls defaultConfiguration
        write(tmp_path, f"test/t{i}.js", "const app = require('..');\napp.set('x', 1);\n")
    write(tmp_path, "README.md", "# w\n")
    prof = analyze(tmp_path, use_cache=False)
    assert rank_of(prof, "app.set") < rank_of(prof, "app.defaultConfiguration")
    assert by_name(prof)["app.set"].refs == 4


# ------------------------------------------------------------------------------ docs pages


def docs_repo(root: Path) -> Path:
    write(root, "kit/__init__.py", "from .core import build, tidy, Board\n")
    write(
        root,
        "kit/core.py",
        'def build(x):\n    """Build a thing."""\n\ndef tidy(x):\n    """Tidy a thing."""\n\n'
        'class Board:\n    """Where things are built."""\n',
    )
    # tidy is used inside the package; build only by users
    write(root, "kit/m.py", "from .core import tidy, Board\ntidy(Board())\n")
    write(root, "README.md", "# kit\n\nA kit.\n")
    return root


def test_names_the_docs_examples_use_on_several_pages_rise(tmp_path: Path) -> None:
    before = analyze(docs_repo(tmp_path / "a"), use_cache=False)
    assert rank_of(before, "build") > rank_of(before, "tidy")
    root = docs_repo(tmp_path / "b")
    page = "Usage\n=====\n\nBuild one:\n\n.. example::\n\n    result = kit.build(3)\n\n"
    write(root, "docs/changelog.rst", page * 9)  # history, not teaching: not counted
    write(root, "docs/one.rst", page)
    one = analyze(root, use_cache=False)
    assert rank_of(one, "build") > rank_of(one, "tidy")  # one page is an aside
    for i in range(4):  # rst directives, literal blocks and Markdown fences all count
        write(root, f"docs/usage{i}.rst", page)
        write(root, f"docs/more{i}.md", "# More\n\n```python\nimport kit\nkit.build(4)\n```\n")
    prof = analyze(root, use_cache=False)
    assert rank_of(prof, "build") < rank_of(prof, "tidy")
    assert not by_name(prof)["build"].in_readme  # the docs are evidence, not the README


def test_a_changed_docs_page_rebuilds_the_cached_profile(tmp_path: Path) -> None:
    root = docs_repo(tmp_path / "r")
    cache = tmp_path / "cache"
    first = analyze(root, cache_dir=cache)
    for i in range(6):
        write(root, f"docs/p{i}.md", "```python\nimport kit\nkit.build(1)\n```\n")
    second = analyze(root, cache_dir=cache)
    assert second.stats["profile_cache"] == "miss"
    assert rank_of(second, "build") < rank_of(first, "build")


def test_the_representative_exception_is_one_users_can_import(tmp_path: Path) -> None:
    """The root of the tree stands for all only if the package hands it out; else the
    exported exception with the most below it does."""
    write(tmp_path, "tool/__init__.py", "from .errors import LoadError, ParseError\n")
    write(
        tmp_path,
        "tool/errors.py",
        EXC + 'class MissingFile(LoadError):\n    """No such file."""\n',
    )
    write(tmp_path, "README.md", "# tool\n")
    prof = analyze(tmp_path, use_cache=False)
    excs = [c.name for c in prof.concepts if c.kind == "exception"]
    assert excs[0] == "LoadError" and by_name(prof)["LoadError"].exported


def test_docs_pages_are_read_inside_the_repository_only(tmp_path: Path) -> None:
    from sorafilm_nb.analysis import docs

    outside = tmp_path / "outside"
    write(outside, "secret.md", "```python\nimport kit\nkit.build()\n```\n")
    root = tmp_path / "repo"
    write(root, "docs/real.md", "real page\n")
    (root / "docs" / "link.md").symlink_to(outside / "secret.md")
    (root / "doc").symlink_to(outside, target_is_directory=True)  # a docs folder that is a link
    write(root, "docs/CHANGES.rst", "history\n")
    assert docs.read_pages(root.resolve()) == ["real page\n"]
    assert "secret" not in docs.signature(root.resolve())
