"""The JavaScript scanner's version, apart from the scanner itself.

Every cache key carries it (worker.parser_version), so even a warm analysis of a Python-only
repository asks for it; kept here, asking costs no import of scan_js and jsdoc and their
patterns (~3 ms of every warm `sorafilm plan`, issue 14). Bump it with any change to what
scan_js.py returns.
"""

PARSER_VERSION = "js-14"
