"""The JavaScript scanner's version, apart from the scanner itself.

Every cache key carries it (worker.parser_version), so even a warm analysis of a Python-only
repository asks for it; kept here, asking costs no import of scan_js and jsdoc and their
patterns (~3 ms of every warm `sorafilm plan`, issue 14). Bump it with any change to what
scan_js.py returns.
"""

# js-15: captures read in source order (py-tree-sitter hands them out of a set: a file's
# first raise, imports and same-line functions came in memory order); scans cached by js-14
# hold one of those orders, so they are made again once.
# js-16: a file nested past tree-sitter's query depth (65,535 levels) is skipped with a
# warning; a scan of one cached by js-15 had silently lost what lay deeper.
# js-17: members defined by name in a loop over a list of strings written out (js_listed.py:
# axios' request methods); such a loop's owner is no longer a member of unknown name (dyn);
# and the members a factory gives the value it makes (js_factory.py: axios.create).
# js-18: a listed loop whose body chooses (if, switch, ?:, return, continue, break, throw,
# try) or assigns or declares its variable makes no members (dyn): js-17 invented some; and
# lists and factories share one cap a file (js_listed.MAX_MADE), where each had its own.
# js-19: a listed or factory member whose name mixes Latin with Cyrillic or Greek letters
# ("dоIt") is no member (js_listed.member_name).
# js-19: a module that is an anonymous function or class (``module.exports = function (val,
# options)``, ``export default () => ...``) is kept as "dflt", with its JSDoc (js_default.py
# names it); js-18 dropped it, and ms's one function was no concept.
# js-20: both branches' js-19 joined (h-attack2's names, h-js2's anonymous exports).
# js-21: a listed member that reads as an ASCII name and is not (fullwidth, bold, Armenian
# look-alikes: redact.compatible) is no member.
# js-22: a class declared in a namespace (``declare namespace dayjs { class Dayjs {...} }``)
# has its methods read, and its method signatures count among its methods.
# js-23: a declaration file's function signatures (``export function nanoid(size?: number):
# string``, ``declare function f()``) are functions with their JSDoc, and a value ``new``
# makes (``export const Chalk: new (options?) => ChalkInstance``) a class with its JSDoc.
PARSER_VERSION = "js-23"
