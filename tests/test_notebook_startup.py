"""What `jupyter nbconvert --execute` pays before our first cell runs (issue 14).

The quickstart's budget (10 s with the kernel start) had 2.1 s of it in nbconvert's own
start: nbformat imports jsonschema, and jsonschema from 4.25 imports rfc3987-syntax, which
builds 39 Lark parsers at import. pyproject caps jsonschema below 4.25 in the [notebook]
extra; this checks the effect (the module is not imported), not a version number, so it
keeps holding if a later jsonschema or rfc3987-syntax loads the grammar lazily and the cap
is lifted.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.util import find_spec

import pytest

# skipped as importorskip("nbformat") skipped it, without importing nbformat while collecting
# (every xdist worker collects this module; the check itself imports it in a child)
pytestmark = pytest.mark.skipif(find_spec("nbformat") is None, reason="could not import 'nbformat'")


def test_nbformat_does_not_build_the_iri_grammar() -> None:
    code = (
        "import sys, nbformat\n"
        "from nbformat import validator\n"
        "validator.get_validator()\n"
        "print(','.join(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", (
        f"nbformat's import loaded {out.stdout.strip()}: the 2 s Lark grammar build is back in "
        "every nbconvert and JupyterLab start (see the jsonschema cap in pyproject.toml)"
    )
