"""How a program starts with a JavaScript package, as its README writes it
(analysis.entry_line -> RepoProfile.entry): the tools card says it, so it no longer repeats
the closing card's install line (koa's "JavaScript · npm install koa")."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.entry_line import MAX_CHARS, entry_line

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
