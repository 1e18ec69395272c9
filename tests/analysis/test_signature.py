"""What an undocumented concept takes, read from its definition (analysis.signature), and the
caption that says it ("Request: built from a method and a URL"); issue 12, captions that teach.
On small repositories written in tmp dirs."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.signature import definition_params
from sorafilm_nb.story.fallback_gloss import fallback_gloss, params_gloss

PY = '''"""Courier."""


class Request:
    def __init__(self, method: str, url: "URL | str", *, params=None, headers=None):
        self.method = method


class Response:
    """A server's answer to a request."""

    def __init__(self, status_code: int, *, content: bytes = b""):
        self.status_code = status_code


def send(request, timeout=5.0, *args, **kwargs):
    return request
'''

JS = """'use strict';

class Parser {
  constructor(name) {
    this.name = name;
  }

  option(key, opt) {
    return this;
  }

  demand(min = 1, max, _internal) {
    return this;
  }
}

module.exports = { Parser };
"""


def _py_repo(root: Path) -> Path:
    (root / "courier").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "courier"\n', encoding="utf-8")
    (root / "courier" / "models.py").write_text(PY, encoding="utf-8")
    (root / "courier" / "__init__.py").write_text(
        '"""Courier."""\nfrom .models import Request, Response, send\n'
        "__all__ = ['Request', 'Response', 'send']\n",
        encoding="utf-8",
    )
    return root


def test_an_undocumented_class_is_built_from_its_constructor_parameters(tmp_path: Path) -> None:
    profile = analyze(_py_repo(tmp_path / "courier"), use_cache=False)
    by_name = {c.name: c for c in profile.concepts}
    assert by_name["Request"].params == ("method", "url")  # not self, not keyword-only
    assert by_name["send"].params == ("request",)  # a default or *args is not required
    assert by_name["Response"].params == ()  # documented: its docstring speaks for it
    assert params_gloss(by_name["Request"]) == "built from a method and a URL"
    caption = fallback_gloss("Request", [by_name["Request"]], "Request")
    assert caption == "Request: built from a method and a URL"
    assert fallback_gloss("send", [by_name["send"]], "send") == "send: takes a request"


def test_params_survive_the_profile_cache(tmp_path: Path) -> None:
    from sorafilm_nb.analysis.concepts import RepoProfile

    profile = analyze(_py_repo(tmp_path / "courier"), use_cache=False)
    again = RepoProfile.from_json(profile.to_json())
    assert again == profile
    assert {c.name: c.params for c in again.concepts}["Request"] == ("method", "url")


def test_javascript_methods_take_their_parameters_in_order(tmp_path: Path) -> None:
    root = tmp_path / "parser"
    root.mkdir()
    (root / "package.json").write_text('{"name": "parser", "main": "index.js"}', encoding="utf-8")
    (root / "index.js").write_text(JS, encoding="utf-8")
    profile = analyze(root, use_cache=False)
    by_name = {c.name: c for c in profile.concepts}
    assert by_name["Parser.option"].params == ("key", "opt")
    # a default does not make a JavaScript parameter a keyword; _private ones are left out
    assert by_name["Parser.demand"].params == ("min", "max")
    assert by_name["Parser"].params == ("name",)
    assert params_gloss(by_name["Parser.option"]) == "takes a key and options"
    assert params_gloss(by_name["Parser"]) == "built from a name"


def test_definition_params_reads_only_what_a_caller_passes() -> None:
    lines = [
        "def Option(",
        "    default: Optional[Any] = ...,  # the default",
        "    *param_decls: str,",
        "    callback=None,",
        ") -> Any:",
    ]
    assert definition_params(lines, "Option", 1, "function") == ()
    # after a bare * every parameter is passed by keyword, default or not
    assert definition_params(["def f(a, *, b):"], "f", 1, "function") == ("a",)
    ts = ["export function get<T>(url: string, options?: Options): Promise<T> {"]
    assert definition_params(ts, "get", 1, "function", "typescript") == ("url", "options")
    arrow = ["const hideBin = (argv) => argv.slice(2);"]
    assert definition_params(arrow, "hideBin", 1, "function", "javascript") == ("argv",)
    assert definition_params(["x = 1"], "nowhere", 1, "function") == ()
    assert definition_params(lines, "Option", 99, "function") == ()


def test_a_parameter_named_like_the_concept_says_nothing() -> None:
    from sorafilm_nb.analysis.concepts import Concept

    url = Concept("URL", "class", "u.py", 1, "", 1.0, params=("url",))
    assert params_gloss(url) == ""
    flag = Concept("strictCommands", "function", "y.js", 1, "", 1.0, params=("enabled",))
    assert params_gloss(flag) == "takes enabled"  # an adjective takes no article


PARAMS = '''"""Parameters."""
from typing import Any, overload


class OptionInfo:
    pass


@overload
def Option(default: int = ...) -> Any: ...


@overload
def Option(default: str = ...) -> Any: ...


def Option(default: Any = ..., *param_decls: str) -> Any:
    return OptionInfo(
        default=default,
    )


def Either(flag: bool = False) -> Any:
    if flag:
        return OptionInfo()
    return None
'''


def test_a_function_whose_code_returns_one_class_says_so(tmp_path: Path) -> None:
    """typer's Option: overloads, keyword parameters, no docstring, no README sentence; its
    code says plainly what it gives back."""
    from sorafilm_nb.analysis.signature import definition_returns

    lines = PARAMS.splitlines()
    start = next(i for i, t in enumerate(lines, 1) if t.startswith("@overload"))
    assert definition_returns(lines, "Option", start) == "OptionInfo"
    either = next(i for i, t in enumerate(lines, 1) if t.startswith("def Either"))
    assert definition_returns(lines, "Either", either) == ""  # it may return None too
    root = tmp_path / "params"
    (root / "params").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "params"\n', encoding="utf-8")
    (root / "params" / "__init__.py").write_text(PARAMS, encoding="utf-8")
    option = next(c for c in analyze(root, use_cache=False).concepts if c.name == "Option")
    assert option.makes == "OptionInfo"
    assert fallback_gloss("Option", [option], "Option") == "Option: returns an OptionInfo"
