"""How a program starts with a JavaScript package, as its README writes it
(analysis.entry_line -> RepoProfile.entry): the tools card says it, so it no longer repeats
the closing card's install line (koa's "JavaScript · npm install koa")."""

from __future__ import annotations

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
