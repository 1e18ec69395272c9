"""Members a JavaScript module defines by name over a list of strings it writes out (axios'
request methods, issue 12 follow-up): the scanner reads the names from the list, never runs
code, and a name passes the checks any member's does; a README call on the package's binding
is its class's member by convention (axios.get is Axios.get, not AxiosHeaders.get)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sorafilm_nb.analysis.js_listed import MAX_LIST, MAX_MADE
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.scan_js import scan_js


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def functions(source: str, lang: str = "javascript") -> dict[str, list[object]]:
    """name -> [line, summary] of what scan_js found."""
    return {row[0]: row[1:] for row in scan_js(source.encode(), lang).get("fn", ())}


# axios' lib/core/Axios.js, 1.7.9, cut down: the shape the scanner has to read
AXIOS = """class Axios {
  constructor(config) { this.defaults = config; }
  /** Dispatch a request */
  request(configOrUrl, config) { return 1; }
}

// Provide aliases for supported request methods
utils.forEach(['delete', 'get', 'head', 'options'], function forEachMethodNoData(method) {
  /*eslint func-names:0*/
  Axios.prototype[method] = function(url, config) {
    return this.request({method, url});
  };
});

utils.forEach(['post', 'put', 'patch'], function forEachMethodWithData(method) {
  function generateHTTPMethod(isForm) {
    return function httpMethod(url, data, config) {
      return this.request({method, url, data});
    };
  }

  Axios.prototype[method] = generateHTTPMethod();

  Axios.prototype[method + 'Form'] = generateHTTPMethod(true);
});

