"""Captions drawn from more of the project's own text (issue 12, point 6: captions that teach):
a README blockquote, the object a module is named after, a sentence whose subject is the name,
a family of siblings said in English, and a JSDoc comment. On small repositories in tmp dirs
where a whole profile is needed."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.readme_names import concept_sentences
from sorafilm_nb.story.fallback_gloss import fallback_gloss, family_gloss
from sorafilm_nb.story.gloss import gloss

README = """# Flagship

Flagship parses command lines.

Stable version:
```bash
npm i flagship
```

> Note: `hideArgs` is a shorthand for `process.argv.slice(2)`. It has the benefit of
> working everywhere.

Flagship provides a `Request` object as the `request` property of the context.
Flagship's `Response` object provides helpful methods for working with http responses.

The second parameter is passed a context object. The properties are:

- command: the Command which is displaying the help
"""


def test_a_blockquote_note_is_a_readme_sentence_and_its_label_is_dropped() -> None:
    said = concept_sentences(README, ["hideArgs"])
    # a paragraph ending in ':' ("Stable version:") does not swallow the quote after it
    assert said["hideArgs"].startswith("Note: hideArgs is a shorthand")
    assert gloss("hideArgs", said["hideArgs"]) == "hideArgs: a shorthand for process.argv.slice(2)"


def test_a_module_takes_the_sentence_whose_subject_is_its_object() -> None:
    said = concept_sentences(README, ["request", "response"], modules=["request", "response"])
    # "Flagship provides a `Request` ..." names it third: not its subject
    assert "request" not in said
    assert said["response"].startswith("Flagship's Response object provides")
    assert gloss("response", said["response"]) == (
        "response: provides helpful methods for working with http responses"
    )
    assert concept_sentences(README, ["response"]) == {}  # only a module is matched so


def test_a_key_definition_in_an_options_list_is_not_about_the_class() -> None:
    assert "Command" not in concept_sentences(README, ["Command"])


def test_the_name_as_the_subject_of_a_verb_leaves_the_predicate() -> None:
    said = "An AxiosHeaders object instance can contain different types of internal values."
    assert (
        gloss("AxiosHeaders", said)
        == "AxiosHeaders: can contain different types of internal values"
    )
    assert gloss("Signer", "A signer securely signs bytes, then unsigns them.") == (
        "Signer: securely signs bytes, then unsigns them"
    )


def _fn(name: str, summary: str) -> Concept:
    return Concept(name, "function", "cli/decorators.py", 1, summary, 1.0)


def test_a_family_caption_names_its_members_in_english() -> None:
    family = [
        _fn("option", "Attaches an option to the command."),
        _fn("argument", "Attaches an argument to the command."),
    ]
    said = "option, argument: attaches one to the command"  # what the shared gloss says
    assert fallback_gloss("option, argument", family, said, 80) == (
        "option, argument: attaches an option or an argument to the command"
    )
    # a name used as an adjective ("a GET request") is no noun to list
    verbs = [_fn("get", "Sends a GET request."), _fn("put", "Sends a PUT request.")]
    assert family_gloss("get, put", verbs, 80) == ""
    fields = [
        Concept("Integer", "class", "f.py", 1, "An integer field.", 1.0),
        Concept("Url", "class", "f.py", 9, "An URL field.", 1.0),
    ]
    # "an field" (the names taken out) reads as English
    assert fallback_gloss("Integer, Url", fields, "Integer, Url: an field", 80) == (
        "Integer, Url: two kinds of field"
    )


JS = """'use strict';

class Router {
  /**
   * Register a route for the given path.
   *
   * @param {String} path
   * @return {Router}
   */
  route(path) {
    return this;
  }
}

