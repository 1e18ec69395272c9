"""js_family finds a declaration's parent and previous sibling by walking only towards the
nodes scan_js asks about, and the top-level function names without a query pattern (issue 14:
the walk of every node made JavaScript a third slower). Both must say exactly what the whole
tree says: each case below is checked against a walk of every node and against the query
patterns top_names replaced."""

from __future__ import annotations

from typing import Any

import pytest
from tree_sitter import Query, QueryCursor

from sorafilm_nb.analysis.js_family import _every_node, family, top_level, top_names
from sorafilm_nb.analysis.scan_js import _parser

SOURCES = {
    "plain": (
        "javascript",
        "/** A. */\nclass A extends B {}\n// x\nfunction f() { class Inner {} }\n"
        "const g = () => 1, h = function () {}, k = 2;\nvar v = function named() {};\n"
        "/** E. */\nexport class E {}\nexport function ef() {}\nexport const ec = () => {};\n"
        "export default function dd() {}\nfor (const q = () => 1; ;) {}\n"
        "if (x) { function nested() {} const w = () => 1; }\n",
    ),
    "blocks": (
        "javascript",
        "{ /** one */ class One {} ; class Two {} }\nswitch (x) { case 1: class Three {} }\n"
        "label: { class Four {} }\nfoo(function () { /** five */ class Five {} });\n"
        "function* gen() {}\nexport function* egen() {}\n",
    ),
    "broken": (
        "javascript",
        "function ok() {}\nclass A { m() { x = ( } }\nexport const h = () => { return ) };\n"
        "/** c */ class B {}\nconst z = function ( {};\n",
    ),
    "error_root": (  # tree-sitter makes the root an ERROR, not a program: nothing is top level
        "javascript",
        "function ok() {}\nclass A { m() { ( }\nfunction f( { const g = () => ;\n"
        "export const h = () => {\nclass B {}\n/** c */ function\n",
    ),
    "typescript": (
        "typescript",
        "namespace N { /** I. */ export class I {} export function nf() {} "
        "export const nv = () => 1; class Hidden {} }\n"
        "declare module 'm' { export function mf(): void; export class MC {} }\n"
        "declare class D {}\nexport abstract class Abs {}\n/** Z */\nabstract class Z {}\n"
        "export namespace Outer { export namespace Inner { export class Deep {} } }\n",
    ),
    "tsx": ("tsx", "export const C = () => <div>{x}</div>;\nclass K extends React.Component {}\n"),
}

# the query patterns top_names replaced, and their filter (scan_js before issue 14)
_OLD_PATTERNS = """
(function_declaration name: (identifier) @fn)
(generator_function_declaration name: (identifier) @fn)
(variable_declarator name: (identifier) @var value: [(arrow_function) (function_expression)])
"""
# and since js-23 a declaration's function signatures (``export function mf(): void``), where
# no body defines the name
_SIGNED = "(function_signature name: (identifier) @sig)"


def _tree(lang: str, text: str) -> tuple[Any, dict[str, list[Any]]]:
    parser, query = _parser(lang)
    tree = parser.parse(text.encode())
    return tree, QueryCursor(query).captures(tree.root_node)


def _brief(pair: tuple[Any, Any]) -> tuple[Any, ...]:
    return tuple(None if n is None else (n.type, n.start_byte, n.end_byte) for n in pair)


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_family_says_what_a_walk_of_every_node_says(case: str) -> None:
    lang, text = SOURCES[case]
    tree, caps = _tree(lang, text)
    root = tree.root_node
    targets = [*caps.get("class", ()), *top_names(root, caps.get("export", ()))]
    assert targets
    found = family(root, targets)
    every = _every_node(root)
    asked = [*targets, *root.children]
    for node in targets:  # and every node above a target, which jsdoc and top_level read
        parent = every[node.id][0]
        while parent is not None and parent.id in every:
            asked.append(parent)
            parent = every[parent.id][0]
    for node in asked:
        assert _brief(found[node.id]) == _brief(every[node.id]), (node.type, node.start_byte)


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_top_names_are_the_old_patterns_top_level_captures(case: str) -> None:
    lang, text = SOURCES[case]
    tree, caps = _tree(lang, text)
    root = tree.root_node
    every = _every_node(root)
    old = QueryCursor(Query(_parser(lang)[0].language, _OLD_PATTERNS)).captures(root)
    want = {
        (n.start_byte, n.end_byte)
        for n in [*old.get("fn", ()), *old.get("var", ())]
        if top_level(every[n.id][0], every)
    }
    typed = lang != "javascript"  # (JavaScript's grammar has no signatures)
    signed = QueryCursor(Query(_parser(lang)[0].language, _SIGNED)).captures(root) if typed else {}
    want |= {
        (n.start_byte, n.end_byte)
        for n in signed.get("sig", ())
        if top_level(every[n.id][0], every)
    }
    got = [(n.start_byte, n.end_byte) for n in top_names(root, caps.get("export", ()))]
    assert len(got) == len(set(got))
    assert set(got) == want
    assert want or (case == "error_root" and root.type == "ERROR")
