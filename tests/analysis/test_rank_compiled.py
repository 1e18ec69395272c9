"""A package that ships compiled TypeScript: modules named by the build's paths, empty
type-only modules and the entry's own helpers are not what a maintainer would film (issue 12:
ky filmed the module ``distribution.types.options``). On small repositories in tmp dirs."""

from __future__ import annotations

import json
from pathlib import Path

from sorafilm_nb.analysis.profile import analyze

MAP = "//# sourceMappingURL={}.js.map\n"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def fetcher(root: Path, readme: str = "") -> Path:
    """Like ky: dist/ holds compiled .js with .d.ts twins; types/options.js is `export {}`
    (types only) that six declaration files import; get/post are made in a loop."""
    write(root, "package.json", json.dumps({"name": "fetcher", "main": "./dist/index.js"}))
    write(
        root,
        "dist/index.js",
        "import { Client } from './core/Client.js';\n"
        "import { methods } from './core/constants.js';\n"
        "const createInstance = (defaults) => {\n"
        "  const fetcher = (input) => Client.create(input, defaults);\n"
        "  for (const method of methods) {\n"
        "    fetcher[method] = (input) => Client.create(input, {method});\n  }\n"
        "  fetcher.extend = (more) => createInstance(more);\n  return fetcher;\n};\n"
        "const fetcher = createInstance();\nexport default fetcher;\n"
        "export { FetchError } from './errors/FetchError.js';\n" + MAP.format("index"),
    )
    write(root, "dist/index.d.ts", "import type { Options } from './types/options.js';\n")
    write(
        root,
        "dist/core/constants.js",
        "export const methods = ['get', 'post'];\nexport function check(x) { return x; }\n"
        + MAP.format("constants"),
    )
    write(root, "dist/core/constants.d.ts", "import type { Options } from '../types/options.js';\n")
    write(
        root,
        "dist/core/Client.js",
        "export class Client {\n  static create(input, options) { return new Client(); }\n}\n"
        + MAP.format("Client"),
    )
    write(
        root,
        "dist/errors/FetchError.js",
        "export class FetchError extends Error {}\n" + MAP.format("FetchError"),
    )
    write(root, "dist/types/options.js", "export {};\n" + MAP.format("options"))
    write(root, "dist/types/options.d.ts", "export type Options = {retry?: number};\n")
    for i in range(4):
        write(root, f"dist/types/t{i}.d.ts", "import type { Options } from './options.js';\n")
    write(root, "readme.md", readme or "# fetcher\n\nFetches things.\n")
    return root


REFERENCE = """# fetcher

Fetches things.

```js
import fetcher from 'fetcher';
const json = await fetcher.extend({retry: 2})('https://example.com');
```

## API

### fetcher.get(input, options?)
### fetcher.post(input, options?)

Sets `options.method` to the method name and makes a request.
"""


def test_a_module_of_build_output_is_no_concept_but_what_it_defines_is(tmp_path: Path) -> None:
    prof = analyze(fetcher(tmp_path), use_cache=False)
    names = {c.name: c for c in prof.concepts}
    modules = [c.name for c in prof.concepts if c.kind == "module"]
    assert not [m for m in modules if "options" in m or "constants" in m or m.endswith(".d")]
    assert "FetchError" in names and "Client" in names  # what the build defines still counts


def test_an_entry_helper_it_does_not_export_ranks_below_what_it_exports(tmp_path: Path) -> None:
    prof = analyze(fetcher(tmp_path, REFERENCE), use_cache=False)
    names = {c.name: c for c in prof.concepts}
    # still concepts, ranked as private names are: the penalty outweighs their references
    for inside in ("createInstance", "Client", "check"):
        assert names[inside].score < 0 < names["FetchError"].score, inside


def test_a_reference_heading_is_evidence_of_a_member_made_in_a_loop(tmp_path: Path) -> None:
    prof = analyze(fetcher(tmp_path, REFERENCE), use_cache=False)
    names = {c.name: c for c in prof.concepts}
    assert "fetcher.get" in names and "fetcher.post" in names
    got = names["fetcher.get"]
    assert got.file == "dist/index.js" and got.in_readme
    assert got.readme_sentence == "Sets options.method to the method name and makes a request."
    # without the reference nothing shows the loop's members exist
    plain = analyze(fetcher(tmp_path / "plain"), use_cache=False)
    assert "fetcher.get" not in {c.name for c in plain.concepts}