export default Axios;
"""


def test_axios_request_methods_are_members_named_by_their_list() -> None:
    scan = scan_js(AXIOS.encode(), "javascript")
    found = {row[0]: row[1] for row in scan["fn"]}
    for name in ("delete", "get", "head", "options"):
        assert found[f"Axios.{name}"] == 10  # the assignment's line
    for name in ("post", "put", "patch"):
        assert found[f"Axios.{name}"] == 17  # the function generateHTTPMethod returns
    # ``method + 'Form'`` would need the names computed: not read
    assert not any(n.endswith("Form") for n in found)
    # every computed assignment on Axios is explained by its list: no member of unknown name
    # is left for a README call to invent (Axios.isCancel, Axios.create came of it)
    assert "dyn" not in scan


def test_the_loop_forms_and_the_docs_the_scanner_can_find() -> None:
    found = functions(
        "const METHODS = ['get', 'post'];\n"  # 1
        "/** Request helpers, one per method. */\n"
        "for (const m of METHODS) {\n"  # 3
        "  /** Send a request with this method. */\n"
        "  Client.prototype[m] = function (url, options) { return 1; };\n"  # 5
        "}\n"
        "/** Shortcuts. */\n"
        "['json', 'text'].forEach((kind) => {\n"  # 8
        "  Body[kind] = () => kind;\n"  # 9
        "});\n"
        "['a', 'b'].map(function (x) { exports[x] = function () {}; });\n"  # 11
        "lodash.forEach(['one'], v => { if (v) { Obj.prototype[v] = function () {}; } });\n"
    )
    assert found["Client.get"] == [5, "Send a request with this method."]  # its own JSDoc
    assert found["Client.post"] == [5, "Send a request with this method."]
    assert found["Body.json"] == [9, "Shortcuts."]  # the loop's JSDoc speaks for it
    assert found["Body.text"] == [9, "Shortcuts."]
    assert found["a"] == [11, ""] and found["b"] == [11, ""]  # exports[x]: exported names
    assert "Obj.one" not in found  # inside an if: which names it makes, only running says
    source = b"['a', 'b'].map(function (x) { exports[x] = function () {}; });\n"
    scan = scan_js(source, "javascript")
    assert scan["all"] == ["a", "b"]


def test_typescript_const_lists_and_typed_callbacks() -> None:
    found = functions(
        "const requestMethods = ['get', 'put'] as const;\n"
        "requestMethods.forEach((method: string) => {\n"
        "  Ky.prototype[method] = async function (input: string) { return input; };\n"
        "});\n",
        "typescript",
    )
    assert set(found) == {"Ky.get", "Ky.put"}


def test_only_written_out_strings_are_read() -> None:
    found = functions(
        "let later = ['get'];\n"  # not a const: it may hold anything by the loop
        "later.forEach(function (m) { A[m] = function () {}; });\n"
        "['g' + 'et'].forEach(function (m) { B[m] = function () {}; });\n"
        "['ge\\u0074'].forEach(function (m) { C[m] = function () {}; });\n"
        "[`get`].forEach(function (m) { D[m] = function () {}; });\n"
        "['get', other].forEach(function (m) { E[m] = function () {}; });\n"
        "['get', ...more].forEach(function (m) { F[m] = function () {}; });\n"
        "['get'].forEach(function (m, i) { G[i] = function () {}; });\n"  # not the value
        "['get'].forEach(function (m) { function later() { H[m] = function () {}; } });\n"
        "['get'].forEach(function (m) { I[m] = 42; });\n"  # data, not a member function
        "function setup() { ['get'].forEach(function (m) { J[m] = function () {}; }); }\n"
        "['get'].forEach(defineOn);\n"
        "for (const k in ['get']) { K[k] = function () {}; }\n"  # indices, not the strings
        "const late = ['get'];\n"
    )
    assert found == {"setup": [11, ""]}, found


def test_a_loop_that_chooses_or_rebinds_its_name_is_left_unknown() -> None:
    """A body that guards, stops early or changes the loop variable does not make each
    name of the list: it is left to dyn, a member of unknown name, never an invented one."""
    bodies = [
        "if (m !== 'head') { Api[m] = function () {}; }",
        "m = 'x' + m; Api[m] = function () {};",
        "m += 'Async'; Api[m] = function () {};",
        "if (m === 'head') return; Api[m] = function () {};",
        "switch (m) { case 'get': Api[m] = function () {}; }",
        "try { Api[m] = function () {}; } catch (e) {}",
        "m === 'get' ? (Api[m] = function () {}) : 0;",
        "{ let m = 'zzz'; Api[m] = function () {}; }",
        "const [m] = ['zzz']; Api[m] = function () {};",
        "function m() {} Api[m] = function () {};",
        "for (const m of other) Api[m] = function () {};",
        "m++; Api[m] = function () {};",
    ]
    for body in bodies:
        source = f"['get', 'head'].forEach(function (m) {{ {body} }});\n"
        scan = scan_js(source.encode(), "javascript")
        assert not scan.get("fn"), body
        assert scan.get("dyn"), body  # still a member of unknown name on Api
        loop = f"for (const m of ['get', 'head']) {{ {body} }}\n"
        assert not functions(loop), body
    # a nested function's own choices and names run later, on its own: the loop still reads
    nested = "Api[m] = function (x) { if (x) return m; let m2 = m; };"
    assert set(functions(f"['get', 'head'].forEach(function (m) {{ {nested} }});\n")) == {
        "Api.get",
        "Api.head",
    }


def test_hostile_names_pass_the_checks_of_any_member() -> None:
    names = ["__proto__", "<script>", "constructor", "toString", "a b", "", "#x", "$ok", "ok"]
    listed = ", ".join(json.dumps(n) for n in names)
    scan = scan_js(
        f"[{listed}].forEach(function (m) {{\n"
        "  Target.prototype[m] = function () {};\n"
        "  this[m] = function () {};\n"
        "  _private[m] = function () {};\n"
        "  make()[m] = function () {};\n"
        "});\n".encode(),
        "javascript",
    )
    assert [row[0] for row in scan["fn"]] == ["Target.$ok", "Target.ok"]
    assert "dyn" not in scan  # the names are known: none of these owners is left unexplained


def test_a_name_spelled_in_two_alphabets_is_no_member() -> None:
    """A list is the filmed repository's data: "dоIt" with a Cyrillic "о" (and "gеt", "pοst"
    with a Greek omicron) beside the real "doIt" made two concepts that read the same, the
    fake one with whatever docstring the list's author gave it. A name mixing the Latin
    alphabet with the Cyrillic or Greek one, whose letters it copies, is no member; a Latin
    name with accents is one ("größe", "café")."""
    # and look-alikes of ASCII letters from elsewhere (a reviewer): fullwidth, mathematical
    # bold, Armenian, small capital "o" (redact.compatible's table)
    names = ["doIt", "d\u043eIt", "g\u0435t", "p\u03bfst", "gr\u00f6\u00dfe", "caf\u00e9"]
    names += ["d\uff4fIt", "d\U0001d428It", "d\u0585It", "d\u1d0fIt"]
    listed = ", ".join(json.dumps(n, ensure_ascii=False) for n in names)
    scan = scan_js(
        f"[{listed}].forEach(function (m) {{ T.prototype[m] = function () {{}}; }});\n".encode(),
        "javascript",
    )
    assert [row[0] for row in scan["fn"]] == [
        "T.doIt",
        "T.gr\u00f6\u00dfe",
        "T.caf\u00e9",
    ]


def test_a_huge_list_is_data_and_a_reused_list_makes_a_bounded_number() -> None:
    huge = ", ".join(f"'m{i}'" for i in range(MAX_LIST + 1))
    scan = scan_js(
        f"[{huge}].forEach(function (m) {{ X[m] = function () {{}}; }});\n".encode(), "javascript"
    )
    assert "fn" not in scan and scan["dyn"] == [["X", 1]]  # as before: unknown names
    full = ", ".join(f"'m{i}'" for i in range(MAX_LIST))
    loops = "".join(
        f"L.forEach(function (m) {{ A{i}[m] = function () {{}}; }});\n" for i in range(2000)
    )
    source = f"const L = [{full}];\n{loops}".encode()
    start = time.process_time()
    scan = scan_js(source, "javascript")
    spent = time.process_time() - start
    assert len(scan["fn"]) == MAX_MADE  # not 2000 x 64 from 70 KB
    assert spent < 5.0, spent  # CPU time; ~0.2 s


def _axios_like(root: Path, readme: str) -> Path:
    write(root, "package.json", json.dumps({"name": "axios", "main": "index.js"}))
    write(
        root,
        "index.js",
        "import axios from './lib/axios.js';\nimport Axios from './lib/Axios.js';\n"
        "import AxiosHeaders from './lib/AxiosHeaders.js';\n"
        "export { axios as default, Axios, AxiosHeaders };\n",
    )
    write(
        root,
        "lib/axios.js",
        "import Axios from './Axios.js';\n/** Make an instance. */\n"
        "function createInstance() { return new Axios(); }\n"
        "const axios = createInstance();\naxios.Axios = Axios;\n"
        "/** Tell whether a value is a cancellation. */\n"
        "axios.isCancel = function isCancel(value) { return false; };\n"
        "export default axios;\n",
    )
    write(root, "lib/Axios.js", AXIOS)
    write(
        root,
        "lib/AxiosHeaders.js",
        "class AxiosHeaders {\n  /** Read a header. */\n  get(header, parser) { return 1; }\n}\n"
        "export default AxiosHeaders;\n",
    )
    write(root, "README.md", readme)
    return root


def test_the_readme_calls_reach_the_listed_members(tmp_path: Path) -> None:
    readme = (
        "# axios\n\nPromise based HTTP client.\n\n```js\nimport axios from 'axios';\n\n"
        "axios.isCancel(thing);\naxios.get('/user?ID=12345');\n"
        "axios.post('/user', {name: 'Fred'});\nheaders.get('Content-Type');\n```\n"
    )
    prof = analyze(_axios_like(tmp_path, readme), use_cache=False)
    c = {x.name: x for x in prof.concepts}
    get, post = c["Axios.get"], c["Axios.post"]
    assert get.file == "lib/Axios.js" and get.line == 10
    assert get.params == ("url", "config")  # read at the assignment's function
    assert post.params == ("url", "data", "config")  # at the function its factory returns
    # axios.get is Axios.get, not the AxiosHeaders.get that also defines a get
    assert get.in_readme and post.in_readme and get.readme_order < post.readme_order
    assert not c["AxiosHeaders.get"].in_readme or (
        c["AxiosHeaders.get"].readme_order > post.readme_order  # its own headers.get call
    )
    assert "Axios.head" in c  # no README call needed: the list names it
    # a README call on axios of something no list names is no member of Axios
    assert "Axios.isCancel" not in c
    names = [x.name for x in prof.concepts]
    assert names.index("Axios.get") < names.index("AxiosHeaders.get")


# ------------------------------------------------------------------ what a factory gives


def test_a_factory_gives_the_value_it_makes_its_members() -> None:
    """axios' ``create`` is ``instance.create`` inside createInstance, and ``axios`` is what
    createInstance returns; ky's factory is an arrow function and gives ``create`` and
    ``extend`` (``stop`` is a value, not a member function)."""
    found = functions(
        "function createInstance(defaultConfig) {\n"  # 1
        "  const instance = bind(Axios.prototype.request, context);\n"
        "  /** Make a new instance. */\n"
        "  instance.create = function create(instanceConfig) {\n"  # 4
        "    return createInstance(mergeConfig(defaultConfig, instanceConfig));\n"
        "  };\n"
        "  if (debug) { instance.trace = function () {}; }\n"  # may not run: not read
        "  instance.__proto__ = function () {};\n"
        "  other.skip = function () {};\n"
        "  return instance;\n"
        "}\n"
        "const axios = createInstance(defaults);\n"
        "const createKy = (defaults) => {\n"  # 13
        "  const ky = (input) => input;\n"
        "  ky.create = (newDefaults) => createKy(newDefaults);\n"  # 15
        "  ky.extend = (more) => createKy(more);\n"
        "  ky.stop = stop;\n"
        "  return ky;\n"
        "};\n"
        "const ky = createKy();\n"
        "function noLocal() { const x = {}; x.a = function () {}; return {x}; }\n"
        "const none = noLocal();\n"
    )
    assert found["axios.create"] == [4, "Make a new instance."]
    assert found["ky.create"] == [15, ""] and found["ky.extend"] == [16, ""]
    made = {n for n in found if n.startswith(("axios.", "ky.", "none."))}
    assert made == {"axios.create", "ky.create", "ky.extend"}, made


def test_a_factory_called_a_thousand_times_makes_a_bounded_number() -> None:
    from sorafilm_nb.analysis import js_factory

    members = "".join(f"  v.m{i} = function () {{}};\n" for i in range(100))
    calls = "".join(f"const c{i} = make();\n" for i in range(1000))
    source = f"function make() {{\n  const v = {{}};\n{members}  return v;\n}}\n{calls}"
    start = time.process_time()
    found = functions(source)
    spent = time.process_time() - start
    made = [n for n in found if n.startswith("c")]
    assert len(made) == MAX_MADE  # not 1,000 x 100 from 20 KB
    assert {n.split(".")[1] for n in made} <= {f"m{i}" for i in range(js_factory.MAX_MEMBERS)}
    assert spent < 5.0, spent  # CPU time


def test_lists_and_factories_share_one_cap_a_file() -> None:
    """A file that fills the cap with listed members makes none more by factories: each had
    its own MAX_MADE, so a file made twice the members the cap says."""
    names = ", ".join(f"'m{i}'" for i in range(MAX_LIST))
    loops = "".join(
        f"L.forEach(function (m) {{ A{i}[m] = function () {{}}; }});\n" for i in range(8)
    )
    members = "".join(f"  v.f{i} = function () {{}};\n" for i in range(60))
    calls = "".join(f"const c{i} = make();\n" for i in range(10))
    source = f"const L = [{names}];\n{loops}function make() {{\n  const v = {{}};\n{members}"
    found = functions(f"{source}  return v;\n}}\n{calls}")
    made = [n for n in found if n.startswith(("A", "c"))]
    assert len(made) == MAX_MADE, len(made)
    half = "".join(
        f"L.forEach(function (m) {{ A{i}[m] = function () {{}}; }});\n" for i in range(2)
    )
    found = functions(
        f"const L = [{names}];\n{half}function make() {{\n  const v = {{}};\n"
        f"{members}  return v;\n}}\n{calls}"
    )
    assert len([n for n in found if n.startswith("A")]) == 2 * MAX_LIST
    assert len([n for n in found if n.startswith("c")]) == MAX_MADE - 2 * MAX_LIST


def test_a_readme_call_makes_no_member_a_written_one_could_not_be(tmp_path: Path) -> None:
    """A member made in a loop over a list no one can read (express' ``methods.forEach(m =>
    App.prototype[m] = ...)``) is known by the README's calls on it (api._dynamic), and those
    calls come from the filmed repository: ``app.constructor(3)`` and ``app.toString()``
    made the concepts App.constructor and App.toString, names js_listed's member_name refuses
    in any list or source (a method the runtime calls, not the project's API)."""
    write(tmp_path, "package.json", '{"name": "kit5", "main": "index.js"}')
    write(
        tmp_path,
        "index.js",
        "const methods = require('methods');\nfunction App() {}\n"
        "methods.forEach(function (m) { App.prototype[m] = function (x) { return x; }; });\n"
        "module.exports = App;\n",
    )
    write(
        tmp_path,
        "README.md",
        "# kit5\n\n```js\napp.get('/');\napp.constructor(3);\napp.toString();\n"
        "app.valueOf();\napp.$ok(1);\n```\n",
    )
    names = {c.name for c in analyze(tmp_path, use_cache=False).concepts}
    assert {"App.get", "App.$ok"} <= names
    assert not names & {"App.constructor", "App.toString", "App.valueOf"}, names