module.exports = { Router };
"""


def test_a_jsdoc_comment_becomes_the_caption(tmp_path: Path) -> None:
    from sorafilm_nb.story.casting import cast
    from sorafilm_nb.story.shot_captions import concept_caption

    root = tmp_path / "router"
    root.mkdir()
    (root / "package.json").write_text('{"name": "router", "main": "index.js"}', encoding="utf-8")
    (root / "index.js").write_text(JS, encoding="utf-8")
    profile = analyze(root, use_cache=False)
    entries = {e.concept.name: e for e in cast(profile, top=4).entries}
    assert concept_caption(entries["Router.route"]) == (
        "Router.route: registers a route for the given path"
    )


SHAPES = """"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.circle = exports.square = exports.Square = exports.Circle = void 0;
class Shape {
}
class Circle extends Shape {
}
exports.Circle = Circle;
Circle.create = (radius) => new Circle(radius);
class Square extends Shape {
}
exports.Square = Square;
Square.create = (side) => new Square(side);
const circleType = Circle.create;
exports.circle = circleType;
const squareType = Square.create;
exports.square = squareType;
"""


def test_a_class_made_by_an_exported_factory_says_which_function_returns_it(
    tmp_path: Path,
) -> None:
    """zod's shape: ``const stringType = ZodString.create; exports.string = stringType``, no
    comment anywhere; "ZodString: a ZodType" only named its base."""
    root = tmp_path / "shapes"
    root.mkdir()
    (root / "package.json").write_text('{"name": "shapes", "main": "index.js"}', encoding="utf-8")
    (root / "index.js").write_text(SHAPES, encoding="utf-8")
    concepts = analyze(root, use_cache=False).concepts
    by_name = {c.name: c for c in concepts if c.kind == "function"}
    circle, square = (
        next(c for c in concepts if c.name == n and c.kind == "class") for n in ("Circle", "Square")
    )
    assert (circle.made_by, by_name["circle"].makes) == ("circle", "Circle")
    base = gloss("Circle", "", kind="class", bases=circle.bases)
    assert base == "Circle: a Shape"
    assert fallback_gloss("Circle", [circle], base) == "Circle: the Shape circle() returns"
    assert fallback_gloss("circle", [by_name["circle"]], "circle") == "circle: returns a Circle"
    pair = [by_name["circle"], by_name["square"]]
    assert fallback_gloss("circle, square", pair, "circle, square", 80) == (
        "circle, square: return Circle and Square"
    )
    assert square.made_by == "square"


def test_a_base_of_the_same_name_in_another_package_says_whose_it_is() -> None:
    ctx = Concept("Context", "class", "typer/models.py", 31, "", 1.0, bases=("click.Context",))
    said = gloss("Context", "", kind="class", bases=ctx.bases)
    assert said == "Context"  # the docstring gloss still says nothing (test_captions_teach)
    assert fallback_gloss("Context", [ctx], said) == "Context: extends click.Context"
    own = Concept("Context", "class", "typer/models.py", 31, "", 1.0, bases=("Context",))
    assert fallback_gloss("Context", [own], "Context") == "Context: a class in typer.models"


APP = """'use strict';

