"""A class a declaration file declares in a namespace has its methods read, with their
comments, and its method signatures count as its methods (scan_js, js_class).

dayjs' typings (``declare namespace dayjs { class Dayjs { /** Get the formatted date ...
*/ format(template?: string): string ... } }``) are where its API is written down; its
concept table said "Dayjs class esm/index.d.ts:33 methods 0" and format, add and diff never
appeared.
"""

from __future__ import annotations

import json
from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.scan_js import scan_js

TYPINGS = b"""export = dayjs;

declare function dayjs (date?: dayjs.ConfigType): dayjs.Dayjs

declare namespace dayjs {
  export type ConfigType = string | number | Date | Dayjs
  class Dayjs {
    constructor (config?: ConfigType)
    /**
     * Get the year.
     */
    year(): number
    /**
     * Set the year.
     */
    year(value: number): Dayjs
    /**
     * Get the formatted date according to the string of tokens passed in.
     */
    format(template?: string): string
    /**
     * Returns a cloned Day.js object with a specified amount of time added.
     */
    add(value: number, unit?: string): Dayjs
    diff(date?: ConfigType, unit?: string, float?: boolean): number
  }
  export function isDayjs(d: any): d is Dayjs
}
"""


def test_a_namespaced_class_of_a_declaration_file_has_its_methods() -> None:
    scan = scan_js(TYPINGS, "typescript")
    (row,) = [c for c in scan["cls"] if c[0] == "Dayjs"]
    assert row[4] == 4  # year (its two overloads once), format, add, diff; no constructor
    said = {name: summary for name, _, summary in scan["fn"]}
    assert said["Dayjs.format"] == (
        "Get the formatted date according to the string of tokens passed in."
    )
    assert said["Dayjs.add"].startswith("Returns a cloned Day.js object")
    assert "Dayjs.diff" in said
    assert "Dayjs.constructor" not in said


def test_its_methods_are_concepts_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps({"name": "dates", "main": "index.js", "types": "index.d.ts"}), "utf-8"
    )
    (tmp_path / "index.d.ts").write_bytes(TYPINGS)
    (tmp_path / "index.js").write_text(
        "var Dayjs = function () { function Dayjs(cfg) {} return Dayjs; }();\n"
        "var dayjs = function dayjs(date) { return new Dayjs(date); };\n"
        "module.exports = dayjs;\n",
        "utf-8",
    )
    profile = analyze(tmp_path, use_cache=False)
    by_name = {c.name: c for c in profile.concepts}
    assert by_name["Dayjs"].methods == 4
    assert by_name["Dayjs.format"].summary.startswith("Get the formatted date")
