"""Ranking rules of issue 12 (round 2), each on a small repository written in a tmp dir: what
users touch outweighs what the implementation touches; JavaScript classes and functions handed
out as the module itself; chained calls on the package's entry export."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def names(prof) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.name for c in prof.concepts]


# ------------------------------------------------------- users' references vs the package's own


def plumbing_repo(root: Path) -> Path:
    """``Stream`` is the implementation's type annotation in six of the package's modules;
    ``Loader`` is what three test files use. Both are exported, neither is in the README."""
    write(
        root,
        "pkg/__init__.py",
        "from .types import Stream\nfrom .load import Loader\n__all__ = ['Stream', 'Loader']\n",
    )
    write(root, "pkg/types.py", 'class Stream:\n    """A byte stream."""\n')
    write(root, "pkg/load.py", 'class Loader:\n    """Loads templates."""\n')
    for i in range(6):
        write(
            root,
            f"pkg/mod{i}.py",
            f"from .types import Stream\n\ndef step{i}(s: Stream) -> Stream:\n    return s\n",
        )
    for i in range(3):
        write(
            root,
            f"tests/test_load{i}.py",
            f"import pkg\n\ndef test_{i}():\n    assert pkg.Loader()\n",
        )
    write(root, "README.md", "# pkg\n\nA package.\n")
    return root


def test_what_users_touch_outweighs_what_the_implementation_touches(tmp_path: Path) -> None:
    order = names(analyze(plumbing_repo(tmp_path), use_cache=False))
    assert order.index("Loader") < order.index("Stream"), order


def test_without_shipped_user_code_the_package_references_are_all_there_is(
    tmp_path: Path,
) -> None:
    root = plumbing_repo(tmp_path)
    for i in range(3):
        (root / f"tests/test_load{i}.py").unlink()
    order = names(analyze(root, use_cache=False))
    assert order.index("Stream") < order.index("Loader"), order


def test_subclasses_the_package_keeps_to_itself_count_for_less(tmp_path: Path) -> None:
    """``Base`` has four subclasses the package keeps to itself (its implementation),
    ``Widget`` four it exports (a family users pick from): otherwise they are alike."""
    subs = "".join(f"class Inner{i}(Base):\n    pass\n\n" for i in range(4))
    subs += "".join(f"class Kind{i}(Widget):\n    pass\n\n" for i in range(4))
    write(
        tmp_path,
        "pkg/__init__.py",
        "from .core import *\n",
    )
    write(
        tmp_path,
        "pkg/core.py",
        'class Base:\n    """A base."""\n\nclass Widget:\n    """A widget."""\n\n'
        + subs
        + "__all__ = ['Base', 'Widget', 'Kind0', 'Kind1', 'Kind2', 'Kind3']\n",
    )
    write(tmp_path, "tests/test_core.py", "import pkg\n\ndef test():\n    pkg.Base, pkg.Widget\n")
    write(tmp_path, "README.md", "# pkg\n")
    order = names(analyze(tmp_path, use_cache=False))
    assert order.index("Widget") < order.index("Base"), order


# ------------------------------------------------ JavaScript: the module itself is a class/function


def test_a_class_or_named_function_assigned_to_module_exports_is_extracted() -> None:
    from sorafilm_nb.analysis.scan_js import scan_js

    cls = scan_js(
        b"module.exports = class Application extends Emitter {\n"
        b"  use(fn) { return this }\n  listen() {}\n  _private() {}\n};\n",
        "javascript",
    )
    assert [c[0] for c in cls["cls"]] == ["Application"]
    assert cls["cls"][0][2] == ["Emitter"]
    assert {f[0] for f in cls["fn"]} == {"Application.use", "Application.listen"}
    assert cls["all"] == ["Application"]
    fn = scan_js(b"module.exports = function compose(middleware) { return 1 }\n", "javascript")
    assert [f[0] for f in fn["fn"]] == ["compose"] and fn["all"] == ["compose"]
    # an anonymous one names nothing here (js_default names it); ``export default class X``
    # was already read
    assert "cls" not in scan_js(b"module.exports = class extends E {};\n", "javascript")
    esm = scan_js(b"export default class Router { get() {} }\n", "javascript")
    assert [c[0] for c in esm["cls"]] == ["Router"] and esm["all"] == ["Router"]


def test_an_anonymous_module_export_is_kept_with_its_jsdoc() -> None:
    from sorafilm_nb.analysis.scan_js import scan_js

    fn = scan_js(
        b"var s = 1000;\n/**\n * Parse or format the given `val`.\n */\n"
        b"module.exports = function (val, options) {\n  return parse(val);\n};\n"
        b"function parse(str) { return 1 }\n",
        "javascript",
    )
    assert fn["dflt"] == ["fn", 5, "Parse or format the given `val`.", [], 0, []]
    assert [f[0] for f in fn["fn"]] == ["parse"]
    arrow = scan_js(b"/** Add two. */\nexport default (a, b) => a + b;\n", "javascript")
    assert arrow["dflt"] == ["fn", 2, "Add two.", [], 0, []]
    cls = scan_js(
        b"/** A store. */\nmodule.exports = class extends Base {\n"
        b"  /** Get a key. */\n  get(k) {}\n  _own() {}\n};\n",
        "javascript",
    )
    assert cls["dflt"] == ["cls", 2, "A store.", ["Base"], 2, [["get", 4, "Get a key."]]]


def ms_like(root: Path) -> Path:
    """npm's ms 2.1.3: the package is one anonymous function, with private helpers."""
    write(root, "package.json", '{"name": "tiny-ms", "main": "./index"}\n')
    write(
        root,
        "index.js",
        "/**\n * Helpers.\n */\n\nvar s = 1000;\n\n"
        "/**\n * Parse or format the given `val`.\n *\n * @param {String|Number} val\n"
        " * @api public\n */\n\n"
        "module.exports = function (val, options) {\n"
        "  return typeof val === 'string' ? parse(val) : fmtShort(val);\n};\n\n"
        "/**\n * Parse the given `str` and return milliseconds.\n */\n\n"
        "function parse(str) { return Number(str) * s; }\n\n"
        "/**\n * Short format for `ms`.\n */\n\n"
        "function fmtShort(ms) { return ms + 'ms'; }\n",
    )
    write(
        root, "lib/pad-left.js", "module.exports = function (text, width) {\n  return text;\n};\n"
    )
    write(root, "README.md", "# tiny-ms\n\n```js\ntinyMs('2 days')  // 172800000\n```\n")
    return root


