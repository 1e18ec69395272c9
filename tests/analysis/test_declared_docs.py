"""A package's declaration files say what its API does; what its entry never reaches is how
it works inside (scan_js, js_family, js_class, api).

nanoid's ``index.d.ts`` says "Generate secure URL-friendly unique ID." above ``export
function nanoid(size?: number): string``; its hand-written ``index.js`` has no comment, and
its caption said "nanoid: takes a size". chalk's typings say "Return a new Chalk instance."
above ``export const Chalk: new (options?: Options) => ChalkInstance``; its source's ``export
class Chalk`` has none. And chalk's film was 7 of 9 shots of ``source/utilities.js`` and
functions its entry never exports; nanoid's filmed ``bin.nanoid`` and its ``print``.
"""

from __future__ import annotations

import json
from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.scan_js import scan_js

NANOID_TYPES = b"""/**
 * Generate secure URL-friendly unique ID.
 *
 * @param size Size of the ID. The default size is 21.
 * @returns A random string.
 */
export function nanoid<Type extends string>(size?: number): Type

/** Generate secure unique ID with custom alphabet. */
export function customAlphabet(alphabet: string): (size?: number) => string
export function customAlphabet(alphabet: string, size: number): () => string

/** Fill a pool of random bytes. */
export declare function random(bytes: number): Uint8Array
"""


def test_a_declaration_files_signatures_are_functions_with_their_docs() -> None:
    fns = scan_js(NANOID_TYPES, "typescript")["fn"]
    assert fns == [
        ["nanoid", 7, "Generate secure URL-friendly unique ID."],
        ["customAlphabet", 10, "Generate secure unique ID with custom alphabet."],
        ["random", 14, "Fill a pool of random bytes."],
    ]  # an overload signs once; ``declare`` keeps its comment


def test_a_signature_beside_its_body_is_the_body() -> None:
    source = b"/** One. */\nexport function f(a: string): string\nexport function f(a) {\n}\n"
    assert scan_js(source, "typescript")["fn"] == [["f", 3, ""]]


def _nanoid(root: Path) -> Path:
    exports = {".": {"types": "./index.d.ts", "default": "./index.js"}}
    package = {"name": "nanoid", "type": "module", "bin": "./bin/nanoid.js", "exports": exports}
    (root / "package.json").write_text(json.dumps(package))
    (root / "README.md").write_text(
        "# Nano ID\n\nA tiny, secure, unique string ID generator for JavaScript.\n\n"
        "```js\nimport { nanoid } from 'nanoid'\nmodel.id = nanoid()\n```\n"
    )
    (root / "index.d.ts").write_bytes(NANOID_TYPES)
    (root / "index.js").write_text(
        "import { webcrypto } from 'node:crypto'\n"
        "function fillPool(bytes) {\n  return webcrypto.getRandomValues(bytes)\n}\n"
        "export function random(bytes) {\n  return fillPool(new Uint8Array(bytes))\n}\n"
        "export function customAlphabet(alphabet, size) {\n  return () => alphabet\n}\n"
        "export function nanoid(size = 21) {\n  return random(size).join('')\n}\n"
    )
    (root / "bin").mkdir()
    (root / "bin" / "nanoid.js").write_text(
        "#!/usr/bin/env node\nimport { nanoid } from '../index.js'\n"
        "function print(msg) {\n  process.stdout.write(msg + '\\n')\n}\n"
        "print(nanoid())\n"
    )
    return root


def test_the_typings_doc_speaks_for_the_function(tmp_path: Path) -> None:
    concepts = {c.name: c for c in analyze(_nanoid(tmp_path), use_cache=False).concepts}
    assert concepts["nanoid"].summary == "Generate secure URL-friendly unique ID."
    assert concepts["customAlphabet"].summary.startswith("Generate secure unique ID")


def test_a_cli_and_helpers_the_entry_never_reaches_rank_below_zero(tmp_path: Path) -> None:
    concepts = {c.name: c for c in analyze(_nanoid(tmp_path), use_cache=False).concepts}
    for inside in ("bin.nanoid", "fillPool", "print"):
        assert inside not in concepts or concepts[inside].score < 0, concepts[inside]


def _chalk(root: Path) -> Path:
    package = {
        "name": "chalk",
        "type": "module",
        "main": "./source/index.js",
        "exports": "./source/index.js",
        "types": "./source/index.d.ts",
    }
    (root / "package.json").write_text(json.dumps(package))
    (root / "readme.md").write_text(
        "# Chalk\n\n> Terminal string styling done right\n\n"
        "```js\nimport chalk from 'chalk';\n\nconsole.log(chalk.blue('Hello world!'));\n```\n"
    )
    source = root / "source"
    source.mkdir()
    (source / "utilities.js").write_text(
        "export function stringReplaceAll(string, substring, replacer) {\n"
        "  return string.split(substring).join(replacer)\n}\n\n"
        "export function stringEncaseCRLFWithFirstIndex(string, prefix, postfix, index) {\n"
        "  return prefix + string + postfix\n}\n"
    )
    (source / "index.js").write_text(
        "import {stringReplaceAll} from './utilities.js';\n\n"
        "const applyOptions = (object, options = {}) => {\n  object.level = options.level;\n};\n\n"
        "export class Chalk {\n  constructor(options) {\n    return chalkFactory(options);\n"
        "  }\n}\n\n"
        "const chalkFactory = options => {\n  const chalk = {};\n  applyOptions(chalk, options);\n"
        "  return stringReplaceAll(chalk, 'a', 'b');\n};\n\n"
        "const chalk = chalkFactory();\nexport default chalk;\n"
    )
    (source / "index.d.ts").write_text(
        "export interface Options {\n  readonly level?: number;\n}\n\n"
        "/**\nReturn a new Chalk instance.\n*/\n"
        "export const Chalk: new (options?: Options) => ChalkInstance;\n\n"
        "export interface ChalkInstance {\n  (...text: unknown[]): string;\n}\n\n"
        "declare const chalk: ChalkInstance;\nexport default chalk;\n"
    )
    return root


def test_a_class_the_typings_declare_as_new_gets_their_doc(tmp_path: Path) -> None:
    concepts = {c.name: c for c in analyze(_chalk(tmp_path), use_cache=False).concepts}
    assert concepts["Chalk"].kind == "class"
    assert concepts["Chalk"].summary == "Return a new Chalk instance."


def test_a_module_the_entry_never_reaches_ranks_as_the_packages_insides(tmp_path: Path) -> None:
    """chalk's film had "source.utilities: a module in ..." (1.54) and nanoid's bin.nanoid
    (0.50): modules no user imports, filmed as if they were its API."""
    concepts = {c.name: c for c in analyze(_chalk(tmp_path), use_cache=False).concepts}
    assert concepts["Chalk"].score > 0
    for inside in ("source.utilities", "stringReplaceAll", "applyOptions", "chalkFactory"):
        assert inside not in concepts or concepts[inside].score < 0, concepts[inside]
