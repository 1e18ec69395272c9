"""Packages that ship only compiled code (issue 12, item 8): when package.json's entry reaches
into a folder the walk skips (build/, dist/), that folder's JavaScript is read, with the
"only compiled code" warning; a minified bundle gives no mangled names; an entry that points
out of the repository (``../``, a symlink) is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sorafilm_nb.analysis.profile import RepoProfile, analyze
from sorafilm_nb.analysis.project import Metadata
from sorafilm_nb.analysis.scan_js import scan_js


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def names(profile: RepoProfile) -> set[str]:
    return {c.name for c in profile.concepts}


def warned(profile: RepoProfile) -> dict[str, str]:
    return {w.file: w.reason for w in profile.warnings}


_FACTORY = (
    "/** Parses command lines. */\n"
    "export class Parser {\n"
    "  /** Add a command. */\n  command(name) { return this; }\n"
    "  /** Declare an option. */\n  option(key) { return this; }\n"
    "}\n"
    "export function makeParser() { return new Parser(); }\n"
    "//# sourceMappingURL=factory.js.map\n"
)


def test_entry_inside_a_build_folder_is_read_and_warned_about(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "clip", "main": "./build/index.js"}))
    write(tmp_path, "build/index.js", "export { Parser, makeParser } from './lib/factory.js';\n")
    write(tmp_path, "build/lib/factory.js", _FACTORY)
    profile = analyze(tmp_path, use_cache=False)
    assert {"Parser", "makeParser"} <= names(profile), names(profile)
    assert "only compiled JavaScript found" in warned(profile).get("build/", ""), warned(profile)


def test_a_root_entry_that_requires_into_build_reaches_it(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "clip", "main": "./index.cjs"}))
    write(
        tmp_path,
        "index.cjs",
        "const {Parser} = require('./build/lib/factory.js');\nmodule.exports = Parser;\n",
    )
    write(tmp_path, "build/lib/factory.js", _FACTORY)
    profile = analyze(tmp_path, use_cache=False)
    assert "Parser" in names(profile), names(profile)
    assert any("only compiled" in r for r in warned(profile).values()), warned(profile)


def test_build_folder_is_still_skipped_without_an_entry_into_it(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "clip", "main": "./index.js"}))
    write(tmp_path, "index.js", "/** Run it. */\nexport function run() {}\n")
    write(tmp_path, "build/lib/factory.js", _FACTORY)
    profile = analyze(tmp_path, use_cache=False)
    assert "Parser" not in names(profile)


def test_typescript_sources_win_over_the_build_the_entry_names(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "clip", "main": "./dist/factory.js"}))
    write(tmp_path, "dist/factory.js", _FACTORY.replace("Parser", "Compiled"))
    write(tmp_path, "src/factory.ts", _FACTORY.replace("(name)", "(name: string)"))
    profile = analyze(tmp_path, use_cache=False)
    assert "Parser" in names(profile) and "Compiled" not in names(profile), names(profile)
    assert not any("only compiled" in r for r in warned(profile).values()), warned(profile)


def test_an_entry_through_a_symlink_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "build/lib/factory.js", _FACTORY.replace("Parser", "Stolen"))
    repo = tmp_path / "repo"
    write(
        repo,
        "package.json",
        json.dumps(
            {
                "name": "clip",
                "main": "./build/lib/factory.js",
                "exports": {".": "./dist/lib/factory.js"},
            }
        ),
    )
    # build/ is a link to a folder outside; dist/ is a real folder whose lib/ is a link out
    os.symlink(outside / "build", repo / "build")
    (repo / "dist").mkdir()
    os.symlink(outside / "build" / "lib", repo / "dist" / "lib")
    profile = analyze(repo, use_cache=False)
    assert "Stolen" not in names(profile), names(profile)
    # not even opened and refused: the folders are never listed
    assert profile.files_scanned == 0 and not warned(profile), warned(profile)


def test_an_entry_with_dotdot_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "build/lib/factory.js", _FACTORY.replace("Parser", "Stolen"))
    repo = tmp_path / "repo"
    write(repo, "package.json", json.dumps({"name": "clip", "main": "./index.js"}))
    write(repo, "index.js", "module.exports = require('../outside/build/lib/factory.js');\n")
    profile = analyze(repo, use_cache=False)
    assert "Stolen" not in names(profile), names(profile)
    assert profile.files_scanned == 1 and not warned(profile), warned(profile)


def test_minified_bundle_gives_no_mangled_names() -> None:
    body = ";".join(
        [
            "function te(e,t){return e+t}",
            "class Qe{run(){return 1}}",
            "class YargsInstance{command(e){return this}option(e){return this}}",
            "te.command=function(e){return e}",
            "exports.Yargs=function(e){return new YargsInstance}",
        ]
        + [f"var {chr(97 + i % 26)}{i % 10}=function(e){{return e*{i}}}" for i in range(200)]
    )
    result = scan_js(body.encode(), "javascript")
    got = {f[0] for f in result.get("fn", [])} | {c[0] for c in result.get("cls", [])}
    assert {"YargsInstance", "YargsInstance.command", "Yargs"} <= got, got
    assert not got & {"te", "Qe", "te.command", "Qe.run", "a0", "b1"}, got
    assert result.get("min") == 1


def test_an_own_entry_outranks_bundles_an_exports_condition_names(tmp_path: Path) -> None:
    # axios: "exports" names dist/ bundles for some conditions, but main loads ./lib/
    write(
        tmp_path,
        "package.json",
        json.dumps(
            {
                "name": "clip",
                "main": "index.js",
                "exports": {".": {"browser": "./dist/browser/clip.cjs", "default": "./index.js"}},
            }
        ),
    )
    write(tmp_path, "index.js", "import run from './lib/run.js';\nexport default run;\n")
    write(tmp_path, "lib/run.js", "/** Run it. */\nexport default function run() {}\n")
    write(tmp_path, "dist/browser/clip.cjs", _FACTORY)
    profile = analyze(tmp_path, use_cache=False)
    assert "run" in names(profile) and "Parser" not in names(profile), names(profile)
    assert not any("only compiled" in r for r in warned(profile).values()), warned(profile)


def test_an_export_a_factory_makes_hands_out_the_factory_module(tmp_path: Path) -> None:
    # yargs's index.mjs: const Yargs = YargsFactory(shim); export default Yargs
    from sorafilm_nb.analysis.exports import js_exports

    write(
        tmp_path,
        "index.mjs",
        "import shim from './lib/shim.mjs';\n"
        "import {makeParser} from './build/lib/factory.js';\n"
        "const Parser = makeParser(shim);\nexport default Parser;\n",
    )
    write(tmp_path, "build/lib/factory.js", _FACTORY)
    write(tmp_path, "lib/shim.mjs", "export default {};\n")
    got = js_exports(Metadata(tmp_path), ["index.mjs"]).modules
    assert "build/lib/factory.js" in got and "lib/shim.mjs" not in got, got


def test_the_declarations_package_json_names_give_the_exported_names(tmp_path: Path) -> None:
    from sorafilm_nb.analysis.exports import js_exports
    from sorafilm_nb.analysis.project import js_entries

    write(
        tmp_path,
        "package.json",
        json.dumps({"name": "clip", "main": "./dist/index.js", "types": "./dist/index.d.ts"}),
    )
    # the compiled entry names nothing a regex can see; its declarations name the API
    write(tmp_path, "dist/index.js", "var a=require('./p');Object.assign(exports,a);\n")
    write(
        tmp_path,
        "dist/index.d.ts",
        "export * from './parser';\nexport declare const VERSION: string;\n",
    )
    write(
        tmp_path,
        "dist/parser.d.ts",
        "export declare class Parser { command(n: string): this; }\n"
        "export declare function makeParser(): Parser;\n",
    )
    meta = Metadata(tmp_path)
    got = js_exports(meta, js_entries(meta)).names
    assert {"Parser", "makeParser", "VERSION"} <= got, got


def test_an_import_and_a_run_of_spaces_costs_no_more_than_its_length() -> None:
    """_BIND_IMPORT's spaces were four quantifiers over one run: a JSDoc comment "import"
    and 400 spaces cost 2.4 s of CPU in _handed_out, 800 33 s. The bindings are the same."""
    import time

    from sorafilm_nb.analysis.exports import _handed_out

    start = time.process_time()
    assert _handed_out("/** import" + " " * 400 + "x */\n") == []
    assert time.process_time() - start < 0.5  # CPU time; ~2 ms
    text = "import a, { b as c } from './m'\nimport * as d from './n'\nexport { a, c, d }\n"
    assert _handed_out(text) == ["./m", "./m", "./n"]


def test_an_entrys_import_and_a_run_of_spaces_costs_no_more_than_its_length(
    tmp_path: Path,
) -> None:
    """_LOADS read "import\\s*\\(?\\s*": two quantifiers over one run of spaces, and an entry's
    comment "import" and 20,000 spaces cost 1.9 s of CPU in entry_build_files (quadratic).
    What an entry loads is found as before."""
    import time

    from sorafilm_nb.analysis.project import entry_build_files

    (tmp_path / "package.json").write_text(json.dumps({"name": "kit", "main": "index.js"}))
    (tmp_path / "index.js").write_text(
        "// import" + " " * 20_000 + "x\nmodule.exports = require('./build/index.js')\n"
    )
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "index.js").write_text("module.exports = 1\n")
    start = time.process_time()
    files = entry_build_files(Metadata(tmp_path))
    assert time.process_time() - start < 0.5  # CPU time; ~5 ms
    assert files == ["build/index.js"]
