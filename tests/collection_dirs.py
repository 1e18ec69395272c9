"""The user folders while pytest collects: a throwaway one, set before any test module (or
fixture module) imports the package.

Why: a module that parses a packaged data file at import keeps the parse in the user's cache
(datafiles), so collecting the tests wrote four files into the real ~/.cache/sorafilm-nb,
before _isolated_user_dirs (conftest.py) points each test at its own folders. Imported first
by conftest.py; its import order is the point.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

ROOT = tempfile.mkdtemp(prefix="sorafilm-collect-")
os.environ["SORAFILM_CACHE_DIR"] = os.path.join(ROOT, "cache")
os.environ["SORAFILM_DATA_DIR"] = os.path.join(ROOT, "data")
atexit.register(shutil.rmtree, ROOT, True)
