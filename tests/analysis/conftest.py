"""SORAFILM_PYSCAN_PATH: run the analysis tests against another build of the C scanner.

`make test-sanitize` builds _pyscan.c under AddressSanitizer and UndefinedBehaviorSanitizer
and `make test-pythons` builds it once per Python, each into a scratch folder
(``python hatch_build.py --into DIR``), so that no install is touched. This puts that module
where ``from sorafilm_nb.analysis import _pyscan`` finds it, before any test module imports
the scanner, and fails loudly when the path is wrong rather than testing the installed one.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys

NAME = "sorafilm_nb.analysis._pyscan"


def _load(path: str) -> None:
    import sorafilm_nb.analysis as package

    loader = importlib.machinery.ExtensionFileLoader(NAME, path)
    spec = importlib.util.spec_from_file_location(NAME, path, loader=loader)
    if spec is None or not os.path.isfile(path):
        raise RuntimeError(f"SORAFILM_PYSCAN_PATH={path!r} is not a compiled _pyscan module")
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    sys.modules[NAME] = module
    package._pyscan = module  # type: ignore[attr-defined]
    scanner = sys.modules.get("sorafilm_nb.analysis.scan_python")
    if scanner is not None:  # already imported (by an earlier conftest): point it here too
        scanner._pyscan = module


if os.environ.get("SORAFILM_PYSCAN_PATH"):
    _load(os.environ["SORAFILM_PYSCAN_PATH"])
