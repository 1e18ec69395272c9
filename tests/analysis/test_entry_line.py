"""How a program starts with a JavaScript or Python package, as its README writes it
(analysis.entry_line -> RepoProfile.entry): the tools card says it, so it no longer repeats
the closing card's install line (koa's "JavaScript · npm install koa") nor says an import
the README does not write (tabulate's "import tabulate")."""

from __future__ import annotations

from pathlib import Path

import sorafilm_nb
from sorafilm_nb.analysis.entry_line import MAX_CHARS, entry_line
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.card_facts import entry_point

AXIOS = """# axios

```js
import axios, {isCancel, AxiosError, AxiosHeaders, formToJSON} from 'axios';
```

```sh
const fake = require('axios')
```

```js
import express from 'express';
import axios from 'axios';
```
"""


def test_the_readmes_first_short_line_for_this_package() -> None:
    # the first is too long for a card, the shell block is no example, express is another
    assert len("import axios, {isCancel, AxiosError, AxiosHeaders, formToJSON} from 'axios'") > (
        MAX_CHARS
    )
    assert entry_line(AXIOS, "npm install axios") == "import axios from 'axios'"


def test_a_module_of_the_package_counts_another_package_never() -> None:
    readme = "```js\nconst yargs = require('yargs/yargs');\n```\n"
    assert entry_line(readme, "npm install yargs") == "const yargs = require('yargs/yargs')"
    assert entry_line(readme, "npm install yarg") == ""  # "yarg" is not "yargs"


def test_nothing_without_an_npm_install_line() -> None:
    readme = "```js\nconst Koa = require('koa');\n```\n"
    assert entry_line(readme, "npm install koa") == "const Koa = require('koa')"
    assert entry_line(readme, "") == "" and entry_line(readme, "pip install koa") == ""


TABULATE = """# python-tabulate

```
pip install tabulate
```

```pycon
>>> import numpy as np
>>> from tabulate import tabulate
>>> print(tabulate(table))
```
"""


def test_python_the_readmes_own_import_of_the_package_pip_installs() -> None:
    """tabulate's tools card said "import tabulate" while every example of its README starts
    ``from tabulate import tabulate``: the README's line, as for JavaScript."""
    assert entry_line(TABULATE, "pip install tabulate") == "from tabulate import tabulate"
    # pip's spelling of the name: "py-yaml" installs what imports as py_yaml
    readme = "```python\nimport py_yaml.loader as yl\n```\n"
    assert entry_line(readme, "pip install py-yaml") == "import py_yaml.loader as yl"
    # another package's import is not how this one starts; nor is a parenthesised one, whose
    # names are on the lines below, nor a line too long for a card
    assert entry_line(TABULATE, "pip install numpy2") == ""
    assert (
        entry_line("```python\nfrom brew import (\n    pour,\n)\n```\n", "pip install brew") == ""
    )
    long = "from brew import Kettle, Teapot, Strainer, pour, steep, serve"
    assert (
        len(long) > MAX_CHARS and entry_line(f"```python\n{long}\n```\n", "pip install brew") == ""
    )


def test_a_hostile_entry_line_reaches_the_card_as_shown_text(tmp_path: Path) -> None:
    # every other text of the profile is terminal.shown: a README's right-to-left override
    # and zero-width space in the line reached the tools card, plan.md and film.vtt as written
    (tmp_path / "package.json").write_text('{"name": "koa", "main": "index.js"}')
    (tmp_path / "index.js").write_text(
        "class Application { use() {} }\nmodule.exports = Application;\n"
    )
    (tmp_path / "README.md").write_text(
        "# koa\n\n```sh\nnpm install koa\n```\n\n"
        "```js\nconst \u202eaoK\u200b\u2066 = require('koa');\n```\n"
    )
    profile = analyze(tmp_path, use_cache=False)
    assert profile.entry == "const aoK = require('koa')"
    assert entry_point(profile) == profile.entry


def test_a_line_holding_a_key_is_no_card_line(tmp_path: Path) -> None:
    """A README's "import { AKIA... } from 'koa'" reached the tools card, and lint's secret
    finding blocked the plan over a line the film can do without: never what redact masks
    (as story.gloss_example says no such example)."""
    (tmp_path / "package.json").write_text('{"name": "koa", "main": "index.js"}')
    (tmp_path / "index.js").write_text(
        "class Application { use() {} }\nmodule.exports = Application;\n"
    )
    (tmp_path / "README.md").write_text(
        "# koa\n\n```sh\nnpm install koa\n```\n\n"
        "```js\nimport { AKIAIOSFODNN7EXAMPLE } from 'koa'\n```\n"
    )
    profile = analyze(tmp_path, use_cache=False)
    assert profile.entry == "import { AKIAIOSFODNN7EXAMPLE } from 'koa'"
    assert entry_point(profile) == ""
    plan = sorafilm_nb.plan(profile)
    assert not [c.text for c in plan.captions if "AKIA" in c.text]
    assert not plan.blocked, [f.message for f in plan.findings]


def test_a_line_of_spaces_costs_no_more_than_its_length() -> None:
    """One README line "import" and 2,000 spaces cost 2.5 s of CPU in the pattern's tries
    (cubic: 3,000 took 8 s, 8,000 minutes), before the profile had a tools card at all."""
    import time

    lines = [f"{head}{' ' * 3000}x" for head in ("import", "const", "import a", "let a =")]
    readme = "```sh\nnpm install koa\n```\n\n```js\n" + "\n".join(lines) + "\n```\n"
    start = time.process_time()
    assert entry_line(readme, "npm install koa") == ""
    assert time.process_time() - start < 0.5  # CPU time; ~1 ms
    # Python's line likewise: "from x import" and 40,000 spaces cost 14.7 s (quadratic)
    lines = [f"{head}{' ' * 20000}!" for head in ("from koa import", "from koa import a")]
    readme = "```python\n" + "\n".join(lines) + "\n```\n"
    start = time.process_time()
    assert entry_line(readme, "pip install koa") == ""
    assert time.process_time() - start < 0.5  # CPU time; ~1 ms
    spaced = "```js\nimport   Koa \t from 'koa'\nconst\tkoa  =  require( 'koa' )\n```\n"
    assert entry_line(spaced, "npm install koa") == "import Koa from 'koa'"


NANOID = """# Nano ID

A tiny, secure, URL-friendly, unique string ID generator for JavaScript.

```js
import { nanoid } from 'nanoid'
model.id = nanoid() //=> "V1StGXR8_Z5jdHi6B-myT"
```
"""


def test_without_an_install_line_package_jsons_name_is_the_package() -> None:
    """nanoid's README imports it and never says ``npm install``: its tools card said only
    "JavaScript". The name package.json gives is evidence enough for the import line."""
    assert entry_line(NANOID, "", "nanoid") == "import { nanoid } from 'nanoid'"
    assert entry_line(NANOID, "", "nano") == ""  # another package's import is not this one's
    assert entry_line(NANOID, "pip install nanoid", "nanoid") == ""  # a Python project


def test_the_profile_of_a_package_without_an_install_line_has_its_entry(tmp_path: Path) -> None:
    from sorafilm_nb.analysis.profile import analyze

    (tmp_path / "package.json").write_text('{"name": "nanoid", "main": "index.js"}')
    (tmp_path / "README.md").write_text(NANOID)
    (tmp_path / "index.js").write_text("export function nanoid(size = 21) {\n  return ''\n}\n")
    profile = analyze(tmp_path, use_cache=False)
    assert profile.install == ""  # nothing shows it published: no install command is made up
    assert profile.entry == "import { nanoid } from 'nanoid'"