module.exports = class Application {
  /**
   * Shorthand for:
   *
   *    http.createServer(app.callback()).listen(...)
   *
   * @param {Mixed} ...
   * @return {Server}
   * @api public
   */
  listen(...args) {
    return null;
  }

  /**
   * Return JSON representation.
   *
   * @return {Object}
   */
  toJSON() {
    return {};
  }
};
"""


def test_a_jsdoc_return_type_says_what_a_method_gives_back(tmp_path: Path) -> None:
    """koa's listen: its comment's prose is only code, its @return names the class."""
    from sorafilm_nb.analysis.scan_js import scan_js

    scan = scan_js(APP.encode(), "javascript")
    assert scan.get("ret") == [["Application.listen", "Server"]]  # {Object} says nothing
    root = tmp_path / "app"
    root.mkdir()
    (root / "package.json").write_text('{"name": "app", "main": "index.js"}', encoding="utf-8")
    (root / "index.js").write_text(APP, encoding="utf-8")
    listen = next(c for c in analyze(root, use_cache=False).concepts if c.name.endswith("listen"))
    said = gloss(listen.name, listen.summary, kind=listen.kind)
    assert fallback_gloss(listen.name, [listen], said) == "Application.listen: returns a Server"


def test_uses_instead_says_what_the_class_is_with_its_base() -> None:
    summary = "Uses :class:`TimestampSigner` instead of the default :class:`.Signer`."
    assert gloss("TimedSerializer", summary, kind="class", bases=("Serializer",)) == (
        "TimedSerializer: a Serializer that uses TimestampSigner"
    )
    # without a base it only compares: no clause
    assert gloss("TimedSerializer", summary, kind="class") == "TimedSerializer"


def test_a_class_named_like_the_project_takes_a_sentence_naming_it_as_code() -> None:
    readme = (
        "# Typer\n\n"
        "* **Run scripts**: Typer includes a `typer` command that runs scripts.\n\n"
        "Create a `typer.Typer()` app, and create two subcommands.\n\n"
        "When using `z.Typer` with others, mind the order.\n"
    )
    # the project's name in prose is the project; its module-qualified call is the class
    assert concept_sentences(readme, ["Typer"], project="Typer") == {
        "Typer": "Create a typer.Typer() app, and create two subcommands."
    }
    assert concept_sentences(readme, ["Typer"])["Typer"].startswith("Run scripts")


def test_a_declaration_comment_beats_its_compiled_twin(tmp_path: Path) -> None:
    """tsc keeps JSDoc in the .d.ts and may drop it from the .js; the concept is ranked from
    the .js (it is what runs), and its caption reads the .d.ts comment."""
    root = tmp_path / "pkg"
    (root / "lib").mkdir(parents=True)
    (root / "package.json").write_text(
        '{"name": "pkg", "main": "lib/index.js", "types": "lib/index.d.ts"}', encoding="utf-8"
    )
    (root / "lib" / "index.js").write_text(
        '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n'
        "exports.Router = void 0;\nclass Router {\n    route(path) {\n        return this;\n"
        "    }\n}\nexports.Router = Router;\n//# sourceMappingURL=index.js.map\n",
        encoding="utf-8",
    )
    (root / "lib" / "index.d.ts").write_text(
        "export declare class Router {\n    /**\n     * Register a handler for the given path.\n"
        "     */\n    route(path: string): this;\n}\n",
        encoding="utf-8",
    )
    (root / "README.md").write_text(
        "# pkg\n\n```js\nconst { Router } = require('pkg')\nnew Router().route('/')\n```\n",
        encoding="utf-8",
    )
    route = next(c for c in analyze(root, use_cache=False).concepts if c.name == "Router.route")
    assert route.file == "lib/index.js"
    assert gloss(route.name, route.summary, kind=route.kind) == (
        "Router.route: registers a handler for the given path"
    )


def test_a_readme_call_takes_the_comment_of_the_member_its_declarations_document(
    tmp_path: Path,
) -> None:
    """ky's ``ky.get(url).json()``: the runtime makes its methods in a loop, without comments;
    the declarations document ``json`` once, as a callable; a data property of the same name
    (an option) and an undocumented twin do not count, and two documented ones say nothing."""
    from sorafilm_nb.analysis.signature import with_member_docs

    root = tmp_path / "fetcher"
    (root / "types").mkdir(parents=True)
    (root / "package.json").write_text(
        '{"name": "fetcher", "main": "index.js", "types": "index.d.ts"}', encoding="utf-8"
    )
    (root / "index.js").write_text(
        "const createInstance = () => {\n  const fetcher = (url) => fetch(url);\n"
        "  for (const m of ['get']) {\n    fetcher[m] = (url) => fetch(url);\n  }\n"
        "  return fetcher;\n};\nconst fetcher = createInstance();\nexport default fetcher;\n",
        encoding="utf-8",
    )
    (root / "types" / "promise.d.ts").write_text(
        "export type Reply = {\n    blob: () => Promise<Blob>;\n"
        "    /**\n    Get the response body as JSON.\n    */\n"
        "    json: <J>() => Promise<J>;\n} & Promise<Response>;\n",
        encoding="utf-8",
    )
    (root / "types" / "options.d.ts").write_text(
        "export type Options = {\n    /**\n    Shortcut for sending JSON.\n    */\n"
        "    json?: unknown;\n};\nexport interface Raw {\n    json(): unknown;\n}\n",
        encoding="utf-8",
    )
    (root / "README.md").write_text(
        "# fetcher\n\n```js\nimport fetcher from 'fetcher';\n"
        "const data = await fetcher('https://x').json();\nawait fetcher.get('https://y');\n```\n",
        encoding="utf-8",
    )
    concepts = analyze(root, use_cache=False).concepts
    json = next(c for c in concepts if c.name.endswith(".json"))
    assert json.summary == "Get the response body as JSON."
    assert gloss(json.name, json.summary, kind=json.kind).endswith(
        ": gets the response body as JSON"
    )
    # two documented callables of one name in a package: neither is said
    results = {
        "a.d.ts": {"lang": "typescript", "mdoc": [["A.json", "Read A."]]},
        "b.d.ts": {"lang": "typescript", "mdoc": [["B.json", "Read B."]]},
    }
    mute = Concept("fetcher.json", "function", "index.js", 3, "", 1.0)
    assert with_member_docs([mute], results)[0].summary == ""
    own = Concept("B.json", "function", "b.js", 3, "", 1.0)  # of the same owner: that one
    assert with_member_docs([own], results)[0].summary == "Read B."