def test_an_anonymous_module_export_is_named_by_its_package(tmp_path: Path) -> None:
    prof = analyze(ms_like(tmp_path), use_cache=False, include_private=True)
    got = {c.name: c for c in prof.concepts}
    main = got["tinyMs"]  # package.json "name", as users bind it
    assert (main.file, main.line, main.kind) == ("index.js", 14, "function")
    assert main.summary == "Parse or format the given `val`."
    assert main.exported and main.in_readme
    order = names(prof)
    assert order[0] == "tinyMs", order
    assert order.index("parse") > order.index("tinyMs") < order.index("fmtShort")
    assert not got["parse"].exported
    # the module is that function: no "index: a module in index" beside it
    assert not [c for c in prof.concepts if c.kind == "module"], order
    # a file that is no entry: named by its stem; undocumented, its parameters say what it takes
    pad = got["padLeft"]
    assert pad.file == "lib/pad-left.js" and pad.params == ("text", "width")


def koa_like(root: Path) -> Path:
    write(root, "package.json", '{"name": "koalike", "main": "lib/application.js"}\n')
    write(
        root,
        "lib/application.js",
        "const Emitter = require('events');\n"
        "/** An application: a stack of middleware. */\n"
        "module.exports = class Application extends Emitter {\n"
        "  /** Add a middleware. */\n  use(fn) { return this }\n"
        "  /** Listen for connections. */\n  listen(port) { return this.handle(port) }\n"
        "  /** Handle one request. */\n  handle(req) { return req }\n"
        "  toJSON() { return {} }\n  inspect() { return this.toJSON() }\n"
        "  static get default() { return this }\n"
        "};\n",
    )
    write(root, "lib/helper.js", "function helper() {}\nmodule.exports = helper;\n")
    write(
        root,
        "README.md",
        "# koalike\n\n```js\nconst Koa = require('koalike');\nconst app = new Koa();\n"
        "app.use(async ctx => { ctx.body = 'Hello' });\napp.listen(3000);\n```\n",
    )
    return root


