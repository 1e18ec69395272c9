"""Many sibling modules of one shape are one concept (analysis.module_family), on a small
package in the shape of npm's dayjs written in a tmp dir.

dayjs' film had five shots of its locale modules in alphabetical order ("esm.locale.az: a
module in esm/locale/az") and its concept table a locale's ``months`` above the package's
own class; its plugins' helpers (``isDuration``) stood for the plugins.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from sorafilm_nb.analysis.module_family import FAMILY_MIN, module_families
from sorafilm_nb.analysis.profile import analyze

LOCALES = ["af", "am", "ar", "az", "be", "bg", "de", "es", "fr", "zh-cn"]
PLUGINS = [
    "utc",
    "duration",
    "isToday",
    "advancedFormat",
    "calendar",
    "weekday",
    "toArray",
    "toObject",
]

README = """# Dayjs

Fast dates.

```js
import dayjs from 'dayjs'
import 'dayjs/locale/es'
dayjs.locale('es')
dayjs('2018-05-05').locale('zh-cn').format()
```
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def dates(root: Path, locales: list[str] = LOCALES) -> Path:
    write(root, "package.json", json.dumps({"name": "dates", "module": "esm/index.js"}))
    write(root, "README.md", README)
    write(
        root,
        "esm/index.js",
        "import { isDate } from './utils';\n"
        "var isDayjs = function isDayjs(d) { return d instanceof Dayjs; };\n"
        "var dayjs = function dayjs(date, c) { return new Dayjs(date, c); };\n"
        "class Dayjs {\n  format(f) { return f; }\n  add(n, u) { return this; }\n}\n"
        "dayjs.isDayjs = isDayjs;\nexport default dayjs;\n",
    )
    write(root, "esm/utils.js", "export function isDate(d) { return d instanceof Date; }\n")
    for name in locales:
        write(
            root,
            f"esm/locale/{name}.js",
            "import dayjs from '../index';\n"
            "function months(d, f) { return f; }\n"
            f"var locale = {{ name: '{name}', months: months,\n"
            "  ordinal: function (n) { return n; } };\n"
            "dayjs.locale(locale, null, true);\nexport default locale;\n",
        )
    for name in PLUGINS:
        write(
            root,
            f"esm/plugin/{name}/index.js",
            "import { MS } from '../../constant';\n"
            f"var isHelper{name.title()} = function isHelper(d) {{ return !!d; }};\n"
            "export default (function (o, c, d) { c.prototype.x = 1; });\n",
        )
        write(root, f"esm/plugin/{name}/index.d.ts", "declare const plugin: any\nexport = plugin\n")
    return root


def test_sibling_modules_are_one_concept_named_by_their_folder(tmp_path: Path) -> None:
    profile = analyze(dates(tmp_path), use_cache=False)
    names = [c.name for c in profile.concepts]
    assert not [n for n in names if n.startswith("esm.locale.")], names
    family = {c.name: c for c in profile.concepts}["esm.locale"]
    assert family.kind == "module"
    assert family.file == "esm/locale"
    # the README's locales first, in its order: the ones a reader has met
    assert family.summary == f"{len(LOCALES)} modules, such as es and zh-cn"
    # one locale's months() is that locale's, not the package's
    assert "months" not in names
    # the plugins, each an anonymous default export built beside a .d.ts, are one concept
    # too, and their helpers go with them
    plugin = {c.name: c for c in profile.concepts}["esm.plugin"]
    assert plugin.summary.startswith(f"{len(PLUGINS)} modules, such as ")
    assert not [n for n in names if n.startswith("isHelper")], names
    # what the package itself defines stays
    assert {"dayjs", "isDayjs", "Dayjs", "esm.utils"} <= set(names)


def test_a_builds_twin_of_a_family_is_the_same_concept(tmp_path: Path) -> None:
    """dayjs ships its locales twice: esm/locale/ and a minified locale/ (what users import:
    ``dayjs/locale/es``); one concept, by the shorter name."""
    root = dates(tmp_path)
    for name in LOCALES:
        write(
            root, f"locale/{name}.js", f"!function(e,t){{e.dayjs_locale_{name[:2]}=t()}}(this);\n"
        )
    profile = analyze(root, use_cache=False)
    families = [c for c in profile.concepts if c.summary.startswith(f"{len(LOCALES)} modules")]
    assert [c.name for c in families] == ["locale"]


def test_a_few_sibling_modules_stay_modules_of_their_own(tmp_path: Path) -> None:
    few = LOCALES[: FAMILY_MIN - 1]
    profile = analyze(dates(tmp_path, few), use_cache=False)
    names = {c.name for c in profile.concepts}
    assert {f"esm.locale.{n}" for n in few} <= names
    assert "esm.locale" not in names


def test_a_private_folder_of_built_modules_is_no_family(tmp_path: Path) -> None:
    root = dates(tmp_path)
    for i in range(FAMILY_MIN + 2):
        write(root, f"esm/_parts/p{i}.js", "export default (function (o) { return o; });\n")
        write(root, f"esm/_parts/p{i}.d.ts", "declare const p: any\nexport = p\n")
    names = {c.name for c in analyze(root, use_cache=False).concepts}
    assert "esm._parts" not in names
    assert "esm._parts" in {
        c.name for c in analyze(root, use_cache=False, include_private=True).concepts
    }


def _member(i: int) -> tuple[object, ...]:
    """An api_pass module row of a plugin folder's index file, empty and named by nothing."""
    # (kind, name, rel, line, summary, score, raised, caught, lang, bases, methods, refs,
    # public, exported, in_readme, readme_order, decorator)
    row = ("module", f"pkg.m{i}", f"pkg/m{i}/index.js", 0, "", 1.0, (), (), "js", (), ())
    return (*row, 0, True, False, False, -1, False)


def test_a_family_of_thousands_costs_one_read_of_the_readme() -> None:
    """A search of the README for each member cost members x README: 2,000 empty modules in
    one folder and a 1 MB README spent 4.7 s of CPU (20,000: 47 s), and each row's look
    over every member folder 1 s more at 20,000. The examples are the same: the README's,
    in its order."""
    rows = [_member(i) for i in range(2000)]
    readme = "x" * 1_000_000 + " import 'pkg/m7'\n use('m1999') \"m3\"'m3'"
    start = time.process_time()
    out = module_families(rows, readme)
    assert time.process_time() - start < 0.5  # CPU time; ~10 ms
    assert [r[4] for r in out] == ["2000 modules, such as m7 and m1999"]
    many = [_member(i) for i in range(20_000)]
    start = time.process_time()
    assert len(module_families(many)) == 1
    assert time.process_time() - start < 0.5  # CPU time; ~50 ms
