"""A caption shows what the README's example gives, where the docstring only names the kind
of thing a function does (session 13, captions): ms's README shows ``ms('2 days')  //
172800000`` and its film said "ms: parses or formats the given value"; humanize's shows
``>>> humanize.naturalday(dt.datetime.now())`` then ``'today'`` and its film said
"naturalday: returns a natural day". The analysis keeps the call and its answer
(Concept.readme_gives); the caption says "turns '2 days' into 172800000"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from story_fixtures import bare_concept

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.story.captions import GLOSS_LIMIT, gloss
from sorafilm_nb.story.fallback_gloss import caption_choices, fallback_gloss
from sorafilm_nb.story.gloss_example import example_gloss


def concept(name: str, summary: str = "", **kw: Any) -> Concept:
    return bare_concept(name, "function", summary=summary, **kw)


def caption(c: Concept) -> str:
    """The caption a lone concept shot carries (shot_captions' sources)."""
    return fallback_gloss(c.name, (c,), gloss(c.name, c.summary, kind=c.kind))


def test_a_short_docstring_gives_way_to_what_the_readme_example_gives() -> None:
    ms = concept(
        "ms", "Parse or format the given `val`.", readme_gives=("ms('2 days')", "172800000")
    )
    assert caption(ms) == "ms: turns '2 days' into 172800000"
    day = concept(
        "naturalday",
        "Return a natural day.",
        readme_gives=("naturalday(dt.datetime.now())", "'today'"),
    )
    assert caption(day) == "naturalday: turns dt.datetime.now() into 'today'"
    # without the example, the docstring speaks as before
    assert caption(concept("ms", "Parse or format the given `val`.")) == (
        "ms: parses or formats the given value"
    )


def test_a_docstring_that_says_what_it_does_keeps_its_place() -> None:
    """semver's valid says more than its example ("valid('1.2.3') // '1.2.3'" shows the
    answer it gives for a valid one only): a saying of eight words or more stays first, and
    the example is one of the other true things to say (caption_choices)."""
    c = concept(
        "minVersion",
        "Return the lowest version that can match the given range.",
        readme_gives=("minVersion('>=1.0.0')", "'1.0.0'"),
    )
    assert caption(c) == "minVersion: returns the lowest version that can match the given range"
    choices = caption_choices(c.name, (c,), gloss(c.name, c.summary, kind=c.kind))
    assert "minVersion: turns '>=1.0.0' into '1.0.0'" in choices


def test_a_function_with_no_prose_says_its_example_before_its_parameters() -> None:
    c = concept("apnumber", params=("value",), readme_gives=("apnumber(4)", "'four'"))
    assert caption(c) == "apnumber: turns 4 into 'four'"


def test_what_an_example_cannot_say_on_screen_is_not_said() -> None:
    # the answer is the argument again: it shows nothing the function does
    assert example_gloss(concept("valid", readme_gives=("valid('1.2.3')", '"1.2.3"')), 60) == ""
    # two spaces are one on screen, and clean's example is about those spaces
    spaced = concept("clean", readme_gives=("clean('  =v1.2.3   ')", "'1.2.3'"))
    assert example_gloss(spaced, 60) == ""
    # a key in the README's example is never on screen (redact, strict)
    key = "sk-proj-" + "a1B2c3D4" * 5
    assert example_gloss(concept("sign", readme_gives=(f"sign('{key}')", "'ok'")), 90) == ""
    # too long for the room
    long = concept("f", readme_gives=("f('" + "x" * 30 + "')", "'" + "y" * 30 + "'"))
    assert example_gloss(long, 60) == ""


def test_a_yes_or_no_several_arguments_or_a_variable_say_the_call_whole() -> None:
    gt = concept("gt", readme_gives=("gt('1.2.3', '9.8.7')", "false"))
    assert example_gloss(gt, GLOSS_LIMIT) == "gt('1.2.3', '9.8.7') gives false"
    one = concept("isCancel", readme_gives=("isCancel(err)", "true"))
    assert example_gloss(one, GLOSS_LIMIT) == "isCancel(err) gives true"
    var = concept("precisedelta", readme_gives=("precisedelta(delta)", "'2 days'"))
    assert example_gloss(var, GLOSS_LIMIT) == "precisedelta(delta) gives '2 days'"
    # a call of one argument that holds commas inside its own brackets is one argument
    date = concept("naturaldate", readme_gives=("naturaldate(dt.date(2007, 6, 5))", "'Jun 05'"))
    assert example_gloss(date, GLOSS_LIMIT) == "turns dt.date(2007, 6, 5) into 'Jun 05'"


def test_a_conversion_cut_before_what_it_makes_is_said_to_its_end() -> None:
    """humanize's intword said "converts a large integer", cut before "to a friendly text
    representation": what a conversion makes is its point."""
    summary = (
        "Converts a large integer to a friendly text representation.\n\n"
        "Works best for numbers over 1 million."
    )
    assert gloss("intword", summary) == (
        "intword: converts a large integer to a friendly text representation"
    )


SHAPES = """"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.circle = exports.square = exports.Square = exports.Circle = void 0;
class Shape {
}
class Circle extends Shape {
    grow() { return this; }
}
exports.Circle = Circle;
Circle.create = (radius) => new Circle(radius);
class Square extends Shape {
    tilt() { return this; }
}
exports.Square = Square;
Square.create = (side) => new Square(side);
const circleType = Circle.create;
exports.circle = circleType;
const squareType = Square.create;
exports.square = squareType;
"""

SHAPES_README = """# Shapes

Shapes draws figures.

```js
shapes.circle(2)
shapes.square(3)
```

## Circles

Shapes includes a handful of circle-specific measurements.

```js
shapes.circle(2).grow()
```

## Squares

You can tilt a square when you create one.

Shapes comes with a few square-specific checks.
"""


def test_a_class_made_by_a_function_says_what_the_readme_section_of_that_function_says(
    tmp_path: Path,
) -> None:
    """zod's ZodString is what string() makes, and its caption only listed members ("has
    email(), url(), emoji() and uuid()"); the README's "## Strings" says what it is for:
    "Zod includes a handful of string-specific validations." A sentence about the reader
    ("You can ...": zod's Numbers) is not what the class is."""
    from sorafilm_nb.analysis.profile import analyze
    from sorafilm_nb.story.fallback_gloss import fallback_gloss

    root = tmp_path / "shapes"
    root.mkdir()
    (root / "package.json").write_text('{"name": "shapes", "main": "index.js"}', encoding="utf-8")
    (root / "index.js").write_text(SHAPES, encoding="utf-8")
    (root / "README.md").write_text(SHAPES_README, encoding="utf-8")
    concepts = analyze(root, use_cache=False).concepts
    circle, square = (
        next(c for c in concepts if c.name == n and c.kind == "class") for n in ("Circle", "Square")
    )
    assert circle.made_by == "circle"
    # the project's offer said of the class, without how many (two films' captions "includes a
    # handful of" opened alike)
    assert circle.readme_sentence == "Includes circle-specific measurements."
    said = fallback_gloss("Circle", [circle], gloss("Circle", "", kind="class", bases=circle.bases))
    assert said == "Circle: includes circle-specific measurements"
    # zod's "## Numbers" opens on the reader and says what it offers in its second paragraph
    assert square.made_by == "square"
    assert square.readme_sentence == "Comes with square-specific checks."
    from sorafilm_nb.analysis.readme_factories import factory_sentences

    reader = "# Shapes\n\n## Squares\n\nYou can tilt a square when you create one.\n"
    assert factory_sentences(reader, {"Square": "square"}, "Shapes") == {}