def test_the_class_a_module_exports_is_exported_and_its_readme_methods_count(
    tmp_path: Path,
) -> None:
    prof = analyze(koa_like(tmp_path), use_cache=False)
    got = {c.name: c for c in prof.concepts}
    assert got["Application"].exported, sorted(got)
    assert got["Application.use"].in_readme and got["Application.listen"].in_readme
    order = names(prof)
    assert order.index("Application.use") < order.index("helper")
    # ``new Koa()`` where Koa = require('koalike') is a README use of the class
    assert got["Application"].in_readme
    # what only the class itself calls is how it works inside, not what it hands out
    assert not got["Application.handle"].exported
    # methods the runtime calls (JSON.stringify, util.inspect) and ESM interop are not API
    assert not {"Application.toJSON", "Application.inspect", "Application.default"} & set(got)


def test_a_member_nothing_outside_names_is_no_neighbour_of_a_readme_member() -> None:
    from sorafilm_nb.analysis.api import neighbours
    from sorafilm_nb.analysis.examples import CodeUse

    def row(name: str, refs: int, readme: bool) -> tuple[object, ...]:
        # the fields of api_pass's rows: kind .. refs (0-11), public, exported, in_readme,
        # readme_order, decorator
        return ("function", name, "lib/app.js", 1, "", 5.0, 0, 0, "javascript", (), 0, refs,
                True, True, readme, 0 if readme else -1, False)  # fmt: skip

    rows = [row("App.use", 3, True), row("App.set", 2, False), row("App.handle", 0, False)]
    got = {r[1]: r[5] for r in neighbours(rows, {"use": CodeUse("use", 0)}, 1)}
    assert got["App.set"] > 5.0  # named in another file: a neighbour users read about
    assert got["App.handle"] == 5.0  # only its own file calls it


# ------------------------------------------------ chained calls on the package's entry export


def chain_repo(root: Path) -> Path:
    write(root, "package.json", '{"name": "chainy", "main": "index.js"}\n')
    write(
        root,
        "index.js",
        "class Builder {\n  /** Add a command. */\n  command(c) { return this }\n"
        "  /** Add an option. */\n  option(o) { return this }\n"
        "  /** Parse the arguments. */\n  parse() { return {} }\n"
        "  /** Reset it. */\n  reset() { return this }\n}\n"
        "/** A builder. */\nfunction build(args) { return new Builder() }\n"
        "module.exports = build;\nmodule.exports.Builder = Builder;\n",
    )
    write(
        root,
        "README.md",
        "# chainy\n\n```js\nconst chainy = require('chainy');\n\n"
        "chainy(process.argv)\n  .command('serve', 'start', (y) => y.positional('port'))\n"
        "  .option('verbose', {alias: 'v'})\n  .parse();\n```\n",
    )
    return root


def test_a_chain_of_calls_on_the_package_export_uses_its_members(tmp_path: Path) -> None:
    from sorafilm_nb.analysis.examples import code_uses

    _, methods = code_uses((chain_repo(tmp_path) / "README.md").read_text())
    assert [(m.receiver, m.name) for m in methods if m.receiver == "chainy"] == [
        ("chainy", "command"),
        ("chainy", "option"),
        ("chainy", "parse"),
    ]
    got = {c.name: c for c in analyze(tmp_path, use_cache=False).concepts}
    for member in ("Builder.command", "Builder.option", "Builder.parse"):
        assert got[member].in_readme, member
    assert not got["Builder.reset"].in_readme


