"""JavaScript and TypeScript APIs as their authors write them (issue 12, item 8): assigned
functions, module.exports and export members, class methods; TypeScript sources preferred
over their compiled lib/, and a warning when only compiled code came."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import RepoProfile, analyze


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def names(profile: RepoProfile) -> set[str]:
    return {c.name for c in profile.concepts}


def test_assigned_and_exported_functions_and_class_methods(tmp_path: Path) -> None:
    write(
        tmp_path,
        "lib/application.js",
        "var app = exports = module.exports = {};\n"
        "/** Mount middleware on the app. */\n"
        "app.use = function use(fn) { return this; };\n"
        "app.listen = function listen() {};\n"
        "app._hidden = function () {};\n"
        "function Layer() {}\n"
        "Layer.prototype.match = function match(path) { return true; };\n"
        "methods.forEach(function (m) { app[m] = function () {}; });\n",
    )
    write(
        tmp_path,
        "lib/express.js",
        "exports = module.exports = createApplication;\n"
        "function createApplication() {}\n"
        "exports.json = bodyParser.json;\n"
        "exports.static = require('serve-static');\n"
        "exports.Router = Router;\n"
        "exports.version = '4.0.0';\n"
        "exports.z = void 0;\n"
        "module.exports.helper = (x) => x;\n",
    )
    write(
        tmp_path,
        "lib/command.js",
        "class Command {\n"
        "  constructor() {}\n"
        "  /** Define an option. */\n"
        "  option(flags) { return this; }\n"
        "  static create() {}\n"
        "  _private() {}\n"
        "  #secret() {}\n"
        "}\n"
        "function parseArgs() {}\n"
        "module.exports = { Command, parseArgs };\n",
    )
    write(
        tmp_path,
        "types/index.ts",  # not src/: that would mark lib/ as its build output
        "export function makeThing(): number { return 1; }\n"
        "export class Thing {\n"
        "  public run(): void {}\n"
        "  private hide(): void {}\n"
        "  protected guard(): void {}\n"
        "}\n"
        "export const answer = 42;\n"
        "const inner = () => 1;\n"
        "export { inner as outer };\n",
    )
    prof = analyze(tmp_path, use_cache=False)
    found = names(prof)
    expected = {
        "app.use",
        "app.listen",
        "Layer.match",
        "json",
        "static",
        "helper",
        "Command.option",
        "Command.create",
        "Thing.run",
        "makeThing",
    }
    assert expected <= found, expected - found
    unwanted = {"app._hidden", "Command.constructor", "Command._private", "Command.#secret"}
    unwanted |= {"Thing.hide", "Thing.guard", "version", "z", "Router", "app.m"}
    assert not unwanted & found, unwanted & found
    use = next(c for c in prof.concepts if c.name == "app.use")
    assert use.summary == "Mount middleware on the app." and use.file == "lib/application.js"
    assert use.line == 3
    option = next(c for c in prof.concepts if c.name == "Command.option")
    assert option.summary == "Define an option."
    assert not prof.warnings  # hand-written lib/ is source, not build output


def test_typescript_sources_are_preferred_over_their_compiled_lib(tmp_path: Path) -> None:
    write(tmp_path, "src/widget.ts", "export class Widget {\n  spin(): void {}\n}\n")
    compiled = (
        '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n'
        "class Widget {\n  spin() {}\n}\nexports.Widget = Widget;\n"
        "//# sourceMappingURL=widget.js.map\n"
    )
    write(tmp_path, "lib/widget.js", compiled)
    write(tmp_path, "lib/widget.d.ts", "export declare class Widget {\n  spin(): void;\n}\n")
    prof = analyze(tmp_path, use_cache=False)
    widgets = [c for c in prof.concepts if c.name == "Widget"]
    assert [c.file for c in widgets] == ["src/widget.ts"]
    assert prof.files_scanned == 1 and not prof.warnings


def test_a_package_of_compiled_code_only_is_warned_about(tmp_path: Path) -> None:
    compiled = (
        '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n'
        "class Widget {\n  spin() {}\n}\nexports.Widget = Widget;\n"
    )
    for stem in ("widget", "gear", "cog"):
        write(tmp_path, f"lib/{stem}.js", compiled.replace("Widget", stem.title()))
    write(tmp_path, "lib/gear.d.ts", "export declare class Gear {}\n")
    write(tmp_path, "index.js", "module.exports = require('./lib/widget');\n")
    prof = analyze(tmp_path, use_cache=False)
    warned = {w.file: w.reason for w in prof.warnings}
    assert "only compiled JavaScript found" in warned["lib/"], warned
    assert "3 of 4" in warned["lib/"]
    assert {"Widget", "Gear", "Cog", "Widget.spin"} <= names(prof)  # still read


def test_a_scan_is_the_same_whatever_memory_the_process_used() -> None:
    """tree-sitter's QueryCursor.captures collects each capture's nodes in a set, so their
    order followed node addresses: which line an exception was first raised on, and the
    order of imports, changed with what the process had parsed before. scan_js reads them
    in source order."""
    from sorafilm_nb.analysis.scan_js import _parser, scan_js

    source = "".join(
        f"const m{i} = require('mod{i}');\nfunction f{i}() {{ throw new TypeError('x'); }}\n"
        for i in range(60)
    ).encode()
    first = scan_js(source, "javascript")
    assert first["rz"] == {"TypeError": [60, 2]}
    assert first["imp"] == [f"mod{i}" for i in range(60)]
    parser = _parser("javascript")[0]
    for n in range(1, 40):  # other trees alive move where the next one's nodes live
        kept = [parser.parse(source) for _ in range(n)]
        assert scan_js(source, "javascript") == first, n
        del kept