def test_a_javascript_example_keeps_each_names_first_use_and_learns_its_later_call() -> None:
    """_js_uses makes no new CodeUse for a name it has seen (the loop over names is a long
    example's whole cost: 60,000 ``evil(`` took 0.22 s, now 0.09 s), so what a later use
    adds must still come: a member read first and called later is called; an object
    literal's key is no use, the same name after it is; a module's member stays the module
    use it was first, and a constructed object's method has its class."""
    from sorafilm_nb.analysis.examples import code_uses

    readme = (
        "```js\nconst srv = require('srv')\nconst o = { listen: 1, port }\nport.x\n"
        "srv.listen\nsrv.listen(80)\nlisten()\nsrv.use(a)\nsrv.use(b)\nsrv(x).get(1).post\n"
        "const app = new srv.App()\napp.run\napp.run()\n```\n"
    )
    items, methods = code_uses(readme)
    assert [(u.name, u.order, u.module) for u in items.values()] == [
        ("srv", 0, False),
        ("port", 1, False),  # after its use as a key ("listen: 1" is no use of listen)
        ("listen", 2, True),
        ("use", 3, True),
        ("a", 4, False),
        ("b", 5, False),
        ("x", 6, False),
        ("App", 7, True),
    ]
    assert [(m.owner, m.receiver, m.name, m.order, m.call) for m in methods] == [
        ("", "port", "x", 2, False),
        ("", "srv", "listen", 4, True),  # read first, called on the next line
        ("", "srv", "use", 6, True),
        ("", "srv", "get", 9, True),
        ("", "srv", "post", 10, False),
        ("", "srv", "App", 13, True),
        ("App", "app", "run", 14, True),
    ]


# ------------------------------------------------------- Python's __all__ marks the inside


def test_a_name_its_module_leaves_out_of_all_ranks_as_the_inside(tmp_path: Path) -> None:
    """tabulate's __init__ says ``__all__ = ["tabulate", "tabulate_formats",
    "simple_separated_format"]``; its JupyterHTMLStr, defined beside them and never in the
    README, ranked above nothing it hands out only because the film had places to fill.
    ``__all__`` is Python's export, as the entry's exports are JavaScript's: a name its
    module leaves out is ranked as a private name is, unless users are shown it."""
    doc = '"""Tables."""\n__all__ = ["table", "layout"]\n\n\n'
    defs = (
        'def table(rows):\n    """Format rows as a table."""\n\n\n'
        'def layout(sep):\n    """Make a table layout."""\n\n\n'
        'class HtmlStr(str):\n    """Wrap the string with an HTML repr."""\n'
    )
    write(tmp_path / "a", "tabs/__init__.py", doc + defs)
    write(tmp_path / "a", "README.md", "# tabs\n\n```python\nfrom tabs import table\n```\n")
    got = {c.name: c for c in analyze(tmp_path / "a", use_cache=False).concepts}
    assert got["HtmlStr"].score < 0 < got["layout"].score, {n: c.score for n, c in got.items()}
    # the README shows it: users are handed it, whatever __all__ says
    write(tmp_path / "b", "tabs/__init__.py", doc + defs)
    write(tmp_path / "b", "README.md", "# tabs\n\n```python\nfrom tabs import HtmlStr\n```\n")
    shown = {c.name: c for c in analyze(tmp_path / "b", use_cache=False).concepts}
    assert shown["HtmlStr"].score > 0
    # no __all__: no mark, a public name is public
    write(
        tmp_path / "c", "tabs/__init__.py", doc.replace('__all__ = ["table", "layout"]', "") + defs
    )
    write(tmp_path / "c", "README.md", "# tabs\n\n```python\nfrom tabs import table\n```\n")
    bare = {c.name: c for c in analyze(tmp_path / "c", use_cache=False).concepts}
    assert bare["HtmlStr"].score > 0
